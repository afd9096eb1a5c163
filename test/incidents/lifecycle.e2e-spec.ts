import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ManualClock } from '../../src/core/ports/clock.js';
import { amNotification, incident, IncidentRig, PD_KEY_TEAM, pdEvents, postAlerts, type IncidentJson } from '../support/incident-rig.js';

/**
 * How an incident's life follows its alerts over time, on a ManualClock: flapping inside and
 * outside the flap window, alerts Alertmanager stopped re-sending, and maintenance windows.
 */

const T0 = new Date('2026-11-29T10:00:00Z');
const CRITICAL = { alertname: 'CheckoutErrorBudgetBurn', service: 'checkout', severity: 'critical', slo: 'availability' };
const GROUP = '{}:{alertname="CheckoutErrorBudgetBurn"}';

let rig: IncidentRig;
let clock: ManualClock;

beforeEach(async () => {
  clock = new ManualClock(T0);
  rig = await IncidentRig.start('lifecycle', { clock });
});

afterEach(async () => {
  await rig?.close();
});

const offset = (at: string) => (new Date(at).getTime() - T0.getTime()) / 1000;
const kinds = (i: IncidentJson, kind: string) => i.timeline.filter((e) => e.kind === kind);
const iso = (secondsAfterT0: number) => new Date(T0.getTime() + secondsAfterT0 * 1000).toISOString();

/** One notification for `group`, settled; its incident as the ingest answered it. */
async function notify(app: NestFastifyApplication, alert: { labels?: Record<string, string>; status?: 'firing' | 'resolved'; startsAt: string }, group = GROUP): Promise<{ id: string; created: boolean; status: string }> {
  const res = await postAlerts(app, amNotification(group, [{ labels: alert.labels ?? CRITICAL, startsAt: alert.startsAt, ...(alert.status ? { status: alert.status } : {}) }])).expect(200);
  await rig.settle();
  return res.body.incidents[0];
}

describe('flapping', () => {
  it('re-firing within the flap window re-opens the same incident and escalation starts over', async () => {
    const app = await rig.startApp(rig.spec({ level2After: 300, flapWindow: 600 }));
    const first = await notify(app, { startsAt: iso(0) });
    await rig.advance(60);
    expect(await notify(app, { startsAt: iso(0), status: 'resolved' })).toMatchObject({ id: first.id, status: 'resolved' });
    // 120 s after it resolved, Prometheus fires it again: a new occurrence, a new startsAt.
    await rig.advance(120);
    const again = await notify(app, { startsAt: iso(180) });
    expect(again).toEqual({ id: first.id, route: 'critical', status: 'triggered', created: false });

    const i = await incident(app, first.id);
    expect(i.flapCount).toBe(1);
    expect(kinds(i, 'reopened').map((e) => e.message)).toEqual(['fired again 120 s after it resolved (flap 1)']);
    expect(kinds(i, 'escalated').map((e) => [offset(e.at), e.message.replace(/ paged: .*/, '')])).toEqual([
      [0, 'level 1'],
      [180, 'level 1'],
    ]);
    expect(pdEvents(rig.pd, PD_KEY_TEAM).map((e) => `${e.action} ${e.status}`)).toEqual(['trigger 202', 'resolve 202', 'trigger 202']);
    // Level 2 counts from the re-open (180 + 300), not from the first trigger (300).
    await rig.advance(299);
    expect(kinds(await incident(app, first.id), 'escalated')).toHaveLength(2);
    await rig.advance(1);
    expect(kinds(await incident(app, first.id), 'escalated').map((e) => offset(e.at))).toEqual([0, 180, 480]);
    expect(await rig.query(`SELECT count(*)::int AS n FROM incidents`)).toEqual([{ n: 1 }]);
  });

  it('re-firing after the flap window opens a new incident', async () => {
    const app = await rig.startApp(rig.spec({ level2After: 300, flapWindow: 600 }));
    const first = await notify(app, { startsAt: iso(0) });
    await rig.advance(60);
    await notify(app, { startsAt: iso(0), status: 'resolved' });
    // One second past the window.
    await rig.advance(601);
    const next = await notify(app, { startsAt: iso(661) });
    expect(next).toMatchObject({ status: 'triggered', created: true });
    expect(next.id).not.toBe(first.id);
    const old = await incident(app, first.id);
    expect(old).toMatchObject({ status: 'resolved', flapCount: 0 });
    expect(kinds(old, 'reopened')).toEqual([]);
    expect(pdEvents(rig.pd, PD_KEY_TEAM).map((e) => `${e.action} ${e.dedupKey}`)).toEqual([`trigger vigil-${first.id}`, `resolve vigil-${first.id}`, `trigger vigil-${next.id}`]);
  });

  it('the newest incident of a key is the one later notifications reach, also once ids have two digits', async () => {
    const app = await rig.startApp(rig.spec({ flapWindow: 60 }));
    // Eight incidents of other groups take ids 1–8, so this key's first incident is 9 and its second 10.
    for (let n = 1; n <= 8; n++) await notify(app, { labels: { ...CRITICAL, alertname: `Other${n}` }, startsAt: iso(0) }, `{}:{alertname="Other${n}"}`);
    const ninth = await notify(app, { startsAt: iso(0) });
    await notify(app, { startsAt: iso(0), status: 'resolved' });
    await rig.advance(120);
    const tenth = await notify(app, { startsAt: iso(120) });
    expect([ninth.id, tenth.id]).toEqual(['9', '10']);
    expect(await notify(app, { startsAt: iso(120), status: 'resolved' })).toMatchObject({ id: '10', status: 'resolved' });
    expect((await incident(app, '10')).status).toBe('resolved');
  });
});

