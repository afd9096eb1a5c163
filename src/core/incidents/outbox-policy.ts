import type { SinkAttempt } from '../ports/notification-sinks.js';

/**
 * When a page that did not go through is tried again. Exponential backoff with full jitter (so
 * many pages held by one outage do not return in lockstep), never sooner than the receiver's
 * Retry-After, capped; a page still undelivered after `giveUpAfterSeconds` fails for good, as
 * does one the receiver refused outright (a 4xx other than 408/429).
 */
export interface OutboxPolicy {
  readonly baseSeconds: number;
  readonly factor: number;
  readonly maxDelaySeconds: number;
  /** Measured from when the page was queued. */
  readonly giveUpAfterSeconds: number;
  /** Claims of one page's job, the first included; a bound for processes that keep dying mid-send. */
  readonly maxAttempts: number;
}

/** 2 s, 4 s, 8 s … up to 5 min apart, for up to 24 h: PagerDuty's own guidance for 429 and 5xx is to back off and keep trying. */
export const DEFAULT_OUTBOX_POLICY: OutboxPolicy = { baseSeconds: 2, factor: 2, maxDelaySeconds: 300, giveUpAfterSeconds: 86_400, maxAttempts: 1000 };

export type OutboxStep =
  | { readonly status: 'delivered'; readonly ref?: string }
  | { readonly status: 'retry'; readonly inSeconds: number; readonly error: string }
  | { readonly status: 'failed'; readonly error: string };

export function afterAttempt(
  policy: OutboxPolicy,
  attempt: number,
  result: SinkAttempt,
  queuedAt: Date,
  now: Date,
  random: () => number,
): OutboxStep {
  if (result.outcome === 'delivered') return result.ref === undefined ? { status: 'delivered' } : { status: 'delivered', ref: result.ref };
  if (result.outcome === 'permanent') return { status: 'failed', error: `${result.error} (not retried: the receiver refused it)` };
  if (attempt >= policy.maxAttempts) return { status: 'failed', error: `${result.error} (gave up after ${attempt} attempts)` };
  const ceiling = Math.min(policy.maxDelaySeconds, policy.baseSeconds * policy.factor ** (attempt - 1));
  const jittered = Math.max(1, Math.round(ceiling * (0.5 + random() / 2)));
  const inSeconds = Math.max(jittered, result.retryAfterSeconds ?? 0);
  const ageSeconds = (now.getTime() - queuedAt.getTime()) / 1000;
  if (ageSeconds + inSeconds > policy.giveUpAfterSeconds) return { status: 'failed', error: `${result.error} (gave up: undelivered for ${Math.round(ageSeconds)} s)` };
  return { status: 'retry', inSeconds, error: result.error };
}
