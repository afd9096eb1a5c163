import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';
import { classifyHttp } from '../../core/incidents/sink-outcome.js';
import { PagerDutyEventsSender, type PagerDutyEvent, type SinkAttempt } from '../../core/ports/notification-sinks.js';
import type { Clock } from '../../core/ports/clock.js';
import { describeRequestError, requestTimeoutError } from '../http/http-error.js';

export interface PagerDutyClientOptions {
  /**
   * Extra trusted CA (PEM) for the Events endpoint: the tests' contract server, or a proxy with
   * its own CA. Added to Node's default roots, never replacing verification.
   */
  readonly ca?: string;
  /** Used to turn an HTTP-date Retry-After into seconds; the system clock when absent. */
  readonly clock?: Clock;
}

/**
 * The answer body is only read for PagerDuty's dedup_key and the first part of an error text; a
 * cap stops a misbehaving endpoint from holding the attempt open by streaming.
 */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * PagerDuty Events API v2 (https://developer.pagerduty.com/docs/events-api-v2/overview/): one
 * POST per call, one deadline over connect, TLS, request and answer, no retry of its own. What
 * the status means (202 delivered; 400 permanent; 429/5xx/no answer retryable after Retry-After)
 * is core's classifyHttp. Not @pagerduty/pdjs: README, "Why PagerDuty goes through a small client".
 *
 * The scheme comes from the URL so a plain-HTTP relay can be named, but https is what PagerDuty
 * serves and certificates are always verified.
 */
export class PagerDutyEventsClient extends PagerDutyEventsSender {
  // Keep-alive: pages come in bursts (a storm, then its acks), a warm TLS session saves a round trip each.
  private readonly httpsAgent: HttpsAgent;
  private readonly httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 16 });

  constructor(private readonly options: PagerDutyClientOptions = {}) {
    super();
    // `ca` alone would replace Node's bundled roots, and then the real PagerDuty would fail.
    this.httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 16, ...(options.ca ? { ca: [...rootCertificates, options.ca] } : {}) });
  }

  send(eventsUrl: string, event: PagerDutyEvent, timeoutMs: number): Promise<SinkAttempt> {
    let url: URL;
    try {
      url = new URL(eventsUrl);
    } catch {
      return Promise.resolve({ outcome: 'permanent', error: `not a URL: ${eventsUrl}` });
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return Promise.resolve({ outcome: 'permanent', error: `unsupported scheme ${url.protocol}` });
    const body = JSON.stringify(event);
    return new Promise<SinkAttempt>((resolve) => {
      let done = false;
      let req: ClientRequest | undefined;
      // A fully read answer leaves its socket to the keep-alive pool; anything else closes it.
      const finish = (attempt: SinkAttempt, complete = false) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve(attempt);
        if (!complete) req?.destroy();
      };
      const timer = setTimeout(() => finish({ outcome: 'retryable', error: describeRequestError(requestTimeoutError(timeoutMs), timeoutMs) }), timeoutMs);
      const https = url.protocol === 'https:';
      try {
        req = (https ? httpsRequest : httpRequest)(
          url,
          {
            method: 'POST',
            agent: https ? this.httpsAgent : this.httpAgent,
            headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'Content-Length': String(Buffer.byteLength(body)), 'User-Agent': 'vigil' },
          },
          (res: IncomingMessage) => {
            const chunks: Buffer[] = [];
            let size = 0;
            const answer = (complete = false) => finish(this.outcome(res, Buffer.concat(chunks).toString('utf8')), complete);
            res.on('data', (chunk: Buffer) => {
              if (size < MAX_ANSWER_BYTES) chunks.push(chunk);
              size += chunk.length;
              if (size >= MAX_ANSWER_BYTES) answer();
            });
            res.on('end', () => answer(true));
            // A body cut short still carries the status, which is what decides.
            res.on('error', () => answer());
            res.on('aborted', () => answer());
          },
        );
        req.on('error', (err) => finish({ outcome: 'retryable', error: describeRequestError(err, timeoutMs) }));
        req.end(body);
      } catch (err) {
        // Synchronous refusals (a bad header value) will not pass on a retry either.
        finish({ outcome: 'permanent', error: describeRequestError(err, timeoutMs) });
      }
    });
  }

  private outcome(res: IncomingMessage, text: string): SinkAttempt {
    const status = res.statusCode ?? 0;
    const retryAfter = res.headers['retry-after'];
    const attempt = classifyHttp(status, Array.isArray(retryAfter) ? retryAfter[0] : retryAfter, this.now(), status >= 200 && status < 300 ? '' : text);
    if (attempt.outcome !== 'delivered') return attempt;
    const dedupKey = dedupKeyOf(text);
    return dedupKey === undefined ? attempt : { ...attempt, ref: dedupKey };
  }

  private now(): Date {
    return this.options.clock?.now() ?? new Date();
  }

  /** Closes idle keep-alive connections (shutdown, tests). */
  close(): void {
    this.httpsAgent.destroy();
    this.httpAgent.destroy();
  }
}

/** PagerDuty answers 202 `{status, message, dedup_key}`; the key is worth keeping when it generated one. */
function dedupKeyOf(text: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    const key = (parsed as { dedup_key?: unknown } | null)?.dedup_key;
    return typeof key === 'string' ? key : undefined;
  } catch {
    return undefined;
  }
}
