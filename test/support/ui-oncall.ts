import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Events v2 routing keys are 32 characters: the team's service, and each person's. */
export const UI_PD_KEYS = {
  team: 'R0UT1NGKEYU1TEAM0000000000000000',
  alice: 'R0UT1NGKEYU1AL1CE000000000000001',
  bob: 'R0UT1NGKEYU1B0B00000000000000002',
  carol: 'R0UT1NGKEYU1CAR0L000000000000003',
  dana: 'R0UT1NGKEYU1DANA0000000000000004',
} as const;

/** Whole hours, so the spec's instants read plainly in its YAML. */
const hour = (at: Date, plusHours: number) => new Date(Math.floor(at.getTime() / 3_600_000) * 3_600_000 + plusHours * 3_600_000).toISOString().replace('.000Z', 'Z');

/**
 * The web UI tests' on-call spec: alice and bob take weekly turns on `primary`, carol covers an
 * override starting tomorrow, dana and carol take daily turns on `secondary`. Critical alerts page the
 * team's PagerDuty service and the primary at once (everyone is paged through PagerDuty: the contract server), the secondary
 * after 15 minutes. Secrets are files in `dir`, as an operator keeps them.
 */
export async function writeUiOnCall(dir: string, pagerdutyUrl: string, now: Date): Promise<string> {
  await mkdir(join(dir, 'secrets'), { recursive: true });
  for (const [who, key] of Object.entries(UI_PD_KEYS)) await writeFile(join(dir, 'secrets', `pd-${who}`), key);
  const pd = (who: keyof typeof UI_PD_KEYS) => `pagerduty: { routingKey: { file: ${join(dir, 'secrets', `pd-${who}`)} } }`;
  return `apiVersion: vigil/v1
kind: OnCall
people:
  - { name: alice, displayName: Alice Example, ${pd('alice')} }
  - { name: bob, displayName: Bob Example, ${pd('bob')} }
  - { name: carol, displayName: Carol Example, ${pd('carol')} }
  - { name: dana, ${pd('dana')} }
schedules:
  - name: primary
    timeZone: Europe/Berlin
    rotations:
      - { name: weekly, type: weekly, start: 2026-01-05T09:00, participants: [alice, bob] }
    overrides:
      - { person: carol, from: ${hour(now, 24)}, to: ${hour(now, 36)} }
  - name: secondary
    timeZone: UTC
    rotations:
      - { name: daily, type: daily, start: 2026-01-05T08:00, participants: [dana, carol] }
policies:
  - name: critical
    levels:
      - targets: [{ ${pd('team')} }, { schedule: primary }]
      - after: 15m
        targets: [{ schedule: secondary }]
routes:
  - { name: critical, matchers: ['severity="critical"'], policy: critical }
defaultPolicy: critical
sinks:
  pagerduty: { eventsUrl: ${pagerdutyUrl} }
`;
}
