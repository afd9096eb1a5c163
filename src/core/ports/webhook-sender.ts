import type { AttemptResult } from '../webhooks/delivery-policy.js';

export interface HttpAttempt {
  readonly startedAt: Date;
  readonly durationMs: number;
  readonly result: AttemptResult;
}

/** One signed POST to a receiver. Never rejects: every way it can end is an AttemptResult. */
export abstract class WebhookSender {
  /** Why a receiver URL must not be registered (loopback, metadata …), or undefined when it may. */
  abstract refusal(url: string): Promise<string | undefined>;
  abstract post(url: string, body: string, headers: Readonly<Record<string, string>>, timeoutMs: number): Promise<HttpAttempt>;
}
