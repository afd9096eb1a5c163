import type { JobResult, JobRun } from '../../core/jobs/job.js';
import type { Recurrence } from '../../core/jobs/recurrence.js';
import type { TransactionManager } from '../../persistence/job.repository.js';

/**
 * What a handler answers. `commit` writes the run's own effects in the same transaction that
 * records its outcome, after the claim is checked: a run that lost its claim stores nothing.
 */
export type JobOutcome = JobResult & {
  readonly commit?: (tx: TransactionManager) => Promise<void>;
  /** Runs once the outcome (and `commit`) is stored: wake other workers, log, export metrics. */
  readonly afterCommit?: () => void;
};

export interface JobDefinition {
  /** Also the metric label and what `GET /api/jobs` lists. */
  readonly name: string;
  readonly run: (run: JobRun) => Promise<JobOutcome>;
  /** Set for a recurring job: one run per slot across replicas. Unset: a one-off job scheduled by name. */
  readonly recurrence?: Recurrence;
  /** How long a claim holds without a heartbeat; runs renew it every third of it. Default 60 s. */
  readonly leaseSeconds?: number;
  /** Claims allowed per job, the first included (default 1). A thrown error retries with backoff while claims remain. */
  readonly maxAttempts?: number;
  /** Recurring jobs default to true: at most one of their runs at a time across replicas. */
  readonly exclusive?: boolean;
  /** Called when the job failed for good because its runs kept being lost (no handler could record an outcome). */
  readonly onLost?: (key: string) => Promise<void>;
}

