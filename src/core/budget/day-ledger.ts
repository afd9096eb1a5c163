import { DAY } from '../duration.js';
import type { SloBudget } from './budget-cycle.js';
import { dayName, dayStart, sloKey, type CountWindow, type WindowCount } from './budget-queries.js';

/**
 * Per-SLO per-day accounting for monthly reports: each cycle counts today's events so far and adds
 * the time since the last cycle to the status it found; after midnight it counts each ended day
 * whole, once. Days outlive snapshots and Prometheus's retention, so reports stay exact.
 */
export interface DayUpdate {
  readonly day: string;
  readonly service: string;
  readonly slo: string;
  readonly bad: number;
  readonly total: number;
  readonly addObserved: number;
  readonly addAtRisk: number;
  readonly addExhausted: number;
  /** Counted over the whole day once it ended: later running totals must not overwrite it. */
  readonly final: boolean;
}

/** Ended days are recounted after downtime up to this far back (a report's month and then some). */
export const MAX_DAYS_RECOUNTED = 31;

/** Today so far, plus every day that ended since the last cycle (none on the first cycle). */
export function dayWindows(at: number, lastCycleAt: number | null): CountWindow[] {
  const today = dayStart(at);
  const windows: CountWindow[] = [{ key: 'today', seconds: at - today, at }];
  if (lastCycleAt === null) return windows;
  for (let start = Math.max(dayStart(lastCycleAt), today - MAX_DAYS_RECOUNTED * DAY); start < today; start += DAY) {
    windows.push({ key: `day:${dayName(start)}`, seconds: DAY, at: start + DAY });
  }
  return windows;
}

/**
 * What this cycle adds. The time since the last cycle goes to today's row and to the status found
 * now, capped at two intervals: while Vigil was down nothing was observed, and the report says so.
 */
export function dayUpdates(
  budgets: readonly SloBudget[],
  counts: ReadonlyMap<string, ReadonlyMap<string, WindowCount>>,
  at: number,
  lastCycleAt: number | null,
  intervalSeconds: number,
): DayUpdate[] {
  const elapsed = lastCycleAt === null ? 0 : Math.max(0, Math.min(at - lastCycleAt, 2 * intervalSeconds));
  const today = dayName(dayStart(at));
  const out: DayUpdate[] = [];
  for (const b of budgets) {
    const perWindow = counts.get(sloKey(b.service, b.slo));
    if (!perWindow) continue;
    for (const [key, c] of perWindow) {
      // A ratio-only SLI has no events to add up.
      if (c.source === 'ratio') continue;
      if (key === 'today') {
        out.push({
          day: today,
          service: b.service,
          slo: b.slo,
          bad: c.bad,
          total: c.total,
          addObserved: elapsed,
          addAtRisk: b.status === 'at-risk' ? elapsed : 0,
          addExhausted: b.status === 'exhausted' ? elapsed : 0,
          final: false,
        });
      } else if (key.startsWith('day:')) {
        out.push({ day: key.slice(4), service: b.service, slo: b.slo, bad: c.bad, total: c.total, addObserved: 0, addAtRisk: 0, addExhausted: 0, final: true });
      }
    }
  }
  return out;
}
