import { formatDuration } from '../duration.js';
import { alertWindowSeconds, tiersOf } from '../model/objective.js';
import type { Slo } from '../model/slo.js';
import { monthSeconds, sloKey, sloWindow, type CountSource, type CountWindow, type RecordedReading } from './budget-queries.js';
import { DEFAULT_RISK_POLICY, errorBudget, type ErrorBudget, type RiskPolicy } from './error-budget.js';

/** One SLO's budget as a cycle computed it: the arithmetic plus what it was computed from. */
export interface SloBudget extends Omit<ErrorBudget, 'allowedBadEvents' | 'badEvents'> {
  /** Null for a ratio-only SLI, which has no events to count. */
  readonly allowedBadEvents: number | null;
  readonly badEvents: number | null;
  readonly totalEvents: number | null;
  readonly service: string;
  readonly slo: string;
  /** Percent text, e.g. "99.9". */
  readonly objective: string;
  /** The budget window: '30d', or 'month' for the calendar month so far. */
  readonly window: string;
  /** Seconds the window spans now (for a month: since its first day). */
  readonly windowSeconds: number;
  /** recorded: Vigil's recordings; raw: the SLI's raw series (recordings did not cover the window); ratio: a ratio-only SLI. */
  readonly source: CountSource;
  /** Evaluation time, epoch seconds. */
  readonly computedAt: number;
}

/** Alert windows shown as burn rates: both windows of every tier, shortest first, by their rule-name spelling. */
export function burnWindowNames(slo: Slo): string[] {
  return alertWindowSeconds(slo).map(formatDuration);
}

/** The burn that projects exhaustion: the shortest long window (1h in the Workbook table), current yet not jumpy. */
export function currentBurnWindow(slo: Slo): string {
  const longs = tiersOf(slo).map((t) => t.longWindowSeconds);
  return formatDuration(longs.length > 0 ? Math.min(...longs) : slo.windowSeconds);
}

/** Windows counted for `slo` in a cycle at `at`: its budget window, then the caller's extra ones (today …). */
export function cycleWindows(slo: Slo, at: number, extra: readonly CountWindow[] = []): CountWindow[] {
  return [sloWindow(slo, at), ...extra];
}

export function assembleBudgets(slos: readonly Slo[], reading: RecordedReading, at: number, risk: RiskPolicy = DEFAULT_RISK_POLICY): SloBudget[] {
  return slos.map((slo) => {
    const key = sloKey(slo.service, slo.name);
    const w = sloWindow(slo, at);
    const count = reading.counts.get(key)?.get(w.key) ?? { bad: 0, total: 0, source: 'raw' as const };
    const ratios = reading.ratios.get(key) ?? {};
    const burnWindows = Object.fromEntries(burnWindowNames(slo).map((n) => [n, ratios[n] ?? null]));
    const budget = errorBudget(
      {
        objective: slo.objective,
        // A calendar month's budget is the whole month's, so exhaustion is projected against its full length.
        windowSeconds: slo.calendar === 'month' ? monthSeconds(at) : slo.windowSeconds,
        window: { bad: count.bad, total: count.total },
        burnWindows,
        currentBurnWindow: currentBurnWindow(slo),
        at,
      },
      risk,
    );
    return {
      ...budget,
      // A ratio-only SLI has no events to count.
      ...(count.source === 'ratio' ? { allowedBadEvents: null, badEvents: null } : {}),
      service: slo.service,
      slo: slo.name,
      objective: slo.objective,
      window: w.key,
      windowSeconds: w.seconds,
      totalEvents: count.source === 'ratio' ? null : count.total,
      source: count.source,
      computedAt: at,
    };
  });
}
