import type { AlertTierSettings } from './slo.js';

export const DEFAULT_WINDOW = '30d';
/** A calendar month's nominal length: what its alerts are sized for (the months of a year average 30.4 days). */
export const CALENDAR_MONTH_NOMINAL = '30d';

/** Used when a spec names no runbook: the generic one shipped in runbooks/. */
export const DEFAULT_SLO_RUNBOOK = 'runbooks/slo-error-budget-burn.md';

export const DEFAULT_TIER: AlertTierSettings = { disabled: false, forSeconds: 0, labels: {}, annotations: {} };

/** "requests-availability" → "RequestsAvailabilityBudgetBurn": alert names are Prometheus identifiers. */
export function defaultAlertName(sloName: string): string {
  return `${pascalCase(sloName)}BudgetBurn`;
}

export function pascalCase(text: string): string {
  return text
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}
