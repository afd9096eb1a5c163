import { slotAt, slotsBetween, type Recurrence } from './recurrence.js';

/** Missed slots kept as rows per gap; the rest are only counted (see slotsBetween). */
export const MAX_MISSED_ROWS = 1000;

/**
 * A new (or changed) cron schedule runs its current slot only if it began this recently: a daily
 * 09:00 drill defined at 15:00 waits for tomorrow instead of firing six hours late. An interval
 * job (a budget cycle every hour) runs its current slot at once, however far into it we are.
 */
export const NEW_SCHEDULE_GRACE_SECONDS = 60;

export interface SlotPlan {
  /** The slot to create a job for now; null when it exists already (or none is due yet). */
  readonly due: Date | null;
  /** Slots that passed with no replica to run them, newest MAX_MISSED_ROWS of them. */
  readonly missed: readonly Date[];
  /** All missed slots, including those beyond the rows kept. */
  readonly missedTotal: number;
}

const NOTHING: SlotPlan = { due: null, missed: [], missedTotal: 0 };

/**
 * What a replica does for one recurring job at `now`, given the last slot any replica created
 * (null when the schedule is new, or was changed: its old slots say nothing about the new one;
 * nothing before it is missed, since nothing was owed).
 * Only the current slot is run: a budget cycle or a prune that could not run on time is worth
 * nothing late, and catching up a backlog after an outage would hammer Prometheus for no gain.
 * The gap is recorded instead, so "nobody ran it" is visible rather than silently skipped.
 */
export function planSlots(r: Recurrence, lastSlot: Date | null, now: Date): SlotPlan {
  const current = slotAt(r, now);
  if (!current) return NOTHING;
  if (!lastSlot) {
    const grace = r.kind === 'every' ? r.seconds : NEW_SCHEDULE_GRACE_SECONDS;
    return now.getTime() - current.getTime() < grace * 1000 ? { due: current, missed: [], missedTotal: 0 } : NOTHING;
  }
  if (current.getTime() <= lastSlot.getTime()) return NOTHING;
  const gap = slotsBetween(r, lastSlot, current, MAX_MISSED_ROWS);
  return { due: current, missed: gap.slots, missedTotal: gap.total };
}
