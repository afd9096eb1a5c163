import { Cron } from 'croner';
import { formatDuration } from '../duration.js';

/**
 * When a recurring job is due, as data. Slots are points in time every replica computes alike
 * from the wall clock, so "once per slot" can be enforced by a unique row per slot: an interval
 * is aligned to the Unix epoch (a 1m job's slots are whole minutes whoever computes them), a cron
 * expression is evaluated in its IANA time zone (croner: DST gaps and repeats handled).
 */
export type Recurrence =
  | { readonly kind: 'every'; readonly seconds: number }
  | { readonly kind: 'cron'; readonly expression: string; readonly timeZone: string };

export const every = (seconds: number): Recurrence => ({ kind: 'every', seconds });
export const cron = (expression: string, timeZone = 'UTC'): Recurrence => ({ kind: 'cron', expression, timeZone });

/** A stable text for the recurrence; a stored schedule whose text differs was changed by the operator. */
export function describeRecurrence(r: Recurrence): string {
  return r.kind === 'every' ? `every ${formatDuration(r.seconds)}` : `cron ${r.expression} ${r.timeZone}`;
}

/** Why a recurrence cannot be used, or undefined when it can. */
export function recurrenceProblem(r: Recurrence): string | undefined {
  if (r.kind === 'every') return Number.isInteger(r.seconds) && r.seconds >= 1 ? undefined : 'an interval must be a whole number of seconds, at least 1s';
  try {
    new Intl.DateTimeFormat('en', { timeZone: r.timeZone });
  } catch {
    return `unknown time zone "${r.timeZone}" (use an IANA name such as Europe/Berlin)`;
  }
  let c: Cron;
  try {
    c = cronOf(r);
  } catch (err) {
    return `invalid cron expression "${r.expression}": ${(err as Error).message}`;
  }
  // croner accepts a day no month has (31 February): such a job would never run, and its
  // longest gap between slots, which overdue alerts are made from, would not exist.
  if (c.nextRun(new Date(0)) === null) return `cron expression "${r.expression}" never fires: no date matches it`;
  return undefined;
}

/** The latest slot at or before `t`; null for a cron expression that never fired before `t`. */
export function slotAt(r: Recurrence, t: Date): Date | null {
  if (r.kind === 'every') {
    const ms = r.seconds * 1000;
    return new Date(Math.floor(t.getTime() / ms) * ms);
  }
  // previousRuns excludes the reference itself; one millisecond later includes a slot exactly at t.
  return cronOf(r).previousRuns(1, new Date(t.getTime() + 1))[0] ?? null;
}

/** The first slot strictly after `t`; null when there is none (a cron expression that ends). */
export function nextSlotAfter(r: Recurrence, t: Date): Date | null {
  if (r.kind === 'every') {
    const ms = r.seconds * 1000;
    return new Date((Math.floor(t.getTime() / ms) + 1) * ms);
  }
  return cronOf(r).nextRun(t);
}

/**
 * Slots strictly between `after` and `before`: the ones nobody ran. At most `limit` are returned
 * (the latest ones); `total` counts all of them, so a week-long outage of a 1s job is reported
 * in full without materialising 600,000 rows.
 */
export function slotsBetween(r: Recurrence, after: Date, before: Date, limit: number): { readonly slots: Date[]; readonly total: number } {
  if (before.getTime() <= after.getTime()) return { slots: [], total: 0 };
  if (r.kind === 'every') {
    const ms = r.seconds * 1000;
    const first = Math.floor(after.getTime() / ms) + 1;
    const last = Math.ceil(before.getTime() / ms) - 1;
    const total = Math.max(0, last - first + 1);
    const slots: Date[] = [];
    for (let i = Math.max(first, last - limit + 1); i <= last; i++) slots.push(new Date(i * ms));
    return { slots, total };
  }
  const c = cronOf(r);
  const slots: Date[] = [];
  let total = 0;
  for (let s = c.nextRun(after); s && s.getTime() < before.getTime(); s = c.nextRun(s)) {
    total++;
    slots.push(s);
    if (slots.length > limit) slots.shift();
  }
  return { slots, total };
}

/**
 * The longest time between two consecutive slots, over the slots from `from` until a year
 * (`spanSeconds`) later, plus the first slot after that, so a yearly schedule has a gap too:
 * how long a recurring job rightly goes without running. Calendar schedules are uneven (a
 * monthly one waits 28 to 31 days, "first Tuesday of the quarter" 84 to 98, a DST change moves
 * a local time by an hour), so the longest gap, not the typical one, is what may pass. At most
 * `maxSlots` slots are read (croner takes ~80 µs per slot): a schedule that fires more often is
 * judged by its first ones. Null for a cron expression that never fires.
 */
export function longestGapSeconds(r: Recurrence, from: Date, opts: { readonly spanSeconds: number; readonly maxSlots: number }): number | null {
  if (r.kind === 'every') return r.seconds;
  const c = cronOf(r);
  const end = from.getTime() + opts.spanSeconds * 1000;
  let slot = c.nextRun(new Date(from.getTime() - 1));
  let longest: number | null = null;
  for (let n = 1; slot && n < opts.maxSlots; n++) {
    const next = c.nextRun(slot);
    if (!next) break;
    longest = Math.max(longest ?? 0, (next.getTime() - slot.getTime()) / 1000);
    if (next.getTime() >= end) break;
    slot = next;
  }
  return longest;
}

function cronOf(r: Extract<Recurrence, { kind: 'cron' }>): Cron {
  // paused and without a callback: croner only evaluates, it schedules nothing.
  return new Cron(r.expression, { timezone: r.timeZone, paused: true });
}
