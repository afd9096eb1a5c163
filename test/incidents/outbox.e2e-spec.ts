import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { ManualClock } from '../../src/core/ports/clock.js';
import { bearer } from '../support/auth.js';
import { decodedBody } from '../support/smtp-sink.js';
import { amNotification, incident, IncidentRig, PD_KEY_PRIMARY, PD_KEY_TEAM, pdEvents, postAlerts } from '../support/incident-rig.js';

/**
 * The page outbox against a misbehaving PagerDuty. Time is a ManualClock shared by Vigil (its job
 * worker, its attempt stamps, its Retry-After arithmetic) and the contract server's fault window,
 * so a two-minute outage takes two minutes of that clock and a few seconds of the wall.
 */

const T0 = new Date('2026-11-29T10:00:00Z');
const CRITICAL = { alertname: 'CheckoutErrorBudgetBurn', service: 'checkout', severity: 'critical', slo: 'availability' };
const GROUP = '{}:{alertname="CheckoutErrorBudgetBurn"}';

let rig: IncidentRig;
let clock: ManualClock;
let app: NestFastifyApplication;

// Each scenario gets its own database and contract servers: what one leaves pending cannot page in another.
beforeEach(async () => {
  clock = new ManualClock(T0);
  rig = await IncidentRig.start('outbox', { clock });
  app = await rig.startApp(rig.spec());
});

afterEach(async () => {
  await rig?.close();
});

async function attemptsOf(pageId: string): Promise<{ attempt: number; startedAt: Date; httpStatus: number | null }[]> {
  const rows = await rig.query<{ attempt: number; started_at: Date; http_status: number | null }>(`SELECT attempt, started_at, http_status FROM page_attempts WHERE page_id = $1 ORDER BY attempt`, [pageId]);
  return rows.map((r) => ({ attempt: r.attempt, startedAt: r.started_at, httpStatus: r.http_status }));
}

