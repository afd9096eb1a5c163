import type { MaintenanceWindow } from '../model/oncall.js';
import type { PolicySnapshot } from '../model/page-target.js';
import type { Notification, ReceivedAlert } from './alertmanager-payload.js';
import { mergeAlert, type AlertChange } from './alert-merge.js';
import type { AlertRecord, IncidentRecord, TimelineEntry } from './incident.js';

/**
 * What one Alertmanager notification does to the incident of its (route, groupKey): the one
 * decision the ingest path carries out in a single transaction. Pure: the caller loads the latest
 * incident of the key and its alerts, and stores what comes back.
 */
export interface NotificationInput {
  readonly now: Date;
  readonly route: string;
  readonly notification: Notification;
  /** The alerts of the notification this route takes. */
  readonly alerts: readonly ReceivedAlert[];
  /** The latest incident of (route, groupKey), open or not, and every alert it holds. */
  readonly latest: { readonly incident: IncidentRecord; readonly alerts: readonly AlertRecord[] } | null;
  readonly flapWindowSeconds: number;
  /** The maintenance window covering an alert now, if any. */
  readonly windowFor: (labels: Readonly<Record<string, string>>) => MaintenanceWindow | undefined;
  /** The policy and on-call people resolved now; used only when an incident triggers. */
  readonly snapshot: () => PolicySnapshot;
}

/** New incidents have no id yet: the store assigns one. */
export type IncidentDraft = Omit<IncidentRecord, 'id'> & { readonly id: string | null };

export interface NotificationDecision {
  /** `create`: insert a new incident; `update`: the latest one changed (or only its timeline grew). */
  readonly write: 'create' | 'update';
  readonly incident: IncidentDraft;
  /** Alerts to upsert (changed, or seen again). */
  readonly alerts: readonly AlertRecord[];
  readonly timeline: readonly TimelineEntry[];
  /** Escalation starts at `incident.escalationStartedAt` with `incident.escalationGeneration`. */
  readonly startEscalation: boolean;
  /** Pending steps of older generations are to be cancelled. */
  readonly stopEscalation: boolean;
  /** Tell the sinks already paged: the incident resolved, or its alerts changed (Slack updates in place). */
  readonly notify: 'resolve' | 'update' | null;
}

const ACTOR = 'alertmanager';

export function decideNotification(input: NotificationInput): NotificationDecision {
  const { now, latest, notification } = input;
  const reopenable = latest !== null && withinFlapWindow(latest.incident, now, input.flapWindowSeconds);
  // Merged against the latest incident's alerts even when it is long closed: an occurrence resolved
  // there (by hand, say) must not start a new incident when Alertmanager repeats it.
  const merged = merge(latest?.alerts ?? [], input);
  const fired = merged.changes.includes('fired');
  const received = receivedEntry(notification, input.alerts.length, merged.changes, now);

  if (latest && latest.incident.status !== 'resolved') return updateOpen(latest.incident, merged, received, input);
  if (latest && reopenable && fired) return reopen(latest.incident, merged, received, input);
  if (latest && !fired) {
    // A late or repeated notification for a closed incident: its timeline records it, nothing else changes.
    return { write: 'update', incident: latest.incident, alerts: merged.touched, timeline: [received], startEscalation: false, stopEscalation: false, notify: null };
  }
  return create(merged, received, input);
}

function withinFlapWindow(incident: IncidentRecord, now: Date, windowSeconds: number): boolean {
  return incident.resolvedAt !== null && now.getTime() - incident.resolvedAt.getTime() <= windowSeconds * 1000;
}

interface Merged {
  /** Every alert of the incident after the merge. */
  readonly all: readonly AlertRecord[];
  /** The ones to write. */
  readonly touched: readonly AlertRecord[];
  readonly changes: readonly AlertChange[];
  readonly counts: { readonly firing: number; readonly suppressed: number; readonly resolved: number; readonly stale: number };
  /** Why the first suppressed alert is held back (what the incident shows), or null. */
  readonly suppressionReason: string | null;
}

function merge(known: readonly AlertRecord[], input: NotificationInput): Merged {
  const byFingerprint = new Map(known.map((a) => [a.fingerprint, a]));
  const touched: AlertRecord[] = [];
  const changes: AlertChange[] = [];
  for (const a of input.alerts) {
    const window = a.status === 'firing' ? input.windowFor(a.labels) : undefined;
    const prev = byFingerprint.get(a.fingerprint);
    const r = mergeAlert(prev, a, input.now, window);
    changes.push(r.change);
    if ((r.change !== 'ignored' && !(r.change === 'refreshed' && prev && unchangedRecently(prev, r.record))) || !prev) {
      byFingerprint.set(a.fingerprint, r.record);
      touched.push(r.record);
    }
  }
  return tally([...byFingerprint.values()], touched, changes);
}

