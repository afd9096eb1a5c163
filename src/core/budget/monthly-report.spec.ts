import { monthlyReport, parseReportMonth, type DailySloRecord, type ReportSlo, type SloMonth } from './monthly-report.js';

const DAY = 86_400;

function rec(day: string, over: Partial<DailySloRecord> = {}): DailySloRecord {
  return { day, service: 'checkout', slo: 'availability', bad: 0, total: 0, secondsObserved: DAY, secondsAtRisk: 0, secondsExhausted: 0, ...over };
}

function slo(objective: string, service = 'checkout', name = 'availability'): ReportSlo {
  return { service, slo: name, objective };
}

/** The one row of a single-SLO report. */
function only(month: string, objective: string, days: readonly DailySloRecord[]): SloMonth {
  const r = monthlyReport(month, [slo(objective)], days);
  expect(r.slos).toHaveLength(1);
  return r.slos[0]!;
}

describe('parseReportMonth', () => {
  it.each([
    // [text, days, start, end]
    ['2025-03', 31, '2025-03-01T00:00:00.000Z', '2025-04-01T00:00:00.000Z'],
    ['2025-04', 30, '2025-04-01T00:00:00.000Z', '2025-05-01T00:00:00.000Z'],
    ['2024-02', 29, '2024-02-01T00:00:00.000Z', '2024-03-01T00:00:00.000Z'], // leap year
    ['2023-02', 28, '2023-02-01T00:00:00.000Z', '2023-03-01T00:00:00.000Z'],
    ['2100-02', 28, '2100-02-01T00:00:00.000Z', '2100-03-01T00:00:00.000Z'], // divisible by 100, not 400
    ['2000-02', 29, '2000-02-01T00:00:00.000Z', '2000-03-01T00:00:00.000Z'], // divisible by 400
    ['2025-12', 31, '2025-12-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'], // ends in the next year
  ])('%s has %d days, from %s to %s', (text, days, start, end) => {
    const m = parseReportMonth(text);
    expect(m.days).toBe(days);
    expect(m.start.toISOString()).toBe(start);
    expect(m.end.toISOString()).toBe(end);
    expect(m.year).toBe(Number(text.slice(0, 4)));
    expect(m.month).toBe(Number(text.slice(5)));
  });

  it.each([
    ['2025-13', 'month must be 01–12, got "2025-13"'],
    ['2025-00', 'month must be 01–12, got "2025-00"'],
    ['2025-3', 'month must be YYYY-MM (e.g. 2025-03), got "2025-3"'],
    ['25-03', 'month must be YYYY-MM (e.g. 2025-03), got "25-03"'],
    ['2025-03-01', 'month must be YYYY-MM (e.g. 2025-03), got "2025-03-01"'],
    [' 2025-03', 'month must be YYYY-MM (e.g. 2025-03), got " 2025-03"'],
    ['2025/03', 'month must be YYYY-MM (e.g. 2025-03), got "2025/03"'],
    ['1969-12', 'year must be 1970 or later, got "1969-12"'],
    ['', 'month is required, as YYYY-MM (e.g. 2025-03)'],
  ])('rejects %j: %s', (text, message) => {
    expect(() => parseReportMonth(text)).toThrow(new Error(message));
  });

  it('rejects a missing month (a query string without it) with the same clear message', () => {
    expect(() => parseReportMonth(undefined as unknown as string)).toThrow('month is required');
  });
});

