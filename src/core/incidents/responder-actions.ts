import type { AlertRecord, IncidentRecord, TimelineEntry } from './incident.js';

/**
 * Acknowledge, resolve, the acknowledgement timeout and the stale sweep: the decisions that come
 * from people and time rather than from Alertmanager. Each answers the new incident, the
 * timeline entries and what the sinks must be told, or a conflict saying why nothing changed.
 */
export type Via = 'api' | 'pagerduty' | 'slack' | 'email';

export type ActionOutcome =
  | {
      readonly ok: true;
      readonly incident: IncidentRecord;
      readonly alerts: readonly AlertRecord[];
      readonly timeline: readonly TimelineEntry[];
      /** Pending escalation steps are cancelled (the generation moved on). */
      readonly stopEscalation: boolean;
      readonly startEscalation: boolean;
      readonly notify: 'acknowledge' | 'resolve' | 'trigger' | 'update' | null;
      /** When set, an acknowledgement-timeout check is due then. */
      readonly ackTimeoutAt: Date | null;
    }
  | { readonly ok: false; readonly conflict: string };

export function acknowledge(incident: IncidentRecord, actor: string, via: Via, now: Date, note?: string): ActionOutcome {
  if (incident.status === 'acknowledged') return { ok: false, conflict: `already acknowledged by ${incident.acknowledgedBy} at ${incident.acknowledgedAt?.toISOString()}` };
  if (incident.status !== 'triggered') return { ok: false, conflict: `an incident that is ${incident.status} cannot be acknowledged` };
  const timeout = incident.snapshot.ackTimeoutSeconds;
  return {
    ok: true,
    incident: { ...incident, status: 'acknowledged', acknowledgedAt: now, acknowledgedBy: actor, escalationGeneration: incident.escalationGeneration + 1 },
    alerts: [],
    timeline: [{ kind: 'acknowledged', at: now, actor, message: `acknowledged by ${actor} via ${via}${note ? `: ${note}` : ''}`, detail: { via, ...(note ? { note } : {}) } }],
    stopEscalation: true,
    startEscalation: false,
    notify: 'acknowledge',
    ackTimeoutAt: timeout === null ? null : new Date(now.getTime() + timeout * 1000),
  };
}

/**
 * Resolving by hand resolves every alert's current occurrence too: Alertmanager repeating it
 * does not re-open the incident; a new occurrence (a new startsAt) does.
 */
export function resolve(incident: IncidentRecord, alerts: readonly AlertRecord[], actor: string, via: Via, now: Date, note?: string): ActionOutcome {
  if (incident.status === 'resolved') return { ok: false, conflict: `already resolved by ${incident.resolvedBy} at ${incident.resolvedAt?.toISOString()}` };
  const reason = `resolved by ${actor} via ${via}`;
  const closed = alerts.filter((a) => a.state !== 'resolved').map((a) => ({ ...a, state: 'resolved' as const, reason }));
  return {
    ok: true,
    incident: { ...incident, status: 'resolved', resolvedAt: now, resolvedBy: actor, statusReason: note ?? reason, escalationGeneration: incident.escalationGeneration + 1 },
    alerts: closed,
    timeline: [{ kind: 'resolved', at: now, actor, message: `${reason}${note ? `: ${note}` : ''}`, detail: { via, alertsClosed: closed.length, ...(note ? { note } : {}) } }],
    stopEscalation: true,
    startEscalation: false,
    notify: 'resolve',
    ackTimeoutAt: null,
  };
}

/** The acknowledgement ran out with the incident still open: it is triggered again and escalation restarts at level 1. */
export function ackTimedOut(incident: IncidentRecord, acknowledgedAt: Date, now: Date): ActionOutcome {
  if (incident.status !== 'acknowledged' || incident.acknowledgedAt?.getTime() !== acknowledgedAt.getTime()) {
    return { ok: false, conflict: 'the acknowledgement this timeout belonged to is over' };
  }
  const by = incident.acknowledgedBy;
  return {
    ok: true,
    incident: { ...incident, status: 'triggered', acknowledgedAt: null, acknowledgedBy: null, escalationGeneration: incident.escalationGeneration + 1, escalationStartedAt: now },
    alerts: [],
    timeline: [{ kind: 'ack_timeout', at: now, actor: 'vigil', message: `acknowledged by ${by} ${Math.round((now.getTime() - acknowledgedAt.getTime()) / 1000)} s ago and still open: triggered again, escalation restarts` }],
    stopEscalation: false,
    startEscalation: true,
    notify: 'trigger',
    ackTimeoutAt: null,
  };
}

