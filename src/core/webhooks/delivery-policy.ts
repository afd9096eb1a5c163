import { backoffDelay } from '../jobs/retry-policy.js';

/**
 * When a webhook delivery is retried, as data and one decision function; the dispatcher only
 * carries the decision out (and persists it).
 */
export interface DeliveryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  /** Wait before the second attempt; each later wait is `factor` times the one before. */
  readonly backoffBaseMs: number;
  readonly backoffFactor: number;
}

/** 3 attempts, 2 s then 8 s apart: a receiver restarting or failing over gets ~10 s to come back. */
export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = { maxAttempts: 3, backoffBaseMs: 2000, backoffFactor: 4 };

/** What one attempt came to: an HTTP status, or no answer at all (timeout, refused, DNS …). */
export type AttemptResult = { readonly httpStatus: number } | { readonly error: string };

export type NextStep =
  | { readonly status: 'delivered' }
  | { readonly status: 'failed'; readonly reason: string }
  | { readonly status: 'pending'; readonly retryInMs: number };

/** Wait after attempt number `attempt` (1-based) failed: base × factor^(attempt − 1). */
export function retryDelayMs(policy: DeliveryPolicy, attempt: number): number {
  return backoffDelay(policy.backoffBaseMs, policy.backoffFactor, attempt);
}

/**
 * 2xx is delivered. 408, 429, 5xx and no answer are worth retrying: the receiver or the network
 * is having a moment. Any other status (a 4xx such as 400, 401, 404, 410, or a 3xx: redirects are
 * not followed) is the receiver saying this request will never be accepted, so repeating it only
 * adds noise; the delivery fails at once and its log shows why.
 */
export function nextStep(policy: DeliveryPolicy, attempt: number, result: AttemptResult): NextStep {
  if ('httpStatus' in result && result.httpStatus >= 200 && result.httpStatus < 300) return { status: 'delivered' };
  if (!isRetryable(result)) return { status: 'failed', reason: `HTTP ${(result as { httpStatus: number }).httpStatus} is not retried` };
  if (attempt >= policy.maxAttempts) return { status: 'failed', reason: `gave up after ${attempt} attempt(s)` };
  return { status: 'pending', retryInMs: retryDelayMs(policy, attempt) };
}

function isRetryable(result: AttemptResult): boolean {
  if ('error' in result) return true;
  const s = result.httpStatus;
  return s === 408 || s === 429 || s >= 500;
}
