import type { PolicySnapshot, Urgency } from '../model/page-target.js';

/**
 * Incidents as the core decides about them. One incident per (route, Alertmanager groupKey) at a
 * time; the alerts inside it are kept by fingerprint, each with its own state.
 */
export type IncidentStatus = 'triggered' | 'acknowledged' | 'resolved' | 'suppressed';
export type AlertState = 'firing' | 'resolved' | 'suppressed' | 'stale';

export interface AlertRecord {
  readonly fingerprint: string;
  readonly state: AlertState;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** Identifies the occurrence: Prometheus gives a re-fire a new startsAt. */
  readonly startsAt: Date;
  readonly endsAt: Date | null;
  /** When a notification last carried this alert: what the stale sweep measures from. */
  readonly lastSeenAt: Date;
  /** Why it is suppressed or stale, or who resolved it by hand. */
  readonly reason: string | null;
  readonly generatorUrl: string;
}

export interface IncidentRecord {
  readonly id: string;
  readonly route: string;
  readonly groupKey: string;
  readonly status: IncidentStatus;
  readonly title: string;
  readonly service: string | null;
  readonly team: string | null;
  readonly severity: string | null;
  readonly urgency: Urgency;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly snapshot: PolicySnapshot;
  readonly triggeredAt: Date;
  readonly acknowledgedAt: Date | null;
  readonly acknowledgedBy: string | null;
  readonly resolvedAt: Date | null;
  readonly resolvedBy: string | null;
  readonly statusReason: string | null;
  readonly flapCount: number;
  /** Bumped whenever escalation (re)starts or stops, so a step scheduled for an older one does nothing. */
  readonly escalationGeneration: number;
  readonly escalationStartedAt: Date;
}

/** One entry of an incident's timeline. `actor` is a token name, a sink (`pagerduty`), `alertmanager` or `vigil`. */
export interface TimelineEntry {
  readonly kind: TimelineKind;
  readonly at: Date;
  readonly actor: string;
  readonly message: string;
  readonly detail?: Readonly<Record<string, unknown>>;
}

export type TimelineKind =
  | 'notification_received'
  | 'triggered'
  | 'reopened'
  | 'suppressed'
  | 'unsuppressed'
  | 'alerts_changed'
  | 'escalated'
  | 'level_skipped'
  | 'escalation_exhausted'
  | 'page_delivered'
  | 'page_attempt_lost'
  | 'delivery_failed'
  | 'fallback_notified'
  | 'acknowledged'
  | 'ack_timeout'
  | 'resolved'
  | 'note'
  | 'stale';

export function isOpen(status: IncidentStatus): boolean {
  return status === 'triggered' || status === 'acknowledged' || status === 'suppressed';
}
