import { check } from '../check.js';
import type { Slo } from '../model/slo.js';
import { promqlSyntaxError } from '../promql/promql.js';
import { assembleBudgets, burnWindowNames, cycleWindows } from './budget-cycle.js';
import { monthSeconds, monthStart, rawQueries, readRaw, readRecorded, recordedQueries, sloWindow, type QuerySample } from './budget-queries.js';

const AT = Date.UTC(2026, 10, 23, 12, 0, 0) / 1000; // 2026-11-23T12:00:00Z

function slos(text: string): Slo[] {
  const checked = check([{ path: 'slos/checkout.yaml', text }]);
  expect(checked.diagnostics).toEqual([]);
  return checked.fleet.services.flatMap((s) => s.slos);
}

const SPEC = `apiVersion: vigil/v1
service: checkout
slos:
  - name: availability
    objective: 99.9
    sli:
      events:
        errorQuery: http_requests_total{job="checkout",code=~"5.."}
        totalQuery: http_requests_total{job="checkout"}
  - name: monthly
    objective: 99
    window: month
    sli:
      events:
        errorQuery: http_requests_total{job="checkout",code=~"5.."}
        totalQuery: http_requests_total{job="checkout"}
  - name: probe
    objective: 99.5
    window: 7d
    sli:
      raw:
        errorRatioQuery: 1 - avg(avg_over_time(probe_success{job="blackbox"}[{{.window}}]))
`;

const s = (labels: Record<string, string>, value: number): QuerySample => ({ labels, value });

describe('calendar helpers', () => {
  it.each([
    ['2026-11-23T12:00:00Z', '2026-11-01T00:00:00Z', 30],
    ['2024-02-29T23:59:59Z', '2024-02-01T00:00:00Z', 29],
    ['2025-12-31T00:00:00Z', '2025-12-01T00:00:00Z', 31],
  ])('%s is in the month from %s, %i days long', (at, start, days) => {
    const t = Date.parse(at) / 1000;
    expect(monthStart(t)).toBe(Date.parse(start) / 1000);
    expect(monthSeconds(t)).toBe(days * 86400);
  });

  it('reads an OpenSLO calendar month (isRolling: false, 1M, UTC) as the same calendar window', () => {
    const checked = check([
      {
        path: 'slos/openslo.yaml',
        text: `apiVersion: openslo/v1
kind: SLO
metadata:
  name: jobs
spec:
  service: worker
  indicator:
    metadata:
      name: ok
    spec:
      ratioMetric:
        counter: true
        bad: {metricSource: {type: Prometheus, spec: {query: jobs_failed_total}}}
        total: {metricSource: {type: Prometheus, spec: {query: jobs_total}}}
  timeWindow:
    - duration: 1M
      isRolling: false
      calendar: {startTime: 2026-01-01 00:00:00, timeZone: UTC}
  objectives:
    - targetPercent: 99.5
`,
      },
    ]);
    expect(checked.diagnostics).toEqual([]);
    const slo = checked.fleet.services[0]!.slos[0]!;
    expect(slo).toMatchObject({ calendar: 'month', windowSeconds: 30 * 86400 });
    expect(sloWindow(slo, AT).key).toBe('month');
  });

  it('a calendar-month SLO counts from the first of the month; a rolling one its whole window', () => {
    const [avail, monthly] = slos(SPEC);
    expect(sloWindow(avail!, AT)).toEqual({ key: '30d', seconds: 30 * 86400, at: AT });
    expect(sloWindow(monthly!, AT)).toEqual({ key: 'month', seconds: 22 * 86400 + 12 * 3600, at: AT });
  });
});

describe('recordedQueries', () => {
  it('issues one query per distinct window, however many SLOs there are', () => {
    const one = slos(SPEC);
    const many: Slo[] = [];
    for (let i = 0; i < 1000; i++) many.push(...one.map((x) => ({ ...x, name: `${x.name}-${i}` })));
    const windows = (list: Slo[]) => list.flatMap((x) => cycleWindows(x, AT));
    const few = recordedQueries(windows(one), AT);
    const lots = recordedQueries(windows(many), AT);
    // ratios + sampling rate + 30d + month + 7d
    expect(few.map((q) => q.id)).toEqual(['ratios', 'samples-1h', `window-2592000-${AT}`, `window-1944000-${AT}`, `window-604800-${AT}`]);
    expect(lots.length).toBe(few.length);
    for (const q of few) expect(promqlSyntaxError(q.promql)).toBeUndefined();
  });
});

