import Big from 'big.js';
import { compareText } from '../compare-text.js';
import { DAY } from '../duration.js';
import { errorBudgetRatio, objectiveRatio } from '../model/objective.js';

/**
 * The monthly SLO report (issue #4): one row per SLO for one calendar month (UTC), built from the
 * per-SLO per-day rows the service keeps. Pure: the month and the rows come in as arguments.
 *
 * Every ratio is event-weighted over the month (Σ bad ÷ Σ total), never a mean of daily ratios:
 * a quiet day with 10 requests must not weigh as much as a busy one with 100,000. Divisions and
 * comparisons go through big.js so that 1 bad in 1,000 at 99.9 % is exactly "met", not a float
 * rounding away from it.
 */

/** One row per SLO per UTC day. */
export interface DailySloRecord {
  /** 'YYYY-MM-DD', UTC. */
  readonly day: string;
  readonly service: string;
  readonly slo: string;
  /** Bad events that day; may be fractional when derived from rates. */
  readonly bad: number;
  /** All events that day. */
  readonly total: number;
  /** How long Vigil evaluated this SLO that day. */
  readonly secondsObserved: number;
  readonly secondsAtRisk: number;
  readonly secondsExhausted: number;
}

export interface ReportSlo {
  readonly service: string;
  readonly slo: string;
  /** Percent as exact decimal text, e.g. "99.9". */
  readonly objective: string;
}

export interface ReportMonth {
  readonly year: number;
  /** 1–12. */
  readonly month: number;
  /** First instant of the month, UTC. */
  readonly start: Date;
  /** First instant of the next month, UTC (exclusive end). */
  readonly end: Date;
  /** Days in the month: 28–31. */
  readonly days: number;
}

export type Trend = 'better' | 'worse' | 'same' | 'no-data';

export interface WorstDay {
  readonly day: string;
  readonly sli: number;
  readonly bad: number;
  readonly total: number;
}

export interface PreviousMonth {
  /** 'YYYY-MM'. */
  readonly month: string;
  readonly achievedSli: number | null;
  readonly budgetConsumed: number | null;
  readonly badEvents: number;
  readonly totalEvents: number;
}

export interface SloMonth {
  readonly service: string;
  readonly slo: string;
  /** Percent text as specified, e.g. "99.9". */
  readonly objective: string;
  /** The objective as a ratio, e.g. 0.999. */
  readonly objectiveRatio: number;
  /** 1 − Σbad/Σtotal over the month; null without traffic. */
  readonly achievedSli: number | null;
  /** Whether the month stayed within its budget (Σbad ≤ budget × Σtotal); null without traffic. */
  readonly met: boolean | null;
  /**
   * Share of the month's budget spent: (Σbad/Σtotal) / (1 − objective); 1 = all of it, may exceed 1.
   * Null without traffic, and for a 100 % objective with any bad event (the share is infinite).
   */
  readonly budgetConsumed: number | null;
  /** Bad events the month's traffic allows: (1 − objective) × Σtotal. */
  readonly allowedBadEvents: number;
  readonly badEvents: number;
  readonly totalEvents: number;
  /** The day with the lowest SLI among days with traffic (ties: the earliest); null without traffic. */
  readonly worstDay: WorstDay | null;
  readonly timeAtRiskSeconds: number;
  readonly timeExhaustedSeconds: number;
  readonly observedSeconds: number;
  /** observedSeconds ÷ seconds in the month: how much of the month Vigil actually watched. */
  readonly coverage: number;
  /** Days of the month with a record. */
  readonly daysWithData: number;
  readonly previous: PreviousMonth;
  /** budgetConsumed against the previous month's; see TREND_SAME_WITHIN. */
  readonly trend: Trend;
  /** budgetConsumed − previous.budgetConsumed (negative is better); null when either is null. */
  readonly trendDelta: number | null;
}

export interface ReportSummary {
  readonly slos: number;
  readonly met: number;
  readonly missed: number;
  readonly noData: number;
}

export interface MonthlyReport {
  /** 'YYYY-MM'. */
  readonly month: string;
  /** ISO start of the month, UTC. */
  readonly from: string;
  /** ISO start of the next month, UTC (exclusive). */
  readonly to: string;
  readonly daysInMonth: number;
  readonly previousMonth: string;
  readonly generatedFrom: string;
  readonly summary: ReportSummary;
  /** Sorted by service, then SLO. */
  readonly slos: readonly SloMonth[];
}

