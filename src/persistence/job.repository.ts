import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { JobFence, JobResult, JobState, JsonObject, NewJob, RunOutcome } from '../core/jobs/job.js';
import type { SlotPlan } from '../core/jobs/slot-plan.js';
import { toPage, type Page } from './page.js';
import type { Statement } from './prepared.js';
import { batchedTransaction, queueOn, runStatement } from './statement-batch.js';

/** A caller's open transaction; re-exported under our own name so modules need not import TypeORM. */
export type TransactionManager = EntityManager;

/** Whether a claim is still current, locking the job row: every write of a run's outcome starts with it. */
const FENCE = { name: 'vigil_job_fence', text: `SELECT 1 FROM jobs WHERE id = $1 AND attempts = $2 AND state = 'running' FOR UPDATE` } as const;

/** The latest claim already moved past this run: another replica owns the job now. */
export class FencedOutError extends Error {
  constructor(fence: JobFence) {
    super(`job ${fence.jobId}: claim ${fence.attempt} is no longer current; another replica took the job over`);
    this.name = 'FencedOutError';
  }
}

/** How a job is stored: the handler's defaults, fixed per job name. */
export interface JobStorage {
  readonly leaseSeconds: number;
  readonly maxAttempts: number;
  /** At most one running at a time across replicas (recurring jobs whose runs build on each other). */
  readonly exclusive: boolean;
}

/** A job this replica has claimed and now runs. */
export interface ClaimedJob extends JobFence {
  readonly name: string;
  readonly key: string;
  readonly slot: Date | null;
  readonly payload: JsonObject;
  readonly maxAttempts: number;
  readonly leaseSeconds: number;
  readonly runAt: Date;
}

/** A claim that lapsed with its replica gone; `state` is what became of the job. */
export interface LostRun {
  readonly name: string;
  readonly key: string;
  readonly replica: string;
  /** Why: the replica's session ended, or its lease ran out. */
  readonly reason: string;
  readonly state: JobState;
}

export interface MaterialisedSlots {
  readonly created: Date | null;
  /** Slots recorded as missed now: the plan's gap plus pending slots nobody claimed in time. */
  readonly missed: number;
}

export interface JobRunRecord {
  readonly id: string;
  readonly jobId: string;
  readonly name: string;
  readonly key: string;
  readonly slot: Date | null;
  readonly attempt: number;
  readonly replica: string;
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
  readonly outcome: RunOutcome;
  readonly error: string | null;
}

export interface MissedSlot {
  readonly id: string;
  readonly name: string;
  readonly slot: Date;
  readonly recordedAt: Date;
  readonly reason: string;
}

export interface ScheduleRecord {
  readonly name: string;
  readonly recurrence: string;
  readonly lastSlot: Date | null;
  readonly missedTotal: number;
}

const SLOT_KEY = (slot: Date) => `slot:${slot.toISOString()}`;

/**
 * The jobs table and its run log. Every time comes in as an argument (the Clock port): replicas
 * agree on slots because slots are computed, not because clocks are compared, and tests can step
 * time. All claiming goes through FOR UPDATE SKIP LOCKED, so replicas never wait on each other.
 */
