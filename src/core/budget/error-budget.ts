import { DAY } from '../duration.js';
import { errorBudgetRatio } from '../model/objective.js';

/**
 * Error-budget arithmetic for one SLO, from event counts. Event-weighted by construction: the
 * inputs are Σ bad and Σ total over each window, never per-interval ratios, so a quiet hour does
 * not weigh as much as a busy one. Pure: the evaluation time comes in as an argument.
 */
export interface EventCounts {
  readonly bad: number;
  readonly total: number;
}

export type BudgetStatus = 'healthy' | 'at-risk' | 'exhausted' | 'no-data';

/** When an SLO counts as at risk. Knobs are data. */
export interface RiskPolicy {
  /** Remaining budget below this share is at risk. */
  readonly remainingBelow: number;
  /** Projected exhaustion sooner than this (seconds) is at risk. */
  readonly exhaustionWithinSeconds: number;
}

export const DEFAULT_RISK_POLICY: RiskPolicy = { remainingBelow: 0.25, exhaustionWithinSeconds: 7 * DAY };

export interface BudgetInput {
  /** Percent as exact decimal text, e.g. "99.9". */
  readonly objective: string;
  readonly windowSeconds: number;
  /** Events over the whole SLO window. */
  readonly window: EventCounts;
  /**
   * Error ratio (bad / total, 0…1) over each alert window, keyed by window name ("1h", "6h" …);
   * null where the window saw no traffic. Prometheus records these ratios already, event-weighted.
   */
  readonly burnWindows: Readonly<Record<string, number | null>>;
  /** Which burn window projects exhaustion (the current burn); usually the shortest long window, "1h". */
  readonly currentBurnWindow: string;
  /** Evaluation time, epoch seconds. */
  readonly at: number;
}

export interface ErrorBudget {
  /** Good events over all events; null without traffic. */
  readonly sli: number | null;
  /** 1 − objective, e.g. 0.001. */
  readonly budgetRatio: number;
  /** Bad events the window's traffic allows. */
  readonly allowedBadEvents: number;
  readonly badEvents: number;
  /** Share of the budget spent: 1 = all of it; may exceed 1. */
  readonly consumed: number;
  /** 1 − consumed: 1 untouched, negative when overspent. */
  readonly remaining: number;
  /** Error ratio / budget per window: 1 spends the budget exactly over the SLO window. Null without traffic. */
  readonly burnRates: Readonly<Record<string, number | null>>;
  /** When the remaining budget runs out at the current burn (epoch seconds); null when it does not. */
  readonly exhaustionAt: number | null;
  readonly status: BudgetStatus;
}

export function errorBudget(input: BudgetInput, policy: RiskPolicy = DEFAULT_RISK_POLICY): ErrorBudget {
  const budgetRatio = Number(errorBudgetRatio(input.objective));
  const { bad, total } = input.window;
  const burnRates = Object.fromEntries(
    Object.entries(input.burnWindows).map(([w, ratio]) => [w, ratio === null || !Number.isFinite(ratio) ? null : ratio / budgetRatio]),
  );
  if (total <= 0) {
    return { sli: null, budgetRatio, allowedBadEvents: 0, badEvents: bad, consumed: 0, remaining: 1, burnRates, exhaustionAt: null, status: 'no-data' };
  }
  const consumed = bad / total / budgetRatio;
  const remaining = 1 - consumed;
  const current = burnRates[input.currentBurnWindow] ?? null;
  // At burn rate b the whole budget lasts window / b; what is left lasts remaining × that. Errors
  // rolling out of the window are ignored, so the projection errs on the early side.
  const exhaustionAt = remaining > 0 && current !== null && current > 0 ? input.at + (remaining * input.windowSeconds) / current : null;
  const status: BudgetStatus =
    remaining <= 0
      ? 'exhausted'
      : remaining < policy.remainingBelow || (exhaustionAt !== null && exhaustionAt - input.at < policy.exhaustionWithinSeconds)
        ? 'at-risk'
        : 'healthy';
  return {
    sli: 1 - bad / total,
    budgetRatio,
    allowedBadEvents: budgetRatio * total,
    badEvents: bad,
    consumed,
    remaining,
    burnRates,
    exhaustionAt,
    status,
  };
}