/**
 * Alertmanager re-sends a firing group at least every repeat_interval; one it has not re-sent
 * for `staleAfterSeconds` lost its resolve (Alertmanager restarted, or the alert was silenced).
 * Stale alerts no longer hold the incident open.
 */
export function sweepStale(incident: IncidentRecord, alerts: readonly AlertRecord[], now: Date, staleAfterSeconds: number): ActionOutcome {
  const cutoff = now.getTime() - staleAfterSeconds * 1000;
  const stale = alerts.filter((a) => (a.state === 'firing' || a.state === 'suppressed') && a.lastSeenAt.getTime() < cutoff);
  if (stale.length === 0) return { ok: false, conflict: 'nothing is stale' };
  const reason = `not re-sent by Alertmanager for ${staleAfterSeconds} s`;
  const marked = stale.map((a) => ({ ...a, state: 'stale' as const, reason }));
  const staleSet = new Set(marked.map((a) => a.fingerprint));
  const stillOpen = alerts.some((a) => !staleSet.has(a.fingerprint) && (a.state === 'firing' || a.state === 'suppressed'));
  const timeline: TimelineEntry[] = [{ kind: 'stale', at: now, actor: 'vigil', message: `${marked.length} alert(s) marked stale: ${reason}`, detail: { fingerprints: marked.slice(0, 50).map((a) => a.fingerprint) } }];
  if (stillOpen || incident.status === 'resolved') {
    return { ok: true, incident, alerts: marked, timeline, stopEscalation: false, startEscalation: false, notify: null, ackTimeoutAt: null };
  }
  timeline.push({ kind: 'resolved', at: now, actor: 'vigil', message: 'every alert resolved or stale' });
  return {
    ok: true,
    incident: { ...incident, status: 'resolved', resolvedAt: now, resolvedBy: 'vigil', statusReason: 'every alert resolved or stale', escalationGeneration: incident.escalationGeneration + 1 },
    alerts: marked,
    timeline,
    stopEscalation: true,
    startEscalation: false,
    notify: 'resolve',
    ackTimeoutAt: null,
  };
}

/** Why Alertmanager holds an alert back, as Vigil shows it; undefined when it does not (still active there, or unknown). */
export type SuppressionReasons = ReadonlyMap<string, string>;

/**
 * Firing alerts Alertmanager has stopped sending because a silence or an inhibition holds them:
 * they are `suppressed` with that reason, and when no live alert is left firing the incident is
 * too, and nobody else is paged. When the silence ends, Alertmanager sends the alert again and
 * the incident triggers (notification-decision: unsuppressed).
 */
export function applySuppressions(incident: IncidentRecord, alerts: readonly AlertRecord[], reasons: SuppressionReasons, now: Date): ActionOutcome {
  const marked = alerts.filter((a) => a.state === 'firing' && reasons.has(a.fingerprint)).map((a) => ({ ...a, state: 'suppressed' as const, reason: reasons.get(a.fingerprint)! }));
  if (marked.length === 0) return { ok: false, conflict: 'nothing is held back' };
  const ids = new Set(marked.map((a) => a.fingerprint));
  const stillFiring = alerts.some((a) => a.state === 'firing' && !ids.has(a.fingerprint));
  const reason = marked[0]!.reason;
  const timeline: TimelineEntry[] = [{ kind: 'suppressed', at: now, actor: 'alertmanager', message: `${marked.length} alert(s) held back by Alertmanager: ${reason}`, detail: { fingerprints: marked.slice(0, 50).map((a) => a.fingerprint) } }];
  if (stillFiring || incident.status === 'resolved' || incident.status === 'suppressed') {
    return { ok: true, incident, alerts: marked, timeline, stopEscalation: false, startEscalation: false, notify: null, ackTimeoutAt: null };
  }
  return {
    ok: true,
    incident: { ...incident, status: 'suppressed', statusReason: reason, escalationGeneration: incident.escalationGeneration + 1 },
    alerts: marked,
    timeline,
    stopEscalation: true,
    startEscalation: false,
    notify: 'update',
    ackTimeoutAt: null,
  };
}
