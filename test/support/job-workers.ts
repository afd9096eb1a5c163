import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { DataSource } from 'typeorm';
import type { Clock } from '../../src/core/ports/clock.js';
import { JobMetrics } from '../../src/modules/jobs/job-metrics.js';
import type { JobDefinition } from '../../src/modules/jobs/job-definition.js';
import { JobWorker } from '../../src/modules/jobs/job-worker.js';
import { MetricsService } from '../../src/modules/metrics/metrics.service.js';
import { openDatabase } from '../../src/persistence/data-source.js';
import { JobRepository } from '../../src/persistence/job.repository.js';
import { ReplicaSession } from '../../src/persistence/replica-session.js';

Logger.overrideLogger(['error']);

/** One replica's job machinery, without the rest of the app: its own pool, metrics and worker. */
export interface TestReplica {
  readonly name: string;
  readonly worker: JobWorker;
  readonly metrics: MetricsService;
  readonly dataSource: DataSource;
  /** Stops claiming and closes the pool, as a replica that goes away does (runs in flight are abandoned). */
  readonly close: () => Promise<void>;
}

/**
 * A replica as the app wires it (JobsModule), on a real database and a shared clock. Its timers
 * are not started: tests drive each pass with tick()/drain() after stepping the clock.
 */
export async function startReplica(url: string, name: string, clock: Clock, defs: readonly JobDefinition[], opts: { concurrency?: number } = {}): Promise<TestReplica> {
  const dataSource = await openDatabase(url, { applicationName: `vigil:${name}` });
  const metrics = new MetricsService({ version: '0.0.0-test', revision: 'unknown' });
  const repo = new JobRepository(dataSource);
  const worker = new JobWorker(repo, new ReplicaSession(dataSource), clock, new JobMetrics(metrics, repo, clock), new SchedulerRegistry(), {
    replica: name,
    session: randomBytes(8).readBigInt64BE().toString(),
    concurrency: opts.concurrency ?? 4,
    pollMs: 1000,
    shutdownGraceMs: 100,
  });
  for (const d of defs) worker.define(d);
  let closed = false;
  return {
    name,
    worker,
    metrics,
    dataSource,
    close: async () => {
      if (closed) return;
      closed = true;
      await worker.beforeApplicationShutdown();
      await dataSource.destroy();
    },
  };
}

/** A promise and the function that settles it: a handler that waits until the test lets it go. */
export function gate(): { readonly wait: Promise<void>; readonly open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((ok) => (open = ok));
  return { wait, open };
}
