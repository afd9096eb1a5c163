import { z } from 'zod';
import { parseDuration } from '../../core/duration.js';
import { parseTimeText } from '../../core/time-text.js';
import type { BudgetSnapshot } from '../../persistence/budget.repository.js';
import { errorDtoSchema, openApi } from '../http/zod.pipe.js';

/** ISO 8601 or epoch seconds, as Prometheus's own API accepts times. */
const time = z.string().transform((v, ctx) => {
  const seconds = parseTimeText(v);
  if (seconds === undefined) {
    ctx.addIssue({ code: 'custom', message: 'must be an ISO 8601 time or epoch seconds' });
    return z.NEVER;
  }
  return new Date(seconds * 1000);
});

/** Most points one history answer holds (Prometheus's own query_range limit). */
export const MAX_HISTORY_POINTS = 11_000;

export const historyQuerySchema = z
  .strictObject({
    from: time.optional(),
    to: time.optional(),
    step: z
      .string()
      .transform((v, ctx) => {
        const s = parseDuration(v);
        if (s === undefined || s < 1) {
          ctx.addIssue({ code: 'custom', message: 'must be a duration such as 1m, 1h or 1d' });
          return z.NEVER;
        }
        return s;
      })
      .optional(),
  });
export type HistoryQuery = z.infer<typeof historyQuerySchema>;

export const reportQuerySchema = z.strictObject({
  month: z.string().optional(),
  format: z.enum(['json', 'md', 'csv'], { error: 'must be json, md or csv' }).default('json'),
});
export type ReportQuery = z.infer<typeof reportQuerySchema>;

const budgetViewSchema = z.object({
  service: z.string(),
  slo: z.string(),
  objective: z.string().describe('percent, exact decimal text, e.g. "99.9"'),
  window: z.string().describe('"30d", or "month" for the calendar month so far'),
  windowSeconds: z.number(),
  sli: z.number().nullable().describe('good / total events over the window; null without traffic'),
  errorBudgetRemaining: z.number().describe('1 untouched, 0 spent, negative overspent'),
  errorBudgetConsumed: z.number(),
  allowedBadEvents: z.number().nullable(),
  badEvents: z.number().nullable(),
  totalEvents: z.number().nullable(),
  burnRates: z.record(z.string(), z.number().nullable()).describe('per alert window: error ratio / error budget'),
  exhaustionAt: z.iso.datetime().nullable().describe('when the budget runs out at the current (1h) burn; null when it does not'),
  status: z.enum(['healthy', 'at-risk', 'exhausted', 'no-data']),
  source: z.enum(['recorded', 'raw', 'ratio']).describe('recorded: from Vigil recordings; raw: from the raw series (recordings do not cover the window yet)'),
  computedAt: z.iso.datetime(),
});

const historyPointSchema = z.object({
  at: z.iso.datetime(),
  status: z.enum(['healthy', 'at-risk', 'exhausted', 'no-data']),
  sli: z.number().nullable(),
  errorBudgetRemaining: z.number(),
  badEvents: z.number().nullable(),
  totalEvents: z.number().nullable(),
  burnRates: z.record(z.string(), z.number().nullable()),
  exhaustionAt: z.iso.datetime().nullable(),
  source: z.string(),
});
export type HistoryPoint = z.infer<typeof historyPointSchema>;

const historySchema = z.object({
  service: z.string(),
  slo: z.string(),
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  stepSeconds: z.number(),
  points: z.array(historyPointSchema),
});
export type HistoryDto = z.infer<typeof historySchema>;

export const OPENAPI = {
  budget: openApi(budgetViewSchema),
  history: openApi(historySchema),
  error: openApi(errorDtoSchema),
};

export function toHistoryPoint(s: BudgetSnapshot): HistoryPoint {
  return {
    at: s.at.toISOString(),
    status: s.status,
    sli: s.sli,
    errorBudgetRemaining: s.remaining,
    badEvents: s.badEvents,
    totalEvents: s.totalEvents,
    burnRates: { ...s.burnRates },
    exhaustionAt: s.exhaustionAt?.toISOString() ?? null,
    source: s.source,
  };
}
