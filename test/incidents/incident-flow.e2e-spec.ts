import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pg from 'pg';
import request from 'supertest';
import { bearer } from '../support/auth.js';
import { amNotification, incident, IncidentRig, PD_KEY_PRIMARY, PD_KEY_TEAM, timelineHas } from '../support/incident-rig.js';
import { until } from '../support/until.js';

let rig: IncidentRig;
let app: NestFastifyApplication;

beforeAll(async () => {
  rig = await IncidentRig.start('incident_flow');
  app = await rig.startApp(rig.spec({ level2After: 600 }));
});

afterAll(async () => {
  await rig?.close();
});

const CRITICAL = { alertname: 'CheckoutErrorBudgetBurn', service: 'checkout', severity: 'critical', slo: 'availability' };

function post(body: unknown) {
  return request(app.getHttpServer()).post('/api/alerts/alertmanager').set(bearer()).send(body as object);
}

async function count(sql: string): Promise<number> {
  const c = new pg.Client({ connectionString: rig.db.url });
  await c.connect();
  try {
    const r = await c.query<{ n: string }>(sql);
    return Number(r.rows[0]!.n);
  } finally {
    await c.end();
  }
}

describe('an incident from Alertmanager to the sinks and back', () => {
  let id: string;

  it('a firing notification opens one incident and pages level 1 on every sink', async () => {
    // The SLO's budget as the last cycle stored it: the page shows it.
    await count(`INSERT INTO budget_latest (service, slo, at, status, budget) VALUES ('checkout', 'availability', now(), 'at-risk', '{"status": "at-risk", "errorBudgetRemaining": 0.125}') RETURNING 1 AS n`);
    const res = await post(amNotification('{}:{alertname="CheckoutErrorBudgetBurn"}', [{ labels: CRITICAL }])).expect(200);
    expect(res.body.incidents).toHaveLength(1);
    expect(res.body.incidents[0]).toMatchObject({ route: 'critical', status: 'triggered', created: true });
    id = res.body.incidents[0].id;

    const triggers = await rig.pd.received.waitFor(2, (e) => (e.body as { event_action?: string }).event_action === 'trigger');
    expect(triggers.map((e) => (e.body as { routing_key: string }).routing_key).sort()).toEqual([PD_KEY_PRIMARY, PD_KEY_TEAM].sort());
    expect(new Set(triggers.map((e) => (e.body as { dedup_key: string }).dedup_key))).toEqual(new Set([`vigil-${id}`]));
    await rig.slack.calls.waitFor(2, (c) => c.method === 'chat.postMessage');
    expect(rig.slack.channel('C0CRITICAL')).toHaveLength(1);
    expect(JSON.stringify(rig.slack.channel('C0CRITICAL')[0]!.blocks)).toContain('availability: 12.5% left (at-risk)');
    const mail = await rig.smtp.received.waitFor(1);
    expect(mail[0]!.envelope.to).toEqual(['alice@example.com']);

    const i = await timelineHas(app, id, 'page_delivered', 4);
    expect(i.status).toBe('triggered');
    expect(i.timeline.map((e) => e.kind).slice(0, 3)).toEqual(['notification_received', 'triggered', 'escalated']);
    expect(i.timeline.find((e) => e.kind === 'escalated')!.message).toMatch(/^level 1 paged: /);
  });

  it('the same notification three more times changes nothing but the timeline', async () => {
    for (let n = 0; n < 3; n++) await post(amNotification('{}:{alertname="CheckoutErrorBudgetBurn"}', [{ labels: CRITICAL }])).expect(200);
    const i = await incident(app, id);
    expect(i.timeline.filter((e) => e.kind === 'notification_received')).toHaveLength(4);
    expect(i.pages.filter((p) => p.action === 'trigger')).toHaveLength(5);
    expect(await count(`SELECT count(*) AS n FROM incidents`)).toBe(1);
  });

  it('an acknowledgement cancels the level-2 step and reaches PagerDuty, Slack and e-mail', async () => {
    const res = await request(app.getHttpServer()).post(`/api/incidents/${id}/ack`).set(bearer()).send({ note: 'on it' }).expect(200);
    expect(res.body).toMatchObject({ status: 'acknowledged' });
    const acks = await rig.pd.received.waitFor(2, (e) => (e.body as { event_action?: string }).event_action === 'acknowledge');
    expect(acks.map((e) => (e.body as { routing_key: string }).routing_key).sort()).toEqual([PD_KEY_PRIMARY, PD_KEY_TEAM].sort());
    // Stream order: each key's acknowledge came after its only trigger.
    expect(rig.pd.received.entries.filter((e) => (e.body as { event_action?: string }).event_action === 'trigger')).toHaveLength(2);
    await until('the Slack message updated in place', () => (rig.slack.channel('C0CRITICAL')[0]?.updates.length ?? 0) >= 1);
    expect(rig.slack.channel('C0CRITICAL')).toHaveLength(1);
    expect(await count(`SELECT count(*) AS n FROM jobs WHERE name = 'escalation-step' AND state = 'cancelled'`)).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM jobs WHERE name = 'escalation-step' AND state = 'pending'`)).toBe(0);
    await request(app.getHttpServer()).post(`/api/incidents/${id}/ack`).set(bearer()).send({}).expect(409);
  });

  it('all alerts resolved resolves the incident; PagerDuty gets resolve after acknowledge', async () => {
    await post(amNotification('{}:{alertname="CheckoutErrorBudgetBurn"}', [{ labels: CRITICAL, status: 'resolved' }])).expect(200);
    await rig.pd.received.waitFor(2, (e) => (e.body as { event_action?: string }).event_action === 'resolve');
    const actions = rig.pd.received.entries.filter((e) => (e.body as { routing_key: string }).routing_key === PD_KEY_TEAM).map((e) => (e.body as { event_action: string }).event_action);
    expect(actions).toEqual(['trigger', 'acknowledge', 'resolve']);
    const i = await incident(app, id);
    expect(i).toMatchObject({ status: 'resolved' });
    expect(i.alerts.map((a) => a.state)).toEqual(['resolved']);
  });

  it('/metrics counts the notifications, the pages per sink and result, the escalations, the acknowledgement and the outbox', async () => {
    let text = '';
    const value = (series: string) => Number(new RegExp(`^${series.replace(/[{}"]/g, (c) => `\\${c}`)} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
    // The PagerDuty server has the last resolve; its outcome is counted once the job's commit is done.
    // Slack's message is updated for the resolve too, by its own job: both outboxes must have drained.
    await until('the last pages counted', async () => {
      text = (await request(app.getHttpServer()).get('/metrics').expect(200)).text;
      return (
        value('vigil_notification_outbox_pending{sink="pagerduty"}') === 0 &&
        value('vigil_notification_outbox_pending{sink="slack"}') === 0 &&
        value('vigil_notifications_total{sink="pagerduty",result="delivered"}') >= 6
      );
    });
    expect(value('vigil_alert_notifications_total{result="stored"}')).toBe(5);
    // 2 PagerDuty keys × trigger, acknowledge, resolve.
    expect(value('vigil_notifications_total{sink="pagerduty",result="delivered"}')).toBe(6);
    expect(value('vigil_escalations_total{service="checkout",level="1"}')).toBe(1);
    // Acknowledged once, through the API, within the test's run.
    expect(value('vigil_incident_ack_duration_seconds_count{service="checkout"}')).toBe(1);
    expect(value('vigil_notification_outbox_pending{sink="pagerduty"}')).toBe(0);
    expect(value('vigil_notification_outbox_age_seconds{sink="slack"}')).toBe(0);
    // Resolved: no open incident of checkout's left, and the statuses still read 0 overall.
    expect(text).not.toMatch(/^vigil_incidents_open\{[^}]*service="checkout"/m);
    expect(value('vigil_incidents_open{status="triggered",service="",severity=""}')).toBe(0);
  });

  it('a malformed notification is a 400 naming the field, and nothing is stored', async () => {
    // What a stored notification writes: an incident or a notification_received entry. Other
    // entries may still land now from the resolve's pages (page_delivered), which is no failure here.
    const stored = `SELECT (SELECT count(*) FROM incidents) + (SELECT count(*) FROM incident_events WHERE kind = 'notification_received') AS n`;
    const before = await count(stored);
    const res = await post({ ...amNotification('g2', [{ labels: CRITICAL }]), alerts: [{ status: 'burning', labels: CRITICAL, startsAt: 'yesterday' }] }).expect(400);
    expect(res.body.problems.map((p: { path: string }) => p.path).sort()).toEqual(['alerts.0.startsAt', 'alerts.0.status']);
    await post({ groupKey: 'g3', status: 'firing' }).expect(400);
    // Bytes that are not JSON at all, and an empty body that says it is JSON: refused before the handler, as JSON.
    const raw = (body: string) => request(app.getHttpServer()).post('/api/alerts/alertmanager').set(bearer()).set('content-type', 'application/json').send(body);
    const broken = await raw('{"groupKey": "g4", "status": ').expect(400);
    expect(broken.body).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.stringMatching(/not valid JSON/) });
    const empty = await raw('').expect(400);
    expect(empty.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(await count(stored)).toBe(before);
  });
});
