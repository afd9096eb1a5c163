import type { SinkAttempt } from '../ports/notification-sinks.js';

/**
 * What an HTTP answer means for a page: 2xx delivered; 408, 429 and 5xx are worth retrying (after
 * the receiver's Retry-After when it gave one); any other status is the receiver saying this
 * request will never be accepted, so it is permanent and goes to the policy's fallback.
 */
export function classifyHttp(httpStatus: number, retryAfterHeader: string | undefined, now: Date, body = ''): SinkAttempt {
  if (httpStatus >= 200 && httpStatus < 300) return { outcome: 'delivered', httpStatus };
  const error = `HTTP ${httpStatus}${body ? `: ${body.slice(0, 200)}` : ''}`;
  if (httpStatus === 408 || httpStatus === 429 || httpStatus >= 500) {
    const retryAfterSeconds = parseRetryAfter(retryAfterHeader, now);
    return retryAfterSeconds === undefined ? { outcome: 'retryable', error, httpStatus } : { outcome: 'retryable', error, httpStatus, retryAfterSeconds };
  }
  return { outcome: 'permanent', error, httpStatus };
}

/** `Retry-After` is delay-seconds or an HTTP date (RFC 9110 §10.2.3); anything else is ignored. */
export function parseRetryAfter(value: string | undefined, now: Date): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v);
  const at = Date.parse(v);
  if (Number.isNaN(at) || !/[a-z]/i.test(v)) return undefined;
  return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}