@Injectable()
export class JobRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Creates the current slot's job of a recurring schedule, at most once across replicas: the
   * schedule row is locked while `plan` decides, and (name, key) is unique besides. Slots the plan
   * says nobody ran, and pending slots a newer one supersedes, are recorded as missed.
   */
  async materialise(
    name: string,
    recurrence: string,
    storage: JobStorage,
    now: Date,
    plan: (lastSlot: Date | null) => SlotPlan,
  ): Promise<MaterialisedSlots> {
    return this.dataSource.transaction(async (m) => {
      await m.query(`INSERT INTO job_schedules (name, recurrence, updated_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING`, [name, recurrence, now]);
      const [row] = (await m.query('SELECT recurrence, last_slot FROM job_schedules WHERE name = $1 FOR UPDATE', [name])) as { recurrence: string; last_slot: Date | null }[];
      // A changed schedule starts afresh: its old slots say nothing about the new ones.
      const p = plan(row!.recurrence === recurrence ? row!.last_slot : null);
      if (!p.due) return { created: null, missed: 0 };
      const superseded = (await m.query(
        `UPDATE jobs SET state = 'missed', finished_at = $3, last_error = $4
          WHERE name = $1 AND state = 'pending' AND slot < $2`,
        [name, p.due, now, `no replica claimed it before the next slot (${p.due.toISOString()})`],
      )) as [unknown, number];
      if (p.missed.length > 0) {
        await m.query(
          `INSERT INTO jobs (name, key, slot, state, run_at, created_at, finished_at, last_error)
           SELECT $1, k, s, 'missed', s, $4, $4, 'no replica was running at this slot'
             FROM unnest($2::text[], $3::timestamptz[]) AS t (k, s)
           ON CONFLICT (name, key) DO NOTHING`,
          [name, p.missed.map(SLOT_KEY), p.missed, now],
        );
      }
      const inserted = (await m.query(
        `INSERT INTO jobs (name, key, slot, run_at, max_attempts, lease_seconds, exclusive, created_at)
         VALUES ($1, $2, $3, $3, $4, $5, $6, $7) ON CONFLICT (name, key) DO NOTHING RETURNING id`,
        [name, SLOT_KEY(p.due), p.due, storage.maxAttempts, storage.leaseSeconds, storage.exclusive, now],
      )) as unknown[];
      const missed = p.missedTotal + superseded[1];
      await m.query(
        `UPDATE job_schedules SET recurrence = $2, last_slot = $3, missed_total = missed_total + $4, updated_at = $5 WHERE name = $1`,
        [name, recurrence, p.due, missed, now],
      );
      return { created: inserted.length > 0 ? p.due : null, missed };
    });
  }

  /** One-off jobs, in one statement (in the caller's transaction when given one); returns how many were new: (name, key) is unique. */
  async scheduleMany(jobs: readonly NewJob[], storage: JobStorage, now: Date, manager?: TransactionManager): Promise<number> {
    if (jobs.length === 0) return 0;
    return (await runStatement(manager ?? this.dataSource, scheduleStatement(jobs, storage, now, 'RETURNING id'))).length;
  }

  /** The same in the caller's transaction, queued to go with its next read or COMMIT (`queueOn`): nothing is answered. */
  async queueSchedule(jobs: readonly NewJob[], storage: JobStorage, now: Date, manager: TransactionManager): Promise<void> {
    if (jobs.length > 0) await queueOn(manager, scheduleStatement(jobs, storage, now, ''));
  }

  async cancel(name: string, key: string, now: Date): Promise<boolean> {
    const [, n] = (await this.dataSource.query(
      `UPDATE jobs SET state = 'cancelled', finished_at = $3 WHERE name = $1 AND key = $2 AND state = 'pending'`,
      [name, key, now],
    )) as [unknown, number];
    return n > 0;
  }

  /** Cancels every pending job of `name` whose key starts with `prefix` (an incident's escalation steps), in the caller's transaction. */
  async cancelByPrefix(name: string, prefix: string, now: Date, manager: TransactionManager): Promise<number> {
    const [, n] = (await manager.query(
      `UPDATE jobs SET state = 'cancelled', finished_at = $3 WHERE name = $1 AND starts_with(key, $2) AND state = 'pending'`,
      [name, prefix, now],
    )) as [unknown, number];
    return n;
  }

  /**
   * Claims whose lease ran out: their replica died or stalled mid-run. The run is recorded as
   * lost; the job is claimable again while attempts remain and, for a recurring job, no newer
   * slot exists; otherwise it fails for good. The lost attempt counts: a job whose replica keeps
   * dying cannot run more often than its maximum.
   */
  async reapLapsed(names: readonly string[], now: Date, deadSessions: readonly string[] = []): Promise<LostRun[]> {
    // One statement: every poll of every replica runs it, and almost always finds nothing.
    const rows = (await this.dataSource.query(
      `WITH lapsed AS (
         SELECT j.id, j.locked_by, j.attempts, j.locked_session = ANY($3::bigint[]) AS gone,
                (j.attempts < j.max_attempts
                 AND NOT (j.slot IS NOT NULL AND EXISTS (SELECT 1 FROM jobs n WHERE n.name = j.name AND n.slot > j.slot))) AS again
           FROM jobs j WHERE j.state = 'running' AND (j.locked_until < $2 OR j.locked_session = ANY($3::bigint[])) AND j.name = ANY($1)
            FOR UPDATE SKIP LOCKED),
       reaped AS (
         UPDATE jobs j SET state = CASE WHEN l.again THEN 'pending' ELSE 'failed' END,
                locked_by = NULL, locked_until = NULL, locked_session = NULL,
                last_error = CASE WHEN l.gone THEN format('replica %s went away during attempt %s (its database session ended)', l.locked_by, l.attempts)
                                  ELSE format('lease expired: replica %s stopped or stalled during attempt %s', l.locked_by, l.attempts) END,
                run_at = CASE WHEN l.again THEN $2 ELSE j.run_at END,
                finished_at = CASE WHEN l.again THEN NULL ELSE $2 END
           FROM lapsed l WHERE j.id = l.id
         RETURNING j.id, j.name, j.key, j.state, j.last_error, l.locked_by, l.attempts, l.gone),
       runs AS (
         UPDATE job_runs r SET outcome = 'lost', finished_at = $2, error = x.last_error
           FROM reaped x WHERE r.job_id = x.id AND r.attempt = x.attempts AND r.outcome = 'running')
       SELECT name, key, state, locked_by, gone FROM reaped`,
      [names, now, deadSessions],
    )) as { name: string; key: string; state: JobState; locked_by: string; gone: boolean }[];
    return rows.map((r) => ({ name: r.name, key: r.key, replica: r.locked_by, state: r.state, reason: r.gone ? 'its replica went away' : 'lease expired' }));
  }

  /**
   * Claims up to `limit` due jobs for `replica`: the claim (attempts + 1, the fencing token) and
   * its run row commit before any handler starts, so a crash mid-run still counts the attempt.
   * An exclusive job is not claimed while another of its name runs.
   */
  async claim(names: readonly string[], limit: number, replica: string, now: Date, session: string): Promise<ClaimedJob[]> {
    if (limit <= 0 || names.length === 0) return [];
    const rows = (await this.dataSource.query(
      `WITH picked AS (
         SELECT j.id FROM jobs j
          WHERE j.state = 'pending' AND j.run_at <= $3 AND j.name = ANY($1)
            AND (NOT j.exclusive OR NOT EXISTS (SELECT 1 FROM jobs r WHERE r.name = j.name AND r.state = 'running'))
          ORDER BY j.run_at, j.id
          LIMIT $2
          FOR UPDATE SKIP LOCKED),
       claimed AS (
         UPDATE jobs j SET state = 'running', attempts = j.attempts + 1, locked_by = $4, locked_session = $5,
                locked_until = $3::timestamptz + make_interval(secs => j.lease_seconds)
           FROM picked WHERE j.id = picked.id
         RETURNING j.id, j.name, j.key, j.slot, j.payload, j.attempts, j.max_attempts, j.lease_seconds, j.run_at),
       runs AS (
         INSERT INTO job_runs (job_id, name, attempt, replica, started_at)
         SELECT id, name, attempts, $4, $3 FROM claimed
         RETURNING id, job_id)
       SELECT c.*, r.id AS run_id FROM claimed c JOIN runs r ON r.job_id = c.id ORDER BY c.run_at, c.id`,
      [names, limit, now, replica, session],
    )) as { id: string; run_id: string; name: string; key: string; slot: Date | null; payload: JsonObject; attempts: number; max_attempts: number; lease_seconds: number; run_at: Date }[];
    return rows.map((r) => ({
      jobId: String(r.id),
      runId: String(r.run_id),
      attempt: r.attempts,
      name: r.name,
      key: r.key,
      slot: r.slot,
      payload: r.payload,
      maxAttempts: r.max_attempts,
      leaseSeconds: r.lease_seconds,
      runAt: r.run_at,
    }));
  }

  /** The sessions, other than `own`, that hold running claims of these jobs. */
  async claimingSessions(names: readonly string[], own: string): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT DISTINCT locked_session::text AS s FROM jobs WHERE state = 'running' AND name = ANY($1) AND locked_session IS NOT NULL AND locked_session <> $2`,
      [names, own],
    )) as { s: string }[];
    return rows.map((r) => r.s);
  }

  /** Extends a claim; false when it is no longer ours (then the run must stop without recording). */
  async heartbeat(fence: JobFence, now: Date): Promise<boolean> {
    const [, n] = (await this.dataSource.query(
      `UPDATE jobs SET locked_until = $3::timestamptz + make_interval(secs => lease_seconds) WHERE id = $1 AND attempts = $2 AND state = 'running'`,
      [fence.jobId, fence.attempt, now],
    )) as [unknown, number];
    return n > 0;
  }

  /**
   * Runs `fn` in a transaction that holds `fence` (the job row locked), or answers false without
   * running it when the claim is no longer current. BEGIN and the fence go in one round trip, and
   * writes `fn` queues go with COMMIT (`batchedTransaction`).
   */
  async fenced(fence: JobFence, fn: (m: TransactionManager) => Promise<void>): Promise<boolean> {
    try {
      await batchedTransaction(this.dataSource, [{ ...FENCE, values: [fence.jobId, fence.attempt] }], async (m, [held]) => {
        if (held!.length === 0) throw new FencedOutError(fence);
        await fn(m);
      });
      return true;
    } catch (err) {
      if (err instanceof FencedOutError) return false;
      throw err;
    }
  }

  /**
   * Records a run's outcome, fenced: nothing is written unless this claim is still current.
   * `alsoInTransaction` commits the run's own effects with it (all or nothing), so a run that lost
   * its claim can never store anything. Throws FencedOutError when the claim was lost.
   */
  async finish(fence: JobFence, result: JobResult, now: Date, alsoInTransaction?: (m: TransactionManager) => Promise<void>): Promise<void> {
    const held = await this.fenced(fence, async (m) => {
      if (alsoInTransaction) await alsoInTransaction(m);
      const error = result.status === 'succeeded' ? null : result.error;
      await queueOn(
        m,
        result.status === 'retry'
          ? {
              name: 'vigil_job_retry',
              text: `UPDATE jobs SET state = 'pending', locked_by = NULL, locked_until = NULL, locked_session = NULL, last_error = $2, run_at = $3::timestamptz + make_interval(secs => $4::double precision) WHERE id = $1`,
              values: [fence.jobId, error, now, result.inSeconds],
            }
          : {
              name: 'vigil_job_finish',
              text: `UPDATE jobs SET state = $2, locked_by = NULL, locked_until = NULL, locked_session = NULL, last_error = $3, result = $4, finished_at = $5 WHERE id = $1`,
              values: [fence.jobId, result.status, error, result.status === 'succeeded' && result.result ? JSON.stringify(result.result) : null, now],
            },
        { name: 'vigil_job_run_finish', text: `UPDATE job_runs SET outcome = $2, finished_at = $3, error = $4 WHERE id = $1`, values: [fence.runId, result.status === 'succeeded' ? 'succeeded' : 'failed', now, error] },
      );
    });
    if (!held) throw new FencedOutError(fence);
  }

  /** The earliest time something may become claimable: a due job, or a claim lapsing. Null when nothing is owed. */
  async nextWakeAt(names: readonly string[]): Promise<Date | null> {
    const [row] = (await this.dataSource.query(
      `SELECT least((SELECT min(run_at) FROM jobs WHERE state = 'pending' AND name = ANY($1)),
                    (SELECT min(locked_until) FROM jobs WHERE state = 'running' AND name = ANY($1))) AS at`,
      [names],
    )) as { at: Date | null }[];
    return row?.at ?? null;
  }

  /** Per job name: how long the oldest due, unclaimed job has waited (seconds); names with none are absent. */
  async queueAges(now: Date): Promise<Map<string, number>> {
    const rows = (await this.dataSource.query(
      `SELECT name, EXTRACT(EPOCH FROM ($1 - min(run_at)))::float8 AS age FROM jobs WHERE state = 'pending' AND run_at <= $1 GROUP BY name`,
      [now],
    )) as { name: string; age: number }[];
    return new Map(rows.map((r) => [r.name, r.age]));
  }

  /** Deletes finished jobs (and their runs) that ended before `before`; returns how many. */
  async pruneFinished(before: Date): Promise<number> {
    const [, n] = (await this.dataSource.query(
      `DELETE FROM jobs WHERE finished_at < $1 AND state IN ('succeeded', 'failed', 'missed', 'cancelled')`,
      [before],
    )) as [unknown, number];
    return n;
  }

  /** Runs, newest first; `beforeId` pages through older ones. */
  async runs(filter: { readonly name?: string; readonly limit: number; readonly beforeId?: string }): Promise<Page<JobRunRecord>> {
    const rows = (await this.dataSource.query(
      `SELECT r.id, r.job_id, r.name, j.key, j.slot, r.attempt, r.replica, r.started_at, r.finished_at, r.outcome, r.error
         FROM job_runs r JOIN jobs j ON j.id = r.job_id
        WHERE ($1::text IS NULL OR r.name = $1) AND ($3::bigint IS NULL OR r.id < $3)
        ORDER BY r.id DESC LIMIT $2 + 1`,
      [filter.name ?? null, filter.limit, filter.beforeId ?? null],
    )) as { id: string; job_id: string; name: string; key: string; slot: Date | null; attempt: number; replica: string; started_at: Date; finished_at: Date | null; outcome: RunOutcome; error: string | null }[];
    return toPage(rows.map((r) => ({
      id: String(r.id),
      jobId: String(r.job_id),
      name: r.name,
      key: r.key,
      slot: r.slot,
      attempt: r.attempt,
      replica: r.replica,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      outcome: r.outcome,
      error: r.error,
    })), filter.limit);
  }

  /** Slots of recurring jobs that no replica ran, newest first. */
  async missedSlots(filter: { readonly name?: string; readonly limit: number; readonly beforeId?: string }): Promise<Page<MissedSlot>> {
    const rows = (await this.dataSource.query(
      `SELECT id, name, slot, finished_at, last_error FROM jobs
        WHERE state = 'missed' AND ($1::text IS NULL OR name = $1) AND ($3::bigint IS NULL OR id < $3)
        ORDER BY id DESC LIMIT $2 + 1`,
      [filter.name ?? null, filter.limit, filter.beforeId ?? null],
    )) as { id: string; name: string; slot: Date; finished_at: Date; last_error: string | null }[];
    return toPage(rows.map((r) => ({ id: String(r.id), name: r.name, slot: r.slot, recordedAt: r.finished_at, reason: r.last_error ?? '' })), filter.limit);
  }

  async schedules(): Promise<ScheduleRecord[]> {
    const rows = (await this.dataSource.query('SELECT name, recurrence, last_slot, missed_total FROM job_schedules ORDER BY name')) as {
      name: string;
      recurrence: string;
      last_slot: Date | null;
      missed_total: string;
    }[];
    return rows.map((r) => ({ name: r.name, recurrence: r.recurrence, lastSlot: r.last_slot, missedTotal: Number(r.missed_total) }));
  }
}

/** Jobs as one JSON parameter (not arrays: a batch inlines values as literals, and arrays are not among them). */
function scheduleStatement(jobs: readonly NewJob[], storage: JobStorage, now: Date, returning: '' | 'RETURNING id'): Statement {
  return {
    name: returning ? 'vigil_jobs_schedule_returning' : 'vigil_jobs_schedule',
    text: `INSERT INTO jobs (name, key, payload, run_at, max_attempts, lease_seconds, exclusive, created_at)
       SELECT x.name, x.key, COALESCE(x.payload, '{}'::jsonb), x.run_at, x.max_attempts, $2::int, $3::bool, $4::timestamptz
         FROM jsonb_to_recordset($1::jsonb) AS x(name text, key text, payload jsonb, run_at timestamptz, max_attempts int)
       ON CONFLICT (name, key) DO NOTHING ${returning}`,
    values: [
      JSON.stringify(jobs.map((j) => ({ name: j.name, key: j.key, payload: j.payload ?? {}, run_at: j.runAt.toISOString(), max_attempts: j.maxAttempts ?? storage.maxAttempts }))),
      storage.leaseSeconds,
      storage.exclusive,
      now,
    ],
  };
}