/**
 * Alertmanager re-sends a group every group_interval; a refresh that changes nothing but
 * lastSeenAt is written at most once a minute. The stale sweep measures hours, so a minute of
 * lag costs nothing, and a busy group stops rewriting every alert on every notification.
 */
export const LAST_SEEN_GRANULARITY_SECONDS = 60;

function unchangedRecently(prev: AlertRecord, next: AlertRecord): boolean {
  return (
    prev.state === next.state &&
    prev.startsAt.getTime() === next.startsAt.getTime() &&
    next.lastSeenAt.getTime() - prev.lastSeenAt.getTime() < LAST_SEEN_GRANULARITY_SECONDS * 1000 &&
    sameRecord(prev.annotations, next.annotations)
  );
}

function sameRecord(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

function tally(all: readonly AlertRecord[], touched: readonly AlertRecord[], changes: readonly AlertChange[]): Merged {
  const counts = { firing: 0, suppressed: 0, resolved: 0, stale: 0 };
  for (const a of all) counts[a.state] += 1;
  const suppressionReason = all.find((a) => a.state === 'suppressed')?.reason ?? null;
  return { all, touched, changes, counts, suppressionReason };
}

function updateOpen(incident: IncidentRecord, m: Merged, received: TimelineEntry, input: NotificationInput): NotificationDecision {
  const { now } = input;
  const timeline: TimelineEntry[] = [received];
  const base = { write: 'update' as const, alerts: m.touched, startEscalation: false, stopEscalation: false };
  const changed = m.changes.some((c) => c !== 'ignored' && c !== 'refreshed');

  if (m.counts.firing === 0 && m.counts.suppressed === 0) {
    timeline.push({ kind: 'resolved', at: now, actor: ACTOR, message: 'every alert resolved' });
    return {
      ...base,
      incident: { ...incident, status: 'resolved', resolvedAt: now, resolvedBy: ACTOR, statusReason: 'every alert resolved', escalationGeneration: incident.escalationGeneration + 1 },
      timeline,
      stopEscalation: true,
      notify: 'resolve',
    };
  }
  if (m.counts.firing === 0) {
    if (incident.status === 'suppressed') return { ...base, incident, timeline, notify: null };
    const reason = m.suppressionReason ?? 'suppressed';
    timeline.push({ kind: 'suppressed', at: now, actor: ACTOR, message: `every firing alert is suppressed: ${reason}` });
    return {
      ...base,
      incident: { ...incident, status: 'suppressed', statusReason: reason, escalationGeneration: incident.escalationGeneration + 1 },
      timeline,
      stopEscalation: true,
      notify: 'update',
    };
  }
  if (incident.status === 'suppressed') {
    timeline.push({ kind: 'unsuppressed', at: now, actor: ACTOR, message: `${m.counts.firing} alert(s) firing outside any maintenance window` });
    return {
      ...base,
      incident: { ...incident, status: 'triggered', statusReason: null, escalationGeneration: incident.escalationGeneration + 1, escalationStartedAt: now },
      timeline,
      startEscalation: true,
      notify: 'update',
    };
  }
  if (changed) timeline.push(alertsChanged(m, now));
  return { ...base, incident, timeline, notify: changed ? 'update' : null };
}

function reopen(incident: IncidentRecord, m: Merged, received: TimelineEntry, input: NotificationInput): NotificationDecision {
  const { now } = input;
  const flapCount = incident.flapCount + 1;
  const status = m.counts.firing > 0 ? 'triggered' : 'suppressed';
  const timeline: TimelineEntry[] = [
    received,
    { kind: 'reopened', at: now, actor: ACTOR, message: `fired again ${Math.round((now.getTime() - incident.resolvedAt!.getTime()) / 1000)} s after it resolved (flap ${flapCount})`, detail: { flapCount } },
  ];
  return {
    write: 'update',
    incident: {
      ...incident,
      status,
      acknowledgedAt: null,
      acknowledgedBy: null,
      resolvedAt: null,
      resolvedBy: null,
      statusReason: status === 'suppressed' ? m.suppressionReason : null,
      flapCount,
      escalationGeneration: incident.escalationGeneration + 1,
      escalationStartedAt: now,
    },
    alerts: m.touched,
    timeline,
    startEscalation: status === 'triggered',
    stopEscalation: false,
    notify: null,
  };
}

/** A new incident holds only the alerts this notification brought. */
function create(merged: Merged, received: TimelineEntry, input: NotificationInput): NotificationDecision {
  const { now, notification } = input;
  const m = tally(merged.touched, merged.touched, merged.changes);
  const labels = commonLabels(input.alerts);
  const annotations = notification.commonAnnotations;
  const snapshot = input.snapshot();
  const status = m.counts.firing > 0 ? 'triggered' : m.counts.suppressed > 0 ? 'suppressed' : 'resolved';
  const title = incidentTitle(labels, annotations, input.alerts.length);
  const timeline: TimelineEntry[] = [received];
  if (status === 'triggered') {
    const levels = snapshot.levels.length;
    timeline.push({ kind: 'triggered', at: now, actor: ACTOR, message: `${m.counts.firing} alert(s) firing; route ${input.route}, policy ${snapshot.policy} (${levels} level(s), ${snapshot.urgency} urgency)`, detail: { route: input.route, policy: snapshot.policy } });
  } else if (status === 'suppressed') {
    timeline.push({ kind: 'suppressed', at: now, actor: ACTOR, message: `every firing alert is suppressed: ${m.suppressionReason}` });
  } else {
    timeline.push({ kind: 'resolved', at: now, actor: ACTOR, message: 'first heard of already resolved; nobody was paged' });
  }
  return {
    write: 'create',
    incident: {
      id: null,
      route: input.route,
      groupKey: notification.groupKey,
      status,
      title,
      service: labels.service ?? null,
      team: labels.team ?? null,
      severity: labels.severity ?? null,
      urgency: snapshot.urgency,
      labels,
      annotations,
      snapshot,
      triggeredAt: now,
      acknowledgedAt: null,
      acknowledgedBy: null,
      resolvedAt: status === 'resolved' ? now : null,
      resolvedBy: status === 'resolved' ? ACTOR : null,
      statusReason: status === 'suppressed' ? m.suppressionReason : status === 'resolved' ? 'first heard of already resolved' : null,
      flapCount: 0,
      escalationGeneration: 1,
      escalationStartedAt: now,
    },
    alerts: m.touched,
    timeline,
    startEscalation: status === 'triggered',
    stopEscalation: false,
    notify: null,
  };
}

/** The labels every alert of the route shares (Alertmanager's commonLabels is for the whole notification). */
export function commonLabels(alerts: readonly ReceivedAlert[]): Record<string, string> {
  const [first, ...rest] = alerts;
  if (!first) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(first.labels)) if (rest.every((a) => a.labels[k] === v)) out[k] = v;
  return out;
}

