import { parseDuration } from '../../src/core/duration.js';

/**
 * The arithmetic behind alert-timing.spec.ts: synthetic counters, and the error ratio Prometheus
 * 2.x computes from them through Vigil's rules, to fill `{{ $value }}` into expected annotations.
 *
 * Semantics modelled (promtool 2.42; checked by a promql_expr_test in the spec):
 * - samples every minute, rules evaluated every minute on the same timestamps (t = 0, 1m, …);
 * - range selectors are closed, [t − w, t]: a [1h] window over 1m samples holds 61 of them;
 * - `rate(c[5m])` at t is exactly (c(t) − c(t − 5m)) / 300 s (samples sit on the window edges,
 *   so nothing is extrapolated; from t = 0 on, counters start at 0);
 * - the longer windows are Σ error rate5m samples / Σ total rate5m samples in [t − w, t].
 */

/** Minutes from 0 at which every scenario's fault starts: 3 clean days, the longest alert window. */
export const FAULT = 3 * 24 * 60;

export function minutes(text: string): number {
  const s = parseDuration(text);
  if (s === undefined || s % 60 !== 0) throw new Error(`not a whole number of minutes: ${text}`);
  return s / 60;
}

/** Segments of a counter that starts at 0: for `count` minutes it grows by `perMinute` each minute. */
export type Counter = readonly (readonly [count: number, perMinute: number])[];

/** Requests that succeeded and requests that failed, as two counters (`code="200"` and `code="500"`). */
export interface Traffic {
  readonly ok: Counter;
  readonly errors: Counter;
}

/** The counter's value at minute `t`. */
export function counterAt(c: Counter, t: number): number {
  let value = 0;
  let left = t;
  for (const [count, perMinute] of c) {
    const n = Math.min(count, left);
    value += n * perMinute;
    left -= n;
    if (left === 0) break;
  }
  if (left > 0) throw new Error(`counter has no sample at minute ${t}`);
  return value;
}

/** promtool's expanding notation for the counter: one value per minute from minute 0. */
export function counterValues(c: Counter): string {
  let value = 0;
  const parts = ['0'];
  for (const [count, perMinute] of c) {
    parts.push(`${value + perMinute}+${perMinute}x${count - 1}`);
    value += perMinute * count;
  }
  return parts.join(' ');
}

function rate5m(c: Counter, t: number): number {
  return (counterAt(c, t) - counterAt(c, Math.max(0, t - 5))) / 300;
}

/** What `slo:sli_error:ratio_rate<window>` records at minute `t`. */
export function errorRatio(traffic: Traffic, t: number, windowMinutes: number): number {
  const errors = (s: number) => rate5m(traffic.errors, s);
  const total = (s: number) => errors(s) + rate5m(traffic.ok, s);
  if (windowMinutes === 5) return total(t) > 0 ? errors(t) / total(t) : 0;
  let e = 0;
  let n = 0;
  for (let s = Math.max(0, t - windowMinutes); s <= t; s++) {
    e += errors(s);
    n += total(s);
  }
  return n > 0 ? e / n : 0;
}

/** Prometheus' `humanizePercentage`: Go's `%.4g` of v × 100, then "%". */
export function humanizePercentage(v: number): string {
  const x = v * 100;
  if (x === 0) return '0%';
  const exponent = Number(x.toExponential(3).split('e')[1]);
  if (exponent < -4 || exponent >= 4) throw new Error(`humanizePercentage(${v}): exponent form not modelled`);
  return `${String(Number(x.toPrecision(4)))}%`;
}

/**
 * The SRE Workbook tiers for a 30-day SLO, written out here rather than read from the generator,
 * so that a generator with a wrong threshold or window cannot agree with itself.
 */
export interface Tier {
  readonly severity: 'critical' | 'warning';
  readonly longWindow: string;
  readonly shortWindow: string;
  readonly burnRate: string;
}

export const TIERS = {
  page1h: { severity: 'critical', longWindow: '1h', shortWindow: '5m', burnRate: '14.4' },
  page6h: { severity: 'critical', longWindow: '6h', shortWindow: '30m', burnRate: '6' },
  ticket1d: { severity: 'warning', longWindow: '1d', shortWindow: '2h', burnRate: '3' },
  ticket3d: { severity: 'warning', longWindow: '3d', shortWindow: '6h', burnRate: '1' },
} as const satisfies Record<string, Tier>;

export type TierName = keyof typeof TIERS;

export interface AlertingRuleYaml {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface RuleFile {
  groups: { name: string; rules: AlertingRuleYaml[] }[];
}

/** The generated alerting rule of a tier, found by what the tier means: severity, both windows, burn rate. */
export function tierRule(rules: RuleFile, alertname: string, tier: Tier): AlertingRuleYaml {
  const found = rules.groups
    .flatMap((g) => g.rules)
    .filter(
      (r) =>
        r.alert === alertname &&
        r.labels?.severity === tier.severity &&
        r.labels?.long_window === tier.longWindow &&
        r.labels?.short_window === tier.shortWindow &&
        r.labels?.burn_rate === tier.burnRate,
    );
  if (found.length !== 1) {
    throw new Error(
      `expected exactly one ${alertname} rule with severity=${tier.severity}, long_window=${tier.longWindow}, ` +
        `short_window=${tier.shortWindow}, burn_rate=${tier.burnRate}; found ${found.length}`,
    );
  }
  return found[0]!;
}

/** Labels of the firing alert (and of its ALERTS series, with alertname and alertstate added). */
export function alertLabels(rule: AlertingRuleYaml): Record<string, string> {
  return { ...(rule.labels ?? {}) };
}

const VALUE_TEMPLATE = /\{\{\s*\$value\s*\|\s*humanizePercentage\s*\}\}/g;

/** The tier's alert as promtool's alert_rule_test expects it at minute `t`: labels and expanded annotations. */
export function expectedAlert(rules: RuleFile, alertname: string, tier: Tier, traffic: Traffic, t: number) {
  const rule = tierRule(rules, alertname, tier);
  const value = humanizePercentage(errorRatio(traffic, t, minutes(tier.longWindow)));
  const annotations = Object.fromEntries(
    Object.entries(rule.annotations ?? {}).map(([k, text]) => {
      const expanded = text.replace(VALUE_TEMPLATE, value);
      if (expanded.includes('{{')) throw new Error(`annotation ${k} has a template this model cannot expand: ${text}`);
      return [k, expanded];
    }),
  );
  return { exp_labels: alertLabels(rule), exp_annotations: annotations };
}

/** `name{a="b",…}` as promtool parses expected series. */
export function labelsText(name: string, labels: Record<string, string>): string {
  return `${name}{${Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',')}}`;
}