describe('the page outbox', () => {
  it('PagerDuty answering 429 for two minutes: each trigger is delivered once after the outage, attempts spaced by Retry-After, and an acknowledge and a resolve made meanwhile follow it in order', async () => {
    const RETRY_AFTER = 30;
    rig.pd.failWith(429, { forMs: 120_000, retryAfter: RETRY_AFTER });
    const res = await postAlerts(app, amNotification(GROUP, [{ labels: CRITICAL }])).expect(200);
    const id: string = res.body.incidents[0].id;
    await rig.settle();
    // Both PagerDuty streams (the team service and alice's) tried once and were throttled; nothing else was.
    expect(pdEvents(rig.pd).map((e) => `${e.action} ${e.status}`)).toEqual(['trigger 429', 'trigger 429']);

    // Someone acknowledges and then Alertmanager resolves while PagerDuty is still throttling: both
    // wait behind each key's trigger, and must leave in the order they were decided.
    await rig.advance(10);
    await request(app.getHttpServer()).post(`/api/incidents/${id}/ack`).set(bearer()).send({}).expect(200);
    await rig.advance(10);
    await postAlerts(app, amNotification(GROUP, [{ labels: CRITICAL, status: 'resolved' }])).expect(200);
    await rig.settle();
    expect(pdEvents(rig.pd).filter((e) => e.action !== 'trigger')).toEqual([]);

    // Second by second through the outage and a minute past it.
    while (clock.now().getTime() < T0.getTime() + 180_000) await rig.advance(1);

    for (const key of [PD_KEY_TEAM, PD_KEY_PRIMARY]) {
      // 429 at 0, 30, 60 and 90 s; the fifth attempt, at 120 s, is the first after the outage.
      expect(pdEvents(rig.pd, key).map((e) => `${e.action} ${e.status}`)).toEqual(['trigger 429', 'trigger 429', 'trigger 429', 'trigger 429', 'trigger 202', 'acknowledge 202', 'resolve 202']);
      expect(new Set(pdEvents(rig.pd, key).map((e) => e.dedupKey))).toEqual(new Set([`vigil-${id}`]));
    }

    const i = await incident(app, id);
    expect(i.status).toBe('resolved');
    const triggers = i.pages.filter((p) => p.sink === 'pagerduty' && p.action === 'trigger');
    expect(triggers).toHaveLength(2);
    for (const page of triggers) {
      expect(page).toMatchObject({ status: 'delivered', attempts: 5 });
      const attempts = await attemptsOf(page.id);
      expect(attempts.map((a) => a.httpStatus)).toEqual([429, 429, 429, 429, 202]);
      const gaps = attempts.slice(1).map((a, n) => (a.startedAt.getTime() - attempts[n]!.startedAt.getTime()) / 1000);
      for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(RETRY_AFTER);
      expect(attempts[4]!.startedAt.getTime() - T0.getTime()).toBeGreaterThanOrEqual(120_000);
    }
    // The acknowledge (queued at 10 s) and the resolve (20 s) were sent only once their trigger had gone through.
    const followUps = i.pages.filter((p) => p.sink === 'pagerduty' && p.action !== 'trigger');
    expect(followUps.map((p) => `${p.action} ${p.status}`).sort()).toEqual(['acknowledge delivered', 'acknowledge delivered', 'resolve delivered', 'resolve delivered']);
    for (const page of followUps) expect((await attemptsOf(page.id)).map((a) => a.startedAt.getTime() - T0.getTime())).toEqual([120_000]);
    expect(i.timeline.filter((e) => e.kind === 'delivery_failed')).toEqual([]);
  });

  it('PagerDuty refusing an event with 400: no retry, delivery_failed on the timeline, and the fallback address gets an e-mail', async () => {
    rig.pd.failWith(400, { times: 1, body: { status: 'invalid event', message: 'Event object is invalid', errors: ['routing_key is not a valid integration key'] } });
    const res = await postAlerts(app, amNotification(GROUP, [{ labels: CRITICAL }])).expect(200);
    const id: string = res.body.incidents[0].id;
    await rig.settle();

    const refused = pdEvents(rig.pd).filter((e) => e.status === 400);
    expect(refused).toHaveLength(1);
    const key = refused[0]!.routingKey;
    const mail = await rig.smtp.received.waitFor(1, (m) => m.envelope.to.includes('oncall-fallback@example.com'));
    expect(mail).toHaveLength(1);
    expect(decodedBody(mail[0]!)).toMatch(/trigger to (alice )?\(PagerDuty\) failed: HTTP 400: .*routing_key is not a valid integration key.*\(not retried: the receiver refused it\)/);

    // Well past any backoff (1 s base here): a permanent refusal is never tried again.
    await rig.advance(120);
    expect(pdEvents(rig.pd, key).map((e) => `${e.action} ${e.status}`)).toEqual(['trigger 400']);
    const i = await incident(app, id);
    const failed = i.pages.filter((p) => p.status === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ sink: 'pagerduty', action: 'trigger', attempts: 1 });
    expect(failed[0]!.lastError).toMatch(/^HTTP 400: .*routing_key is not a valid integration key/);
    expect(await attemptsOf(failed[0]!.id)).toHaveLength(1);
    // The other PagerDuty stream was unaffected.
    const other = key === PD_KEY_TEAM ? PD_KEY_PRIMARY : PD_KEY_TEAM;
    expect(pdEvents(rig.pd, other).map((e) => `${e.action} ${e.status}`)).toEqual(['trigger 202']);

    expect(i.timeline.filter((e) => e.kind === 'delivery_failed')).toHaveLength(1);
    expect(i.timeline.find((e) => e.kind === 'delivery_failed')!.message).toMatch(/^trigger to .*PagerDuty.* failed: HTTP 400.*\(not retried: the receiver refused it\)$/);
    expect(i.timeline.filter((e) => e.kind === 'fallback_notified').map((e) => e.message)).toEqual(['fallback notified: (e-mail oncall-fallback@example.com)']);
    expect(i.pages.filter((p) => p.action === 'fallback').map((p) => `${p.sink} ${p.status}`)).toEqual(['email delivered']);
  });
});
