import { DateTime } from 'luxon';
import type { Override, Rotation, Schedule } from '../model/oncall.js';

/**
 * Who is on call at an instant, and when that changes. A schedule is layers: rotations (a later
 * one wins wherever it covers; a rotation covers nobody before its start and everybody's turn
 * after it, forever) and, above them all, overrides (the later one wins where two overlap).
 *
 * Whole-day turns are calendar days in the schedule's zone: a weekly turn handing off Monday 09:00
 * in Europe/Berlin hands off at 09:00 local before and after the October change, so that shift is
 * 169 hours long, and no hour is covered twice or by nobody. Hour turns are elapsed hours.
 */

export type OnCallSource = 'override' | 'rotation' | 'nobody';

export interface OnCall {
  readonly people: readonly string[];
  readonly source: OnCallSource;
  /** Start of the current shift: the hand-off, or the end of whatever covered before. null: nobody, ever before. */
  readonly from: Date | null;
  /** End of the current shift. null: nobody, and nothing is scheduled after. */
  readonly until: Date | null;
  /** The rotation whose turn it is, when source is `rotation`: for explaining a page. */
  readonly rotation?: string;
}

export interface Handoff {
  readonly at: Date;
  readonly people: readonly string[];
  readonly source: OnCallSource;
}

/** handoffs() stops after this many changes: a window of years over hourly turns is a mistake, not a view. */
export const MAX_HANDOFFS = 10_000;

export function onCallAt(schedule: Schedule, at: Date): OnCall {
  const t = at.getTime();
  const overrides = schedule.overrides;
  const k = lastIndex(overrides, (o) => covers(o, t));
  if (k >= 0) {
    const o = overrides[k]!;
    // A later override that started inside this one took over until it ended; one starting later takes over then.
    const later = overrides.slice(k + 1);
    const from = Math.max(o.from.getTime(), ...later.map((l) => l.to.getTime()).filter((e) => e > o.from.getTime() && e <= t));
    const until = Math.min(o.to.getTime(), ...later.map((l) => l.from.getTime()).filter((s) => s > t));
    return { people: [o.person], source: 'override', from: new Date(from), until: new Date(until) };
  }

  const turns = schedule.rotations.map((r) => turnAt(r, schedule.timeZone, t));
  const r = lastIndex(turns, (turn) => turn !== undefined);
  // Whatever covers now ends at the next override start, or when a later layer starts covering.
  const nextOverrideStart = overrides.map((o) => o.from.getTime()).filter((s) => s > t);
  const lastOverrideEnd = overrides.map((o) => o.to.getTime()).filter((e) => e <= t);
  if (r < 0) {
    const starts = schedule.rotations.map((rot) => startOf(rot, schedule.timeZone));
    const until = minOrNull([...nextOverrideStart, ...starts.filter((s) => s > t)]);
    const from = maxOrNull(lastOverrideEnd);
    return { people: [], source: 'nobody', from: dateOrNull(from), until: dateOrNull(until) };
  }
  const rotation = schedule.rotations[r]!;
  const turn = turns[r]!;
  const laterStarts = schedule.rotations.slice(r + 1).map((rot) => startOf(rot, schedule.timeZone)).filter((s) => s > t);
  const from = Math.max(turn.from, ...lastOverrideEnd.filter((e) => e > turn.from));
  const until = Math.min(turn.until, ...nextOverrideStart, ...laterStarts);
  return { people: [turn.person], source: 'rotation', from: new Date(from), until: new Date(until), rotation: rotation.name };
}

/**
 * Every change of who is on call in (from, to), in order: the "next hand-offs" and "next two
 * weeks" views. A shift boundary that leaves the same people on call is not a change.
 */
export function handoffs(schedule: Schedule, from: Date, to: Date): Handoff[] {
  const out: Handoff[] = [];
  let current = onCallAt(schedule, from);
  let people = current.people;
  while (current.until !== null && current.until.getTime() < to.getTime() && out.length < MAX_HANDOFFS) {
    const at = current.until;
    current = onCallAt(schedule, at);
    if (!samePeople(people, current.people)) out.push({ at, people: current.people, source: current.source });
    people = current.people;
  }
  return out;
}

export interface Shift {
  readonly from: Date;
  readonly until: Date;
  readonly people: readonly string[];
  /** What put them on call when the shift began (a later change of source alone, same people, is not a new shift). */
  readonly source: OnCallSource;
}

/**
 * Who is on call over [from, to) as consecutive shifts, clipped to the window: no gap, no overlap,
 * nobody-on-call stretches included. The UI's "next two weeks at a glance" draws these.
 */
export function shiftsBetween(schedule: Schedule, from: Date, to: Date): Shift[] {
  const first = onCallAt(schedule, from);
  const out: Shift[] = [];
  let current: Omit<Shift, 'until'> = { from, people: first.people, source: first.source };
  for (const h of handoffs(schedule, from, to)) {
    out.push({ ...current, until: h.at });
    current = { from: h.at, people: h.people, source: h.source };
  }
  out.push({ ...current, until: to });
  return out;
}

interface Turn {
  readonly person: string;
  readonly from: number;
  readonly until: number;
}

/** The rotation's turn covering instant `t` (ms), or undefined before its start. */
function turnAt(r: Rotation, zone: string, t: number): Turn | undefined {
  const start = startOf(r, zone);
  if (t < start || r.participants.length === 0) return undefined;
  const startOfTurn = turnStarts(r, zone);
  const length = 'days' in r.turn ? r.turn.days * 86_400_000 : r.turn.hours * 3_600_000;
  // Elapsed time gives the turn to within one (a DST change moves a calendar day by an hour); step to the exact one.
  let n = Math.floor((t - start) / length);
  while (n > 0 && startOfTurn(n) > t) n--;
  while (startOfTurn(n + 1) <= t) n++;
  return { person: r.participants[n % r.participants.length]!, from: startOfTurn(n), until: startOfTurn(n + 1) };
}

function turnStarts(r: Rotation, zone: string): (n: number) => number {
  const turn = r.turn;
  if ('days' in turn) {
    const local = DateTime.fromISO(r.start, { zone });
    // luxon adds calendar days keeping the wall-clock time; a time the clocks skip moves forward by the gap.
    return (n) => local.plus({ days: n * turn.days }).toMillis();
  }
  const start = startOf(r, zone);
  return (n) => start + n * turn.hours * 3_600_000;
}

function startOf(r: Rotation, zone: string): number {
  return DateTime.fromISO(r.start, { zone }).toMillis();
}

function covers(o: Override, t: number): boolean {
  return o.from.getTime() <= t && t < o.to.getTime();
}

function lastIndex<T>(items: readonly T[], test: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i]!)) return i;
  return -1;
}

function minOrNull(xs: readonly number[]): number | null {
  return xs.length === 0 ? null : Math.min(...xs);
}

function maxOrNull(xs: readonly number[]): number | null {
  return xs.length === 0 ? null : Math.max(...xs);
}

function dateOrNull(ms: number | null): Date | null {
  return ms === null ? null : new Date(ms);
}

function samePeople(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((p, i) => p === b[i]);
}
