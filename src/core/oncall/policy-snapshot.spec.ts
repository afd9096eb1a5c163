import { parseOnCallDocument } from '../definitions/oncall.parser.js';
import { parseYamlFile } from '../definitions/yaml-source.js';
import type { OnCallSpec } from '../model/oncall.js';
import type { PolicySnapshot } from '../model/page-target.js';
import { snapshotPolicy } from './policy-snapshot.js';

const SPEC = `apiVersion: vigil/v1
kind: OnCall
people:
  - name: alice
    email: alice@example.com
    slackUser: U0ALICE
    pagerduty: { routingKey: { env: PD_ALICE } }
  - { name: bob, email: bob@example.com }
schedules:
  - name: primary
    timeZone: Europe/Berlin
    rotations: [{ name: weekly, type: weekly, start: 2026-10-05T09:00, participants: [alice, bob] }]
  - name: secondary
    timeZone: Europe/Berlin
    rotations: [{ name: weekly, type: weekly, start: 2026-11-02T09:00, participants: [bob] }]
policies:
  - name: payments
    levels:
      - targets: [{ schedule: primary }, { slackChannel: '#payments' }, { person: alice }]
      - targets: [{ schedule: secondary }]
      - after: 1h
        targets: [{ webhook: { url: 'https://hooks.example.com/page', secret: { file: /run/secrets/hook } } }, { pagerduty: { routingKey: { file: /run/secrets/pd } } }]
    repeat: 2
    repeatAfter: 10m
    ackTimeout: 30m
    fallback: [{ email: devops@example.com }, { person: bob }]
defaultPolicy: payments
`;

function specOf(text: string): OnCallSpec {
  const r = parseOnCallDocument(parseYamlFile('slos/oncall.yaml', text).documents[0]!);
  expect(r.diagnostics).toEqual([]);
  return r.spec!;
}
const spec = specOf(SPEC);
// alice's week on primary; secondary starts only in November.
const AT = new Date('2026-10-20T12:00:00Z');

describe('snapshotPolicy', () => {
  it('resolves schedules to whoever is on call, people to each contact point, each address once; a level with nobody is skipped', () => {
    expect(snapshotPolicy(spec, 'payments-critical', 'payments', 'high', AT)).toEqual<PolicySnapshot>({
      route: 'payments-critical',
      policy: 'payments',
      urgency: 'high',
      resolvedAt: '2026-10-20T12:00:00.000Z',
      levels: [
        {
          level: 1,
          afterSeconds: 0,
          targets: [
            { sink: 'pagerduty', routingKey: { env: 'PD_ALICE' }, who: 'alice' },
            { sink: 'slack', channel: 'U0ALICE', who: 'alice' },
            { sink: 'email', address: 'alice@example.com', who: 'alice' },
            { sink: 'slack', channel: '#payments' },
          ],
          onCall: { primary: ['alice'] },
        },
        { level: 2, afterSeconds: 900, targets: [], skipped: 'schedule "secondary" has nobody on call', onCall: { secondary: [] } },
        {
          level: 3,
          afterSeconds: 3600,
          targets: [
            { sink: 'webhook', url: 'https://hooks.example.com/page', secret: { file: '/run/secrets/hook' } },
            { sink: 'pagerduty', routingKey: { file: '/run/secrets/pd' } },
          ],
          onCall: {},
        },
      ],
      repeat: 2,
      repeatAfterSeconds: 600,
      ackTimeoutSeconds: 1800,
      fallback: [
        { sink: 'email', address: 'devops@example.com' },
        { sink: 'email', address: 'bob@example.com', who: 'bob' },
      ],
    });
  });

  it.each<[string, string, string[], string[]]>([
    ['a week later bob is primary', '2026-10-27T12:00:00Z', ['bob'], ['email:bob@example.com', 'slack:#payments', 'pagerduty:alice', 'slack:U0ALICE', 'email:alice@example.com']],
    ['in November the secondary level pages bob', '2026-11-03T12:00:00Z', ['alice'], ['pagerduty:alice', 'slack:U0ALICE', 'email:alice@example.com', 'slack:#payments']],
  ])('%s', (_, at, primary, level1) => {
    const s = snapshotPolicy(spec, 'r', 'payments', 'high', new Date(at));
    expect(s.levels[0]!.onCall).toEqual({ primary });
    expect(s.levels[0]!.targets.map((t) => `${t.sink}:${'channel' in t ? t.channel : 'address' in t ? t.address : t.who}`)).toEqual(level1);
  });

  it('keeps only level 1 for low urgency, with no repeat and no acknowledgement timeout: it notifies, never escalates', () => {
    const s = snapshotPolicy(spec, 'r', 'payments', 'low', AT);
    expect(s.levels.map((l) => l.level)).toEqual([1]);
    expect([s.repeat, s.ackTimeoutSeconds]).toEqual([0, null]);
  });

  it('throws for a policy the spec does not have (the parser refuses such a route)', () => {
    expect(() => snapshotPolicy(spec, 'r', 'nope', 'high', AT)).toThrow('no policy named "nope"');
  });

  it('is plain JSON, so it can be stored on the incident as it is', () => {
    const s = snapshotPolicy(spec, 'r', 'payments', 'high', AT);
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });
});
