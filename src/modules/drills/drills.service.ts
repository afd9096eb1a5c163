import { randomUUID } from 'node:crypto';
import { BadRequestException, Inject, Injectable, Logger, NotFoundException, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import type { JobRun } from '../../core/jobs/job.js';
import { every, nextSlotAfter } from '../../core/jobs/recurrence.js';
import type { BackupProbe } from '../../core/ports/backup-probe.js';
import type { DrillSpec } from '../../core/model/drill.js';
import { Clock, type MonotonicClock } from '../../core/ports/clock.js';
import { BackupHealthRepository } from '../../persistence/backup-health.repository.js';
import { DrillRunRepository, type DrillRunRow } from '../../persistence/drill-run.repository.js';
import { executeDrill, recordInterrupted, type DrillDeps } from '../../usecases/drills/execute-drill.js';
import type { JobOutcome } from '../jobs/job-definition.js';
import { JobWorker } from '../jobs/job-worker.js';
import { DrillNotifier } from './drill-notifier.js';
import { DrillSpecService } from './drill-spec.service.js';

/** What the drills need from the machine, wired in drills.module.ts (adapters stay out of the service). */
export interface DrillRuntime {
  readonly restoreTarget: DrillDeps['restoreTarget'];
  readonly failoverTarget: DrillDeps['failoverTarget'];
  /** Removes scratch clusters a stopped run left behind; answers the folders removed. */
  readonly removeLeftovers: (spec: DrillSpec) => Promise<string[]>;
  readonly backupProbe: BackupProbe;
  readonly mono: MonotonicClock;
  readonly vigilVersion: string;
  readonly host: string;
}
export const DRILL_RUNTIME = Symbol('DRILL_RUNTIME');

/** A manual run: one job per request, keyed by its run id. */
export const DRILL_RUN_JOB = 'drill-run';
/** A drill's schedule: one recurring job per drill, so each slot runs once across replicas. */
export const drillJobName = (drill: string) => `drill:${drill}`;
/** Backup health between drills: every drill's backup source and primary archiver, read once across replicas. */
export const BACKUP_HEALTH_JOB = 'backup-health';
const BACKUP_HEALTH_EVERY_SECONDS = 300;
/** Drills outlast any lease; the worker renews it every third of this while the run goes on. */
const LEASE_SECONDS = 120;

@Injectable()
export class DrillsService implements OnModuleInit, OnApplicationBootstrap {
  private readonly log = new Logger('Drills');

  constructor(
    private readonly specs: DrillSpecService,
    private readonly worker: JobWorker,
    private readonly runs: DrillRunRepository,
    private readonly backups: BackupHealthRepository,
    private readonly clock: Clock,
    @Inject(DRILL_RUNTIME) private readonly runtime: DrillRuntime,
    private readonly notifier: DrillNotifier,
  ) {}

  async onModuleInit(): Promise<void> {
    for (const spec of await this.specs.load()) {
      this.worker.define({
        name: drillJobName(spec.name),
        recurrence: spec.schedule,
        leaseSeconds: LEASE_SECONDS,
        // A slot's run id is the slot's: a second claim of it (a replica that lost its lease) cannot start it twice.
        run: (run) => this.execute(spec, { runId: slotRunId(spec.name, run.slot ?? this.clock.now()), trigger: 'schedule', requestedBy: 'schedule', slot: run.slot }),
        onLost: (key) => this.interrupted(spec.name, key.startsWith('slot:') ? slotRunId(spec.name, new Date(key.slice(5))) : key),
      });
    }
    this.worker.define({ name: DRILL_RUN_JOB, leaseSeconds: LEASE_SECONDS, run: (run) => this.manual(run), onLost: (runId) => this.interrupted(null, runId) });
    this.worker.define({ name: BACKUP_HEALTH_JOB, recurrence: every(BACKUP_HEALTH_EVERY_SECONDS), run: () => this.observeBackups() });
  }

  /** Reads every drill's backup source and primary; one that cannot be read is logged and the others still are. */
  async observeBackups(): Promise<JobOutcome> {
    const problems: string[] = [];
    for (const spec of this.specs.all()) {
      if (!spec.target.backup && !spec.target.primary) continue;
      try {
        await this.backups.record(spec.name, await this.runtime.backupProbe.observe(spec), this.clock.now());
      } catch (err) {
        problems.push(`${spec.name}: ${(err as Error).message}`);
      }
    }
    for (const p of problems) this.log.warn(`backup health not read for ${p}`);
    return { status: 'succeeded', result: { unread: problems.length } };
  }

  async onApplicationBootstrap(): Promise<void> {
    const seen = new Set<string>();
    for (const spec of this.specs.all()) {
      if (seen.has(`${spec.target.binDir}\0${spec.target.osUser}`)) continue;
      seen.add(`${spec.target.binDir}\0${spec.target.osUser}`);
      for (const dir of await this.runtime.removeLeftovers(spec).catch(() => [])) this.log.warn(`removed a scratch cluster a stopped run left behind: ${dir}`);
    }
  }

  /** Starts a run now (POST /api/drills/:name/runs); answers its run id. */
  async request(name: string, requestedBy: string, opts: { force?: boolean; targetTime?: Date }): Promise<{ runId: string }> {
    const spec = this.spec(name);
    if (opts.targetTime && spec.type !== 'pitr') throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: `targetTime: only a pitr drill recovers to a time; ${name} is a ${spec.type} drill`, field: 'targetTime' });
    const runId = `${name}-${compactTime(this.clock.now())}-${randomUUID().slice(0, 8)}`;
    await this.worker.schedule({
      name: DRILL_RUN_JOB,
      key: runId,
      runAt: this.clock.now(),
      payload: { drill: name, requestedBy, ...(opts.force ? { force: true } : {}), ...(opts.targetTime ? { targetTime: opts.targetTime.toISOString() } : {}) },
    });
    return { runId };
  }

  list(): { spec: DrillSpec; next: Date | null }[] {
    const now = this.clock.now();
    return this.specs.all().map((spec) => ({ spec, next: nextSlotAfter(spec.schedule, now) }));
  }

  lastRuns(): ReturnType<DrillRunRepository['latestByDrill']> {
    return this.runs.latestByDrill();
  }

  runsOf(name: string, limit: number): Promise<DrillRunRow[]> {
    this.spec(name);
    return this.runs.runs(name, limit);
  }

  spec(name: string): DrillSpec {
    const spec = this.specs.find(name);
    if (!spec) throw new NotFoundException({ statusCode: 404, error: 'Not Found', message: `no drill named ${name}` });
    return spec;
  }

  /** A run whose job was lost for good (its replica stopped under it): finished as ABORTED, interrupted, with a report. */
  private async interrupted(drill: string | null, runId: string): Promise<void> {
    const run = await this.runs.run(runId);
    if (!run || run.finishedAt) return;
    const spec = this.specs.find(drill ?? run.drill);
    if (!spec) return;
    const done = await recordInterrupted(spec, { clocks: { wall: this.clock, mono: this.runtime.mono }, store: this.runs, vigilVersion: this.runtime.vigilVersion, host: this.runtime.host }, runId, run.startedAt);
    this.log.warn(`drill ${spec.name}: run ${runId} was interrupted (its replica stopped); recorded as ABORTED, report ${done.sequence}`);
  }

  private async manual(run: JobRun): Promise<JobOutcome> {
    const p = run.payload as { drill: string; requestedBy: string; force?: boolean; targetTime?: string };
    const spec = this.specs.find(p.drill);
    if (!spec) return { status: 'failed', error: `drill ${p.drill} is no longer defined` };
    return this.execute(spec, { runId: run.key, trigger: 'manual', requestedBy: p.requestedBy, ...(p.force ? { force: true } : {}), ...(p.targetTime ? { targetTime: new Date(p.targetTime) } : {}) });
  }

  private async execute(spec: DrillSpec, req: Parameters<typeof executeDrill>[2]): Promise<JobOutcome> {
    const existing = await this.runs.run(req.runId);
    if (existing) return { status: 'failed', error: `run ${req.runId} was already started (${existing.finishedAt ? `finished ${existing.verdict}` : 'by a replica that stopped'}); not run twice` };
    this.log.log(`drill ${spec.name}: run ${req.runId} starting (${req.trigger}, by ${req.requestedBy})`);
    const publicUrl = this.notifier.publicUrl();
    const done = await executeDrill(spec, { ...this.runtime, clocks: { wall: this.clock, mono: this.runtime.mono }, store: this.runs }, {
      ...req,
      notify: (message) => this.notifier.send(spec, message, req.runId),
      reportUrl: publicUrl ? `${publicUrl}/api/drill-runs/${encodeURIComponent(req.runId)}/report?format=html` : null,
    });
    this.log.log(`drill ${spec.name}: run ${req.runId} ${done.report.verdict.status}; report ${done.sequence} ${done.hash}`);
    return { status: 'succeeded', result: { runId: req.runId, verdict: done.report.verdict.status, sequence: done.sequence, hash: done.hash } };
  }
}

/** A scheduled run's id: the drill and its slot, so every replica names a slot's run alike. */
function slotRunId(drill: string, slot: Date): string {
  return `${drill}-${compactTime(slot)}`;
}

/** `20261129-120000`: a UTC time for run ids. */
function compactTime(t: Date): string {
  return t.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}
