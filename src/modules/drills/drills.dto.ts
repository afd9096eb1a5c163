import { z } from 'zod';
import { describeBackupSource } from '../../core/drills/drill-outcome.js';
import { slotAt } from '../../core/jobs/recurrence.js';
import type { DrillSpec } from '../../core/model/drill.js';
import type { DrillRunRow } from '../../persistence/drill-run.repository.js';
import { instantSchema } from '../http/zod.pipe.js';

export const runRequestSchema = z
  .strictObject({
    /** Restore even when the backup check finds it unfit. */
    force: z.boolean().optional(),
    /** pitr: recover to this time instead of the spec's target. */
    targetTime: instantSchema.optional(),
  })
  .default({});
export type RunRequest = z.infer<typeof runRequestSchema>;

export const runsQuerySchema = z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(50) });
export const reportQuerySchema = z.strictObject({ format: z.enum(['json', 'md', 'html']).default('json'), revision: z.coerce.number().int().min(1).optional() });
export type ReportQuery = z.infer<typeof reportQuerySchema>;
export const verificationQuerySchema = z.strictObject({ revision: z.coerce.number().int().min(1).optional() });

export const REPORT_TYPES = { json: 'application/json; charset=utf-8', md: 'text/markdown; charset=utf-8', html: 'text/html; charset=utf-8' } as const;

export function toRunDto(r: DrillRunRow) {
  return {
    runId: r.runId,
    drill: r.drill,
    type: r.type,
    trigger: r.trigger,
    requestedBy: r.requestedBy,
    slot: r.slot?.toISOString() ?? null,
    startedAt: r.startedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
    verdict: r.verdict,
    rtoSeconds: r.rtoMs === null ? null : r.rtoMs / 1000,
    rpoSeconds: r.rpoMs === null ? null : r.rpoMs / 1000,
  };
}

/** A drill as the list shows it: never its connection references' contents (they are names of variables and files anyway). */
export function toDrillDto(spec: DrillSpec, next: Date | null, last: { last: DrillRunRow; lastPassAt: Date | null } | undefined, now: Date) {
  // Overdue: a slot (given its maxDuration to finish) has passed with no run started since. Never run counts: nothing is verified.
  const due = slotAt(spec.schedule, new Date(now.getTime() - spec.abort.maxDurationSeconds * 1000));
  const overdue = due !== null && (!last || last.last.startedAt < due);
  return {
    name: spec.name,
    description: spec.description ?? null,
    owner: spec.owner,
    type: spec.type,
    schedule: { cron: spec.schedule.expression, timeZone: spec.schedule.timeZone, next: next?.toISOString() ?? null },
    objectives: { rtoSeconds: spec.objectives.rtoSeconds, rpoSeconds: spec.objectives.rpoSeconds },
    backup: spec.target.backup ? describeBackupSource(spec.target.backup) : null,
    checks: spec.checks.map((c) => c.name),
    lastRun: last ? toRunDto(last.last) : null,
    lastPassAt: last?.lastPassAt?.toISOString() ?? null,
    overdue,
    asOf: now.toISOString(),
  };
}

export type DrillDto = ReturnType<typeof toDrillDto>;
export type DrillRunDto = ReturnType<typeof toRunDto>;
