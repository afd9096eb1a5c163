import type { AbsentAlertSettings, AlertTierSettings } from './slo.js';

export const DEFAULT_WINDOW = '30d';
/** A calendar month's nominal length: what its alerts are sized for (the months of a year average 30.4 days). */
export const CALENDAR_MONTH_NOMINAL = '30d';

/** Used when a spec names no runbook: the generic one shipped in runbooks/. */
export const DEFAULT_SLO_RUNBOOK = 'runbooks/slo-error-budget-burn.md';

export const DEFAULT_TIER: AlertTierSettings = { disabled: false, forSeconds: 0, labels: {}, annotations: {} };

/** What the fleet sets for every SLO's absent-data alert (kind: Outputs, `absentAlerts`); an SLO may override each. */
export type AbsentDefaults = Pick<AbsentAlertSettings, 'disabled' | 'forSeconds' | 'severity'>;

/**
 * On by default, in every format: 10 minutes rides out an exporter's restart or a redeploy (a
 * failed scrape marks its series stale at once, so `absent()` turns true within one scrape), and it
 * opens a ticket rather than paging, since the service itself may be fine.
 */
export const DEFAULT_ABSENT: AbsentDefaults = { disabled: false, forSeconds: 600, severity: 'ticket' };

/** One name for every SLO's absent-data alert: Alertmanager groups a service's (`alertname`, `service`) into one notification. */
export const ABSENT_ALERT_NAME = 'SLIDataAbsent';

/** The runbook of absent-data alerts unless a spec's annotations name another. */
export const DEFAULT_ABSENT_RUNBOOK = 'runbooks/slo-data-absent.md';

export function absentSettings(defaults: AbsentDefaults = DEFAULT_ABSENT): AbsentAlertSettings {
  return { ...defaults, labels: {}, annotations: {} };
}

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
