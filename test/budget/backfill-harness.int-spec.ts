import { compile } from '../../src/core/compile.js';
import { formatDiagnostic } from '../../src/core/diagnostics.js';
import { startBackfilledPrometheus, type BackfilledPrometheus } from '../support/backfilled-prometheus.js';
import { expectedIncrease, latencyHistogram, steps, toOpenMetrics, type SyntheticSeries } from '../support/synthetic-workload.js';
import { CHECKOUT_SPEC } from '../support/checkout-spec.js';

/**
 * The harness the budget tests stand on: a real Prometheus over 30 days of synthetic history whose
 * answers match the hand-computed truth within 0.1 %, with Vigil's recording rules backfilled
 * for the last 10 days only (a Vigil installed 10 days ago).
 *
 * History (100 req/s throughout, sampled every minute, one day more than the 30-day window so no
 * window starts before the first sample):
 *   end − 20d, for 1 h:  100 % of requests fail (360,000 errors);
 *   end − 5d … end − 3d: 1 % fail (172,800 errors), inside the backfilled 10 days;
 *   latency: 0.5 % of requests take 0.5 s (over the 0.25 s threshold), 10 % during end − 7d … end − 6d.
 * Every change sits on a whole hour, far from the window edges, where the 5m base rate has an edge
 * effect: `sum_over_time(rate5m[W]) × step` counts each minute's events exactly once (each is in
 * 4 of the 1-minute-apart rate windows, each rate divides by the 240 s its 5 samples span), except
 * within 5 minutes of the window's edges, where it counts a change up to 2.5 minutes late. With
 * steady traffic there the shifted minutes cancel and the sums are exact.
 */

const HOUR = 3600;
const DAY = 24 * HOUR;
const STEP = 60;
/** On a whole hour and not in the future: Prometheus refuses live samples older than its newest block. */
const end = Math.floor(Date.now() / 1000 / HOUR) * HOUR;
const start = end - 31 * DAY;
const recordingsFrom = end - 10 * DAY;
const outage = end - 20 * DAY;
const [degradedFrom, degradedTo] = [end - 5 * DAY, end - 3 * DAY];
const [slowFrom, slowTo] = [end - 7 * DAY, end - 6 * DAY];

const errors: SyntheticSeries = {
  metric: 'http_requests_total',
  labels: { job: 'checkout', code: '500' },
  segments: steps([[start, 0], [outage, 100], [outage + HOUR, 0], [degradedFrom, 1], [degradedTo, 0]], end),
};
const ok: SyntheticSeries = {
  metric: 'http_requests_total',
  labels: { job: 'checkout', code: '200' },
  segments: steps([[start, 100], [outage, 0], [outage + HOUR, 100], [degradedFrom, 99], [degradedTo, 100]], end),
};
const latency = latencyHistogram({
  metric: 'http_request_duration_seconds',
  labels: { job: 'checkout' },
  buckets: [0.1, 0.25, 1],
  fastSeconds: 0.05,
  slowSeconds: 0.5,
  segments: [
    { from: start, to: slowFrom, perSecond: 100, slowFraction: 0.005 },
    { from: slowFrom, to: slowTo, perSecond: 100, slowFraction: 0.1 },
    { from: slowTo, to: end, perSecond: 100, slowFraction: 0.005 },
  ],
});
const latencyCount = latency.find((s) => s.metric.endsWith('_count'))!;
const latencyFast = latency.find((s) => s.labels.le === '0.25')!;
/** Requests over the 0.25 s threshold, as the latency SLI counts them: _count − _bucket{le="0.25"}. */
const slowIn = (from: number, to: number) => expectedIncrease(latencyCount, from, to) - expectedIncrease(latencyFast, from, to);