export function incidentTitle(labels: Readonly<Record<string, string>>, annotations: Readonly<Record<string, string>>, alertCount: number): string {
  const summary = annotations.summary ?? annotations.title;
  if (summary) return summary.slice(0, 500);
  const name = labels.alertname ?? 'alert';
  const where = labels.service ? ` on ${labels.service}` : '';
  return `${name}${where}${alertCount > 1 ? ` (${alertCount} alerts)` : ''}`;
}

function receivedEntry(n: Notification, routed: number, changes: readonly AlertChange[], now: Date): TimelineEntry {
  const count = (c: AlertChange) => changes.filter((x) => x === c).length;
  const detail = {
    receiver: n.receiver,
    status: n.status,
    alerts: routed,
    truncatedAlerts: n.truncatedAlerts,
    externalUrl: n.externalUrl,
    fired: count('fired'),
    resolved: count('resolved'),
    suppressed: count('suppressed'),
    unchanged: count('refreshed') + count('ignored'),
  };
  const summary = detail.fired + detail.resolved + detail.suppressed === 0 ? 'no change' : `${detail.fired} fired, ${detail.resolved} resolved, ${detail.suppressed} suppressed`;
  return { kind: 'notification_received', at: now, actor: ACTOR, message: `${n.status} notification with ${routed} alert(s): ${summary}`, detail };
}

function alertsChanged(m: Merged, now: Date): TimelineEntry {
  const c = m.counts;
  return { kind: 'alerts_changed', at: now, actor: ACTOR, message: `${c.firing} firing, ${c.suppressed} suppressed, ${c.resolved} resolved, ${c.stale} stale`, detail: { ...c } };
}
