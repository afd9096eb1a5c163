import Big from 'big.js';
import type { BurnTier, Slo } from './slo.js';
import { deriveTiers } from './burn-windows.js';

/**
 * Exact decimal arithmetic for objectives and thresholds: 14.4 × (1 − 0.999) must print as
 * 0.0144, not 0.014400000000000824, or every generated rule diff becomes noise.
 */

/** Error budget as a ratio, e.g. "99.9" → "0.001". */
export function errorBudgetRatio(objectivePercent: string): string {
  return new Big(100).minus(objectivePercent).div(100).toString();
}

export function objectiveRatio(objectivePercent: string): string {
  return new Big(objectivePercent).div(100).toString();
}

/** Error-ratio threshold of a burn tier: burn rate × budget. */
export function burnThreshold(burnRate: string, objectivePercent: string): string {
  return new Big(burnRate).times(errorBudgetRatio(objectivePercent)).toString();
}

export function compareDecimal(a: string, b: string | number): number {
  return new Big(a).cmp(b);
}

/** The tiers an SLO alerts on: its own table, or the workbook table scaled to its window. */
export function tiersOf(slo: Slo): readonly BurnTier[] {
  return slo.alerting.windows ?? deriveTiers(slo.windowSeconds);
}

export function enabledTiers(slo: Slo): BurnTier[] {
  return tiersOf(slo).filter((t) => !slo.alerting[t.severity].disabled);
}
