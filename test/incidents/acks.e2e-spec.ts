import { createHmac } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { ManualClock } from '../../src/core/ports/clock.js';
import { amNotification, incident, IncidentRig, PD_KEY_PRIMARY, PD_KEY_TEAM, PD_WEBHOOK_SECRET, pdEvents, postAlerts, SLACK_SIGNING_SECRET } from '../support/incident-rig.js';
import { buttonClick, signedInteraction } from '../support/slack-contract-server.js';

/**
 * Acknowledgements from where people are: PagerDuty's v3 webhook and a Slack button. Both are
 * signed by the sender; the signatures here are computed in the test, independently of src/core.
 */

const T0 = new Date('2026-11-29T10:00:00Z');
const CRITICAL = { alertname: 'CheckoutErrorBudgetBurn', service: 'checkout', severity: 'critical', slo: 'availability' };
const GROUP = '{}:{alertname="CheckoutErrorBudgetBurn"}';

let rig: IncidentRig;
let clock: ManualClock;
let app: NestFastifyApplication;
let id: string;

beforeEach(async () => {
  clock = new ManualClock(T0);
  rig = await IncidentRig.start('acks', { clock });
  app = await rig.startApp(rig.spec({ level2After: 300 }));
  const res = await postAlerts(app, amNotification(GROUP, [{ labels: CRITICAL }])).expect(200);
  id = res.body.incidents[0].id;
  await rig.settle();
  await rig.advance(30);
});

afterEach(async () => {
  await rig?.close();
});

/** A v3 webhook as PagerDuty sends it when someone acknowledges the incident our trigger opened (docs/webhooks/01-Overview.md). */
function pagerDutyAck(incidentId: string): string {
  return JSON.stringify({
    event: {
      id: '01DFGH2JKLMN3PQRSTUV4WXYZ5',
      event_type: 'incident.acknowledged',
      resource_type: 'incident',
      occurred_at: clock.now().toISOString(),
      agent: { html_url: 'https://acme.pagerduty.com/users/PLH1HKV', id: 'PLH1HKV', self: 'https://api.pagerduty.com/users/PLH1HKV', summary: 'Alice Example', type: 'user_reference' },
      client: null,
      data: {
        id: 'Q2S2F7TLLDQIZC',
        type: 'incident',
        self: 'https://api.pagerduty.com/incidents/Q2S2F7TLLDQIZC',
        html_url: 'https://acme.pagerduty.com/incidents/Q2S2F7TLLDQIZC',
        number: 4711,
        status: 'acknowledged',
        incident_key: `vigil-${incidentId}`,
        title: 'Checkout error budget burn',
        urgency: 'high',
      },
    },
  });
}

function postPagerDuty(body: string, secret: string) {
  const signature = `v1=${createHmac('sha256', secret).update(body).digest('hex')}`;
  return request(app.getHttpServer()).post('/api/integrations/pagerduty').set({ 'Content-Type': 'application/json', 'X-PagerDuty-Signature': signature }).send(body);
}

function postSlackClick(user: { id: string; username: string }, timestampSeconds: number) {
  const message = rig.slack.channel('C0CRITICAL')[0]!;
  const { headers, body } = signedInteraction(SLACK_SIGNING_SECRET, buttonClick({ actionId: 'vigil_ack', value: id, user, channel: message.channel, messageTs: message.ts }), timestampSeconds);
  return request(app.getHttpServer()).post('/api/integrations/slack/actions').set(headers).send(body);
}

const nowSeconds = () => Math.floor(clock.now().getTime() / 1000);
const pdActions = (key: string) => pdEvents(rig.pd, key).map((e) => `${e.action} ${e.status}`);

