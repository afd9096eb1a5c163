import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { ManualClock } from '../../src/core/ports/clock.js';
import { bearer } from '../support/auth.js';
import { amNotification, incident, IncidentRig, PD_KEY_PRIMARY, PD_KEY_TEAM, pdEvents, postAlerts, type IncidentJson } from '../support/incident-rig.js';

/**
 * Escalation over time, on a ManualClock: each step is checked one second before it is due
 * (nothing yet, proven by the jobs table being quiet at that instant) and at its due instant.
 * Level 1 is the team's PagerDuty service, #alerts-critical and alice (PagerDuty, Slack DM,
 * e-mail); level 2 is bob (Slack DM, e-mail).
 */

const T0 = new Date('2026-11-29T10:00:00Z');
const CRITICAL = { alertname: 'CheckoutErrorBudgetBurn', service: 'checkout', severity: 'critical', slo: 'availability' };
const GROUP = '{}:{alertname="CheckoutErrorBudgetBurn"}';
/** chat.postMessage to a member id opens the DM D + the id's tail (slack-contract-server). */
const BOB_DM = 'D0BOB';

let rig: IncidentRig;
let clock: ManualClock;

beforeEach(async () => {
  clock = new ManualClock(T0);
  rig = await IncidentRig.start('escalation', { clock });
});

afterEach(async () => {
  await rig?.close();
});

const offset = (at: string) => (new Date(at).getTime() - T0.getTime()) / 1000;
const kinds = (i: IncidentJson, kind: string) => i.timeline.filter((e) => e.kind === kind);
const mailTo = (address: string) => rig.smtp.received.entries.filter((m) => m.envelope.to.includes(address));
const accepted = (key: string, action: string) => pdEvents(rig.pd, key).filter((e) => e.action === action && e.status === 202);

async function fire(app: NestFastifyApplication, labels: Record<string, string> = CRITICAL, group = GROUP): Promise<string> {
  const res = await postAlerts(app, amNotification(group, [{ labels }])).expect(200);
  await rig.settle();
  return res.body.incidents[0].id as string;
}

async function jobStates(name: string): Promise<Record<string, string>> {
  const rows = await rig.query<{ key: string; state: string }>(`SELECT key, state FROM jobs WHERE name = $1 ORDER BY id`, [name]);
  return Object.fromEntries(rows.map((r) => [r.key, r.state]));
}