describe('a Prometheus with 30 days of backfilled history and 10 days of backfilled recordings', () => {
  let prom: BackfilledPrometheus;
  let generatedRules: string;

  beforeAll(async () => {
    const compiled = compile([{ path: 'slos/checkout.yaml', text: CHECKOUT_SPEC }]);
    expect(compiled.diagnostics.map(formatDiagnostic)).toEqual([]);
    const rules = compiled.files.find((f) => f.path === 'rules/checkout.rules.yaml')!.content;
    generatedRules = rules;
    prom = await startBackfilledPrometheus({
      openMetrics: toOpenMetrics([ok, errors, ...latency], { start, end, stepSeconds: STEP }),
      ruleFiles: { 'checkout.rules.yaml': rules },
      recordingsFrom,
      end,
    });
  });
  afterAll(() => prom?.stop());

  /** The single value of an instant query at `end`, or undefined for an empty result. */
  async function query(promql: string): Promise<number | undefined> {
    const res = await fetch(`${prom.url}/api/v1/query?${new URLSearchParams({ query: promql, time: String(end) })}`);
    const body = (await res.json()) as { status: string; error?: string; data: { result: { value: [number, string] }[] } };
    if (body.status !== 'success') throw new Error(`${promql}: ${body.error}`);
    if (body.data.result.length > 1) throw new Error(`${promql}: ${body.data.result.length} series, expected one`);
    const v = body.data.result[0]?.value[1];
    return v === undefined ? undefined : Number(v);
  }

  const closeTo = (got: number | undefined, want: number) => {
    expect(got).toBeDefined();
    expect(Math.abs(got! - want) / want).toBeLessThan(0.001);
  };
  const AV = '{service="checkout",slo="availability"}';
  const LAT = '{service="checkout",slo="latency"}';

  it('the hand-computed truth is what the workload says', () => {
    expect(expectedIncrease(errors, end - 30 * DAY, end)).toBe(360_000 + 172_800);
    expect(expectedIncrease([ok, errors], end - 10 * DAY, end)).toBe(100 * 10 * DAY);
    expect(slowIn(end - 30 * DAY, end)).toBeCloseTo(0.005 * 100 * 29 * DAY + 0.1 * 100 * DAY, 3);
  });

  it.each([
    ['errors', `sum(increase(http_requests_total{job="checkout",code=~"5.."}[30d]))`, () => expectedIncrease(errors, end - 30 * DAY, end)],
    ['requests', `sum(increase(http_requests_total{job="checkout"}[30d]))`, () => expectedIncrease([ok, errors], end - 30 * DAY, end)],
    [
      'slow requests',
      `sum(increase(http_request_duration_seconds_count{job="checkout"}[30d])) - sum(increase(http_request_duration_seconds_bucket{job="checkout",le="0.25"}[30d]))`,
      () => slowIn(end - 30 * DAY, end),
    ],
  ])('raw history: %s over 30 days match the workload within 0.1 %%', async (_what, promql, want) => {
    closeTo(await query(promql), want());
  });

  it.each([
    ['requests', `slo:sli_total:rate5m${AV}`, () => expectedIncrease([ok, errors], recordingsFrom, end)],
    ['errors', `slo:sli_error:rate5m${AV}`, () => expectedIncrease(errors, recordingsFrom, end)],
    ['latency requests', `slo:sli_total:rate5m${LAT}`, () => expectedIncrease(latencyCount, recordingsFrom, end)],
    ['slow requests', `slo:sli_error:rate5m${LAT}`, () => slowIn(recordingsFrom, end)],
  ])('backfilled recordings: sum_over_time(%s rate) × 60 s over 10 days matches the workload within 0.1 %%', async (_what, series, want) => {
    closeTo(await query(`sum_over_time(${series}[10d]) * ${STEP}`), want());
  });

  // The tiles: the same 5m rates in their own group, evaluated every 5m (promtool backfills a group
  // at its own interval, as Prometheus evaluates it), so each sample stands for 300 s of events.
  it.each([
    ['requests', `slo:sli_total:rate5m_every5m${AV}`, () => expectedIncrease([ok, errors], recordingsFrom, end)],
    ['errors', `slo:sli_error:rate5m_every5m${AV}`, () => expectedIncrease(errors, recordingsFrom, end)],
    ['latency requests', `slo:sli_total:rate5m_every5m${LAT}`, () => expectedIncrease(latencyCount, recordingsFrom, end)],
    ['slow requests', `slo:sli_error:rate5m_every5m${LAT}`, () => slowIn(recordingsFrom, end)],
  ])('backfilled tiles: sum_over_time(%s tile) × 300 s over 10 days matches the workload within 0.1 %%', async (_what, series, want) => {
    expect(await query(`count_over_time(${series}[10d])`)).toBe((10 * DAY) / 300);
    closeTo(await query(`sum_over_time(${series}[10d]) * 300`), want());
  });

  it.each([
    ['availability', AV, () => expectedIncrease(errors, recordingsFrom, end) / expectedIncrease([ok, errors], recordingsFrom, end)],
    ['latency', LAT, () => slowIn(recordingsFrom, end) / expectedIncrease(latencyCount, recordingsFrom, end)],
  ])('the %s SLO window ratio, as generated but over the 10 backfilled days, is the event-weighted truth within 0.1 %%', async (slo, sel, want) => {
    const rule = generatedRules.split('\n').find((l) => l.includes('sum_over_time(slo:sli_error:rate5m_every5m') && l.includes(`slo="${slo}"`))!;
    const expr = rule.replace(/^\s*expr: /, '').replaceAll('[30d]', '[10d]');
    expect(expr).toContain(sel);
    closeTo(await query(expr), want());
  });

  it('the recordings cover only the last 10 days: a third of the samples a 30-day window could hold', async () => {
    const in30d = await query(`count_over_time(slo:sli_total:rate5m${AV}[30d])`);
    const in1h = await query(`count_over_time(slo:sli_total:rate5m${AV}[1h])`);
    expect(in30d).toBe((10 * DAY) / STEP);
    expect(in1h).toBe(HOUR / STEP);
    // What the budget code computes as coverage.
    expect(in30d! / (in1h! * ((30 * DAY) / HOUR))).toBeCloseTo(1 / 3, 9);
  });

  it('rules over recorded series are not backfilled: promtool evaluates them against raw history only', async () => {
    expect(await query(`count_over_time(slo:sli_error:ratio_rate30d${AV}[30d])`)).toBeUndefined();
    // Constant rules do get backfilled.
    expect(await query(`count_over_time(slo:objective:ratio${AV}[30d])`)).toBe((10 * DAY) / STEP);
  });

  it('runs the generated rules live', async () => {
    const body = (await (await fetch(`${prom.url}/api/v1/rules`)).json()) as { data: { groups: { name: string }[] } };
    expect(body.data.groups.map((g) => g.name).sort()).toEqual([
      'vigil-checkout-availability-alerts',
      'vigil-checkout-availability-sli',
      'vigil-checkout-availability-sli-tiles',
      'vigil-checkout-latency-alerts',
      'vigil-checkout-latency-sli',
      'vigil-checkout-latency-sli-tiles',
    ]);
  });
});