describe('acknowledgements from PagerDuty', () => {
  it('a webhook signed with the wrong secret is a 401 and changes nothing', async () => {
    const before = await incident(app, id);
    await postPagerDuty(pagerDutyAck(id), 'not-the-subscription-secret').expect(401);
    // A right signature over another body is just as wrong.
    const signedOther = `v1=${createHmac('sha256', PD_WEBHOOK_SECRET).update(pagerDutyAck('999')).digest('hex')}`;
    await request(app.getHttpServer()).post('/api/integrations/pagerduty').set({ 'Content-Type': 'application/json', 'X-PagerDuty-Signature': signedOther }).send(pagerDutyAck(id)).expect(401);
    await rig.settle();
    const after = await incident(app, id);
    expect(after.status).toBe('triggered');
    expect(after.timeline).toEqual(before.timeline);
    expect(after.pages).toEqual(before.pages);
  });

  it('a signed acknowledgement acknowledges in Vigil and updates Slack, and PagerDuty is not told what it already knows', async () => {
    const res = await postPagerDuty(pagerDutyAck(id), PD_WEBHOOK_SECRET).expect(200);
    expect(res.body).toEqual({ applied: true, incident: id });
    await rig.settle();

    const i = await incident(app, id);
    expect(i.status).toBe('acknowledged');
    expect(i.timeline.filter((e) => e.kind === 'acknowledged').map((e) => [e.actor, e.message])).toEqual([['Alice Example', 'acknowledged by Alice Example via pagerduty: PagerDuty Q2S2F7TLLDQIZC incident.acknowledged']]);
    // Slack: the channel message and alice's DM are updated in place; alice's mailbox hears of it.
    expect(rig.slack.channel('C0CRITICAL')).toHaveLength(1);
    expect(rig.slack.channel('C0CRITICAL')[0]!.updates.length).toBeGreaterThanOrEqual(1);
    const update = rig.slack.channel('C0CRITICAL')[0]!.updates.at(-1)!;
    expect(update.text).toMatch(/^:large_yellow_circle: ACKNOWLEDGED: /);
    expect(JSON.stringify(update.blocks)).toMatch(/Acknowledged by Alice Example/);
    expect(i.pages.filter((p) => p.sink === 'email' && p.action === 'acknowledge').map((p) => p.status)).toEqual(['delivered']);
    // The outbox is settled, and it never held an acknowledge for PagerDuty.
    expect(i.pages.filter((p) => p.sink === 'pagerduty').map((p) => p.action)).toEqual(['trigger', 'trigger']);
    expect(pdActions(PD_KEY_TEAM)).toEqual(['trigger 202']);
    expect(pdActions(PD_KEY_PRIMARY)).toEqual(['trigger 202']);
    expect(await rig.query(`SELECT key, state FROM jobs WHERE name = 'escalation-step'`)).toEqual([{ key: `${id}:1:0:2`, state: 'cancelled' }]);

    // PagerDuty redelivers webhooks it is unsure of: the second one changes nothing.
    const again = await postPagerDuty(pagerDutyAck(id), PD_WEBHOOK_SECRET).expect(200);
    expect(again.body).toMatchObject({ applied: false, incident: id });
    expect((await incident(app, id)).timeline.filter((e) => e.kind === 'acknowledged')).toHaveLength(1);
  });
});

describe('acknowledgements from Slack', () => {
  it('a click with a timestamp older than five minutes is a 401 and changes nothing', async () => {
    await postSlackClick({ id: 'U0BOB', username: 'bob' }, nowSeconds() - 301).expect(401);
    // The signing secret matters too.
    const message = rig.slack.channel('C0CRITICAL')[0]!;
    const forged = signedInteraction('another-apps-secret', buttonClick({ actionId: 'vigil_ack', value: id, user: { id: 'U0BOB', username: 'bob' }, channel: message.channel, messageTs: message.ts }), nowSeconds());
    await request(app.getHttpServer()).post('/api/integrations/slack/actions').set(forged.headers).send(forged.body).expect(401);
    await rig.settle();
    const i = await incident(app, id);
    expect(i.status).toBe('triggered');
    expect(i.timeline.filter((e) => e.kind === 'acknowledged')).toEqual([]);
    expect(pdEvents(rig.pd).filter((e) => e.action === 'acknowledge')).toEqual([]);
  });

  it('a signed click on Acknowledge acknowledges and PagerDuty gets acknowledge on every key', async () => {
    // Signed 4 minutes ago by Slack's clock: still within the five minutes allowed.
    const res = await postSlackClick({ id: 'U0BOB', username: 'bob' }, nowSeconds() - 240).expect(200);
    expect(res.body).toEqual({ applied: true, incident: id });
    await rig.settle();
    const i = await incident(app, id);
    expect(i.status).toBe('acknowledged');
    expect(i.timeline.filter((e) => e.kind === 'acknowledged').map((e) => [e.actor, (e.detail as { via: string }).via])).toEqual([['bob', 'slack']]);
    expect(pdActions(PD_KEY_TEAM)).toEqual(['trigger 202', 'acknowledge 202']);
    expect(pdActions(PD_KEY_PRIMARY)).toEqual(['trigger 202', 'acknowledge 202']);
    expect(JSON.stringify(rig.slack.channel('C0CRITICAL')[0]!.updates.at(-1)!.blocks)).toMatch(/Acknowledged by bob/);
  });
});
