import { formatDuration } from '../duration.js';
import { ABSENT_ALERT_NAME, DEFAULT_ABSENT_RUNBOOK } from '../model/slo-defaults.js';
import type { Sli, Slo } from '../model/slo.js';
import { vectorSelectors } from '../promql/promql.js';
import type { AlertingRule } from './rule-model.js';
import { leMatcher } from './sli-queries.js';

/**
 * The absent-data alert of an SLO (docs/slo-spec.md, "Missing data"). Every SLI query ends in
 * `or vector(0)` or `>= 0) or vector(0)`, so series that vanish (exporter down, scrape failing, a
 * metric renamed or relabelled away) read as no traffic and no errors: the budget stops counting
 * and no burn-rate alert can fire. This alert watches the raw series the SLI reads, not Vigil's
 * recordings (those always exist), and tells "no data" from "no traffic" by the counter itself: a
 * service without traffic still exports its total counter, flat; a vanished input has no series.
 */
export interface WatchedSeries {
  /** Selectors as `absent()` takes them, e.g. `agent_requests_total{agent="fuel-analyzer"}`. */
  readonly selectors: readonly string[];
  /**
   * `any`: the alert fires when any of them has no series (each is an input the SLI cannot do
   * without); `all`: only when none of them has a series (some may be absent legitimately).
   */
  readonly missing: 'any' | 'all';
  /** The selectors as the alert's description names them (a latency bucket's `le` as the SLI writes it). */
  readonly described: readonly string[];
}

/**
 * What each kind of SLI must always have:
 * - events: every selector of the total query. Error (and good) series are not watched: a counter
 *   labelled by status code has no 5xx series until the first error, so its absence is normal.
 * - latency: the histogram's `_count` and the `_bucket` at the threshold, with the SLI's selector.
 *   For a classic histogram both exist whenever the histogram does; a missing bucket alone means
 *   the threshold is no longer a bucket bound.
 * - raw: the selectors of the query, together: the alert fires when none has a series. Which of
 *   them a ratio query can lack (its error counter, say) cannot be told from the text.
 */
export function watchedSeries(sli: Sli): WatchedSeries {
  if (sli.kind === 'events') {
    const selectors = vectorSelectors(sli.totalQuery.text);
    return { selectors, missing: 'any', described: selectors };
  }
  if (sli.kind === 'raw') {
    const selectors = vectorSelectors(sli.errorRatioQuery.text);
    return { selectors, missing: 'all', described: selectors };
  }
  // Written as the SLI's rates write them (sli-queries.ts): the selector is checked as label matchers.
  const selector = (suffix: string, le?: string) => {
    const matchers = [sli.selector, le].filter(Boolean).join(',');
    return `${sli.metric}${suffix}${matchers ? `{${matchers}}` : ''}`;
  };
  const count = selector('_count');
  return {
    // A regex `le` matcher: absent() copies only equality matchers into its result, so both
    // inputs of one SLO missing are one alert with the same labels, not two.
    selectors: [count, selector('_bucket', leRegexMatcher(sli.thresholdSeconds))],
    missing: 'any',
    described: [count, selector('_bucket', leMatcher(sli.thresholdSeconds))],
  };
}

/** The alert's expression, or undefined when the SLI reads no series at all (e.g. `vector(0.001)`). */
export function absentExpr(w: WatchedSeries): string | undefined {
  if (w.selectors.length === 0) return undefined;
  if (w.missing === 'all') return `absent(${w.selectors.join(' or ')})`;
  return w.selectors.map((s) => `absent(${s})`).join(' or ');
}

/** The alerting rule, or undefined when switched off or there is nothing to watch. */
export function absentAlert(slo: Slo, labels: Readonly<Record<string, string>>): AlertingRule | undefined {
  const settings = slo.alerting.absent;
  const watched = watchedSeries(slo.sli);
  const expr = absentExpr(watched);
  if (settings.disabled || expr === undefined) return undefined;
  const wait = formatDuration(settings.forSeconds);
  return {
    alert: ABSENT_ALERT_NAME,
    expr,
    for: wait,
    labels: {
      ...labels,
      ...slo.alerting.labels,
      ...settings.labels,
      service: slo.service,
      slo: slo.name,
      severity: settings.severity === 'page' ? 'critical' : 'warning',
      alert_tier: 'absent',
    },
    annotations: {
      summary: `${slo.service} ${slo.name}: no SLI data for ${wait}`,
      description: templateText([missingText(watched, wait), consequence(slo.sli), ...(slo.sli.kind === 'raw' ? [] : [NOT_NO_TRAFFIC])].join(' ')),
      runbook_url: DEFAULT_ABSENT_RUNBOOK,
      // The SLO's own annotations reach this alert too, except the texts written for its burn-rate alerts.
      ...inherited(slo.annotations),
      ...inherited(slo.alerting.annotations),
      ...settings.annotations,
    },
  };
}

const NOT_NO_TRAFFIC = 'A service without traffic does not fire this: its counters exist and stay flat.';

function missingText(w: WatchedSeries, wait: string): string {
  const list = w.described.map((s) => `\`${s}\``).join(', ');
  if (w.described.length === 1) return `Prometheus has had no series matching ${list} for ${wait}.`;
  return w.missing === 'all'
    ? `Prometheus has had no series matching any of ${list} for ${wait}.`
    : `Prometheus has had no series matching at least one of ${list} for ${wait}.`;
}

function consequence(sli: Sli): string {
  const blind = 'the error budget stops counting and the burn-rate alerts cannot fire, whatever the service does';
  if (sli.kind === 'events') return `The SLI reads this as no traffic: ${blind}.`;
  if (sli.kind === 'raw') return `The SLI reads this as an error ratio of 0: ${blind}.`;
  return `Without \`_count\` the SLI reads no traffic: ${blind}; without the bucket it counts every request as slow.`;
}

function inherited(annotations: Readonly<Record<string, string>>): Record<string, string> {
  const { summary: _s, description: _d, runbook_url: _r, ...rest } = annotations;
  return rest;
}

/** Prometheus expands annotations as Go templates: a `{{` from a label value must stay text. */
function templateText(text: string): string {
  return text.replace(/\{\{/g, '{{ "{{" }}');
}

/** `le` matching the threshold's bucket in both spellings exporters use, as a regex (see sli-queries.ts leMatcher). */
function leRegexMatcher(seconds: number): string {
  const text = String(seconds).replace(/\./g, '\\\\.');
  return Number.isInteger(seconds) ? `le=~"${text}|${text}\\\\.0"` : `le=~"${text}"`;
}
