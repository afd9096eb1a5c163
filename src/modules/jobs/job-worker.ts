import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { NewJob } from '../../core/jobs/job.js';
import { describeRecurrence, nextSlotAfter, recurrenceProblem, slotAt, type Recurrence } from '../../core/jobs/recurrence.js';
import { afterError } from '../../core/jobs/retry-policy.js';
import { planSlots } from '../../core/jobs/slot-plan.js';
import { Clock } from '../../core/ports/clock.js';
import { JobScheduler } from '../../core/ports/job-scheduler.js';
import { FencedOutError, JobRepository, type ClaimedJob, type JobStorage, type TransactionManager } from '../../persistence/job.repository.js';
import { ReplicaSession } from '../../persistence/replica-session.js';
import type { JobDefinition, JobOutcome } from './job-definition.js';
import { JobMetrics } from './job-metrics.js';

export interface JobWorkerOptions {
  /** Stamped on every claim and run: which replica ran what. */
  readonly replica: string;
  /** Random per process (a bigint as text): the advisory lock that says this process is alive (ReplicaSession). */
  readonly session: string;
  /** Jobs this replica runs at once. */
  readonly concurrency: number;
  /** Longest wait between looks at the table: how soon a job another replica scheduled is seen. */
  readonly pollMs: number;
  /** On shutdown, how long running jobs may finish before they are told to stop. */
  readonly shutdownGraceMs: number;
}
export const JOB_WORKER_OPTIONS = Symbol('JOB_WORKER_OPTIONS');

const TICK = 'vigil-jobs-tick';
/** The most often a replica checks its own session and sweeps lapsed claims (pollMs, when shorter). */
const SWEEP_MS = 1000;
const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Runs Vigil's durable jobs on this replica. Each pass (a tick): create the current slot of every
 * recurring job (once across replicas), record lapsed claims as lost, then claim due jobs up to the
 * concurrency and start them. The next pass comes at the next slot, the next due job or after
 * `pollMs`, whichever is first, or at once when something is scheduled or a run ends here.
 * Nothing is remembered in memory that another replica would need: the table is the truth.
 */