/**
 * Changes in budget consumed smaller than this (absolute share: 0.01 = 1 % of the budget) are
 * 'same': month-to-month noise should not read as a trend.
 */
export const TREND_SAME_WITHIN = 0.01;

export const GENERATED_FROM =
  'Daily per-SLO records (UTC days). SLIs and budget consumed are event-weighted over the month ' +
  '(sum of bad events / sum of all events), not means of daily ratios. Coverage is the share of ' +
  'the month Vigil evaluated the SLO; figures describe only the observed time.';

const DAY_MS = DAY * 1000;
const MONTH_TEXT = /^(\d{4})-(\d{2})$/;
const DAY_TEXT = /^(\d{4}-\d{2})-(\d{2})$/;

/** Parses 'YYYY-MM' into the month's UTC bounds; throws an Error with a message fit for a 400. */
export function parseReportMonth(text: string): ReportMonth {
  if (typeof text !== 'string' || text === '') throw new Error('month is required, as YYYY-MM (e.g. 2025-03)');
  const m = MONTH_TEXT.exec(text);
  if (!m) throw new Error(`month must be YYYY-MM (e.g. 2025-03), got ${JSON.stringify(text)}`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  if (month < 1 || month > 12) throw new Error(`month must be 01–12, got ${JSON.stringify(text)}`);
  if (year < 1970) throw new Error(`year must be 1970 or later, got ${JSON.stringify(text)}`);
  return monthOf(year, month);
}

function monthOf(year: number, month: number): ReportMonth {
  // Date.UTC rolls month 12 over into January of the next year.
  const start = new Date(Date.UTC(year, month - 1, 1));
  const end = new Date(Date.UTC(year, month, 1));
  return { year, month, start, end, days: Math.round((end.getTime() - start.getTime()) / DAY_MS) };
}

function previousOf(m: ReportMonth): ReportMonth {
  return m.month === 1 ? monthOf(m.year - 1, 12) : monthOf(m.year, m.month - 1);
}

function monthKey(m: ReportMonth): string {
  return `${String(m.year).padStart(4, '0')}-${String(m.month).padStart(2, '0')}`;
}

/**
 * Not budget-queries' sloKey ("service/slo"): the report takes whatever names its caller stored,
 * and service "a/b" with SLO "c" must not meet service "a" with SLO "b/c".
 */
function exactSloKey(service: string, slo: string): string {
  return JSON.stringify([service, slo]);
}

/** Whether a record's day falls inside the month: well-formed and a real day of it. */
function inMonth(day: string, key: string, m: ReportMonth): boolean {
  const d = DAY_TEXT.exec(day);
  if (!d || d[1] !== key) return false;
  const n = Number(d[2]);
  return n >= 1 && n <= m.days;
}

function checkRecord(r: DailySloRecord): void {
  for (const field of ['bad', 'total', 'secondsObserved', 'secondsAtRisk', 'secondsExhausted'] as const) {
    const v = r[field];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new Error(`daily record ${r.service}/${r.slo} ${r.day}: ${field} must be a finite number ≥ 0, got ${String(v)}`);
    }
  }
}

/** Month records per SLO, sorted by day; a second row for the same SLO and day is a data bug. */
function groupMonth(m: ReportMonth, days: readonly DailySloRecord[]): Map<string, DailySloRecord[]> {
  const key = monthKey(m);
  const bySlo = new Map<string, DailySloRecord[]>();
  const seen = new Set<string>();
  for (const r of days) {
    if (!inMonth(r.day, key, m)) continue;
    checkRecord(r);
    const id = JSON.stringify([r.service, r.slo, r.day]);
    if (seen.has(id)) throw new Error(`daily records hold ${r.service}/${r.slo} ${r.day} twice`);
    seen.add(id);
    const k = exactSloKey(r.service, r.slo);
    const list = bySlo.get(k);
    if (list) list.push(r);
    else bySlo.set(k, [r]);
  }
  for (const list of bySlo.values()) list.sort((a, b) => compareText(a.day, b.day));
  return bySlo;
}

interface Totals {
  readonly bad: Big;
  readonly total: Big;
}

function sum(records: readonly DailySloRecord[], field: 'bad' | 'total' | 'secondsObserved' | 'secondsAtRisk' | 'secondsExhausted'): Big {
  return records.reduce((acc, r) => acc.plus(r[field]), new Big(0));
}

function sliOf({ bad, total }: Totals): number | null {
  return total.gt(0) ? Number(new Big(1).minus(bad.div(total))) : null;
}

