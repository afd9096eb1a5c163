import { golden } from '../../../test/support/golden.js';
import { monthlyReport, type DailySloRecord, type MonthlyReport, type ReportSlo } from './monthly-report.js';
import { CSV_COLUMNS, csvField, formatConsumed, formatWholeMinutes, formatSli, renderReportCsv, renderReportMarkdown } from './report-formats.js';

/** test/golden/reports holds the expected renderings of the report below; UPDATE_GOLDEN=1 rewrites them. */
const GOLDEN = 'test/golden/reports';
const DAY = 86_400;

function days(month: string, n: number, make: (day: number) => Partial<DailySloRecord>, service: string, slo: string): DailySloRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    day: `${month}-${String(i + 1).padStart(2, '0')}`,
    service,
    slo,
    bad: 0,
    total: 0,
    secondsObserved: DAY,
    secondsAtRisk: 0,
    secondsExhausted: 0,
    ...make(i + 1),
  }));
}

/**
 * March 2025 (31 days), compared with February (28):
 * - checkout/availability 99.9: 31 × 100,000 events, 30 bad a day but 800 on the 14th (2h 15m at
 *   risk). Σbad 1700 of 3,100,000: SLI 99.945 %, consumed 0.548387… → 54.9 %. February: 50 bad of
 *   100,000 a day → 0.5; delta +0.048387… → worse (+4.8 pp).
 * - checkout/latency p99 at 99: 14 days observed, 150 bad of 10,000 a day: SLI 98.5 %, consumed 1.5,
 *   missed; 3 days exhausted; coverage 14/31 = 45.16 % → listed in the coverage note. No February.
 * - "payments, EU"/availability 99.95: no records at all → no data, coverage 0.
 * - "search|beta"/availability 99.5: every day clean both months → 100.000 %, 0.0 %, same.
 */
function fixture(): MonthlyReport {
  const slos: ReportSlo[] = [
    { service: 'search|beta', slo: 'availability', objective: '99.5' },
    { service: 'checkout', slo: 'latency p99', objective: '99' },
    { service: 'payments, EU', slo: 'availability', objective: '99.95' },
    { service: 'checkout', slo: 'availability', objective: '99.9' },
  ];
  const records = [
    ...days('2025-03', 31, (d) => ({ total: 100_000, bad: d === 14 ? 800 : 30, secondsAtRisk: d === 14 ? 8100 : 0 }), 'checkout', 'availability'),
    ...days('2025-02', 28, () => ({ total: 100_000, bad: 50 }), 'checkout', 'availability'),
    ...days('2025-03', 14, (d) => ({ total: 10_000, bad: 150, secondsExhausted: d >= 12 ? DAY : 0 }), 'checkout', 'latency p99'),
    ...days('2025-03', 31, () => ({ total: 5000 }), 'search|beta', 'availability'),
    ...days('2025-02', 28, () => ({ total: 5000 }), 'search|beta', 'availability'),
  ];
  return monthlyReport('2025-03', slos, records);
}

describe('report number formats', () => {
  it.each([
    [0.9995312, '99.953 %'],
    [0.99945161290322580645, '99.945 %'],
    [0.9989999, '99.899 %'], // rounded down: never 99.900 % beside a missed 99.9 % objective
    [1, '100.000 %'],
    [0, '0.000 %'],
    [null, '—'],
  ])('SLI %s prints as %s', (sli, text) => {
    expect(formatSli(sli)).toBe(text);
  });

  it.each([
    [0.47, '47.0 %'], // 0.47 × 100 is 46.99999999999999 in floats
    [0.59994000599940005999, '60.0 %'],
    [1.000004, '100.1 %'], // rounded up: never 100.0 % beside a missed objective
    [1, '100.0 %'],
    [0, '0.0 %'],
    [12.5, '1250.0 %'],
    [null, '—'],
  ])('budget consumed %s prints as %s', (consumed, text) => {
    expect(formatConsumed(consumed)).toBe(text);
  });

  it.each([
    [0, '0m'],
    [30, '< 1m'],
    [60, '1m'],
    [3600, '1h'],
    [8100, '2h 15m'],
    [8159, '2h 15m'],
    [2 * DAY, '2d'],
    [DAY + 2 * 3600 + 3 * 60 + 4, '1d 2h 3m'],
    [DAY + 60, '1d 1m'],
  ])('%d seconds print as %s', (seconds, text) => {
    expect(formatWholeMinutes(seconds)).toBe(text);
  });
});

