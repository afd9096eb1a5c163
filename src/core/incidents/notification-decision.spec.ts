import type { MaintenanceWindow } from '../model/oncall.js';
import type { PolicySnapshot } from '../model/page-target.js';
import type { Notification, ReceivedAlert } from './alertmanager-payload.js';
import type { AlertRecord, IncidentRecord } from './incident.js';
import { decideNotification, type NotificationDecision, type NotificationInput } from './notification-decision.js';

const T0 = new Date('2026-11-29T10:00:00Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);

const SNAPSHOT: PolicySnapshot = {
  route: 'payments',
  policy: 'payments',
  urgency: 'high',
  resolvedAt: T0.toISOString(),
  levels: [{ level: 1, afterSeconds: 0, targets: [{ sink: 'slack', channel: '#oncall' }], onCall: {} }],
  repeat: 0,
  repeatAfterSeconds: 900,
  ackTimeoutSeconds: null,
  fallback: [],
};

function alert(fp: string, status: 'firing' | 'resolved', startsAt = T0, extra: Record<string, string> = {}): ReceivedAlert {
  return { fingerprint: fp, status, labels: { alertname: 'HighErrorRate', service: 'payments', severity: 'critical', ...extra }, annotations: {}, startsAt, endsAt: status === 'resolved' ? at(60) : null, generatorUrl: '' };
}

function notification(alerts: ReceivedAlert[]): Notification {
  return { groupKey: '{}:{alertname="HighErrorRate"}', receiver: 'vigil', status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved', groupLabels: {}, commonLabels: {}, commonAnnotations: {}, externalUrl: '', truncatedAlerts: 0, alerts };
}

function input(alerts: ReceivedAlert[], now: Date, latest: NotificationInput['latest'] = null, window?: MaintenanceWindow): NotificationInput {
  return { now, route: 'payments', notification: notification(alerts), alerts, latest, flapWindowSeconds: 1800, windowFor: () => window, snapshot: () => SNAPSHOT };
}

/** Stores a decision the way the repository would, so the next notification sees it. */
function stored(d: NotificationDecision, previous: NotificationInput['latest']): NonNullable<NotificationInput['latest']> {
  const incident: IncidentRecord = { ...d.incident, id: d.incident.id ?? '1' };
  const keep = d.write === 'create' ? [] : previous?.alerts ?? [];
  const byFp = new Map<string, AlertRecord>(keep.map((a) => [a.fingerprint, a]));
  for (const a of d.alerts) byFp.set(a.fingerprint, a);
  return { incident, alerts: [...byFp.values()] };
}

describe('decideNotification', () => {
  it('a firing notification opens a triggered incident and starts escalation', () => {
    const d = decideNotification(input([alert('a', 'firing'), alert('b', 'firing')], T0));
    expect(d.write).toBe('create');
    expect(d.incident).toMatchObject({ status: 'triggered', route: 'payments', service: 'payments', severity: 'critical', urgency: 'high', escalationGeneration: 1 });
    expect(d.alerts.map((a) => [a.fingerprint, a.state])).toEqual([['a', 'firing'], ['b', 'firing']]);
    expect(d.startEscalation).toBe(true);
    expect(d.timeline.map((e) => e.kind)).toEqual(['notification_received', 'triggered']);
  });

  it('the same notification again (another Alertmanager replica, a retry) changes nothing but the timeline', () => {
    const first = decideNotification(input([alert('a', 'firing')], T0));
    const again = decideNotification(input([alert('a', 'firing')], at(5), stored(first, null)));
    expect(again.write).toBe('update');
    expect(again.incident.status).toBe('triggered');
    expect(again.startEscalation).toBe(false);
    expect(again.notify).toBeNull();
    expect(again.timeline.map((e) => e.kind)).toEqual(['notification_received']);
    expect(again.timeline[0]!.message).toContain('no change');
  });

  it('all alerts resolved resolves the incident and tells the sinks', () => {
    const first = decideNotification(input([alert('a', 'firing'), alert('b', 'firing')], T0));
    const half = decideNotification(input([alert('a', 'resolved'), alert('b', 'firing')], at(60), stored(first, null)));
    expect(half.incident.status).toBe('triggered');
    expect(half.notify).toBe('update');
    const all = decideNotification(input([alert('a', 'resolved'), alert('b', 'resolved')], at(120), stored(half, stored(first, null))));
    expect(all.incident).toMatchObject({ status: 'resolved', resolvedBy: 'alertmanager' });
    expect(all.stopEscalation).toBe(true);
    expect(all.notify).toBe('resolve');
  });

  it('a late firing copy of a resolved occurrence does not re-open anything', () => {
    const first = decideNotification(input([alert('a', 'firing')], T0));
    const resolved = decideNotification(input([alert('a', 'resolved')], at(60), stored(first, null)));
    const late = decideNotification(input([alert('a', 'firing')], at(70), stored(resolved, stored(first, null))));
    expect(late.incident.status).toBe('resolved');
    expect(late.startEscalation).toBe(false);
    expect(late.timeline.map((e) => e.kind)).toEqual(['notification_received']);
  });

  it('a re-fire within the flap window re-opens the incident and counts a flap; after it, a new incident opens', () => {
    const first = decideNotification(input([alert('a', 'firing')], T0));
    const resolved = stored(decideNotification(input([alert('a', 'resolved')], at(60), stored(first, null))), stored(first, null));
    const refire = decideNotification(input([alert('a', 'firing', at(300))], at(300), resolved));
    expect(refire.write).toBe('update');
    expect(refire.incident).toMatchObject({ status: 'triggered', flapCount: 1, escalationGeneration: resolved.incident.escalationGeneration + 1, resolvedAt: null });
    expect(refire.startEscalation).toBe(true);
    expect(refire.timeline.map((e) => e.kind)).toEqual(['notification_received', 'reopened']);

    const later = decideNotification(input([alert('a', 'firing', at(4000))], at(4000), resolved));
    expect(later.write).toBe('create');
    expect(later.incident).toMatchObject({ status: 'triggered', flapCount: 0 });
  });

  it('an occurrence resolved by hand is not re-opened by Alertmanager repeating it hours later', () => {
    const first = decideNotification(input([alert('a', 'firing')], T0));
    const s = stored(first, null);
    const byHand = { incident: { ...s.incident, status: 'resolved' as const, resolvedAt: at(60), resolvedBy: 'alice' }, alerts: s.alerts.map((a) => ({ ...a, state: 'resolved' as const })) };
    const repeat = decideNotification(input([alert('a', 'firing')], at(4 * 3600), byHand));
    expect(repeat.write).toBe('update');
    expect(repeat.incident.status).toBe('resolved');
  });

  it('alerts in a maintenance window are suppressed with the window as the reason, and nobody is paged', () => {
    const window: MaintenanceWindow = { name: 'db-upgrade', matchers: [], from: T0, to: at(3600), at: { file: 'f', line: 1, col: 1 } };
    const d = decideNotification(input([alert('a', 'firing')], T0, null, window));
    expect(d.incident.status).toBe('suppressed');
    expect(d.incident.statusReason).toBe('maintenance window "db-upgrade" until 2026-11-29T11:00:00.000Z');
    expect(d.alerts[0]).toMatchObject({ state: 'suppressed' });
    expect(d.startEscalation).toBe(false);
    // The window ends; Alertmanager repeats the alert: the incident triggers.
    const after = decideNotification(input([alert('a', 'firing')], at(3700), stored(d, null)));
    expect(after.incident.status).toBe('triggered');
    expect(after.startEscalation).toBe(true);
    expect(after.timeline.map((e) => e.kind)).toEqual(['notification_received', 'unsuppressed']);
  });

  it('an acknowledged incident stays acknowledged when more alerts join', () => {
    const first = stored(decideNotification(input([alert('a', 'firing')], T0)), null);
    const acked = { ...first, incident: { ...first.incident, status: 'acknowledged' as const, acknowledgedBy: 'bob', acknowledgedAt: at(10) } };
    const more = decideNotification(input([alert('a', 'firing'), alert('b', 'firing')], at(20), acked));
    expect(more.incident.status).toBe('acknowledged');
    expect(more.startEscalation).toBe(false);
    expect(more.notify).toBe('update');
  });

  it('a notification heard of only as resolved records a resolved incident that paged nobody', () => {
    const d = decideNotification(input([alert('a', 'resolved')], T0));
    expect(d.write).toBe('create');
    expect(d.incident.status).toBe('resolved');
    expect(d.startEscalation).toBe(false);
  });

  it('an older occurrence arriving after a newer one is ignored', () => {
    const newer = stored(decideNotification(input([alert('a', 'firing', at(100))], at(100))), null);
    const older = decideNotification(input([alert('a', 'resolved', T0)], at(110), newer));
    expect(older.incident.status).toBe('triggered');
    expect(older.notify).toBeNull();
  });
});

describe('repeats', () => {
  it('a refresh within a minute writes no alert; after a minute it refreshes lastSeenAt', () => {
    const first = stored(decideNotification(input([alert('a', 'firing')], T0)), null);
    expect(decideNotification(input([alert('a', 'firing')], at(30), first)).alerts).toEqual([]);
    const later = decideNotification(input([alert('a', 'firing')], at(61), first));
    expect(later.alerts.map((a) => [a.fingerprint, a.lastSeenAt])).toEqual([['a', at(61)]]);
  });

  it('a changed annotation is written at once', () => {
    const first = stored(decideNotification(input([alert('a', 'firing')], T0)), null);
    const changed = { ...alert('a', 'firing'), annotations: { description: 'error ratio 7 %' } };
    expect(decideNotification(input([changed], at(5), first)).alerts).toHaveLength(1);
  });
});
