import Big from 'big.js';
import { formatDuration, MINUTE } from '../duration.js';
import { alertWindowSeconds, burnThreshold, enabledTiers, errorBudgetRatio, objectiveRatio, ratioAsPercent, ratioWindowSeconds } from '../model/objective.js';
import { DEFAULT_SLO_RUNBOOK } from '../model/slo-defaults.js';
import { MIN_ALERT_WINDOW_SECONDS } from '../model/burn-windows.js';
import type { BurnTier, Service, Slo } from '../model/slo.js';
import { absentAlert } from './absent-alert.js';
import type { AlertingRule, RecordingRule, RuleGroup } from './rule-model.js';
import { eventRates, rawErrorRatio } from './sli-queries.js';

/**
 * Recording and alerting rules for one SLO.
 *
 * Cost: raw series are read once, over the shortest window (the "base", 5m), into two single-series rates. Every longer window is the ratio of
 * `sum_over_time` of those two series, so a long window reads one recorded series instead of
 * every raw series again, and the ratio stays event-weighted (Σ errors / Σ requests, never a mean
 * of ratios). The price is a base-sized ramp at the window edges: a step change shows up in a
 * derived window base/2 later than in a raw `rate()` (2.5 min for 5m), exact for steady rates.
 *
 * Windows no burn-rate tier uses (the SLO window: 28d, 30d) sum "tiles" instead: the same two 5m rates
 * recorded in their own group every 5m, so consecutive samples cover time exactly once and a 30d
 * window sums 8,640 samples of each rather than 86,400 of the 30 s recording — that sum was nearly
 * all of these rules' cost (bench/scenario-rule-cost.js). Such a window trails by at most one tile
 * (5 min: 0.012 % of 30d); alert windows keep the 30 s recordings, so alert timing is unchanged.
 * Raw error-ratio SLIs have no event counts, so their query runs once per window.
 */
export const RULE_NAMES = {
  errorRate: (w: string) => `slo:sli_error:rate${w}`,
  totalRate: (w: string) => `slo:sli_total:rate${w}`,
  /** The base rates recorded once per base window ("tiles"), for windows no alert reads. */
  errorTile: `slo:sli_error:rate5m_every5m`,
  totalTile: `slo:sli_total:rate5m_every5m`,
  errorRatio: (w: string) => `slo:sli_error:ratio_rate${w}`,
  objective: 'slo:objective:ratio',
  errorBudget: 'slo:error_budget:ratio',
  window: 'slo:window:seconds',
  budgetRemaining: 'slo:error_budget_remaining:ratio',
} as const;

const BASE_WINDOW_SECONDS = MIN_ALERT_WINDOW_SECONDS;
/** The window of the two rates every longer window is summed from: "5m". */
export const BASE_WINDOW = formatDuration(BASE_WINDOW_SECONDS);

export function sloRuleGroups(service: Service, slo: Slo): RuleGroup[] {
  const labels = sloLabels(service, slo);
  const sel = `{service="${slo.service}",slo="${slo.name}"}`;
  const windows = windowsOf(slo);
  const alerted = alertedWindows(slo);
  const tiled = (w: string) => w !== BASE_WINDOW && !alerted.has(w);
  const tiles: RecordingRule[] = [];
  // Static labels on every rule, also where the input already carries them: promtool (and Mimir)
  // treat same-named rules without distinguishing labels as duplicates.
  const recordings: RecordingRule[] = [];

  if (slo.sli.kind === 'raw') {
    for (const w of windows) recordings.push({ record: RULE_NAMES.errorRatio(w), expr: rawErrorRatio(slo.sli, w), labels });
  } else {
    const base = BASE_WINDOW;
    const rates = eventRates(slo.sli, base);
    recordings.push({ record: RULE_NAMES.errorRate(base), expr: rates.errors, labels });
    recordings.push({ record: RULE_NAMES.totalRate(base), expr: rates.total, labels });
    if (windows.some(tiled)) {
      tiles.push({ record: RULE_NAMES.errorTile, expr: rates.errors, labels }, { record: RULE_NAMES.totalTile, expr: rates.total, labels });
    }
    for (const w of windows) {
      const [err, tot] = tiled(w) ? [`${RULE_NAMES.errorTile}${sel}`, `${RULE_NAMES.totalTile}${sel}`] : [`${RULE_NAMES.errorRate(base)}${sel}`, `${RULE_NAMES.totalRate(base)}${sel}`];
      const [e, t] = w === base ? [err, tot] : [`sum_over_time(${err}[${w}])`, `sum_over_time(${tot}[${w}])`];
      // No traffic: 0 / tiny = 0 (nothing failed), never NaN. No real rate is below 1e-300/s, so
      // the clamp changes nothing else, and the window's total is read once, not twice.
      recordings.push({ record: RULE_NAMES.errorRatio(w), expr: `${e} / clamp_min(${t}, 1e-300)`, labels });
    }
  }

  const budget = errorBudgetRatio(slo.objective);
  recordings.push(
    { record: RULE_NAMES.objective, expr: `vector(${objectiveRatio(slo.objective)})`, labels },
    { record: RULE_NAMES.errorBudget, expr: `vector(${budget})`, labels },
    { record: RULE_NAMES.window, expr: `vector(${slo.windowSeconds})`, labels },
    {
      record: RULE_NAMES.budgetRemaining,
      expr: `1 - (${RULE_NAMES.errorRatio(formatDuration(slo.windowSeconds))}${sel} / ${budget})`,
      labels,
    },
  );

  const groups: RuleGroup[] = [{ name: `vigil-${slo.service}-${slo.name}-sli`, rules: recordings }];
  // Evaluated exactly every base window, so each sample is one tile.
  if (tiles.length > 0) groups.push({ name: `vigil-${slo.service}-${slo.name}-sli-tiles`, interval: BASE_WINDOW, rules: tiles });
  const alerts = enabledTiers(slo).map((t) => burnAlert(slo, t, sel, labels));
  const absent = absentAlert(slo, labels);
  if (absent) alerts.push(absent);
  if (alerts.length > 0) groups.push({ name: `vigil-${slo.service}-${slo.name}-alerts`, rules: alerts });
  return groups;
}

