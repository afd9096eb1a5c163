import { monthlyReport, parseReportMonth, type DailySloRecord } from '../core/budget/monthly-report.js';
import { renderReportCsv, renderReportMarkdown } from '../core/budget/report-formats.js';
import type { Slo } from '../core/model/slo.js';

export type ReportFormat = 'json' | 'md' | 'csv';

export interface RenderedReport {
  readonly month: string;
  readonly format: ReportFormat;
  readonly body: string;
}

/** The month asked for is not one (the caller answers 400 with this message). */
export class ReportMonthError extends Error {}

/**
 * The monthly SLO report, rendered: the month asked for (default: the current UTC month so far)
 * against the one before it, for the trend, from the day ledger.
 */
export async function renderMonthlyReport(
  request: { readonly month?: string; readonly format: ReportFormat; readonly now: Date },
  slos: readonly Slo[],
  days: (fromDay: string, toDay: string) => Promise<DailySloRecord[]>,
): Promise<RenderedReport> {
  const monthText = request.month ?? request.now.toISOString().slice(0, 7);
  let month;
  try {
    month = parseReportMonth(monthText);
  } catch (err) {
    throw new ReportMonthError((err as Error).message);
  }
  const previousStart = new Date(Date.UTC(month.year, month.month - 2, 1));
  const lastDay = new Date(month.end.getTime() - 86_400_000);
  const rows = await days(previousStart.toISOString().slice(0, 10), lastDay.toISOString().slice(0, 10));
  const report = monthlyReport(monthText, slos.map((s) => ({ service: s.service, slo: s.name, objective: s.objective })), rows);
  const body = request.format === 'md' ? renderReportMarkdown(report) : request.format === 'csv' ? renderReportCsv(report) : JSON.stringify(report, null, 2);
  return { month: monthText, format: request.format, body };
}