describe('escalation', () => {
  it('never acknowledged: level 2 at its delay, level 1 and 2 again for repeat 1, then escalation_exhausted', async () => {
    const app = await rig.startApp(rig.spec({ level2After: 300, repeat: 1, repeatAfter: 300 }));
    const id = await fire(app);
    // Level 1 at 0 s, level 2 at 300 s, the repeat's level 1 at 300 + 300 = 600 s and its level 2 at 900 s.
    const due = [300, 600, 900];
    for (const [n, at] of due.entries()) {
      await rig.advance(at - 1 - offset(clock.now().toISOString()));
      expect(kinds(await incident(app, id), 'escalated')).toHaveLength(n + 1);
      await rig.advance(1);
      expect(kinds(await incident(app, id), 'escalated')).toHaveLength(n + 2);
    }
    const i = await incident(app, id);
    expect(kinds(i, 'escalated').map((e) => [offset(e.at), e.message.replace(/ paged: .*/, '')])).toEqual([
      [0, 'level 1'],
      [300, 'level 2'],
      [600, 'level 1 (repeat 1 of 1)'],
      [900, 'level 2 (repeat 1 of 1)'],
    ]);
    expect(kinds(i, 'escalation_exhausted').map((e) => [offset(e.at), e.message])).toEqual([[900, 'escalation exhausted: 2 level(s) × 2 cycle(s) paged and nobody acknowledged']]);

    // What the people's tools received: level 1 twice, level 2 twice, all on the one dedup key / message.
    expect(accepted(PD_KEY_TEAM, 'trigger')).toHaveLength(2);
    expect(accepted(PD_KEY_PRIMARY, 'trigger')).toHaveLength(2);
    expect(new Set(pdEvents(rig.pd).map((e) => e.dedupKey))).toEqual(new Set([`vigil-${id}`]));
    expect(mailTo('alice@example.com')).toHaveLength(2);
    expect(mailTo('bob@example.com')).toHaveLength(2);
    // Slack: one message per channel, the repeat updates it in place.
    expect(rig.slack.channel('C0CRITICAL')).toHaveLength(1);
    expect(rig.slack.channel(BOB_DM)).toHaveLength(1);
    expect(rig.slack.channel(BOB_DM)[0]!.updates).toHaveLength(1);

    // Exhausted means exhausted: an hour later nothing else was paged.
    const pdBefore = rig.pd.received.entries.length;
    await rig.advance(3600);
    expect(kinds(await incident(app, id), 'escalated')).toHaveLength(4);
    expect(rig.pd.received.entries).toHaveLength(pdBefore);
    expect(Object.values(await jobStates('escalation-step'))).toEqual(['succeeded', 'succeeded', 'succeeded']);
  });

  it('acknowledged before level 2: the level-2 step is cancelled, bob is never paged, and every PagerDuty key gets acknowledge', async () => {
    const app = await rig.startApp(rig.spec({ level2After: 300 }));
    const id = await fire(app);
    await rig.advance(60);
    await request(app.getHttpServer()).post(`/api/incidents/${id}/ack`).set(bearer()).send({ note: 'looking' }).expect(200);
    await rig.settle();
    expect(await jobStates('escalation-step')).toEqual({ [`${id}:1:0:2`]: 'cancelled' });
    for (const key of [PD_KEY_TEAM, PD_KEY_PRIMARY]) expect(pdEvents(rig.pd, key).map((e) => `${e.action} ${e.status}`)).toEqual(['trigger 202', 'acknowledge 202']);

    // Well past level 2's due time; then a later event whose pages come through proves the outbox was running.
    await rig.advance(600);
    await request(app.getHttpServer()).post(`/api/incidents/${id}/resolve`).set(bearer()).send({}).expect(200);
    await rig.settle();
    for (const key of [PD_KEY_TEAM, PD_KEY_PRIMARY]) expect(pdEvents(rig.pd, key).map((e) => e.action)).toEqual(['trigger', 'acknowledge', 'resolve']);
    expect(mailTo('alice@example.com').length).toBeGreaterThanOrEqual(3); // trigger, acknowledge, resolve
    expect(mailTo('bob@example.com')).toEqual([]);
    expect(rig.slack.channel(BOB_DM)).toEqual([]);
    const i = await incident(app, id);
    expect(kinds(i, 'escalated')).toHaveLength(1);
    expect(i.pages.filter((p) => p.level === 2)).toEqual([]);
  });

  it('an acknowledgement that times out triggers the incident again and level 1 is paged again', async () => {
    const app = await rig.startApp(rig.spec({ level2After: 300, ackTimeout: 120 }));
    const id = await fire(app);
    await rig.advance(30);
    await request(app.getHttpServer()).post(`/api/incidents/${id}/ack`).set(bearer()).send({}).expect(200);
    await rig.settle();

    // The timeout is due 120 s after the acknowledgement, at 150 s.
    await rig.advance(119);
    expect((await incident(app, id)).status).toBe('acknowledged');
    await rig.advance(1);
    const i = await incident(app, id);
    expect(i.status).toBe('triggered');
    expect(kinds(i, 'ack_timeout').map((e) => offset(e.at))).toEqual([150]);
    expect(kinds(i, 'escalated').map((e) => [offset(e.at), e.message.replace(/ paged: .*/, '')])).toEqual([
      [0, 'level 1'],
      [150, 'level 1'],
    ]);
    for (const key of [PD_KEY_TEAM, PD_KEY_PRIMARY]) expect(pdEvents(rig.pd, key).map((e) => `${e.action} ${e.status}`)).toEqual(['trigger 202', 'acknowledge 202', 'trigger 202']);
    expect(mailTo('alice@example.com').length).toBeGreaterThanOrEqual(3);

    // Escalation restarted from the timeout: level 2 is due 300 s after it, not after the first trigger.
    await rig.advance(299);
    expect(kinds(await incident(app, id), 'escalated')).toHaveLength(2);
    await rig.advance(1);
    expect(kinds(await incident(app, id), 'escalated').map((e) => offset(e.at))).toEqual([0, 150, 450]);
    expect(mailTo('bob@example.com')).toHaveLength(1);
  });

  it('two Vigil instances on one database run each escalation step exactly once', async () => {
    const spec = rig.spec({ level2After: 300, repeat: 1, repeatAfter: 300 });
    const a = await rig.startApp(spec, { VIGIL_REPLICA_ID: 'vigil-a' });
    const b = await rig.startApp(spec, { VIGIL_REPLICA_ID: 'vigil-b' });
    // Alertmanager's HA pair sends the same notification to both instances.
    const [ra, rb] = await Promise.all([postAlerts(a, amNotification(GROUP, [{ labels: CRITICAL }])).expect(200), postAlerts(b, amNotification(GROUP, [{ labels: CRITICAL }])).expect(200)]);
    const id = ra.body.incidents[0].id as string;
    expect(rb.body.incidents[0].id).toBe(id);
    await rig.settle();
    // In 30 s steps, both workers (and their own pollers) competing for every due job.
    while (offset(clock.now().toISOString()) < 1200) await rig.advance(30);

    const i = await incident(b, id);
    expect(kinds(i, 'escalated').map((e) => [offset(e.at), e.message.replace(/ paged: .*/, '')])).toEqual([
      [0, 'level 1'],
      [300, 'level 2'],
      [600, 'level 1 (repeat 1 of 1)'],
      [900, 'level 2 (repeat 1 of 1)'],
    ]);
    expect(kinds(i, 'escalation_exhausted')).toHaveLength(1);
    expect(accepted(PD_KEY_TEAM, 'trigger')).toHaveLength(2);
    expect(accepted(PD_KEY_PRIMARY, 'trigger')).toHaveLength(2);
    expect(pdEvents(rig.pd)).toHaveLength(4);
    expect(mailTo('alice@example.com')).toHaveLength(2);
    expect(mailTo('bob@example.com')).toHaveLength(2);

    // Every step and page job ran once and succeeded, whichever replica claimed it.
    const runs = await rig.query<{ name: string; key: string; runs: string; replicas: string[] }>(
      `SELECT j.name, j.key, count(r.id) AS runs, array_agg(DISTINCT r.replica) AS replicas FROM jobs j JOIN job_runs r ON r.job_id = j.id
        WHERE j.name IN ('escalation-step', 'page-delivery') GROUP BY j.name, j.key ORDER BY j.name, j.key`,
    );
    expect(runs.filter((r) => r.name === 'escalation-step')).toHaveLength(3);
    for (const r of runs) expect(Number(r.runs)).toBe(1);
    expect(await rig.query(`SELECT 1 FROM job_runs WHERE name IN ('escalation-step', 'page-delivery') AND outcome <> 'succeeded'`)).toEqual([]);
    const replicas = new Set(runs.flatMap((r) => r.replicas));
    for (const r of replicas) expect(['vigil-a', 'vigil-b']).toContain(r);
  });
});

