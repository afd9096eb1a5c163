import { Injectable, Logger } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { RunOutcome } from '../../core/jobs/job.js';
import { Clock } from '../../core/ports/clock.js';
import { JobRepository } from '../../persistence/job.repository.js';
import { MetricsService } from '../metrics/metrics.service.js';

/**
 * The jobs' own signals on /metrics: what ran where and how, what nobody ran, and how far behind
 * the queue is. The job's name is the `kind` label, not `job`: Prometheus gives `job` to the
 * scrape target and would rename ours to `exported_job`.
 */
@Injectable()
export class JobMetrics {
  private readonly log = new Logger('Jobs');
  private readonly runs: Counter<'kind' | 'outcome'>;
  private readonly missedSlots: Counter<'kind'>;
  private readonly duration: Histogram<'kind'>;
  private readonly queueAge: Gauge<'kind'>;
  private names: () => readonly string[] = () => [];

  constructor(
    metrics: MetricsService,
    private readonly repo: JobRepository,
    private readonly clock: Clock,
  ) {
    const registers = [metrics.registry];
    this.runs = new Counter({ name: 'vigil_jobs_runs_total', help: 'Job runs finished on this replica, by outcome (succeeded, failed, lost: its replica stopped mid-run)', labelNames: ['kind', 'outcome'], registers });
    this.missedSlots = new Counter({ name: 'vigil_jobs_missed_total', help: 'Slots of recurring jobs that no replica ran (all down, or none claimed in time), recorded by this replica', labelNames: ['kind'], registers });
    this.duration = new Histogram({ name: 'vigil_jobs_run_duration_seconds', help: 'Wall time of job runs on this replica', labelNames: ['kind'], buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300], registers });
    const self = this;
    this.queueAge = new Gauge({
      name: 'vigil_jobs_queue_age_seconds',
      help: 'How long the oldest due, unclaimed job of each kind has waited (0: none waiting); shared table, so every replica reports the same',
      labelNames: ['kind'],
      registers,
      // Read at scrape time, so it is current on every replica, not only on the one that ran last.
      async collect() {
        await self.collectQueueAge();
      },
    });
  }

  /** The jobs this replica runs, whose queue age is exported; the worker says which, once. */
  track(names: () => readonly string[]): void {
    this.names = names;
  }

  ran(job: string, outcome: Exclude<RunOutcome, 'running'>, seconds?: number): void {
    this.runs.inc({ kind: job, outcome });
    if (seconds !== undefined) this.duration.observe({ kind: job }, seconds);
  }

  missed(job: string, slots: number): void {
    this.missedSlots.inc({ kind: job }, slots);
  }

  private async collectQueueAge(): Promise<void> {
    try {
      const ages = await this.repo.queueAges(this.clock.now());
      // Only jobs this replica runs: a kind no longer defined (budgets turned off) would otherwise age forever.
      for (const job of this.names()) this.queueAge.set({ kind: job }, Math.max(0, ages.get(job) ?? 0));
    } catch (err) {
      // A scrape must not fail because the database is away; the values keep their last reading.
      this.log.debug(`queue age not read: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
