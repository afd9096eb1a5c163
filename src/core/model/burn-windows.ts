import { DAY, HOUR, MINUTE } from '../duration.js';
import type { BurnTier } from './slo.js';

/**
 * The SRE Workbook's multi-window multi-burn-rate table for a 30-day SLO (chapter 5, table 5-8).
 * Each row pages or tickets when `budgetSpent` of the whole budget burns within the long window;
 * the short window (1/12 of the long) makes the alert stop soon after the burn stops.
 *
 * burn rate = budgetSpent × SLO window / long window:
 *   2 % in 1 h  → 0.02 × 720 = 14.4      5 % in 6 h → 0.05 × 120 = 6
 *   10 % in 1 d → 0.10 × 30  = 3         10 % in 3 d → 0.10 × 10 = 1
 *
 * For other SLO windows the windows scale with the SLO window and the burn rates stay, so each
 * row still means "this share of the budget is gone"; windows are rounded to whole minutes and
 * raised to at least MIN_ALERT_WINDOW_SECONDS. A window that rounds to zero stays zero so
 * validation can refuse the SLO window instead of silently alerting on something else.
 */

/**
 * The base rate window: raw counters are read over 5m (see generate/slo-rules.ts). A shorter
 * `rate()` holds fewer than two samples at common 30s–1m scrape intervals and returns nothing,
 * which would make an SLO look healthy, so no alert window is shorter.
 */
export const MIN_ALERT_WINDOW_SECONDS = 5 * MINUTE;
export const REFERENCE_WINDOW_SECONDS = 30 * DAY;

export const WORKBOOK_TIERS: readonly BurnTier[] = [
  { severity: 'page', longWindowSeconds: HOUR, shortWindowSeconds: 5 * MINUTE, burnRate: '14.4' },
  { severity: 'page', longWindowSeconds: 6 * HOUR, shortWindowSeconds: 30 * MINUTE, burnRate: '6' },
  { severity: 'ticket', longWindowSeconds: DAY, shortWindowSeconds: 2 * HOUR, burnRate: '3' },
  { severity: 'ticket', longWindowSeconds: 3 * DAY, shortWindowSeconds: 6 * HOUR, burnRate: '1' },
];

export interface DerivedTier extends BurnTier {
  /** Unrounded seconds, for messages when rounding lands on zero. */
  readonly exactShortSeconds: number;
  readonly exactLongSeconds: number;
}

// Fleets use a handful of SLO windows: derive each table once.
const derived = new Map<number, readonly DerivedTier[]>();

export function deriveTiers(windowSeconds: number): readonly DerivedTier[] {
  let tiers = derived.get(windowSeconds);
  if (!tiers) {
    tiers = computeTiers(windowSeconds);
    if (derived.size > 1000) derived.clear();
    derived.set(windowSeconds, tiers);
  }
  return tiers;
}

function computeTiers(windowSeconds: number): DerivedTier[] {
  const scale = windowSeconds / REFERENCE_WINDOW_SECONDS;
  return WORKBOOK_TIERS.map((t) => {
    const exactLongSeconds = t.longWindowSeconds * scale;
    const exactShortSeconds = t.shortWindowSeconds * scale;
    return {
      ...t,
      longWindowSeconds: roundToMinute(exactLongSeconds),
      shortWindowSeconds: roundToMinute(exactShortSeconds),
      exactLongSeconds,
      exactShortSeconds,
    };
  });
}

function roundToMinute(seconds: number): number {
  const rounded = Math.round(seconds / MINUTE) * MINUTE;
  return rounded === 0 ? 0 : Math.max(rounded, MIN_ALERT_WINDOW_SECONDS);
}
