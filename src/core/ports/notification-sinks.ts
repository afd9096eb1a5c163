/**
 * The outbound sinks an incident pages through. Each adapter makes one attempt and says how it
 * ended; retries, ordering and backoff are decided by the outbox (core/incidents/outbox-policy.ts),
 * never inside an adapter. Secrets arrive resolved, as arguments, and are never logged.
 */

/**
 * How one attempt ended. `ref` is what later sends need (Slack: the message `ts`). `channel` is
 * Slack's id of where the message landed (C…, or D… for a direct message to a member U…):
 * chat.update takes only that id, never the name or member id the page was addressed to.
 */
export type SinkAttempt =
  | { readonly outcome: 'delivered'; readonly ref?: string; readonly channel?: string; readonly httpStatus?: number }
  | { readonly outcome: 'retryable'; readonly error: string; readonly httpStatus?: number; readonly retryAfterSeconds?: number }
  | { readonly outcome: 'permanent'; readonly error: string; readonly httpStatus?: number };

/** PagerDuty Events API v2 (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/). */
export interface PagerDutyEvent {
  readonly routing_key: string;
  readonly event_action: 'trigger' | 'acknowledge' | 'resolve';
  readonly dedup_key: string;
  /** Required for trigger only. */
  readonly payload?: {
    readonly summary: string;
    readonly source: string;
    readonly severity: 'critical' | 'error' | 'warning' | 'info';
    readonly timestamp?: string;
    readonly component?: string;
    readonly group?: string;
    readonly class?: string;
    readonly custom_details?: Readonly<Record<string, unknown>>;
  };
  readonly links?: readonly { readonly href: string; readonly text: string }[];
  readonly client?: string;
  readonly client_url?: string;
}

export abstract class PagerDutyEventsSender {
  abstract send(eventsUrl: string, event: PagerDutyEvent, timeoutMs: number): Promise<SinkAttempt>;
}

/** A Slack message as chat.postMessage / chat.update take it. */
export interface SlackMessage {
  /** Channel id or name, or a member id (U…) for a direct message. */
  readonly channel: string;
  /** Fallback text for notifications and screen readers. */
  readonly text: string;
  readonly blocks?: readonly unknown[];
}

export abstract class SlackSender {
  /** chat.postMessage; `ref` of a delivered attempt is the message ts. */
  abstract post(apiUrl: string, token: string, message: SlackMessage, timeoutMs: number): Promise<SinkAttempt>;
  /** chat.update of the message `ts` in `message.channel` (the channel id chat.postMessage answered). */
  abstract update(apiUrl: string, token: string, ts: string, message: SlackMessage, timeoutMs: number): Promise<SinkAttempt>;
}

export interface SmtpSettings {
  readonly host: string;
  readonly port: number;
  readonly secure: boolean;
  readonly requireTls: boolean;
  readonly username?: string;
  readonly password?: string;
}

export interface Mail {
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  /** Stable per incident, so mail clients thread trigger, ack and resolve together. */
  readonly messageId?: string;
  readonly inReplyTo?: string;
}

export abstract class MailSender {
  abstract send(smtp: SmtpSettings, mail: Mail, timeoutMs: number): Promise<SinkAttempt>;
}