function consumedOf({ bad, total }: Totals, budget: Big): number | null {
  if (!total.gt(0)) return null;
  if (budget.eq(0)) return bad.eq(0) ? 0 : null;
  return Number(bad.div(total).div(budget));
}

/** Lowest SLI = highest bad/total; compared by cross-multiplying so ties are exact. */
function worstDayOf(records: readonly DailySloRecord[]): WorstDay | null {
  let worst: DailySloRecord | undefined;
  for (const r of records) {
    if (!(r.total > 0)) continue;
    if (!worst || new Big(r.bad).times(worst.total).gt(new Big(worst.bad).times(r.total))) worst = r;
  }
  if (!worst) return null;
  return { day: worst.day, sli: Number(new Big(1).minus(new Big(worst.bad).div(worst.total))), bad: worst.bad, total: worst.total };
}

function trendOf(current: number | null, previous: number | null): { trend: Trend; trendDelta: number | null } {
  if (current === null || previous === null) return { trend: 'no-data', trendDelta: null };
  const delta = new Big(current).minus(previous);
  const trend: Trend = delta.abs().lt(TREND_SAME_WITHIN) ? 'same' : delta.lt(0) ? 'better' : 'worse';
  return { trend, trendDelta: Number(delta) };
}

function sloMonth(slo: ReportSlo, m: ReportMonth, records: readonly DailySloRecord[], prevKey: string, prevRecords: readonly DailySloRecord[]): SloMonth {
  const budget = new Big(errorBudgetRatio(slo.objective));
  const totals: Totals = { bad: sum(records, 'bad'), total: sum(records, 'total') };
  const prevTotals: Totals = { bad: sum(prevRecords, 'bad'), total: sum(prevRecords, 'total') };
  const hasTraffic = totals.total.gt(0);
  const budgetConsumed = consumedOf(totals, budget);
  const previousConsumed = consumedOf(prevTotals, budget);
  const observed = sum(records, 'secondsObserved');
  return {
    service: slo.service,
    slo: slo.slo,
    objective: slo.objective,
    objectiveRatio: Number(objectiveRatio(slo.objective)),
    achievedSli: sliOf(totals),
    met: hasTraffic ? totals.bad.lte(budget.times(totals.total)) : null,
    budgetConsumed,
    allowedBadEvents: Number(budget.times(totals.total)),
    badEvents: Number(totals.bad),
    totalEvents: Number(totals.total),
    worstDay: worstDayOf(records),
    timeAtRiskSeconds: Number(sum(records, 'secondsAtRisk')),
    timeExhaustedSeconds: Number(sum(records, 'secondsExhausted')),
    observedSeconds: Number(observed),
    coverage: Number(observed.div(m.days * DAY)),
    daysWithData: records.length,
    previous: {
      month: prevKey,
      achievedSli: sliOf(prevTotals),
      budgetConsumed: previousConsumed,
      badEvents: Number(prevTotals.bad),
      totalEvents: Number(prevTotals.total),
    },
    ...trendOf(budgetConsumed, previousConsumed),
  };
}

/**
 * The report for `month` ('YYYY-MM') over `slos`. `days` may hold any days: only the month's and
 * the previous month's are read, and only for the listed SLOs.
 */
export function monthlyReport(month: string, slos: readonly ReportSlo[], days: readonly DailySloRecord[]): MonthlyReport {
  const m = parseReportMonth(month);
  const prev = previousOf(m);
  const prevKey = monthKey(prev);
  const current = groupMonth(m, days);
  const previous = groupMonth(prev, days);
  const seen = new Set<string>();
  for (const s of slos) {
    const k = exactSloKey(s.service, s.slo);
    if (seen.has(k)) throw new Error(`SLO ${s.service}/${s.slo} is listed twice`);
    seen.add(k);
  }
  const rows = [...slos]
    .sort((a, b) => compareText(a.service, b.service) || compareText(a.slo, b.slo))
    .map((s) => {
      const k = exactSloKey(s.service, s.slo);
      return sloMonth(s, m, current.get(k) ?? [], prevKey, previous.get(k) ?? []);
    });
  return {
    month: monthKey(m),
    from: m.start.toISOString(),
    to: m.end.toISOString(),
    daysInMonth: m.days,
    previousMonth: prevKey,
    generatedFrom: GENERATED_FROM,
    summary: {
      slos: rows.length,
      met: rows.filter((r) => r.met === true).length,
      missed: rows.filter((r) => r.met === false).length,
      noData: rows.filter((r) => r.met === null).length,
    },
    slos: rows,
  };
}
