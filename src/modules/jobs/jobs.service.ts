import { Injectable } from '@nestjs/common';
import { JobRepository } from '../../persistence/job.repository.js';
import { JobWorker } from './job-worker.js';
import { toJobListDto, toMissedListDto, toRunListDto, type JobListDto, type JobRunListDto, type JobRunsQuery, type MissedListDto } from './jobs.dto.js';

/** What the jobs API reads: definitions from this replica's worker, history from the shared table. */
@Injectable()
export class JobsService {
  constructor(
    private readonly worker: JobWorker,
    private readonly repo: JobRepository,
  ) {}

  async list(): Promise<JobListDto> {
    return toJobListDto(this.worker.replica, this.worker.definitions(), await this.repo.schedules());
  }

  async runs(q: JobRunsQuery): Promise<JobRunListDto> {
    return toRunListDto(await this.repo.runs({ name: q.job, limit: q.limit, beforeId: q.before }));
  }

  async missed(q: JobRunsQuery): Promise<MissedListDto> {
    return toMissedListDto(await this.repo.missedSlots({ name: q.job, limit: q.limit, beforeId: q.before }));
  }
}
