import type { SecretRef } from './oncall.js';

/**
 * Where one page goes, after people and schedules are resolved: one sink and one address.
 * Plain JSON, because it is snapshotted on the incident when it triggers (jsonb) so later spec
 * changes do not rewrite who was, or will be, paged.
 */
export type PageTarget =
  | { readonly sink: 'pagerduty'; readonly routingKey: SecretRef; readonly who?: string }
  /** A channel, or a member id (U…) for a direct message. */
  | { readonly sink: 'slack'; readonly channel: string; readonly who?: string }
  | { readonly sink: 'email'; readonly address: string; readonly who?: string }
  | { readonly sink: 'webhook'; readonly url: string; readonly secret?: SecretRef; readonly who?: string };

export type Urgency = 'high' | 'low';

export interface SnapshotLevel {
  /** 1-based. */
  readonly level: number;
  readonly afterSeconds: number;
  readonly targets: readonly PageTarget[];
  /** Why the level pages nobody (e.g. `schedule "secondary" has nobody on call`); it is skipped and the skip is on the timeline. */
  readonly skipped?: string;
  /** Who was on call for each schedule the level names, when resolved: `{ primary: ['alice'] }`. */
  readonly onCall: Readonly<Record<string, readonly string[]>>;
}

/** The escalation policy and the on-call people as they were when the incident triggered. */
export interface PolicySnapshot {
  readonly route: string;
  readonly policy: string;
  readonly urgency: Urgency;
  /** ISO instant the schedules were resolved at. */
  readonly resolvedAt: string;
  readonly levels: readonly SnapshotLevel[];
  readonly repeat: number;
  readonly repeatAfterSeconds: number;
  readonly ackTimeoutSeconds: number | null;
  readonly fallback: readonly PageTarget[];
}
