/** The parts of an error worth reading, from fetch (undici) or node:http/net alike. */
interface ErrorShape {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly code?: unknown;
  readonly cause?: unknown;
  readonly errors?: unknown;
}

/**
 * One line saying why an HTTP request got no answer, for logs and delivery records:
 * "connect ECONNREFUSED 127.0.0.1:9090", "getaddrinfo ENOTFOUND hooks.example", "no answer within
 * 10000 ms".
 *
 * Duck-typed, not instanceof: the errors may come from another realm (test runners, workers).
 * fetch throws a bare "fetch failed" and keeps the useful part in `cause`; node:net, when it tried
 * several addresses (happy eyeballs), throws an AggregateError with an empty message and one
 * error per address in `errors`.
 */
export function describeRequestError(err: unknown, timeoutMs: number): string {
  const e: ErrorShape = typeof err === 'object' && err !== null ? err : {};
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  if (e.cause !== undefined && e.cause !== null) return describeRequestError(e.cause, timeoutMs);
  if (Array.isArray(e.errors) && e.errors.length > 0) return [...new Set(e.errors.map((x) => describeRequestError(x, timeoutMs)))].join('; ');
  const message = typeof e.message === 'string' ? e.message : '';
  const code = typeof e.code === 'string' ? e.code : '';
  // Node's "socket hang up" does not say ECONNRESET; the code is what people search for.
  if (message && code && !message.includes(code)) return `${message} (${code})`;
  return message || code || String(err);
}

/** A timeout error that describeRequestError reports as "no answer within …", as it does fetch's. */
export function requestTimeoutError(timeoutMs: number): Error {
  const err = new Error(`no answer within ${timeoutMs} ms`);
  err.name = 'TimeoutError';
  return err;
}