describe('stale alerts', () => {
  it('an alert Alertmanager stopped re-sending is marked stale by the sweep and its incident resolved; one still re-sent is left alone', async () => {
    const app = await rig.startApp(rig.spec({ staleAfter: 600 }));
    const quiet = await notify(app, { startsAt: iso(0) });
    const chatty = await notify(app, { labels: { ...CRITICAL, alertname: 'PaymentsDown', service: 'payments' }, startsAt: iso(0) }, '{}:{alertname="PaymentsDown"}');
    await rig.advance(300);
    await notify(app, { labels: { ...CRITICAL, alertname: 'PaymentsDown', service: 'payments' }, startsAt: iso(0) }, '{}:{alertname="PaymentsDown"}');

    // The sweep runs every minute of the clock. At 600 s the quiet alert is exactly staleAfter old: not yet.
    while (offset(clock.now().toISOString()) < 600) await rig.advance(60);
    expect((await incident(app, quiet.id)).status).toBe('triggered');
    await rig.advance(60);

    const q = await incident(app, quiet.id);
    expect(q.status).toBe('resolved');
    expect(q.alerts.map((a) => [a.state, a.reason])).toEqual([['stale', 'not re-sent by Alertmanager for 600 s']]);
    expect(kinds(q, 'stale').map((e) => [offset(e.at), e.message])).toEqual([[660, '1 alert(s) marked stale: not re-sent by Alertmanager for 600 s']]);
    expect(kinds(q, 'resolved').map((e) => [e.actor, e.message])).toEqual([['vigil', 'every alert resolved or stale']]);
    const resolves = pdEvents(rig.pd).filter((e) => e.action === 'resolve');
    expect(resolves.map((e) => `${e.dedupKey} ${e.status}`)).toEqual([`vigil-${quiet.id} 202`, `vigil-${quiet.id} 202`]);
    expect((await incident(app, chatty.id)).status).toBe('triggered');
    // Which sweep did it: the job of the 10:11 slot.
    expect(await rig.query(`SELECT slot, state, result FROM jobs WHERE name = 'incident-stale-sweep' AND result->>'resolved' <> '0'`)).toEqual([
      { slot: new Date(T0.getTime() + 660_000), state: 'succeeded', result: { incidents: 1, resolved: 1 } },
    ]);
  });
});

describe('maintenance windows', () => {
  it('an alert inside a window opens a suppressed incident with the reason and pages nobody; outside it pages as usual', async () => {
    const spec = rig.spec({ level2After: 300, maintenance: [{ name: 'checkout-deploy', matchers: ['service="checkout"'], from: iso(-3600), to: iso(1800) }] });
    const app = await rig.startApp(spec);
    const held = await notify(app, { startsAt: iso(0) });
    expect(held).toMatchObject({ status: 'suppressed', created: true });
    // The barrier: an alert of another service, outside the window, is paged on every sink.
    const paged = await notify(app, { labels: { ...CRITICAL, alertname: 'PaymentsDown', service: 'payments' }, startsAt: iso(0) }, '{}:{alertname="PaymentsDown"}');
    await rig.advance(600);
    expect(new Set(pdEvents(rig.pd).map((e) => e.dedupKey))).toEqual(new Set([`vigil-${paged.id}`]));

    const i = await incident(app, held.id);
    expect(i.status).toBe('suppressed');
    expect(i.alerts.map((a) => [a.state, a.reason])).toEqual([['suppressed', `maintenance window "checkout-deploy" until ${iso(1800)}`]]);
    expect(kinds(i, 'suppressed').map((e) => e.message)).toEqual([`every firing alert is suppressed: maintenance window "checkout-deploy" until ${iso(1800)}`]);
    expect(i.pages).toEqual([]);
    expect(kinds(i, 'escalated')).toEqual([]);
    expect(rig.smtp.received.entries.flatMap((m) => m.envelope.to).filter((to) => to === 'bob@example.com')).toHaveLength(1); // payments' level 2 only

    // After the window, Alertmanager's next re-send of the same alert pages.
    await rig.advance(1200);
    await notify(app, { startsAt: iso(0) });
    const after = await incident(app, held.id);
    expect(after.status).toBe('triggered');
    expect(kinds(after, 'unsuppressed')).toHaveLength(1);
    expect(pdEvents(rig.pd).filter((e) => e.dedupKey === `vigil-${held.id}`).map((e) => `${e.action} ${e.status}`)).toEqual(['trigger 202', 'trigger 202']);
  });
});
