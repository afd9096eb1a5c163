import type { OnCallSpec } from '../core/model/oncall.js';
import { handoffs, onCallAt } from '../core/oncall/schedule.js';

/** How far ahead the next hand-offs are listed: the UI's "next two weeks at a glance". */
const AHEAD_MS = 14 * 86_400_000;

export interface OnCallNow {
  readonly schedule: string;
  readonly timeZone: string;
  readonly at: string;
  readonly onCall: readonly { readonly name: string; readonly displayName: string }[];
  readonly source: 'override' | 'rotation' | 'nobody';
  readonly rotation: string | null;
  readonly shift: { readonly from: string | null; readonly until: string | null };
  readonly nextHandoffs: readonly { readonly at: string; readonly onCall: readonly string[]; readonly source: string }[];
}

/** Who is on call for `scheduleName` at `at`, the current shift and the hand-offs of the next two weeks. Shared by the API and the UI. */
export function whoIsOnCall(spec: OnCallSpec, scheduleName: string, at: Date): OnCallNow {
  const schedule = spec.schedules.find((s) => s.name === scheduleName);
  if (!schedule) throw new Error(`no schedule "${scheduleName}"`);
  const now = onCallAt(schedule, at);
  const people = new Map(spec.people.map((p) => [p.name, p]));
  return {
    schedule: schedule.name,
    timeZone: schedule.timeZone,
    at: at.toISOString(),
    onCall: now.people.map((name) => ({ name, displayName: people.get(name)?.displayName ?? name })),
    source: now.source,
    rotation: now.rotation ?? null,
    shift: { from: now.from?.toISOString() ?? null, until: now.until?.toISOString() ?? null },
    nextHandoffs: handoffs(schedule, at, new Date(at.getTime() + AHEAD_MS)).map((h) => ({ at: h.at.toISOString(), onCall: h.people, source: h.source })),
  };
}
