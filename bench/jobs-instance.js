// One Vigil instance's job machinery for bench/scenario-jobs.js: the JobWorker exactly as the app
// wires it (its own pool, its replica session, the system clock, its timers), running the bench job.
// Prints "ready" once its session is held; exits on SIGTERM after a graceful shutdown.
//
//   node bench/jobs-instance.js <database url> <replica name> <concurrency>

import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { SystemClock } from '../dist/adapters/clock/system-clock.js';
import { JobMetrics } from '../dist/modules/jobs/job-metrics.js';
import { JobWorker } from '../dist/modules/jobs/job-worker.js';
import { MetricsService } from '../dist/modules/metrics/metrics.service.js';
import { openDatabase } from '../dist/persistence/data-source.js';
import { JobRepository } from '../dist/persistence/job.repository.js';
import { ReplicaSession } from '../dist/persistence/replica-session.js';

const [url, replica, concurrency] = process.argv.slice(2);
Logger.overrideLogger(['error']);
const dataSource = await openDatabase(url, { applicationName: `vigil:${replica}` });
const repo = new JobRepository(dataSource);
const clock = new SystemClock();
const worker = new JobWorker(repo, new ReplicaSession(dataSource), clock, new JobMetrics(new MetricsService(), repo, clock), new SchedulerRegistry(), {
  replica,
  session: randomBytes(8).readBigInt64BE().toString(),
  concurrency: Number(concurrency),
  pollMs: 1000,
  shutdownGraceMs: 5000,
});
// The run's effect is written in its own fenced transaction, as real jobs do: a duplicate run would leave a second row.
worker.define({
  name: 'bench',
  maxAttempts: 2,
  run: async (run) => ({
    status: 'succeeded',
    commit: async (tx) => {
      await tx.query('INSERT INTO bench_effects (key, replica) VALUES ($1, $2)', [run.key, run.replica]);
    },
  }),
});
await worker.tick();
worker.onApplicationBootstrap();
process.stdout.write('ready\n');
process.once('SIGTERM', async () => {
  await worker.beforeApplicationShutdown();
  await dataSource.destroy();
  process.exit(0);
});
