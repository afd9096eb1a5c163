import type { AttemptResult } from '../../core/webhooks/delivery-policy.js';
import { WebhookSender, type HttpAttempt } from '../../core/ports/webhook-sender.js';

/**
 * Sends one webhook request and reports what happened; deciding what that means (retry, give up)
 * is core's. Never throws. Redirects are not followed: a signed body is meant for the URL the
 * operator registered, and a 3xx then shows up in the delivery log instead.
 */
export class WebhookHttpClient extends WebhookSender {
  async post(url: string, body: string, headers: Readonly<Record<string, string>>, timeoutMs: number): Promise<HttpAttempt> {
    const startedAt = new Date();
    const t0 = performance.now();
    let result: AttemptResult;
    try {
      const res = await fetch(url, { method: 'POST', body, headers, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
      // The answer's body means nothing to us; drop it so the connection can be reused.
      await res.body?.cancel().catch(() => undefined);
      result = { httpStatus: res.status };
    } catch (err) {
      result = { error: describeFetchError(err, timeoutMs) };
    }
    return { startedAt, durationMs: Math.round(performance.now() - t0), result };
  }
}

/** fetch hides the useful part (ECONNREFUSED, ENOTFOUND) in `cause`; duck-typed across realms. */
function describeFetchError(err: unknown, timeoutMs: number): string {
  const e = (typeof err === 'object' && err !== null ? err : {}) as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  if (e.cause?.message) return e.cause.message;
  if (e.cause?.code) return e.cause.code;
  return e.message ?? String(err);
}
