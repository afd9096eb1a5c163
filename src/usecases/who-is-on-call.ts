import type { OnCallSpec } from '../core/model/oncall.js';
import { handoffs, onCallAt, shiftsBetween } from '../core/oncall/schedule.js';

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
  /** Overrides in force now or starting within the next two weeks, soonest first. */
  readonly overrides: readonly { readonly person: Person; readonly from: string; readonly to: string; readonly active: boolean }[];
  /** Who is on call from `at` for two weeks, shift by shift (no gap, no overlap): the "at a glance" view. */
  readonly shifts: readonly { readonly from: string; readonly until: string; readonly onCall: readonly Person[]; readonly source: string }[];
}

interface Person {
  readonly name: string;
  readonly displayName: string;
}

/** Who is on call for `scheduleName` at `at`, the current shift and the hand-offs of the next two weeks. Shared by the API and the UI. */
export function whoIsOnCall(spec: OnCallSpec, scheduleName: string, at: Date): OnCallNow {
  const schedule = spec.schedules.find((s) => s.name === scheduleName);
  if (!schedule) throw new Error(`no schedule "${scheduleName}"`);
  const now = onCallAt(schedule, at);
  const people = new Map(spec.people.map((p) => [p.name, p]));
  const person = (name: string): Person => ({ name, displayName: people.get(name)?.displayName ?? name });
  const until = new Date(at.getTime() + AHEAD_MS);
  return {
    schedule: schedule.name,
    timeZone: schedule.timeZone,
    at: at.toISOString(),
    onCall: now.people.map(person),
    source: now.source,
    rotation: now.rotation ?? null,
    shift: { from: now.from?.toISOString() ?? null, until: now.until?.toISOString() ?? null },
    nextHandoffs: handoffs(schedule, at, until).map((h) => ({ at: h.at.toISOString(), onCall: h.people, source: h.source })),
    overrides: schedule.overrides
      .filter((o) => o.to > at && o.from < until)
      .sort((a, b) => a.from.getTime() - b.from.getTime())
      .map((o) => ({ person: person(o.person), from: o.from.toISOString(), to: o.to.toISOString(), active: o.from <= at })),
    shifts: shiftsBetween(schedule, at, until).map((s) => ({ from: s.from.toISOString(), until: s.until.toISOString(), onCall: s.people.map(person), source: s.source })),
  };
}
