import type { BudgetStatus } from './error-budget.js';
import type { SloBudget } from './budget-cycle.js';

/**
 * One SLO's budget as the API and `vigil budget --json` show it: times as ISO 8601, numbers that
 * cannot be known as null (never NaN, which JSON cannot carry).
 */
export interface BudgetView {
  readonly service: string;
  readonly slo: string;
  /** Percent text, e.g. "99.9". */
  readonly objective: string;
  readonly window: string;
  readonly windowSeconds: number;
  /** Good / total over the window; null without traffic. */
  readonly sli: number | null;
  /** 1 untouched, 0 spent, negative overspent. */
  readonly errorBudgetRemaining: number;
  readonly errorBudgetConsumed: number;
  readonly allowedBadEvents: number | null;
  readonly badEvents: number | null;
  readonly totalEvents: number | null;
  /** Error ratio / budget per alert window; 1 spends the budget exactly over the window. */
  readonly burnRates: Readonly<Record<string, number | null>>;
  readonly exhaustionAt: string | null;
  readonly status: BudgetStatus;
  readonly source: SloBudget['source'];
  readonly computedAt: string;
}

export function budgetView(b: SloBudget): BudgetView {
  return {
    service: b.service,
    slo: b.slo,
    objective: b.objective,
    window: b.window,
    windowSeconds: b.windowSeconds,
    sli: finiteOrNull(b.sli),
    errorBudgetRemaining: finiteOrNull(b.remaining) ?? 1,
    errorBudgetConsumed: finiteOrNull(b.consumed) ?? 0,
    allowedBadEvents: finiteOrNull(b.allowedBadEvents),
    badEvents: finiteOrNull(b.badEvents),
    totalEvents: finiteOrNull(b.totalEvents),
    burnRates: Object.fromEntries(Object.entries(b.burnRates).map(([w, r]) => [w, finiteOrNull(r)])),
    exhaustionAt: b.exhaustionAt === null ? null : new Date(b.exhaustionAt * 1000).toISOString(),
    status: b.status,
    source: b.source,
    computedAt: new Date(b.computedAt * 1000).toISOString(),
  };
}

/** Null for null, NaN and ±Infinity, which JSON cannot carry. */
export function finiteOrNull(n: number | null): number | null {
  return n !== null && Number.isFinite(n) ? n : null;
}