describe('low urgency', () => {
  it('a warning goes to #alerts-warning once and never escalates', async () => {
    const app = await rig.startApp(rig.spec({ level2After: 300 }));
    const id = await fire(app, { alertname: 'CheckoutLatencyHigh', service: 'checkout', severity: 'warning' }, '{}:{alertname="CheckoutLatencyHigh"}');
    await rig.advance(3600);
    const i = await incident(app, id);
    expect(i).toMatchObject({ status: 'triggered' });
    expect(kinds(i, 'triggered')[0]!.message).toMatch(/policy warning \(1 level\(s\), low urgency\)/);
    expect(kinds(i, 'escalated')).toHaveLength(1);
    expect(kinds(i, 'escalation_exhausted').map((e) => e.message)).toEqual(['low urgency: level 1 was notified; low-urgency incidents never escalate']);
    expect(rig.slack.channel('C0WARNING')).toHaveLength(1);
    expect(rig.slack.channel('C0WARNING')[0]!.updates).toEqual([]);
    expect(rig.slack.channel('C0CRITICAL')).toEqual([]);
    expect(pdEvents(rig.pd)).toEqual([]);
    expect(rig.smtp.received.entries).toEqual([]);
    expect(await jobStates('escalation-step')).toEqual({});
  });

  it('a warning routed to the two-level critical policy pages level 1 only', async () => {
    const app = await rig.startApp(rig.spec({ level2After: 300, repeat: 1, extraRoutes: [{ name: 'checkout-warnings', matchers: ['service="checkout"', 'severity="warning"'], policy: 'critical' }] }));
    const id = await fire(app, { alertname: 'CheckoutLatencyHigh', service: 'checkout', severity: 'warning' }, '{}:{alertname="CheckoutLatencyHigh"}');
    await rig.advance(3600);
    const i = await incident(app, id);
    // The policy has two levels and a repeat; a low-urgency incident's snapshot keeps level 1 only.
    expect(kinds(i, 'triggered')[0]!.message).toMatch(/route checkout-warnings, policy critical \(1 level\(s\), low urgency\)/);
    expect(kinds(i, 'escalated').map((e) => e.message.replace(/ paged: .*/, ''))).toEqual(['level 1']);
    expect(kinds(i, 'escalation_exhausted')).toHaveLength(1);
    expect(accepted(PD_KEY_TEAM, 'trigger')).toHaveLength(1);
    expect(mailTo('bob@example.com')).toEqual([]);
    expect(rig.slack.channel(BOB_DM)).toEqual([]);
    expect(await jobStates('escalation-step')).toEqual({});
  });
});