describe('toOpenMetrics', () => {
  it('writes what promtool reads: families contiguous, counter TYPE without _total, seconds, # EOF', () => {
    const series: SyntheticSeries[] = [
      { metric: 'reqs_total', labels: { code: '200' }, segments: [{ from: 0, to: 120, perSecond: 2 }] },
      ...latencyHistogram({ metric: 'lat_seconds', labels: {}, buckets: [1], fastSeconds: 0.5, slowSeconds: 2, segments: [{ from: 60, to: 120, perSecond: 1, slowFraction: 0.25 }] }),
      { metric: 'reqs_total', labels: { code: '500' }, segments: [{ from: 60, to: 180, perSecond: 0.5 }] },
    ];
    expect(toOpenMetrics(series, { start: 0, end: 120, stepSeconds: 60 })).toBe(
      [
        '# TYPE reqs counter',
        'reqs_total{code="200"} 0 0',
        'reqs_total{code="200"} 120 60',
        'reqs_total{code="200"} 240 120',
        'reqs_total{code="500"} 0 0',
        'reqs_total{code="500"} 0 60',
        'reqs_total{code="500"} 30 120',
        '# TYPE lat_seconds histogram',
        'lat_seconds_bucket{le="1"} 0 0',
        'lat_seconds_bucket{le="+Inf"} 0 0',
        'lat_seconds_count 0 0',
        'lat_seconds_sum 0 0',
        'lat_seconds_bucket{le="1"} 0 60',
        'lat_seconds_bucket{le="+Inf"} 0 60',
        'lat_seconds_count 0 60',
        'lat_seconds_sum 0 60',
        'lat_seconds_bucket{le="1"} 45 120',
        'lat_seconds_bucket{le="+Inf"} 60 120',
        'lat_seconds_count 60 120',
        'lat_seconds_sum 52.5 120',
        '# EOF',
        '',
      ].join('\n'),
    );
  });

  it.each([
    ['inside one segment', 10, 20, 20],
    ['across both segments', 100, 150, 40 + 25],
    ['before any traffic', -50, 0, 0],
    ['the whole history', 0, 180, 240 + 60],
  ])('expectedIncrease %s', (_what, from, to, want) => {
    const series: SyntheticSeries[] = [
      { metric: 'reqs_total', labels: { code: '200' }, segments: [{ from: 0, to: 120, perSecond: 2 }] },
      { metric: 'reqs_total', labels: { code: '500' }, segments: [{ from: 60, to: 180, perSecond: 0.5 }] },
    ];
    expect(expectedIncrease(series, from, to)).toBe(want);
  });
});
