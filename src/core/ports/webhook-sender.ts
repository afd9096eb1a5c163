import type { AttemptResult } from '../webhooks/delivery-policy.js';

export interface HttpAttempt {
  readonly startedAt: Date;
  readonly durationMs: number;
  readonly result: AttemptResult;
}

/** One signed POST to a receiver. Never rejects: every way it can end is an AttemptResult. */
export abstract class WebhookSender {
  abstract post(url: string, body: string, headers: Readonly<Record<string, string>>, timeoutMs: number): Promise<HttpAttempt>;
}
