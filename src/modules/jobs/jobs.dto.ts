import { z } from 'zod';
import type { JobRunRecord, MissedSlot, ScheduleRecord } from '../../persistence/job.repository.js';
import type { Page } from '../../persistence/page.js';
import { errorDtoSchema, openApi } from '../http/zod.pipe.js';

const cursor = z.string().regex(/^\d{1,18}$/, 'must be an id from nextCursor').optional();

export const jobRunsQuerySchema = z.strictObject({
  job: z.string().max(100).optional(),
  limit: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1).max(500).default(100),
  before: cursor,
});
export type JobRunsQuery = z.infer<typeof jobRunsQuerySchema>;

const jobSchema = z.object({
  name: z.string(),
  recurrence: z.string().nullable().describe('e.g. "every 1m"; null for a job scheduled one at a time'),
  lastSlot: z.iso.datetime().nullable().describe('the latest slot any replica created'),
  missedTotal: z.number().int().describe('slots no replica ran, since the schedule was created'),
});
const jobListSchema = z.object({ replica: z.string().describe('the replica that answered'), jobs: z.array(jobSchema) });
export type JobListDto = z.infer<typeof jobListSchema>;

const runSchema = z.object({
  id: z.string(),
  jobId: z.string(),
  job: z.string(),
  key: z.string(),
  slot: z.iso.datetime().nullable(),
  attempt: z.number().int(),
  replica: z.string(),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
  outcome: z.enum(['running', 'succeeded', 'failed', 'lost']),
  error: z.string().nullable(),
});
const runListSchema = z.object({ runs: z.array(runSchema), nextCursor: z.string().nullable() });
export type JobRunListDto = z.infer<typeof runListSchema>;

const missedSchema = z.object({ id: z.string(), job: z.string(), slot: z.iso.datetime(), recordedAt: z.iso.datetime(), reason: z.string() });
const missedListSchema = z.object({ missed: z.array(missedSchema), nextCursor: z.string().nullable() });
export type MissedListDto = z.infer<typeof missedListSchema>;

export const OPENAPI = {
  jobs: openApi(jobListSchema),
  runs: openApi(runListSchema),
  missed: openApi(missedListSchema),
  error: openApi(errorDtoSchema),
};

export function toJobListDto(replica: string, defined: readonly { name: string; recurrence: string | null }[], stored: readonly ScheduleRecord[]): JobListDto {
  const byName = new Map(stored.map((s) => [s.name, s]));
  return {
    replica,
    jobs: defined.map((d) => {
      const s = byName.get(d.name);
      return { name: d.name, recurrence: d.recurrence, lastSlot: s?.lastSlot?.toISOString() ?? null, missedTotal: s?.missedTotal ?? 0 };
    }),
  };
}

export function toRunListDto(page: Page<JobRunRecord>): JobRunListDto {
  return {
    runs: page.items.map((r) => ({
      id: r.id,
      jobId: r.jobId,
      job: r.name,
      key: r.key,
      slot: r.slot?.toISOString() ?? null,
      attempt: r.attempt,
      replica: r.replica,
      startedAt: r.startedAt.toISOString(),
      finishedAt: r.finishedAt?.toISOString() ?? null,
      outcome: r.outcome,
      error: r.error,
    })),
    nextCursor: page.nextCursor,
  };
}

export function toMissedListDto(page: Page<MissedSlot>): MissedListDto {
  return {
    missed: page.items.map((m) => ({ id: m.id, job: m.name, slot: m.slot.toISOString(), recordedAt: m.recordedAt.toISOString(), reason: m.reason })),
    nextCursor: page.nextCursor,
  };
}