describe('renderReportMarkdown', () => {
  it('matches test/golden/reports/report.md', async () => {
    const md = renderReportMarkdown(fixture());
    expect(md).toBe(await golden(`${GOLDEN}/report.md`, md));
  });

  it('shows the worked figures of the fixture', () => {
    const md = renderReportMarkdown(fixture());
    expect(md).toContain('| checkout | availability | 99.9 % | 99.945 % | yes | 54.9 % | 2025-03-14 (99.200 %) | 2h 15m | 0m | worse (+4.8 pp) |');
    expect(md).toContain('| checkout | latency p99 | 99 % | 98.500 % | no | 150.0 % | 2025-03-01 (98.500 %) | 0m | 3d | no data |');
    expect(md).toContain('| payments, EU | availability | 99.95 % | — | — | — | — | 0m | 0m | no data |');
    expect(md).toContain('4 SLOs: 2 met, 1 missed, 1 without data.');
  });

  it('escapes a pipe in a name so the table keeps its columns', () => {
    const row = renderReportMarkdown(fixture())
      .split('\n')
      .find((l) => l.includes('search'))!;
    expect(row).toContain('search\\|beta');
    expect(row.split(/(?<!\\)\|/)).toHaveLength(12); // 10 cells between 11 unescaped pipes
  });

  it('lists the SLOs observed for less than 99 % of the month, and only those', () => {
    const md = renderReportMarkdown(fixture());
    expect(md).toContain('- checkout / latency p99: 45.1 % (14 of 31 days with data)');
    expect(md).toContain('- payments, EU / availability: 0.0 % (0 of 31 days with data)');
    expect(md).not.toMatch(/^- checkout \/ availability/m);
    expect(md).not.toMatch(/^- search/m);
  });

  it('says so when every SLO was watched all month, and has no table without SLOs', () => {
    const clean = monthlyReport('2025-03', [], []);
    const md = renderReportMarkdown(clean);
    expect(md).toContain('Vigil observed every SLO for at least 99 % of the month.');
    expect(md).not.toContain('| Service |');
    expect(md).toContain('# SLO report: March 2025');
    expect(md).toContain('0 SLOs: 0 met, 0 missed, 0 without data.');
  });
});

describe('renderReportCsv', () => {
  it('matches test/golden/reports/report.csv', async () => {
    const csv = renderReportCsv(fixture());
    expect(csv).toBe(await golden(`${GOLDEN}/report.csv`, csv));
  });

  it.each([
    ['plain', 'plain'],
    ['payments, EU', '"payments, EU"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\r', '"cr\r"'],
    [0.5, '0.5'],
    [0, '0'],
    [true, 'true'],
    [null, ''],
  ])('field %j is written as %j', (value, text) => {
    expect(csvField(value)).toBe(text);
  });

  it('has a header row, CRLF line ends, raw numbers, empty cells for null, and quotes a name with a comma', () => {
    const csv = renderReportCsv(fixture());
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const lines = csv.split('\r\n').slice(0, -1);
    expect(lines).toHaveLength(5);
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    const payments = lines.find((l) => l.includes('payments'))!;
    // month, "service", slo, objective ratio, then empty achieved_sli, met, budget_consumed
    expect(payments.startsWith('2025-03,"payments, EU",availability,0.9995,,,,0,0,0,,,0,0,0,0,0,2025-02,,,no-data,')).toBe(true);
    const checkout = lines[1]!.split(',');
    const col = (name: (typeof CSV_COLUMNS)[number]) => checkout[CSV_COLUMNS.indexOf(name)];
    expect([col('service'), col('slo'), col('objective'), col('met'), col('bad_events'), col('total_events')]).toEqual(['checkout', 'availability', '0.999', 'true', '1700', '3100000']);
    expect(Number(col('budget_consumed'))).toBeCloseTo(1700 / 3100, 15);
    expect([col('worst_day'), col('worst_day_sli'), col('seconds_at_risk'), col('trend')]).toEqual(['2025-03-14', '0.992', '8100', 'worse']);
  });
});

describe('JSON', () => {
  it('matches test/golden/reports/report.json', async () => {
    const json = JSON.stringify(fixture(), null, 2) + '\n';
    expect(json).toBe(await golden(`${GOLDEN}/report.json`, json));
  });
});