function burnAlert(slo: Slo, tier: BurnTier, sel: string, labels: Record<string, string>): AlertingRule {
  const long = formatDuration(tier.longWindowSeconds);
  const short = formatDuration(tier.shortWindowSeconds);
  const threshold = burnThreshold(tier.burnRate, slo.objective);
  const settings = slo.alerting[tier.severity];
  const window = formatDuration(slo.windowSeconds);
  const spentInLong = new Big(tier.burnRate).times(tier.longWindowSeconds).div(slo.windowSeconds).times(100).round(2).toString();
  const exhaustion = formatDuration(Math.round(slo.windowSeconds / Number(tier.burnRate) / MINUTE) * MINUTE);
  return {
    alert: slo.alerting.name,
    expr:
      `(${RULE_NAMES.errorRatio(long)}${sel} > ${threshold})` +
      ` and ` +
      `(${RULE_NAMES.errorRatio(short)}${sel} > ${threshold})`,
    ...(settings.forSeconds > 0 ? { for: formatDuration(settings.forSeconds) } : {}),
    labels: {
      ...labels,
      ...slo.alerting.labels,
      ...settings.labels,
      service: slo.service,
      slo: slo.name,
      severity: settings.severity ?? (tier.severity === 'page' ? 'critical' : 'warning'),
      alert_tier: tier.severity,
      long_window: long,
      short_window: short,
      burn_rate: tier.burnRate,
    },
    annotations: {
      summary: `${slo.service} ${slo.name}: error budget burning ${tier.burnRate}x faster than sustainable`,
      description:
        `The error ratio over the last ${long} is {{ $value | humanizePercentage }} (and above ${ratioAsPercent(threshold)} over ${short} too), ` +
        `against an objective of ${slo.objective}% over ${window}. At this rate ${spentInLong}% of the ${window} error budget ` +
        `goes every ${long}, and all of it in ${exhaustion}.`,
      runbook_url: slo.runbook ?? DEFAULT_SLO_RUNBOOK,
      ...slo.annotations,
      ...slo.alerting.annotations,
      ...settings.annotations,
    },
  };
}

/**
 * Windows of a burn-rate tier, by rule-name spelling: these sum the 30 s recordings. A disabled
 * tier's windows too, so that switching a tier off or on never changes another series.
 */
function alertedWindows(slo: Slo): Set<string> {
  return new Set(alertWindowSeconds(slo).map(formatDuration));
}

/** Every window that gets a ratio series, by its rule-name spelling. */
function windowsOf(slo: Slo): string[] {
  return ratioWindowSeconds(slo).map(formatDuration);
}

/** The labels every rule of the SLO carries: the service's, the SLO's over them, and the two names. */
export function sloLabels(service: Service, slo: Slo): Record<string, string> {
  return { ...service.labels, ...slo.labels, service: slo.service, slo: slo.name };
}