describe('monthlyReport', () => {
  it('is event-weighted: 50 bad in 100,000 plus 10 bad in 10 is 1 − 60/100,010, not the mean of daily ratios', () => {
    const r = only('2025-03', '99.9', [rec('2025-03-01', { bad: 50, total: 100_000 }), rec('2025-03-02', { bad: 10, total: 10 })]);
    // 1 − 60/100010 = 99950/100010 = 0.999400059994…
    expect(r.achievedSli).toBeCloseTo(0.99940005999400059994, 15);
    // The mean of daily SLIs would be (0.9995 + 0) / 2 = 0.49975: the bug this guards against.
    expect(r.achievedSli).not.toBeCloseTo(0.49975, 2);
    // (60/100010) / 0.001 = 60000/100010 = 0.599940005999…
    expect(r.budgetConsumed).toBeCloseTo(0.59994000599940005999, 15);
    // 0.001 × 100010
    expect(r.allowedBadEvents).toBeCloseTo(100.01, 10);
    expect(r).toMatchObject({ met: true, badEvents: 60, totalEvents: 100_010, daysWithData: 2, objective: '99.9', objectiveRatio: 0.999 });
    expect(r.worstDay).toEqual({ day: '2025-03-02', sli: 0, bad: 10, total: 10 });
  });

  it.each([
    // [objective, bad, total, met, consumed]; budget × total is compared exactly, not in floats
    ['99.9', 1, 1000, true, 1], // exactly the budget: met
    ['99.9', 1.000001, 1000, false, 1.000001], // a millionth over: missed
    ['99', 3, 300, true, 1],
    ['99.99', 0, 5000, true, 0],
    ['100', 0, 5000, true, 0], // no budget, none spent
    ['100', 1, 5000, false, null], // no budget, any bad event spends an infinite share: null, never Infinity
    ['0', 5000, 5000, true, 1], // everything may fail
  ])('objective %s %% with %d bad in %d: met %s, consumed %s', (objective, bad, total, met, consumed) => {
    const r = only('2025-03', objective, [rec('2025-03-10', { bad, total })]);
    expect(r.met).toBe(met);
    if (consumed === null) expect(r.budgetConsumed).toBeNull();
    else expect(r.budgetConsumed).toBeCloseTo(consumed, 12);
  });

  it('counts 29 February in a leap year, and ignores days that do not exist', () => {
    const days = [
      rec('2024-02-01', { bad: 1, total: 1000 }),
      rec('2024-02-29', { bad: 3, total: 1000 }),
      rec('2024-02-30', { bad: 500, total: 1000 }), // not a day: ignored
      rec('2024-03-01', { bad: 500, total: 1000 }), // next month: ignored
    ];
    const r = only('2024-02', '99', days);
    expect(r.totalEvents).toBe(2000);
    expect(r.badEvents).toBe(4);
    // 1 − 4/2000 = 0.998
    expect(r.achievedSli).toBe(0.998);
    expect(r.worstDay?.day).toBe('2024-02-29');
    // 2 days observed of 29: 2/29
    expect(r.coverage).toBeCloseTo(2 / 29, 15);
    const all = monthlyReport('2024-02', [slo('99')], []);
    expect(all).toMatchObject({ from: '2024-02-01T00:00:00.000Z', to: '2024-03-01T00:00:00.000Z', daysInMonth: 29, previousMonth: '2024-01' });
  });

  it('gives full coverage for 29 observed days of a leap February, and not for 28', () => {
    const feb = (n: number) => Array.from({ length: n }, (_, i) => rec(`2024-02-${String(i + 1).padStart(2, '0')}`, { total: 10 }));
    expect(only('2024-02', '99', feb(29)).coverage).toBe(1);
    expect(only('2024-02', '99', feb(28)).coverage).toBeCloseTo(28 / 29, 15);
    expect(only('2023-02', '99', feb(28).map((r) => ({ ...r, day: r.day.replace('2024', '2023') }))).coverage).toBe(1);
  });

  it('compares January with December of the year before', () => {
    const days = [
      rec('2024-11-30', { bad: 900, total: 1000 }), // two months back: ignored
      rec('2024-12-31', { bad: 2, total: 1000 }),
      rec('2025-01-01', { bad: 1, total: 1000 }),
      rec('2025-02-01', { bad: 900, total: 1000 }), // next month: ignored
    ];
    const report = monthlyReport('2025-01', [slo('99.9')], days);
    expect(report).toMatchObject({ month: '2025-01', previousMonth: '2024-12', from: '2025-01-01T00:00:00.000Z', to: '2025-02-01T00:00:00.000Z' });
    const r = report.slos[0]!;
    // January: 1/1000 / 0.001 = 1; December: 2/1000 / 0.001 = 2; delta −1
    expect(r.budgetConsumed).toBe(1);
    expect(r.previous).toEqual({ month: '2024-12', achievedSli: 0.998, budgetConsumed: 2, badEvents: 2, totalEvents: 1000 });
    expect(r.trend).toBe('better');
    expect(r.trendDelta).toBe(-1);
  });

  it('has no data, not NaN, for days without traffic, yet counts the time observed', () => {
    const r = only('2025-04', '99.9', [
      rec('2025-04-01', { secondsAtRisk: 60, secondsExhausted: 30 }),
      rec('2025-04-02', { secondsObserved: 43_200 }),
    ]);
    expect(r).toMatchObject({
      achievedSli: null,
      met: null,
      budgetConsumed: null,
      allowedBadEvents: 0,
      worstDay: null,
      trend: 'no-data',
      trendDelta: null,
      daysWithData: 2,
      observedSeconds: 129_600,
      timeAtRiskSeconds: 60,
      timeExhaustedSeconds: 30,
    });
    // 129600 / (30 × 86400)
    expect(r.coverage).toBe(0.05);
  });

  it('reports an SLO without a single record as no data with zero coverage', () => {
    const r = only('2025-04', '99.9', []);
    expect(r).toMatchObject({ achievedSli: null, met: null, budgetConsumed: null, coverage: 0, observedSeconds: 0, daysWithData: 0, worstDay: null });
    expect(r.previous).toEqual({ month: '2025-03', achievedSli: null, budgetConsumed: null, badEvents: 0, totalEvents: 0 });
  });

  it('keeps the previous month of an SLO that had records only then, with no trend', () => {
    const report = monthlyReport('2025-04', [slo('99')], [rec('2025-03-31', { bad: 5, total: 1000 })]);
    const r = report.slos[0]!;
    expect(r.achievedSli).toBeNull();
    // 5/1000 / 0.01 = 0.5
    expect(r.previous).toEqual({ month: '2025-03', achievedSli: 0.995, budgetConsumed: 0.5, badEvents: 5, totalEvents: 1000 });
    expect(r).toMatchObject({ trend: 'no-data', trendDelta: null });
    expect(report.summary).toEqual({ slos: 1, met: 0, missed: 0, noData: 1 });
  });

  it.each([
    // Objective 99 and 1000 events a month: consumed = bad / 10. [previous bad, current bad, trend, delta]
    [5, 4.9, 'better', -0.01], // exactly 1 % of the budget less: a change
    [5, 4.91, 'same', -0.009],
    [5, 5, 'same', 0],
    [5, 5.09, 'same', 0.009],
    [5, 5.1, 'worse', 0.01], // exactly 1 % more: a change
    [2.8, 2.9, 'worse', 0.01], // 0.29 − 0.28 is 0.00999… in floats, which would say 'same'
    [0, 0, 'same', 0],
    [20, 1, 'better', -1.9],
    [0, 10, 'worse', 1],
  ])('previous %d bad, now %d bad: %s by %d', (prevBad, bad, trend, delta) => {
    const r = only('2025-06', '99', [rec('2025-05-15', { bad: prevBad, total: 1000 }), rec('2025-06-15', { bad, total: 1000 })]);
    expect(r.trend).toBe(trend);
    expect(r.trendDelta).toBe(delta);
  });

  it('picks the day with the lowest SLI, the earliest on a tie, skipping days without traffic', () => {
    const r = only('2025-03', '99', [
      rec('2025-03-20', { bad: 2, total: 200 }), // 0.99, tie
      rec('2025-03-05', { bad: 0, total: 0 }), // no traffic: never the worst
      rec('2025-03-09', { bad: 1, total: 100 }), // 0.99, tie, earliest
      rec('2025-03-01', { bad: 1, total: 1000 }), // 0.999
    ]);
    expect(r.worstDay).toEqual({ day: '2025-03-09', sli: 0.99, bad: 1, total: 100 });
  });

  it('sums time at risk, exhausted and observed, and reports coverage of a 30-day month', () => {
    const days = Array.from({ length: 30 }, (_, i) =>
      rec(`2025-04-${String(i + 1).padStart(2, '0')}`, { total: 100, secondsObserved: i === 29 ? 43_200 : DAY, secondsAtRisk: i === 3 ? 8100 : 0, secondsExhausted: i === 4 ? 600 : 0 }),
    );
    const r = only('2025-04', '99.9', days);
    expect(r).toMatchObject({ timeAtRiskSeconds: 8100, timeExhaustedSeconds: 600, observedSeconds: 29 * DAY + 43_200, daysWithData: 30 });
    // (29 × 86400 + 43200) / (30 × 86400) = 29.5/30
    expect(r.coverage).toBeCloseTo(29.5 / 30, 15);
  });

  it('sorts by service then SLO, ignores unlisted SLOs and counts met, missed and no data', () => {
    const slos = [slo('99', 'search', 'latency'), slo('99', 'checkout', 'latency'), slo('99', 'search', 'availability'), slo('99', 'Zeta', 'x')];
    const days = [
      rec('2025-03-01', { service: 'checkout', slo: 'latency', bad: 1, total: 100 }), // 0.99: met
      rec('2025-03-01', { service: 'search', slo: 'latency', bad: 2, total: 100 }), // 0.98: missed
      rec('2025-03-01', { service: 'orphan', slo: 'gone', bad: 100, total: 100 }), // not listed: ignored
    ];
    const r = monthlyReport('2025-03', slos, days);
    // Code-unit order: upper case sorts before lower case, on every machine.
    expect(r.slos.map((s) => `${s.service}/${s.slo}`)).toEqual(['Zeta/x', 'checkout/latency', 'search/availability', 'search/latency']);
    expect(r.summary).toEqual({ slos: 4, met: 1, missed: 1, noData: 2 });
  });

  it('does not mix up SLOs whose names would collide when joined naively', () => {
    const slos = [slo('99', 'a/b', 'c'), slo('99', 'a', 'b/c')];
    const r = monthlyReport('2025-03', slos, [rec('2025-03-01', { service: 'a', slo: 'b/c', bad: 1, total: 10 })]);
    expect(r.slos.map((s) => [s.service, s.totalEvents])).toEqual([
      ['a', 10],
      ['a/b', 0],
    ]);
  });

  it.each([
    ['a second record for the same day', [rec('2025-03-01', { total: 1 }), rec('2025-03-01', { total: 2 })], 'daily records hold checkout/availability 2025-03-01 twice'],
    ['a negative count', [rec('2025-03-01', { bad: -1, total: 1 })], 'daily record checkout/availability 2025-03-01: bad must be a finite number ≥ 0, got -1'],
    ['a NaN count', [rec('2025-03-01', { total: Number.NaN })], 'daily record checkout/availability 2025-03-01: total must be a finite number ≥ 0, got NaN'],
    ['an infinite duration', [rec('2025-02-01', { secondsAtRisk: Infinity })], 'daily record checkout/availability 2025-02-01: secondsAtRisk must be a finite number ≥ 0, got Infinity'],
  ])('refuses %s rather than report a wrong figure', (_, days, message) => {
    expect(() => monthlyReport('2025-03', [slo('99')], days)).toThrow(new Error(message));
  });

  it('refuses an SLO listed twice, and a bad month', () => {
    expect(() => monthlyReport('2025-03', [slo('99'), slo('99.9')], [])).toThrow(new Error('SLO checkout/availability is listed twice'));
    expect(() => monthlyReport('2025-3', [slo('99')], [])).toThrow('month must be YYYY-MM');
  });

  it('is plain JSON: no undefined, NaN or Infinity anywhere, even for objective 100 and no data', () => {
    const slos = [slo('100', 'a'), slo('99.9', 'b'), slo('99', 'c')];
    const days = [rec('2025-03-01', { service: 'a', bad: 1, total: 10 }), rec('2025-02-01', { service: 'c', bad: 1, total: 10 })];
    const r = monthlyReport('2025-03', slos, days);
    const bad: string[] = [];
    const walk = (v: unknown, path: string): void => {
      if (v === undefined || (typeof v === 'number' && !Number.isFinite(v))) bad.push(`${path}=${String(v)}`);
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
    };
    walk(r, 'report');
    expect(bad).toEqual([]);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });
});