describe('readRecorded + readRaw', () => {
  const [avail, monthly, probe] = slos(SPEC);
  const all = [avail!, monthly!, probe!];
  const at30 = `window-2592000-${AT}`;
  const atMonth = `window-1944000-${AT}`;
  const lbl = (slo: string, extra: Record<string, string> = {}) => ({ service: 'checkout', slo, team: 'x', ...extra });

  it('uses recordings that cover the window: mean rate × seconds = events', () => {
    const answers = new Map<string, QuerySample[]>([
      ['ratios', [s({ __name__: 'slo:sli_error:ratio_rate1h', ...lbl('availability') }, 0.01), s({ __name__: 'slo:sli_error:ratio_rate5m', ...lbl('availability') }, 0.02)]],
      ['samples-1h', [s(lbl('availability'), 60), s(lbl('monthly'), 60)]],
      [
        at30,
        [
          s(lbl('availability', { vigil_part: 'bad' }), 0.1), // 0.1 errors/s on average
          s(lbl('availability', { vigil_part: 'total' }), 100),
          s(lbl('availability', { vigil_part: 'samples' }), 43_200), // 30 days at one a minute
        ],
      ],
      [
        atMonth,
        [
          s(lbl('monthly', { vigil_part: 'bad' }), 1),
          s(lbl('monthly', { vigil_part: 'total' }), 100),
          s(lbl('monthly', { vigil_part: 'samples' }), 3000), // about 2 days of 22.5: installed recently
        ],
      ],
    ]);
    const reading = readRecorded(all, (x) => cycleWindows(x, AT), burnWindowNames, answers, AT);
    expect(reading.counts.get('checkout/availability')!.get('30d')).toEqual({ bad: 0.1 * 2_592_000, total: 100 * 2_592_000, source: 'recorded' });
    expect(reading.ratios.get('checkout/availability')).toEqual({ '1h': 0.01, '5m': 0.02 });
    // monthly: recordings cover too little; probe: a ratio-only SLI, always read raw; plus their missing burn ratios.
    const uncoveredCounts = reading.uncovered.filter((u) => u.kind === 'count').map((u) => `${u.slo.name}:${u.window.key}`);
    expect(uncoveredCounts).toEqual(['monthly:month', 'probe:7d']);
    const missingAvailRatios = reading.uncovered.filter((u) => u.kind === 'ratio' && u.slo.name === 'availability').map((u) => u.window.key);
    expect(missingAvailRatios).toEqual(burnWindowNames(avail!).filter((w) => w !== '1h' && w !== '5m'));

    const raw = rawQueries(reading.uncovered);
    expect(raw.length).toBeGreaterThan(0);
    for (const q of raw) expect(promqlSyntaxError(q.promql)).toBeUndefined();
    const text = raw.map((q) => q.promql).join('\n');
    expect(text).toContain('rate(http_requests_total{job="checkout",code=~"5.."}[22d12h])) or vector(0)) * 1944000');
    expect(text).toContain('avg_over_time(probe_success{job="blackbox"}[7d])');

    const rawAnswers = new Map<string, QuerySample[]>([
      [
        raw[0]!.id,
        [
          s({ service: 'checkout', slo: 'monthly', vigil_part: 'bad', vigil_window: 'count:month' }, 500),
          s({ service: 'checkout', slo: 'monthly', vigil_part: 'total', vigil_window: 'count:month' }, 100_000),
          s({ service: 'checkout', slo: 'probe', vigil_part: 'ratio', vigil_window: 'count:7d' }, 0.002),
          s({ service: 'checkout', slo: 'availability', vigil_part: 'bad', vigil_window: 'ratio:6h' }, 30),
          s({ service: 'checkout', slo: 'availability', vigil_part: 'total', vigil_window: 'ratio:6h' }, 6000),
        ],
      ],
    ]);
    readRaw(reading, rawAnswers);
    expect(reading.counts.get('checkout/monthly')!.get('month')).toEqual({ bad: 500, total: 100_000, source: 'raw' });
    expect(reading.counts.get('checkout/probe')!.get('7d')).toEqual({ bad: 0.002, total: 1, source: 'ratio' });
    expect(reading.ratios.get('checkout/availability')!['6h']).toBe(0.005);

    const [a, m, p] = assembleBudgets(all, reading, AT);
    // 0.1 % errors against a 0.1 % budget: all of it spent.
    expect(a!.remaining).toBeCloseTo(0, 12);
    expect(a!.status).toBe('exhausted');
    expect(a!.burnRates['1h']).toBeCloseTo(10, 12);
    expect(a!.burnRates['6h']).toBeCloseTo(5, 12);
    expect(a!.burnRates['3d']).toBeNull(); // neither recorded nor answered
    expect(a!.source).toBe('recorded');
    // 0.5 % errors against a 1 % budget, month so far.
    expect(m).toMatchObject({ window: 'month', windowSeconds: 1_944_000, source: 'raw', badEvents: 500, totalEvents: 100_000 });
    expect(m!.remaining).toBeCloseTo(0.5, 12);
    // ratio-only: 0.2 % errors against 0.5 %; no event counts to show.
    expect(p).toMatchObject({ source: 'ratio', badEvents: null, totalEvents: null, allowedBadEvents: null });
    expect(p!.remaining).toBeCloseTo(0.6, 12);
  });

  it('reads an SLO whose series Prometheus does not have as no-data, never NaN', () => {
    const reading = readRecorded([avail!], (x) => cycleWindows(x, AT), burnWindowNames, new Map(), AT);
    readRaw(reading, new Map());
    const [b] = assembleBudgets([avail!], reading, AT);
    expect(b).toMatchObject({ status: 'no-data', sli: null, remaining: 1 });
  });

  it('chunks raw reads so no single query asks Prometheus for too many samples', () => {
    const many: Slo[] = [];
    for (let i = 0; i < 250; i++) many.push({ ...avail!, name: `a-${i}` });
    const reading = readRecorded(many, (x) => cycleWindows(x, AT), () => [], new Map(), AT);
    expect(rawQueries(reading.uncovered).length).toBe(3); // 100 + 100 + 50
  });
});
