import { LogLevel, WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebAPIRequestError, WebClient } from '@slack/web-api';
import { classifyHttp } from '../../core/incidents/sink-outcome.js';
import { SlackSender, type SinkAttempt, type SlackMessage } from '../../core/ports/notification-sinks.js';
import type { Clock } from '../../core/ports/clock.js';
import { describeRequestError, requestTimeoutError } from '../http/http-error.js';

/**
 * `ok:false` errors that say "Slack had a problem", not "this request is wrong": worth another try.
 * Every other platform error (channel_not_found, invalid_auth, not_in_channel, msg_too_long …)
 * will answer the same way next time, so it is permanent and goes to the policy's fallback.
 * https://docs.slack.dev/reference/methods/chat.postMessage (Errors).
 */
const TRANSIENT_PLATFORM_ERRORS: ReadonlySet<string> = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'ratelimited']);

export interface SlackClientOptions {
  /** Turns an HTTP-date Retry-After into seconds; the system clock when absent. */
  readonly clock?: Clock;
}

/**
 * chat.postMessage / chat.update through @slack/web-api with its own retrying and rate-limit
 * queueing switched off (`retries: 0`, `rejectRateLimitedCalls`): the outbox decides when to try
 * again, and a client sleeping on a Retry-After inside a send would hold an outbox lease.
 */
export class SlackClient extends SlackSender {
  constructor(private readonly options: SlackClientOptions = {}) {
    super();
  }

  async post(apiUrl: string, token: string, message: SlackMessage, timeoutMs: number): Promise<SinkAttempt> {
    return this.call(apiUrl, token, timeoutMs, 'chat.postMessage', messageArgs(message));
  }

  async update(apiUrl: string, token: string, ts: string, message: SlackMessage, timeoutMs: number): Promise<SinkAttempt> {
    return this.call(apiUrl, token, timeoutMs, 'chat.update', { ...messageArgs(message), ts });
  }

  private async call(apiUrl: string, token: string, timeoutMs: number, method: 'chat.postMessage' | 'chat.update', args: Record<string, unknown>): Promise<SinkAttempt> {
    // A client per call: it is a few objects, and timeout and base URL are constructor options.
    const web = new WebClient(token, {
      slackApiUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: timeoutMs,
      // Its warnings would repeat what the attempt already records on the timeline.
      logLevel: LogLevel.ERROR,
    });
    try {
      // apiCall, not web.chat.*: the same call for both methods, and the opaque blocks need no casting
      // into the typed argument unions. It still throws WebAPIPlatformError on `ok: false`.
      const answer = (await web.apiCall(method, args)) as { ts?: unknown; channel?: unknown };
      const ts = typeof answer.ts === 'string' ? answer.ts : undefined;
      const channel = typeof answer.channel === 'string' ? answer.channel : undefined;
      return { outcome: 'delivered', httpStatus: 200, ...(ts ? { ref: ts } : {}), ...(channel ? { channel } : {}) };
    } catch (err) {
      return this.failure(err, timeoutMs);
    }
  }

  private failure(err: unknown, timeoutMs: number): SinkAttempt {
    if (err instanceof WebAPIRateLimitedError) {
      return { outcome: 'retryable', error: `rate limited, retry after ${err.retryAfter} s`, httpStatus: 429, retryAfterSeconds: err.retryAfter };
    }
    if (err instanceof WebAPIPlatformError) {
      const code = err.data.error;
      const retryAfter = err.data.response_metadata?.retryAfter;
      if (!TRANSIENT_PLATFORM_ERRORS.has(code)) return { outcome: 'permanent', error: `slack: ${code}`, httpStatus: 200 };
      return { outcome: 'retryable', error: `slack: ${code}`, httpStatus: 200, ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}) };
    }
    if (err instanceof WebAPIHTTPError) {
      const body = typeof err.body === 'string' ? err.body : '';
      return classifyHttp(err.statusCode, err.headers['retry-after'], this.now(), body);
    }
    if (err instanceof WebAPIRequestError) {
      // The client re-wraps errors that fail its `instanceof Error` (fetch's DOMException from
      // another realm, e.g. under a test runner) as Error(String(e)): only the text keeps the name.
      const timedOut = err.original.name === 'TimeoutError' || err.original.message.startsWith('TimeoutError');
      return { outcome: 'retryable', error: timedOut ? describeRequestError(requestTimeoutError(timeoutMs), timeoutMs) : describeRequestError(err.original, timeoutMs) };
    }
    // The client rejects a 429 without a usable Retry-After with a plain Error: still worth a later try.
    return { outcome: 'retryable', error: describeRequestError(err, timeoutMs) };
  }

  private now(): Date {
    return this.options.clock?.now() ?? new Date();
  }
}

/** Blocks stay opaque here (core builds them); Slack validates them and answers invalid_blocks. */
function messageArgs(message: SlackMessage): Record<string, unknown> {
  return { channel: message.channel, text: message.text, ...(message.blocks ? { blocks: message.blocks } : {}) };
}
