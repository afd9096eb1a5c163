import type { SourcePos } from '../diagnostics.js';

/**
 * Who is paged, when and how, as the incident core reads it: people and their contact points,
 * schedules, escalation policies, routes from alert labels to a policy, maintenance windows and
 * the sinks' connection settings. Filled by definitions/oncall.parser.ts from a `kind: OnCall`
 * document in `slos/` (docs/incidents.md). Durations are seconds; instants are Dates.
 */

/** Where a secret is read at send time: never the secret itself. */
export type SecretRef = { readonly file: string } | { readonly env: string };

export interface ContactPoints {
  readonly email?: string;
  /** Slack member id (U…): the page is a direct message from the bot. */
  readonly slackUser?: string;
  /** Events API v2 integration key of the person's PagerDuty service. */
  readonly pagerduty?: { readonly routingKey: SecretRef };
}

export interface Person {
  /** The id used in schedules, policies and acks (`alice`). */
  readonly name: string;
  readonly displayName: string;
  readonly contacts: ContactPoints;
  readonly at: SourcePos;
}

/**
 * One layer of a schedule: participants take turns of `turn` length from `start` (a wall-clock
 * time in the schedule's zone). Whole days are counted in calendar days of that zone, so a weekly
 * turn handing off Monday 09:00 does so on both sides of a DST change; hours are elapsed hours.
 */
export interface Rotation {
  readonly name: string;
  readonly participants: readonly string[];
  /** Local date-time of the first hand-off, ISO without offset: `2026-10-05T09:00`. */
  readonly start: string;
  readonly turn: { readonly days: number } | { readonly hours: number };
  readonly at: SourcePos;
}

/** `person` is on call instead of whoever the rotations say, over [from, to). */
export interface Override {
  readonly person: string;
  readonly from: Date;
  readonly to: Date;
  readonly at: SourcePos;
}

export interface Schedule {
  readonly name: string;
  /** IANA zone, e.g. Europe/Berlin. */
  readonly timeZone: string;
  /** Layers: where several cover an instant, the later one in the list wins. */
  readonly rotations: readonly Rotation[];
  /** The later one in the list wins where two overlap. */
  readonly overrides: readonly Override[];
  readonly at: SourcePos;
}

export type PolicyTarget =
  | { readonly kind: 'person'; readonly person: string }
  | { readonly kind: 'schedule'; readonly schedule: string }
  | { readonly kind: 'slackChannel'; readonly channel: string }
  | { readonly kind: 'email'; readonly address: string }
  | { readonly kind: 'webhook'; readonly url: string; readonly secret?: SecretRef }
  | { readonly kind: 'pagerduty'; readonly routingKey: SecretRef };

export interface EscalationLevel {
  /** Offset from the start of the cycle (the trigger, or the start of a repeat). */
  readonly afterSeconds: number;
  readonly targets: readonly PolicyTarget[];
  readonly at: SourcePos;
}

export interface EscalationPolicy {
  readonly name: string;
  /** Sorted by `afterSeconds`; level 1 is the first. */
  readonly levels: readonly EscalationLevel[];
  /** Extra cycles through all levels after the first; 0 = escalate once. */
  readonly repeat: number;
  /** Gap between the last level of a cycle and level 1 of the next. */
  readonly repeatAfterSeconds: number;
  /** An acknowledged incident not resolved within this goes back to triggered and escalates again; null = never. */
  readonly ackTimeoutSeconds: number | null;
  /** Told when a page cannot be delivered (HTTP 4xx, retries exhausted). */
  readonly fallback: readonly PolicyTarget[];
  readonly at: SourcePos;
}

/** The Alertmanager matcher operators; a missing label matches as the empty string. */
export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface LabelMatcher {
  readonly label: string;
  readonly op: MatchOp;
  readonly value: string;
}

export interface IncidentRoute {
  /** Part of an incident's identity: (route, Alertmanager groupKey). */
  readonly name: string;
  /** All must hold; none = every alert. */
  readonly matchers: readonly LabelMatcher[];
  readonly policy: string;
  readonly at: SourcePos;
}

/** Alerts matching it while it lasts are `suppressed` with this window as the reason; nobody is paged. */
export interface MaintenanceWindow {
  readonly name: string;
  readonly matchers: readonly LabelMatcher[];
  readonly from: Date;
  readonly to: Date;
  readonly at: SourcePos;
}

export interface SinkSettings {
  readonly pagerduty?: {
    /** Events API v2 enqueue URL; default https://events.pagerduty.com/v2/enqueue. */
    readonly eventsUrl: string;
    /** Secret of the v3 webhook subscription whose signed acks and resolves Vigil accepts. */
    readonly webhookSecret?: SecretRef;
  };
  readonly slack?: {
    /** Web API base, default https://slack.com/api/. */
    readonly apiUrl: string;
    /** Bot token (xoxb-…). */
    readonly token: SecretRef;
    /** Checks the signature of interactive button requests. */
    readonly signingSecret?: SecretRef;
  };
  readonly email?: {
    readonly host: string;
    readonly port: number;
    /** TLS from the first byte (465); otherwise STARTTLS when offered, required when `requireTls`. */
    readonly secure: boolean;
    readonly requireTls: boolean;
    readonly from: string;
    readonly username?: string;
    readonly password?: SecretRef;
  };
  /** Signs generic webhook pages like the slo.* webhooks. */
  readonly webhook?: { readonly secret: SecretRef };
}

export interface IncidentSettings {
  /** A re-fire within this after a resolve re-opens the incident and counts a flap. */
  readonly flapWindowSeconds: number;
  /** An alert Alertmanager has not re-sent for this long is marked stale (it lost the resolve). */
  readonly staleAfterSeconds: number;
  /** Where staleAfter is written (or, defaulted, where it would be): checked against the routing spec's re-send interval. */
  readonly staleAfterAt?: SourcePos;
  /** Alerts whose `severity` is one of these are low urgency: level 1 is notified, nobody is escalated to. */
  readonly lowUrgencySeverities: readonly string[];
  /** Where links in pages point (the incident page), e.g. https://vigil.example.com. */
  readonly publicUrl?: string;
  /**
   * Alertmanager API base URLs (replicas of one cluster). Alertmanager does not send silenced or
   * inhibited alerts, it drops them from the group; with these, Vigil asks why a firing alert went
   * quiet and shows it as suppressed with the silence or inhibition as its reason.
   */
  readonly alertmanagers: readonly string[];
  /** A firing alert missing from its group's notifications this long is looked up in Alertmanager. */
  readonly silenceCheckAfterSeconds: number;
}

export interface OnCallSpec {
  readonly file: string;
  readonly people: readonly Person[];
  readonly schedules: readonly Schedule[];
  readonly policies: readonly EscalationPolicy[];
  /** First match wins; an alert no route matches goes to `defaultPolicy` under the route name `default`. */
  readonly routes: readonly IncidentRoute[];
  readonly defaultPolicy: string;
  readonly maintenance: readonly MaintenanceWindow[];
  readonly sinks: SinkSettings;
  readonly incidents: IncidentSettings;
}
