import type { PolicySnapshot } from '../model/page-target.js';
import type { AlertRecord, IncidentRecord } from './incident.js';
import { acknowledge, ackTimedOut, applySuppressions, resolve, sweepStale } from './responder-actions.js';

const T0 = new Date('2026-11-29T10:00:00Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);
const SNAPSHOT: PolicySnapshot = { route: 'r', policy: 'p', urgency: 'high', resolvedAt: T0.toISOString(), levels: [], repeat: 0, repeatAfterSeconds: 900, ackTimeoutSeconds: 1800, fallback: [] };
const INCIDENT: IncidentRecord = {
  id: '9', route: 'r', groupKey: 'g', status: 'triggered', title: 't', service: 's', team: null, severity: 'critical', urgency: 'high', labels: {}, annotations: {}, snapshot: SNAPSHOT,
  triggeredAt: T0, acknowledgedAt: null, acknowledgedBy: null, resolvedAt: null, resolvedBy: null, statusReason: null, flapCount: 0, escalationGeneration: 1, escalationStartedAt: T0,
};
const alert = (fp: string, state: AlertRecord['state'], lastSeen: Date): AlertRecord => ({ fingerprint: fp, state, labels: {}, annotations: {}, startsAt: T0, endsAt: null, lastSeenAt: lastSeen, reason: null, generatorUrl: '' });

describe('responder actions', () => {
  it('acknowledging stops escalation, tells the sinks and arms the acknowledgement timeout', () => {
    const r = acknowledge(INCIDENT, 'alice', 'slack', at(60), 'looking');
    expect(r).toMatchObject({ ok: true, stopEscalation: true, notify: 'acknowledge', ackTimeoutAt: at(60 + 1800) });
    if (!r.ok) throw new Error('unreachable');
    expect(r.incident).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'alice', escalationGeneration: 2 });
    expect(r.timeline[0]!.message).toBe('acknowledged by alice via slack: looking');
    expect(acknowledge(r.incident, 'bob', 'api', at(70))).toEqual({ ok: false, conflict: `already acknowledged by alice at ${at(60).toISOString()}` });
  });

  it('the acknowledgement timeout re-triggers only the acknowledgement it was armed for', () => {
    const acked = { ...INCIDENT, status: 'acknowledged' as const, acknowledgedAt: at(60), acknowledgedBy: 'alice', escalationGeneration: 2 };
    const r = ackTimedOut(acked, at(60), at(1860));
    expect(r).toMatchObject({ ok: true, startEscalation: true, incident: { status: 'triggered', escalationGeneration: 3, escalationStartedAt: at(1860) } });
    expect(ackTimedOut({ ...acked, acknowledgedAt: at(500) }, at(60), at(1860)).ok).toBe(false);
    expect(ackTimedOut({ ...acked, status: 'resolved' }, at(60), at(1860)).ok).toBe(false);
  });

  it('resolving by hand closes every open alert', () => {
    const r = resolve(INCIDENT, [alert('a', 'firing', T0), alert('b', 'resolved', T0)], 'bob', 'api', at(100));
    if (!r.ok) throw new Error('expected ok');
    expect(r.alerts.map((a) => [a.fingerprint, a.state, a.reason])).toEqual([['a', 'resolved', 'resolved by bob via api']]);
    expect(r.incident).toMatchObject({ status: 'resolved', resolvedBy: 'bob' });
    expect(resolve(r.incident, [], 'carol', 'api', at(200)).ok).toBe(false);
  });

  it('alerts not re-sent past the stale limit are marked stale; when none is left live the incident resolves', () => {
    const alerts = [alert('a', 'firing', T0), alert('b', 'firing', at(3000))];
    const some = sweepStale(INCIDENT, alerts, at(3600), 3000);
    if (!some.ok) throw new Error('expected ok');
    expect(some.alerts.map((a) => a.fingerprint)).toEqual(['a']);
    expect(some.incident.status).toBe('triggered');
    const all = sweepStale(INCIDENT, alerts, at(6001), 3000);
    if (!all.ok) throw new Error('expected ok');
    expect(all.alerts.map((a) => a.state)).toEqual(['stale', 'stale']);
    expect(all).toMatchObject({ incident: { status: 'resolved', resolvedBy: 'vigil' }, notify: 'resolve', stopEscalation: true });
    expect(sweepStale(INCIDENT, alerts, at(100), 3000).ok).toBe(false);
  });

  it('alerts Alertmanager holds back are suppressed with its reason; the incident only when none is left firing', () => {
    const alerts = [alert('a', 'firing', T0), alert('b', 'firing', T0)];
    const one = applySuppressions(INCIDENT, alerts, new Map([['a', 'silenced by carol']]), at(600));
    if (!one.ok) throw new Error('expected ok');
    expect(one.alerts.map((a) => [a.fingerprint, a.state, a.reason])).toEqual([['a', 'suppressed', 'silenced by carol']]);
    expect(one.incident.status).toBe('triggered');
    const both = applySuppressions(INCIDENT, alerts, new Map([['a', 'silenced by carol'], ['b', 'inhibited by alert 0123']]), at(600));
    expect(both).toMatchObject({ ok: true, stopEscalation: true, incident: { status: 'suppressed', statusReason: 'silenced by carol', escalationGeneration: 2 } });
    expect(applySuppressions(INCIDENT, alerts, new Map(), at(600)).ok).toBe(false);
  });
});
