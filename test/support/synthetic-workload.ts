/**
 * Synthetic traffic with an exact answer: every series is a counter whose rate is piecewise
 * constant, so the events between any two times are Σ perSecond × overlap, computable by hand.
 * `toOpenMetrics` samples the counters into the text `promtool tsdb create-blocks-from openmetrics`
 * reads; `expectedIncrease` is the truth Prometheus's answers are compared with.
 *
 * Times are epoch seconds. Outside its segments a series does not grow (rate 0), but it is still
 * sampled over the whole range: a series that appears mid-window would make `increase()` miss
 * everything before its first sample.
 */

/** `perSecond` events every second in [from, to). */
export interface Segment {
  readonly from: number;
  readonly to: number;
  readonly perSecond: number;
}

export interface MetricFamily {
  /** The family name in `# TYPE`: for a counter without `_total`, for a histogram without `_bucket`/`_count`/`_sum`. */
  readonly name: string;
  readonly type: 'counter' | 'histogram';
}

export interface SyntheticSeries {
  /** The sample name Prometheus stores, e.g. `http_requests_total` or `http_request_duration_seconds_bucket`. */
  readonly metric: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly segments: readonly Segment[];
  /** Defaults to a counter family named `metric` without `_total` (which a counter's name must end with). */
  readonly family?: MetricFamily;
}

export interface Sampling {
  /** First sample, epoch seconds. */
  readonly start: number;
  /** Last sample at or before this, epoch seconds. */
  readonly end: number;
  readonly stepSeconds: number;
}

/** Piecewise-constant traffic over consecutive stretches: `[[t0, 100], [t1, 0], [t2, 100]]` until `end`. */
export function steps(changes: readonly (readonly [from: number, perSecond: number])[], end: number): Segment[] {
  return changes.map(([from, perSecond], i) => ({ from, to: changes[i + 1]?.[0] ?? end, perSecond }));
}

/** Events a series (or the sum of several) counted in [from, to]: exact, from the segments alone. */
export function expectedIncrease(series: SyntheticSeries | readonly SyntheticSeries[], from: number, to: number): number {
  const all: readonly SyntheticSeries[] = Array.isArray(series) ? series : [series as SyntheticSeries];
  let sum = 0;
  for (const s of all) {
    for (const seg of s.segments) sum += seg.perSecond * Math.max(0, Math.min(seg.to, to) - Math.max(seg.from, from));
  }
  return sum;
}

/** The counter's value at `t`: everything counted since the first segment began. */
export function counterValue(series: SyntheticSeries, t: number): number {
  return expectedIncrease(series, -Infinity, t);
}

/** One stretch of a latency histogram: `perSecond` requests, `slowFraction` of them slower than the threshold. */
export interface LatencySegment extends Segment {
  readonly slowFraction: number;
}

export interface LatencyHistogram {
  /** Family name, e.g. `http_request_duration_seconds`. */
  readonly metric: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Finite bucket bounds in seconds, ascending; `+Inf` is added. */
  readonly buckets: readonly number[];
  /** Latency of a fast request (at or under the SLI threshold) and of a slow one (over it). */
  readonly fastSeconds: number;
  readonly slowSeconds: number;
  readonly segments: readonly LatencySegment[];
}

/**
 * `_bucket{le}`, `_count` and `_sum` counters of a histogram where every fast request takes
 * `fastSeconds` and every slow one `slowSeconds`: a request lands in each bucket whose bound is at
 * least its latency. With the SLI threshold between the two, the slow requests are exactly the
 * events `_count - _bucket{le=threshold}` counts.
 */
export function latencyHistogram(h: LatencyHistogram): SyntheticSeries[] {
  if (!(h.fastSeconds < h.slowSeconds)) throw new Error(`fastSeconds (${h.fastSeconds}) must be below slowSeconds (${h.slowSeconds})`);
  const family: MetricFamily = { name: h.metric, type: 'histogram' };
  const scaled = (f: (s: LatencySegment) => number): Segment[] =>
    h.segments.map((s) => ({ from: s.from, to: s.to, perSecond: s.perSecond * f(s) }));
  const bounds = [...h.buckets].sort((a, b) => a - b);
  const buckets = [...bounds.map(formatLe), '+Inf'].map((le, i) => {
    const bound = bounds[i] ?? Infinity;
    const share = (s: LatencySegment) => (h.fastSeconds <= bound ? 1 - s.slowFraction : 0) + (h.slowSeconds <= bound ? s.slowFraction : 0);
    return { metric: `${h.metric}_bucket`, labels: { ...h.labels, le }, segments: scaled(share), family };
  });
  return [
    ...buckets,
    { metric: `${h.metric}_count`, labels: h.labels, segments: scaled(() => 1), family },
    {
      metric: `${h.metric}_sum`,
      labels: h.labels,
      segments: scaled((s) => (1 - s.slowFraction) * h.fastSeconds + s.slowFraction * h.slowSeconds),
      family,
    },
  ];
}

/**
 * OpenMetrics text for `promtool tsdb create-blocks-from openmetrics`: one `# TYPE` per family,
 * each family's lines contiguous (the format forbids interleaving), a counter's TYPE naming the
 * family without `_total`, every sample `name{labels} value timestamp` in seconds, ascending per
 * series, and the mandatory `# EOF`. A histogram's metric points stay together (all buckets,
 * `_count`, `_sum` at one time, then the next time), as the format groups them.
 */
export function toOpenMetrics(series: readonly SyntheticSeries[], sampling: Sampling): string {
  const { start, end, stepSeconds } = sampling;
  if (!(stepSeconds > 0) || !(end >= start)) throw new Error(`bad sampling: start ${start}, end ${end}, step ${stepSeconds}`);
  const families = new Map<string, { family: MetricFamily; metrics: Map<string, SyntheticSeries[]> }>();
  for (const s of series) {
    const family = s.family ?? counterFamily(s.metric);
    const entry = families.get(family.name) ?? { family, metrics: new Map<string, SyntheticSeries[]>() };
    if (entry.family.type !== family.type) throw new Error(`metric family ${family.name} is both ${entry.family.type} and ${family.type}`);
    families.set(family.name, entry);
    // One metric of a family = its labels without `le`: a histogram's buckets, count and sum.
    const { le: _le, ...rest } = s.labels;
    const key = labelText(rest);
    entry.metrics.set(key, [...(entry.metrics.get(key) ?? []), s]);
  }

  const times: number[] = [];
  for (let t = start; t <= end; t += stepSeconds) times.push(t);
  const out: string[] = [];
  for (const { family, metrics } of families.values()) {
    out.push(`# TYPE ${family.name} ${family.type}`);
    for (const group of metrics.values()) {
      const named = group.map((s) => ({ s, name: `${s.metric}${labelText(s.labels)}` }));
      for (const t of times) for (const { s, name } of named) out.push(`${name} ${formatValue(counterValue(s, t))} ${t}`);
    }
  }
  out.push('# EOF', '');
  return out.join('\n');
}

function counterFamily(metric: string): MetricFamily {
  if (!metric.endsWith('_total')) throw new Error(`counter ${metric} must end with _total (or give its family)`);
  return { name: metric.slice(0, -'_total'.length), type: 'counter' };
}

function labelText(labels: Readonly<Record<string, string>>): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')}"`);
  return pairs.length ? `{${pairs.join(',')}}` : '';
}

function formatLe(bound: number): string {
  return String(bound);
}

/** Plain decimal where JavaScript gives one; counters this size never need more than 17 digits. */
function formatValue(v: number): string {
  return Number.isInteger(v) ? v.toFixed(0) : String(v);
}
