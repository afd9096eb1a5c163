/**
 * Durable jobs, as the core sees them: what is stored, what a handler is given and what it
 * answers. Storage, claiming and the clock that drives them live outside the core.
 */
export type JobState = 'pending' | 'running' | 'succeeded' | 'failed' | 'missed' | 'cancelled';

/** How one run (one claim of a job) ended; `lost` when its replica stopped or stalled mid-run. */
export type RunOutcome = 'running' | 'succeeded' | 'failed' | 'lost';

export type JsonObject = { readonly [key: string]: unknown };

/** A one-off job, due at `runAt`. `name` picks the handler; (name, key) is unique, so scheduling twice is a no-op. */
export interface NewJob {
  readonly name: string;
  readonly key: string;
  readonly runAt: Date;
  readonly payload?: JsonObject;
  /** Claims allowed in all, the first included; default 1. */
  readonly maxAttempts?: number;
}

/** What a handler is given: the job, and which claim of it this is. */
export interface JobRun extends JobFence {
  readonly name: string;
  readonly key: string;
  /** For a recurring job, the slot this run stands for. */
  readonly slot: Date | null;
  readonly payload: JsonObject;
  readonly maxAttempts: number;
  readonly replica: string;
  /** Aborted when the claim is lost (the lease could not be renewed) or the process is stopping. */
  readonly signal: AbortSignal;
}

export type JobResult =
  | { readonly status: 'succeeded'; readonly result?: JsonObject }
  | { readonly status: 'failed'; readonly error: string }
  | { readonly status: 'retry'; readonly error: string; readonly inSeconds: number };

/** The claim a run holds; every write that records its outcome is conditioned on it. */
export interface JobFence {
  readonly jobId: string;
  readonly runId: string;
  /** 1-based claim number; the fencing token: only the holder of the latest claim may record an outcome. */
  readonly attempt: number;
}
