import { randomBytes } from 'node:crypto';
import { Module } from '@nestjs/common';
import { VIGIL_CONFIG, type VigilConfig } from '../../config/config.js';
import { JobScheduler } from '../../core/ports/job-scheduler.js';
import { PersistenceModule } from '../../persistence/persistence.module.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { JobMetrics } from './job-metrics.js';
import { JOB_WORKER_OPTIONS, JobWorker, type JobWorkerOptions } from './job-worker.js';
import { JobsController } from './jobs.controller.js';
import { JobsPruneService } from './jobs-prune.service.js';
import { JobsService } from './jobs.service.js';

function workerOptions(config: VigilConfig): JobWorkerOptions {
  // A fresh key per process: a restarted replica with the same id is a new session, not the dead one's.
  const session = randomBytes(8).readBigInt64BE().toString();
  return { replica: config.replicaId, session, concurrency: config.jobConcurrency, pollMs: config.jobPollMs, shutdownGraceMs: 10_000 };
}

/** Durable jobs in PostgreSQL: feature modules define theirs on JobWorker and schedule through JobScheduler. */
@Module({
  imports: [PersistenceModule, MetricsModule],
  controllers: [JobsController],
  providers: [
    { provide: JOB_WORKER_OPTIONS, inject: [VIGIL_CONFIG], useFactory: workerOptions },
    JobMetrics,
    JobWorker,
    { provide: JobScheduler, useExisting: JobWorker },
    JobsPruneService,
    JobsService,
  ],
  exports: [JobWorker, JobScheduler],
})
export class JobsModule {}