@Injectable()
export class JobWorker extends JobScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger('Jobs');
  private readonly defs = new Map<string, JobDefinition>();
  private readonly running = new Map<string, { readonly done: Promise<void>; readonly abort: AbortController }>();
  private readonly slotWindows = new Map<string, { slot: Date | null; next: Date | null }>();
  /** The slot this replica last saw created, per recurring job: skips the schedule lock until the next one. */
  private readonly seenSlot = new Map<string, number>();
  private chain: Promise<void> = Promise.resolve();
  private queued?: Promise<void>;
  private stopped = false;
  private started = false;
  private failing = false;
  /** When the last liveness check and sweep of lapsed claims ran (clock ms). */
  private lastSweep = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly repo: JobRepository,
    private readonly session: ReplicaSession,
    private readonly clock: Clock,
    private readonly metrics: JobMetrics,
    private readonly scheduler: SchedulerRegistry,
    @Inject(JOB_WORKER_OPTIONS) private readonly opts: JobWorkerOptions,
  ) {
    super();
    metrics.track(() => [...this.defs.keys()]);
  }

  /** Called by feature modules while the app initialises (onModuleInit), before the first tick. */
  define(def: JobDefinition): void {
    if (this.defs.has(def.name)) throw new Error(`job ${def.name} is defined twice`);
    const problem = def.recurrence && recurrenceProblem(def.recurrence);
    if (problem) throw new Error(`job ${def.name}: ${problem}`);
    this.defs.set(def.name, def);
  }

  get replica(): string {
    return this.opts.replica;
  }

  definitions(): { name: string; recurrence: string | null }[] {
    return [...this.defs.values()].map((d) => ({ name: d.name, recurrence: d.recurrence ? describeRecurrence(d.recurrence) : null })).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** True when stored now; false when a job with the same name and key exists already. */
  async schedule(job: NewJob, manager?: TransactionManager): Promise<boolean> {
    const n = await this.repo.scheduleMany([job], this.storage(this.definition(job.name)), this.clock.now(), manager);
    if (!manager && n > 0) this.kick();
    return n === 1;
  }

  /**
   * Stores jobs of one name (a job whose name and key exist already is left alone) in the caller's
   * transaction: they go with its next read or its COMMIT, and become due when it commits. Call
   * `kick()` after the commit.
   */
  async scheduleMany(jobs: readonly NewJob[], manager: TransactionManager): Promise<void> {
    if (jobs.length === 0) return;
    const def = this.definition(jobs[0]!.name);
    if (jobs.some((j) => j.name !== def.name)) throw new Error('scheduleMany takes jobs of one name');
    await this.repo.queueSchedule(jobs, this.storage(def), this.clock.now(), manager);
  }

  cancel(name: string, key: string): Promise<boolean> {
    return this.repo.cancel(name, key, this.clock.now());
  }

  /** Cancels pending jobs of `name` whose key starts with `prefix`, inside the caller's transaction. */
  cancelByPrefix(name: string, prefix: string, manager: TransactionManager): Promise<number> {
    return this.repo.cancelByPrefix(name, prefix, this.clock.now(), manager);
  }

  onApplicationBootstrap(): void {
    this.started = true;
    this.kick();
  }

  /** Stops claiming; running jobs get `shutdownGraceMs` to finish, then their signal aborts. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.scheduler.doesExist('timeout', TICK)) this.scheduler.deleteTimeout(TICK);
    await this.chain;
    const all = () => Promise.allSettled([...this.running.values()].map((r) => r.done));
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<'late'>((ok) => (timer = setTimeout(() => ok('late'), this.opts.shutdownGraceMs)));
    if ((await Promise.race([all(), grace])) === 'late') {
      this.log.warn(`${this.running.size} job(s) still running after ${this.opts.shutdownGraceMs} ms; stopping them (their claims lapse and are recorded as lost)`);
      for (const r of this.running.values()) r.abort.abort(new Error('shutting down'));
      // A moment for the stopped runs to record themselves before the pool closes.
      await Promise.race([all(), new Promise((ok) => setTimeout(ok, 2000).unref())]);
    }
    clearTimeout(timer);
    // Last: from here the other replicas may take over whatever this one still held.
    await this.session.release();
  }

  /** Look at the table soon. Cheap to call often: calls fold into one pending pass. */
  kick(): void {
    if (this.started && !this.stopped) void this.tick();
  }

  /**
   * One pass now (or the one already waiting to start, which will see the same state). Resolves
   * when the claimed jobs have started, not finished; see `drain()`. Never rejects.
   */
  tick(): Promise<void> {
    if (this.queued) return this.queued;
    const pass = this.chain.then(() => {
      this.queued = undefined;
      return this.pass();
    });
    this.queued = pass;
    this.chain = pass;
    return pass;
  }

  /** Until nothing due is left to claim and nothing runs here: for tests and benchmarks driving a clock. */
  async drain(): Promise<void> {
    for (;;) {
      await this.tick();
      if (this.running.size === 0) return;
      await Promise.allSettled([...this.running.values()].map((r) => r.done));
    }
  }

  private async pass(): Promise<void> {
    if (this.stopped) return;
    const now = this.clock.now();
    const names = [...this.defs.keys()];
    let wake = now.getTime() + this.opts.pollMs;
    try {
      // Kicks come with every page and step: the liveness check and the sweep of lapsed claims run
      // at most once per sweep interval (each is a round trip, and almost always finds nothing).
      const sweep = now.getTime() - this.lastSweep >= Math.min(this.opts.pollMs, SWEEP_MS);
      if (sweep) await this.session.hold(this.opts.session);
      for (const def of this.defs.values()) {
        if (!def.recurrence) continue;
        const { slot, next } = this.slotWindow(def.name, def.recurrence, now);
        await this.materialise(def, slot, now);
        if (next) wake = Math.min(wake, next.getTime());
      }
      if (sweep) {
        await this.reapLapsed(names, now);
        this.lastSweep = now.getTime();
      }
      const free = this.opts.concurrency - this.running.size;
      const claimed = await this.repo.claim(names, free, this.opts.replica, now, this.opts.session);
      for (const job of claimed) this.start(job);
      if (claimed.length === free && free > 0) wake = now.getTime(); // a full batch: there may be more
      else {
        const due = await this.repo.nextWakeAt(names);
        if (due) wake = Math.min(wake, due.getTime());
      }
      if (this.failing) this.log.log('job table reachable again');
      this.failing = false;
    } catch (err) {
      // Logged once per outage, not once per poll.
      if (!this.failing) this.log.error(`job pass failed, retrying every ${this.opts.pollMs} ms: ${message(err)}`);
      this.failing = true;
    }
    this.wakeAt(wake);
  }

  /** Claims of replicas that died are taken over at once; of replicas that stall, when their lease runs out. */
  private async reapLapsed(names: readonly string[], now: Date): Promise<void> {
    const others = await this.repo.claimingSessions(names, this.opts.session);
    const gone = others.length > 0 ? await this.session.gone(others) : [];
    for (const lost of await this.repo.reapLapsed(names, now, gone)) {
      this.metrics.ran(lost.name, 'lost');
      this.log.warn(`job ${lost.name} (${lost.key}): the run on ${lost.replica} was lost (${lost.reason}); job is ${lost.state === 'pending' ? 'due again' : 'failed'}`);
      if (lost.state === 'failed') await this.defs.get(lost.name)?.onLost?.(lost.key);
    }
  }

  /**
   * The slot `now` falls in and the next one, recomputed only when the clock leaves that window:
   * cron arithmetic is not free, and every kick (each page, each step) is a pass.
   */
  private slotWindow(name: string, recurrence: Recurrence, now: Date): { slot: Date | null; next: Date | null } {
    const t = now.getTime();
    const known = this.slotWindows.get(name);
    if (known?.slot && known.next && known.slot.getTime() <= t && t < known.next.getTime()) return known;
    const fresh = { slot: slotAt(recurrence, now), next: nextSlotAfter(recurrence, now) };
    this.slotWindows.set(name, fresh);
    return fresh;
  }

  private async materialise(def: JobDefinition, slot: Date | null, now: Date): Promise<void> {
    const recurrence = def.recurrence!;
    if (!slot || this.seenSlot.get(def.name) === slot.getTime()) return;
    const r = await this.repo.materialise(def.name, describeRecurrence(recurrence), this.storage(def), now, (last) => planSlots(recurrence, last, now));
    this.seenSlot.set(def.name, slot.getTime());
    if (r.missed > 0) {
      this.metrics.missed(def.name, r.missed);
      this.log.warn(`job ${def.name}: ${r.missed} slot(s) before ${slot.toISOString()} were not run by any replica; recorded as missed`);
    }
  }

  private wakeAt(at: number): void {
    if (this.stopped) return;
    if (this.scheduler.doesExist('timeout', TICK)) this.scheduler.deleteTimeout(TICK);
    const delay = Math.max(0, Math.min(at - this.clock.now().getTime(), this.opts.pollMs));
    // unref: a pending tick must not keep a finished process (CLI, tests) alive.
    const timer = setTimeout(() => {
      if (this.scheduler.doesExist('timeout', TICK)) this.scheduler.deleteTimeout(TICK);
      this.kick();
    }, delay).unref();
    this.scheduler.addTimeout(TICK, timer);
  }

  private start(job: ClaimedJob): void {
    const abort = new AbortController();
    const done = this.execute(job, abort).finally(() => {
      this.running.delete(job.jobId);
      this.kick();
    });
    this.running.set(job.jobId, { done, abort });
  }

  private async execute(job: ClaimedJob, abort: AbortController): Promise<void> {
    const def = this.definition(job.name);
    const t0 = performance.now();
    let lostClaim = false;
    // Renew the claim while the run lasts; a failed renewal means another replica may own it now.
    const heartbeat = setInterval(() => {
      this.repo.heartbeat(job, this.clock.now()).then(
        (ours) => {
          if (!ours && !lostClaim) {
            lostClaim = true;
            abort.abort(new FencedOutError(job));
          }
        },
        () => undefined, // the database is away; the finish below will tell
      );
    }, (job.leaseSeconds * 1000) / 3).unref();

    let outcome: JobOutcome;
    try {
      outcome = await def.run({
        jobId: job.jobId,
        runId: job.runId,
        name: job.name,
        key: job.key,
        slot: job.slot,
        payload: job.payload,
        attempt: job.attempt,
        maxAttempts: job.maxAttempts,
        replica: this.opts.replica,
        signal: abort.signal,
      });
    } catch (err) {
      outcome = afterError(job.attempt, job.maxAttempts, message(err));
    } finally {
      clearInterval(heartbeat);
    }

    try {
      await this.repo.finish(job, outcome, this.clock.now(), outcome.commit);
    } catch (err) {
      if (err instanceof FencedOutError) {
        this.metrics.ran(job.name, 'lost');
        this.log.warn(`job ${job.name} (${job.key}) attempt ${job.attempt}: ${err.message}; its outcome was not recorded`);
        return;
      }
      // Storing the run's effects failed (a conflict, the database): the run failed, retried while attempts remain.
      outcome = afterError(job.attempt, job.maxAttempts, `storing the outcome failed: ${message(err)}`);
      try {
        await this.repo.finish(job, outcome, this.clock.now());
      } catch (again) {
        this.log.error(`job ${job.name} (${job.key}) attempt ${job.attempt}: outcome not recorded (${message(again)}); the claim will lapse and be recorded as lost`);
        return;
      }
    }
    if (outcome.afterCommit) {
      try {
        outcome.afterCommit();
      } catch (err) {
        this.log.error(`job ${job.name} (${job.key}): after-commit step failed: ${message(err)}`);
      }
    }
    const seconds = (performance.now() - t0) / 1000;
    this.metrics.ran(job.name, outcome.status === 'succeeded' ? 'succeeded' : 'failed', seconds);
    const what = `job ${job.name} (${job.key}) attempt ${job.attempt}/${job.maxAttempts}`;
    const fields = { job: job.name, key: job.key, attempt: job.attempt, replica: this.opts.replica, seconds: Math.round(seconds * 1000) / 1000 };
    if (outcome.status === 'succeeded') this.log.debug(`${what} succeeded`, fields);
    else if (outcome.status === 'retry') this.log.warn(`${what} failed, retry in ${outcome.inSeconds} s: ${outcome.error}`, fields);
    else this.log.warn(`${what} failed: ${outcome.error}`, fields);
  }

  private definition(name: string): JobDefinition {
    const def = this.defs.get(name);
    if (!def) throw new Error(`no job named ${name} is defined`);
    return def;
  }

  private storage(def: JobDefinition): JobStorage {
    return { leaseSeconds: def.leaseSeconds ?? 60, maxAttempts: def.maxAttempts ?? 1, exclusive: def.exclusive ?? def.recurrence !== undefined };
  }
}
