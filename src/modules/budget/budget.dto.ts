import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { sloKey } from '../../core/budget/budget-queries.js';
import type { BudgetView } from '../../core/budget/budget-view.js';
import { formatDuration, parseDuration } from '../../core/duration.js';
import type { Slo } from '../../core/model/slo.js';
import type { BudgetSnapshot, LatestBudget } from '../../persistence/budget.repository.js';
import type { RenderedReport } from '../../usecases/monthly-report.js';
import { errorDtoSchema, instantSchema, openApi } from '../http/zod.pipe.js';

/** RFC 3339 or epoch seconds, as Prometheus's own API accepts times; 1970–2100. */
const time = instantSchema;

/** The longest history step: one point a year is already more than any chart needs. */
const MAX_STEP_SECONDS = 366 * 86400;

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
        if (s === undefined || s < 1 || s > MAX_STEP_SECONDS) {
          ctx.addIssue({ code: 'custom', message: `must be a duration such as 1m, 1h or 1d, at most ${formatDuration(MAX_STEP_SECONDS)}` });
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

const storedBudgetSchema = budgetViewSchema.extend({
  ageSeconds: z.number().describe('seconds since computedAt, by the answering replica\'s clock'),
});
export type StoredBudgetDto = z.infer<typeof storedBudgetSchema>;

const BUDGET_STATUSES = ['healthy', 'at-risk', 'exhausted', 'no-data'] as const;

export const budgetListQuerySchema = z.strictObject({
  sort: z.enum(['remaining', '-remaining', 'name'], { error: 'must be remaining, -remaining or name' }).default('remaining'),
  status: z.enum(BUDGET_STATUSES, { error: `must be one of ${BUDGET_STATUSES.join(', ')}` }).optional(),
});
export type BudgetListQuery = z.infer<typeof budgetListQuerySchema>;

/** What the specs say of each listed SLO, beside its stored budget: what the web UI filters on. */
const specFieldsSchema = z.object({
  team: z.string().nullable().describe("the SLO's team label (else its service's); null when neither sets one"),
  sliKind: z.enum(['events', 'latency', 'raw']),
});

const budgetListSchema = z.object({
  budgets: z.array(storedBudgetSchema.extend(specFieldsSchema.shape)),
  pending: z
    .array(z.object({ service: z.string(), slo: z.string(), objective: z.string(), window: z.string() }).extend(specFieldsSchema.shape))
    .describe('SLOs in the specs no cycle has stored a budget for yet'),
});
export type BudgetListDto = z.infer<typeof budgetListSchema>;

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
  storedBudget: openApi(storedBudgetSchema),
  budgetList: openApi(budgetListSchema),
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

export function toStoredBudgetDto(b: BudgetView, at: Date, now: Date): StoredBudgetDto {
  return { ...b, computedAt: at.toISOString(), ageSeconds: Math.max(0, Math.round((now.getTime() - at.getTime()) / 1000)) };
}

type ListedBudget = BudgetListDto['budgets'][number];

/** The specs decide which SLOs are listed: a removed SLO's stored budget is not shown. */
export function toBudgetListDto(slos: readonly Slo[], stored: ReadonlyMap<string, LatestBudget>, q: BudgetListQuery, now: Date, teamOf: (slo: Slo) => string | null): BudgetListDto {
  const budgets: ListedBudget[] = [];
  const pending: BudgetListDto['pending'] = [];
  for (const slo of slos) {
    const s = stored.get(sloKey(slo.service, slo.name));
    const spec = { team: teamOf(slo), sliKind: slo.sli.kind };
    if (s?.budget) budgets.push({ ...toStoredBudgetDto(s.budget, s.at, now), ...spec });
    else pending.push({ service: slo.service, slo: slo.name, objective: slo.objective, window: slo.calendar ?? formatDuration(slo.windowSeconds), ...spec });
  }
  const byName = (a: ListedBudget, b: ListedBudget) => sloKey(a.service, a.slo).localeCompare(sloKey(b.service, b.slo));
  const order =
    q.sort === 'name'
      ? byName
      : (a: ListedBudget, b: ListedBudget) => (q.sort === 'remaining' ? 1 : -1) * (a.errorBudgetRemaining - b.errorBudgetRemaining) || byName(a, b);
  return { budgets: budgets.filter((b) => !q.status || b.status === q.status).sort(order), pending };
}

export const REPORT_TYPES = { json: 'application/json; charset=utf-8', md: 'text/markdown; charset=utf-8', csv: 'text/csv; charset=utf-8' } as const;

/** Markdown and CSV come with a file name, so a browser saves them as such. */
export function sendReport(res: FastifyReply, r: RenderedReport): void {
  res.status(200).type(REPORT_TYPES[r.format]);
  if (r.format !== 'json') res.header('content-disposition', `inline; filename="slo-report-${r.month}.${r.format}"`);
  void res.send(r.body);
}
