import type { NewJob } from '../jobs/job.js';

/**
 * Durable delayed work: a job stored now runs at its time on whichever replica is up then,
 * once, even across restarts. Escalation steps and drill runs are scheduled through this.
 */
export abstract class JobScheduler {
  /** True when stored now; false when a job with the same name and key exists already. */
  abstract schedule(job: NewJob): Promise<boolean>;
  /** Cancels a job that has not started; true when one was pending. */
  abstract cancel(name: string, key: string): Promise<boolean>;
}
