import Big from 'big.js';
import { objectiveRatio } from '../model/objective.js';
import type { MonthlyReport, SloMonth } from './monthly-report.js';

/**
 * Serialisers for the monthly SLO report: Markdown for people, CSV for spreadsheets. JSON is the
 * MonthlyReport object itself. Pure: text in, text out.
 */

/** SLOs Vigil watched for less than this share of the month get a coverage note. */
export const COVERAGE_NOTE_BELOW = 0.99;

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const NONE = '—';

// Rounding leans pessimistic so the table never contradicts the Met column: an SLI of 99.8999 %
// must not print as 99.900 % beside "no", nor 100.004 % of the budget as 100.0 %.
const ROUND_DOWN = 0;
const ROUND_UP = 3;

/** An SLI as a percent with 3 decimals, rounded down: 0.9995312 → "99.953 %". */
export function formatSli(sli: number | null): string {
  return sli === null ? NONE : `${new Big(sli).times(100).round(3, ROUND_DOWN).toFixed(3)} %`;
}

/** A share of the budget as a percent with 1 decimal, rounded up: 0.47 → "47.0 %". */
export function formatConsumed(consumed: number | null): string {
  return consumed === null ? NONE : `${new Big(consumed).times(100).round(1, ROUND_UP).toFixed(1)} %`;
}

/**
 * For people reading the report, unlike duration.ts's formatDuration (Prometheus syntax): whole
 * minutes, largest units first, spaced: 8100 → "2h 15m", 0 → "0m", 30 → "< 1m".
 */
export function formatWholeMinutes(seconds: number): string {
  if (seconds <= 0) return '0m';
  const minutes = Math.floor(seconds / 60);
  if (minutes === 0) return '< 1m';
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const parts = [d ? `${d}d` : '', h ? `${h}h` : '', m ? `${m}m` : ''].filter(Boolean);
  return parts.join(' ');
}

function formatTrend(r: SloMonth): string {
  if (r.trend === 'no-data' || r.trendDelta === null) return 'no data';
  const points = new Big(r.trendDelta).times(100).round(1);
  const signed = points.eq(0) ? '0.0' : points.lt(0) ? `−${points.abs().toFixed(1)}` : `+${points.toFixed(1)}`;
  return `${r.trend} (${signed} pp)`;
}

function formatMet(met: boolean | null): string {
  return met === null ? NONE : met ? 'yes' : 'no';
}

/** Table cells: a pipe would split the cell, a newline would end the table. */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n|\r/g, ' ');
}

function monthTitle(month: string): string {
  const [year, mm] = month.split('-');
  return `${MONTH_NAMES[Number(mm) - 1] ?? mm} ${year}`;
}

function lastDay(r: MonthlyReport): string {
  return `${r.month}-${String(r.daysInMonth).padStart(2, '0')}`;
}

export function renderReportMarkdown(r: MonthlyReport): string {
  const s = r.summary;
  const lines = [
    `# SLO report: ${monthTitle(r.month)}`,
    '',
    `${r.month}-01 to ${lastDay(r)} (UTC), compared with ${r.previousMonth}. ` +
      `${s.slos} SLO${s.slos === 1 ? '' : 's'}: ${s.met} met, ${s.missed} missed, ${s.noData} without data.`,
    '',
  ];
  if (r.slos.length > 0) {
    lines.push(
      '| Service | SLO | Objective | Achieved | Met | Budget consumed | Worst day | At risk | Exhausted | Trend |',
      '|---|---|---:|---:|---|---:|---|---:|---:|---|',
      ...r.slos.map(
        (x) =>
          `| ${[
          cell(x.service),
          cell(x.slo),
          `${x.objective} %`,
          formatSli(x.achievedSli),
          formatMet(x.met),
          formatConsumed(x.budgetConsumed),
          x.worstDay ? `${x.worstDay.day} (${formatSli(x.worstDay.sli)})` : NONE,
          formatWholeMinutes(x.timeAtRiskSeconds),
          formatWholeMinutes(x.timeExhaustedSeconds),
          formatTrend(x),
        ].join(' | ')} |`,
      ),
      '',
    );
  }
  const partial = r.slos.filter((x) => x.coverage < COVERAGE_NOTE_BELOW);
  if (partial.length === 0) {
    lines.push(`Coverage: Vigil observed every SLO for at least ${COVERAGE_NOTE_BELOW * 100} % of the month.`);
  } else {
    lines.push(`Coverage: Vigil observed these SLOs for less than ${COVERAGE_NOTE_BELOW * 100} % of the month; their figures describe only the observed time.`, '');
    for (const x of partial) {
      const share = new Big(x.coverage).times(100).round(1, ROUND_DOWN).toFixed(1);
      lines.push(`- ${cell(x.service)} / ${cell(x.slo)}: ${share} % (${x.daysWithData} of ${r.daysInMonth} days with data)`);
    }
  }
  lines.push('', `Trend compares budget consumed with ${r.previousMonth}; changes under 1 % of the budget are "same". pp = percentage points of the budget.`);
  return lines.join('\n') + '\n';
}

export const CSV_COLUMNS = [
  'month',
  'service',
  'slo',
  'objective',
  'achieved_sli',
  'met',
  'budget_consumed',
  'allowed_bad_events',
  'bad_events',
  'total_events',
  'worst_day',
  'worst_day_sli',
  'seconds_observed',
  'seconds_at_risk',
  'seconds_exhausted',
  'coverage',
  'days_with_data',
  'previous_month',
  'previous_sli',
  'previous_budget_consumed',
  'trend',
  'trend_delta',
] as const;

/** RFC 4180: a field with a comma, quote, CR or LF is quoted, its quotes doubled. */
export function csvField(value: string | number | boolean | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * CSV per RFC 4180: a header row, then one row per SLO. Lines end in CRLF, as the RFC says, and
 * the last one too, so concatenated files stay well-formed. Numbers are raw ratios and counts (not
 * percentages), the objective a ratio ("0.999"); null is an empty cell.
 */
export function renderReportCsv(r: MonthlyReport): string {
  const rows = r.slos.map((x) => [
    r.month,
    x.service,
    x.slo,
    objectiveRatio(x.objective),
    x.achievedSli,
    x.met,
    x.budgetConsumed,
    x.allowedBadEvents,
    x.badEvents,
    x.totalEvents,
    x.worstDay?.day ?? null,
    x.worstDay?.sli ?? null,
    x.observedSeconds,
    x.timeAtRiskSeconds,
    x.timeExhaustedSeconds,
    x.coverage,
    x.daysWithData,
    x.previous.month,
    x.previous.achievedSli,
    x.previous.budgetConsumed,
    x.trend,
    x.trendDelta,
  ]);
  return [[...CSV_COLUMNS], ...rows].map((row) => row.map(csvField).join(',') + '\r\n').join('');
}
