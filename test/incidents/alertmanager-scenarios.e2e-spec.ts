import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pg from 'pg';
import request from 'supertest';
import { formatApiToken } from '../../src/core/auth/api-token.js';
import { renderTestAlertmanagerConfig, startAlertmanager, type TestAlert, type TestAlertmanager } from '../support/alertmanager-server.js';
import { bearer } from '../support/auth.js';
import { incident, IncidentRig, PD_KEY_PRIMARY, PD_KEY_TEAM, type IncidentJson } from '../support/incident-rig.js';
import type { ReceivedEvent } from '../support/pagerduty-contract-server.js';
import { until } from '../support/until.js';
import { WebhookTap, type TappedDelivery } from '../support/webhook-tap.js';

/**
 * Issue #9's delivery scenarios with the real Alertmanager 0.25 in front of Vigil, configured by
 * the real generator from the committed slos/routing.yaml (group_by alertname, service; bearer
 * token from credentials_file), only with test timings. A WebhookTap between them records every
 * notification Alertmanager sent and what Vigil answered. Each test has its own alert name, so its
 * own group, incident, PagerDuty dedup_key and Slack message.
 */

let rig: IncidentRig;
let app: NestFastifyApplication;
let tap: WebhookTap;
let ingestToken: string;
let tokenFile: string;
const started: TestAlertmanager[] = [];

beforeAll(async () => {
  rig = await IncidentRig.start('am_scenarios');
  // Level 2 far away: these scenarios count level-1 pages only.
  app = await rig.startApp(rig.spec({ level2After: 3600 }));
  tap = await WebhookTap.start(await app.getUrl());
  ingestToken = await rig.ingestToken('alertmanager');
  tokenFile = join(rig.work, 'vigil-ingest-token');
  // As the CLI printed it, newline included: Alertmanager trims it.
  await writeFile(tokenFile, `${ingestToken}\n`);
}, 60_000);

afterAll(async () => {
  await Promise.all(started.map((am) => am.stop()));
  await tap?.close();
  await rig?.close();
});

async function alertmanager(opts: { credentialsFile?: string; peers?: string[]; clusterPort?: boolean; peerTimeout?: string; externalUrl?: string } = {}): Promise<TestAlertmanager> {
  const { credentialsFile = tokenFile, externalUrl = 'http://alertmanager.example:9093', ...cluster } = opts;
  const config = await renderTestAlertmanagerConfig({ vigilUrl: `${tap.origin}/api/alerts/alertmanager`, credentialsFile, groupWait: '1s', groupInterval: '2s', repeatInterval: '1h' });
  // 50ms gossip: a cluster settles in about half a second (see the harness).
  const am = await startAlertmanager({ config, ...cluster, ...(cluster.clusterPort || cluster.peers ? { gossipInterval: '50ms' } : {}), flags: [`--web.external-url=${externalUrl}`, '--log.level=debug'] });
  started.push(am);
  return am;
}

/** A checkout page alert; `instance` tells the alerts of one group apart (distinct fingerprints). */
function pageAlert(alertname: string, instance = 'checkout-0'): TestAlert {
  return {
    labels: { alertname, service: 'checkout', severity: 'critical', slo: 'availability', instance },
    annotations: { summary: `${alertname}: checkout is burning its error budget` },
    startsAt: '2026-11-29T10:00:00Z',
  };
}

/** The groupKey Alertmanager gives a group of the root route (group_by alertname, service). */
const groupKey = (alertname: string) => `{}:{alertname="${alertname}", service="checkout"}`;

interface Sent {
  readonly groupKey: string;
  readonly externalURL: string;
  readonly alerts: unknown[];
}
const sent = (d: TappedDelivery) => JSON.parse(d.body) as Sent;
const ofGroup = (alertname: string) => (d: TappedDelivery) => sent(d).groupKey === groupKey(alertname);
const incidentIdOf = (d: TappedDelivery) => (JSON.parse(d.answer) as { incidents: { id: string }[] }).incidents[0]!.id;

type PdBody = { event_action: string; routing_key: string; dedup_key: string };
const pdBody = (e: ReceivedEvent) => e.body as PdBody;
const pdEvents = (id: string, action: string) => rig.pd.received.entries.filter((e) => pdBody(e).dedup_key === `vigil-${id}` && pdBody(e).event_action === action);

async function count(sql: string, args: unknown[] = []): Promise<number> {
  const c = new pg.Client({ connectionString: rig.db.url });
  await c.connect();
  try {
    return Number((await c.query<{ n: string }>(sql, args)).rows[0]!.n);
  } finally {
    await c.end();
  }
}

