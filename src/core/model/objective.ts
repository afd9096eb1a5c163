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

/** A ratio as exact percent text, e.g. "0.0144" → "1.44%". */
export function ratioAsPercent(ratio: string): string {
  return `${new Big(ratio).times(100).toString()}%`;
}

export function compareDecimal(a: string, b: string | number): number {
  return new Big(a).cmp(b);
}

/** The tiers an SLO alerts on: its own table, or the workbook table scaled to its window. */
export function tiersOf(slo: Slo): readonly BurnTier[] {
  return slo.alerting.windows ?? deriveTiers(slo.windowSeconds);
}

/** Both windows of every tier, each once, shortest first. */
export function alertWindowSeconds(slo: Slo): number[] {
  const seconds = new Set<number>();
  for (const t of tiersOf(slo)) {
    seconds.add(t.shortWindowSeconds);
    seconds.add(t.longWindowSeconds);
  }
  return [...seconds].sort((a, b) => a - b);
}

/** Every window that gets a recorded error ratio: the SLO window and the alert windows, each once, shortest first. */
export function ratioWindowSeconds(slo: Slo): number[] {
  return [...new Set([slo.windowSeconds, ...alertWindowSeconds(slo)])].sort((a, b) => a - b);
}

export function enabledTiers(slo: Slo): BurnTier[] {
  return tiersOf(slo).filter((t) => !slo.alerting[t.severity].disabled);
}
