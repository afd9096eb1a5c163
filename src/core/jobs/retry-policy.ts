/** Exponential backoff: the wait after failed attempt `attempt` (1-based) is base × factor^(attempt − 1). */
export function backoffDelay(base: number, factor: number, attempt: number): number {
  return base * factor ** (attempt - 1);
}

/**
 * What follows a run that threw: another claim after a backoff while attempts remain, else the
 * job fails for good. Handlers that know better (an HTTP 410) answer a result instead of throwing.
 */
export function afterError(
  attempt: number,
  maxAttempts: number,
  error: string,
  backoff: { readonly baseSeconds: number; readonly factor: number } = { baseSeconds: 5, factor: 4 },
): { readonly status: 'failed'; readonly error: string } | { readonly status: 'retry'; readonly error: string; readonly inSeconds: number } {
  if (attempt >= maxAttempts) return { status: 'failed', error: maxAttempts > 1 ? `${error} (gave up after ${attempt} attempts)` : error };
  return { status: 'retry', error, inSeconds: backoffDelay(backoff.baseSeconds, backoff.factor, attempt) };
}