/**
 * Acknowledges through the API and waits for PagerDuty's acknowledge on both keys. Vigil sends a
 * key's pages one at a time, in order, so once its acknowledge arrived every trigger of that key
 * that would ever be sent has arrived: the barrier before counting triggers, instead of a sleep.
 */
async function acknowledgeAndDrain(id: string): Promise<void> {
  await request(app.getHttpServer()).post(`/api/incidents/${id}/ack`).set(bearer()).send({ note: 'barrier' }).expect(200);
  const acks = await rig.pd.received.waitFor(2, (e) => pdBody(e).dedup_key === `vigil-${id}` && pdBody(e).event_action === 'acknowledge');
  expect(acks.map((e) => pdBody(e).routing_key).sort()).toEqual([PD_KEY_PRIMARY, PD_KEY_TEAM].sort());
}

/** Slack calls about incident `id` (its buttons carry the id), in arrival order. */
const slackCallsOf = (id: string) => rig.slack.calls.entries.filter((c) => JSON.stringify(c.args).includes(`"value":"${id}"`));

const received = (i: IncidentJson) => i.timeline.filter((e) => e.kind === 'notification_received').length;

describe('the real Alertmanager in front of Vigil', () => {
  it('a storm of 1,000 alerts in one group: 1 incident with 1,000 alerts, 1 trigger per PagerDuty key, 1 Slack message then only updates', async () => {
    const am = await alertmanager();
    const alerts = Array.from({ length: 1000 }, (_, n) => pageAlert('CheckoutStorm', `checkout-${String(n).padStart(4, '0')}`));
    // In two halves, the second after Vigil stored the first: Alertmanager must then send the
    // group again (all 1,000, ~600 kB) in a later flush, which is what a storm growing over
    // several group_intervals looks like. The alerts started long before group_wait, so
    // Alertmanager flushes the group at once, while the first half is still arriving: the first
    // notification holds only part of it.
    await am.postAlerts(alerts.slice(0, 500));
    const [first] = await tap.deliveries.waitFor(1, ofGroup('CheckoutStorm'));
    expect(first!.status).toBe(200);
    expect(sent(first!).alerts.length).toBeLessThanOrEqual(500);
    const id = incidentIdOf(first!);
    await am.postAlerts(alerts.slice(500));

    const full = await until('1,000 alerts on the incident', async () => {
      const i = await incident(app, id);
      return i.alerts.length === 1000 ? i : undefined;
    }, 60_000, 250);
    expect(full.alerts.every((a) => a.state === 'firing')).toBe(true);
    expect(new Set(full.alerts.map((a) => a.fingerprint)).size).toBe(1000);
    expect(await count(`SELECT count(*) AS n FROM incidents WHERE group_key = $1`, [groupKey('CheckoutStorm')])).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM incident_alerts WHERE incident_id = $1`, [id])).toBe(1000);

    await acknowledgeAndDrain(id);
    expect(pdEvents(id, 'trigger').map((e) => pdBody(e).routing_key).sort()).toEqual([PD_KEY_PRIMARY, PD_KEY_TEAM].sort());

    // Every notification Alertmanager sent was taken (200) and is on the timeline, each once.
    const deliveries = tap.deliveries.entries.filter(ofGroup('CheckoutStorm'));
    expect(deliveries.length).toBeGreaterThanOrEqual(2);
    expect(deliveries.map((d) => d.status)).toEqual(deliveries.map(() => 200));
    expect(sent(deliveries.at(-1)!).alerts).toHaveLength(1000);
    expect(received(await incident(app, id))).toBe(deliveries.length);

    // One message in the channel, edited in place until it says acknowledged with 1,000 alerts.
    const inChannel = await until('the channel message updated to acknowledged', () => {
      const m = rig.slack.channel('C0CRITICAL').filter((r) => JSON.stringify(r.blocks).includes(`"value":"${id}"`));
      return m.length === 1 && /acknowledged/i.test(JSON.stringify(m[0]!.updates.at(-1)?.blocks ?? '')) ? m : undefined;
    });
    expect(JSON.stringify(inChannel[0]!.updates.at(-1)!.blocks)).toContain('1000 firing, 0 resolved (1000 total)');
    // Per Slack stream (the channel, alice's direct message): one postMessage first, then chat.update only.
    const calls = slackCallsOf(id);
    const posts = calls.filter((c) => c.method === 'chat.postMessage');
    expect(posts.map((c) => c.args.channel).sort()).toEqual(['#alerts-critical', 'U0ALICE']);
    expect(calls.slice(0, 2).map((c) => c.method)).toEqual(['chat.postMessage', 'chat.postMessage']);
    expect(calls.slice(2).every((c) => c.method === 'chat.update')).toBe(true);
    expect(calls.length).toBeGreaterThan(2);
  }, 120_000);

  it('two clustered replicas with late gossip both deliver, plus three retries of the captured notification: 1 incident, 1 trigger per key', async () => {
    // peer-timeout 0s: neither replica waits to learn from the other that it already sent.
    const first = await alertmanager({ clusterPort: true, peerTimeout: '0s', externalUrl: 'http://alertmanager-0.example:9093' });
    const second = await alertmanager({ peers: [first.clusterAddress!], peerTimeout: '0s', externalUrl: 'http://alertmanager-1.example:9093' });
    // Prometheus sends every alert to every replica.
    await Promise.all([first, second].map((am) => am.postAlerts([pageAlert('CheckoutTwice')])));
    const both = await tap.deliveries.waitFor(2, ofGroup('CheckoutTwice'));
    expect(both.map((d) => sent(d).externalURL).sort()).toEqual(['http://alertmanager-0.example:9093', 'http://alertmanager-1.example:9093']);
    expect(both.map((d) => d.status)).toEqual([200, 200]);
    const id = incidentIdOf(both[0]!);
    expect(incidentIdOf(both[1]!)).toBe(id);

    // Alertmanager retrying after a lost 2xx: the captured body, byte for byte, three more times.
    for (let n = 0; n < 3; n++) {
      const res = await request(app.getHttpServer()).post('/api/alerts/alertmanager').set(bearer(ingestToken)).set('content-type', 'application/json').send(both[0]!.body).expect(200);
      expect(res.body.incidents).toEqual([expect.objectContaining({ id, created: false })]);
    }

    await acknowledgeAndDrain(id);
    expect(pdEvents(id, 'trigger').map((e) => pdBody(e).routing_key).sort()).toEqual([PD_KEY_PRIMARY, PD_KEY_TEAM].sort());
    expect(await count(`SELECT count(*) AS n FROM incidents WHERE group_key = $1`, [groupKey('CheckoutTwice')])).toBe(1);
    const i = await incident(app, id);
    // Every notification received is on the timeline: each replica's and each retry.
    expect(received(i)).toBe(tap.deliveries.entries.filter(ofGroup('CheckoutTwice')).length + 3);
    expect(received(i)).toBeGreaterThanOrEqual(5);
    expect(i.timeline.filter((e) => e.kind === 'triggered')).toHaveLength(1);
    expect(slackCallsOf(id).filter((c) => c.method === 'chat.postMessage')).toHaveLength(2);
  }, 120_000);

  it('the credentials_file token is what authenticates: a wrong one is a 401 Alertmanager logs, nothing stored; the ingest token then gets through', async () => {
    const file = join(rig.work, 'wrong-ingest-token');
    const wrong = formatApiToken(randomBytes(32));
    await writeFile(file, `${wrong}\n`);
    const am = await alertmanager({ credentialsFile: file });
    await am.postAlerts([pageAlert('CheckoutWrongToken')]);

    const [refused] = await tap.deliveries.waitFor(1, ofGroup('CheckoutWrongToken'));
    expect(refused).toMatchObject({ status: 401, authorization: `Bearer ${wrong}` });
    // A 4xx is not retried within the send: Alertmanager gives up on this flush and says why.
    await until('Alertmanager logging the 401', async () => /msg="Notify for alerts failed".*unexpected status code 401/.test(await am.log()));
    expect(await count(`SELECT count(*) AS n FROM incidents WHERE group_key = $1`, [groupKey('CheckoutWrongToken')])).toBe(0);

    // A failed notification is not in Alertmanager's notification log, so the next flush sends
    // again, reading the file afresh: now with the token `vigil token create --role ingest` made.
    await writeFile(file, `${ingestToken}\n`);
    const [accepted] = await tap.deliveries.waitFor(1, (d) => ofGroup('CheckoutWrongToken')(d) && d.status === 200);
    expect(accepted!.authorization).toBe(`Bearer ${ingestToken}`);
    expect(tap.deliveries.entries.filter(ofGroup('CheckoutWrongToken')).filter((d) => d.status !== 200).every((d) => d.status === 401)).toBe(true);
    expect(await count(`SELECT count(*) AS n FROM incidents WHERE group_key = $1`, [groupKey('CheckoutWrongToken')])).toBe(1);
  }, 120_000);
});
