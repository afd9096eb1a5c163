import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { displayPrefix, formatApiToken, hashApiToken } from '../../src/core/auth/api-token.js';
import type { Role } from '../../src/core/auth/roles.js';
import { ManualClock } from '../../src/core/ports/clock.js';
import { CACHE_MS } from '../../src/modules/auth/token-verifier.js';
import { ApiTokenRepository } from '../../src/persistence/api-token.repository.js';
import { bearer } from '../support/auth.js';
import { isEvent, openEventStream, type EventStreamReader } from '../support/event-stream.js';
import { amNotification, IncidentRig, postAlerts } from '../support/incident-rig.js';
import { until } from '../support/until.js';

/**
 * GET /api/events across replicas: two Vigil apps on one PostgreSQL; a stream opened on one
 * hears every incident change committed through the other (LISTEN/NOTIFY), and nothing for a
 * notification that changes nothing. Heartbeats, the credential checked at each one, and what is
 * left behind when a client goes away.
 */

const T0 = new Date('2026-11-29T10:00:00Z');
let rig: IncidentRig;
let clock: ManualClock;
let a: NestFastifyApplication;
let b: NestFastifyApplication;
const readers: EventStreamReader[] = [];

beforeAll(async () => {
  clock = new ManualClock(T0);
  rig = await IncidentRig.start('live_events', { clock });
  const env = { VIGIL_EVENTS_HEARTBEAT: '1s' };
  a = await rig.startApp(rig.spec(), env);
  b = await rig.startApp(rig.spec(), env);
}, 120_000);

afterAll(async () => {
  for (const r of readers) r.close();
  await rig?.close();
});

async function stream(app: NestFastifyApplication, headers: Record<string, string> = bearer()): Promise<EventStreamReader> {
  const r = await openEventStream(`${await app.getUrl()}/api/events`, headers);
  readers.push(r);
  return r;
}

async function token(role: Role, name: string): Promise<string> {
  const t = formatApiToken(randomBytes(32));
  await a.get(ApiTokenRepository).create({ name, role, tokenHash: hashApiToken(t), prefix: displayPrefix(t), createdBy: 'test', expiresAt: null });
  return t;
}

const CRITICAL = { alertname: 'CheckoutErrorBudgetBurn', service: 'checkout', severity: 'critical' };
const incidentEvent = (id: string) => isEvent('incident', (d) => d.id === id);
const openStreams = async (app: NestFastifyApplication) => Number(/^vigil_event_streams (\d+)$/m.exec((await request(app.getHttpServer()).get('/metrics').expect(200)).text)?.[1]);
const listeners = async () => (await rig.query<{ n: string }>(`SELECT count(*) AS n FROM pg_stat_activity WHERE application_name LIKE 'vigil:%:events' AND query ILIKE 'LISTEN%'`))[0]!.n;

it('a stream on one replica hears incidents created and acknowledged through the other', async () => {
  const live = await stream(a);
  expect(live.status).toBe(200);
  expect(live.contentType).toBe('text/event-stream; charset=utf-8');
  await live.next('ready', isEvent('ready'));

  const created = await postAlerts(b, amNotification('{}:{alertname="CheckoutErrorBudgetBurn"}', [{ labels: CRITICAL }])).expect(200);
  const id = created.body.incidents[0].id as string;
  await live.next(`incident ${id} created`, incidentEvent(id));

  await request(b.getHttpServer()).post(`/api/incidents/${id}/ack`).set(bearer()).send({}).expect(200);
  const afterCreate = live.messages.length;
  await live.next(`incident ${id} acknowledged`, incidentEvent(id), afterCreate);
  const state = await request(a.getHttpServer()).get(`/api/incidents/${id}`).set(bearer()).expect(200);
  expect(state.body.status).toBe('acknowledged');
});

it('a notification that changes nothing announces nothing: the next event is the change made after it', async () => {
  const live = await stream(a);
  await live.next('ready', isEvent('ready'));
  const group = '{}:{alertname="SearchDown"}';
  const alert = { labels: { alertname: 'SearchDown', service: 'search', severity: 'critical' } };
  const first = await postAlerts(b, amNotification(group, [alert])).expect(200);
  const repeated = first.body.incidents[0].id as string;
  await live.next(`incident ${repeated}`, incidentEvent(repeated));
  await rig.settle();

  const from = live.messages.length;
  // The same notification again (Alertmanager's repeat), then a change to another incident.
  await postAlerts(b, amNotification(group, [alert])).expect(200);
  const other = (await postAlerts(b, amNotification('{}:{alertname="LoginDown"}', [{ labels: { alertname: 'LoginDown', service: 'identity', severity: 'critical' } }])).expect(200)).body.incidents[0].id as string;
  // NOTIFY is delivered in commit order: had the repeat announced anything, it would come first.
  const next = await live.next('the next incident event', isEvent('incident'), from);
  expect(JSON.parse((next as { data: string }).data)).toEqual({ id: other });
});

it('sends a heartbeat comment, and ends the stream with signed-out once its token is revoked', async () => {
  const viewer = await token('viewer', 'live-viewer');
  const live = await stream(a, bearer(viewer));
  await live.next('a heartbeat', (m) => m.kind === 'comment' && m.text === 'heartbeat');
  await a.get(ApiTokenRepository).revoke('live-viewer');
  // The verification cache keeps a token for CACHE_MS of the app's clock; then the next heartbeat asks again.
  clock.advance(CACHE_MS / 1000 + 1);
  const bye = await live.next('signed-out', isEvent('signed-out'));
  expect(JSON.parse((bye as { data: string }).data)).toEqual({ reason: 'revoked' });
  await live.ended;
});

it('when the LISTEN connection is lost, the replica listens again and tells its streams to read afresh (ready); later changes still arrive', async () => {
  const live = await stream(a);
  await live.next('ready', isEvent('ready'));
  const from = live.messages.length;
  const killed = await rig.query<{ n: string }>(`SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE application_name LIKE 'vigil:%:events'`);
  expect(Number(killed[0]!.n)).toBeGreaterThan(0);
  await live.next('ready again', isEvent('ready'), from);
  const id = (await postAlerts(b, amNotification('{}:{alertname="AfterReconnect"}', [{ labels: { alertname: 'AfterReconnect', service: 'search', severity: 'critical' } }])).expect(200)).body.incidents[0].id as string;
  await live.next(`incident ${id}`, incidentEvent(id), from);
});

it('answers 401 without a token and 403 to a role without read, as JSON, before any stream starts', async () => {
  const none = await stream(a, {});
  expect(none.status).toBe(401);
  const ingest = await stream(a, bearer(await token('ingest', 'live-ingest')));
  expect(ingest.status).toBe(403);
  expect(ingest.contentType).toMatch(/^application\/json/);
});

it('leaves nothing behind when the clients go away: no stream, and no LISTEN connection once the last one left', async () => {
  for (const r of readers.splice(0)) r.close();
  const one = await stream(b);
  const two = await stream(b);
  await Promise.all([one.next('ready', isEvent('ready')), two.next('ready', isEvent('ready'))]);
  await until('two streams on b', async () => (await openStreams(b)) === 2);
  one.close();
  await until('one stream left on b', async () => (await openStreams(b)) === 1);
  two.close();
  await until('no stream on b', async () => (await openStreams(b)) === 0);
  await until('no replica listening', async () => (await listeners()) === '0');
  // And it listens again for the next client.
  const three = await stream(b);
  await three.next('ready', isEvent('ready'));
  expect(await listeners()).toBe('1');
});
