import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { VIGIL_CONFIG, type VigilConfig } from '../../config/config.js';
import { every } from '../../core/jobs/recurrence.js';
import { Clock } from '../../core/ports/clock.js';
import { JobRepository } from '../../persistence/job.repository.js';
import { JobWorker } from './job-worker.js';

/** Finished jobs and their runs are kept VIGIL_JOB_RETENTION (14 days), then deleted, hourly. */
@Injectable()
export class JobsPruneService implements OnModuleInit {
  private readonly log = new Logger('Jobs');

  constructor(
    private readonly worker: JobWorker,
    private readonly repo: JobRepository,
    private readonly clock: Clock,
    @Inject(VIGIL_CONFIG) private readonly config: VigilConfig,
  ) {}

  onModuleInit(): void {
    this.worker.define({
      name: 'jobs-prune',
      recurrence: every(3600),
      run: async () => {
        const before = new Date(this.clock.now().getTime() - this.config.jobRetentionSeconds * 1000);
        const deleted = await this.repo.pruneFinished(before);
        if (deleted > 0) this.log.log(`pruned ${deleted} finished job(s) older than ${before.toISOString()}`);
        return { status: 'succeeded', result: { deleted } };
      },
    });
  }
}
