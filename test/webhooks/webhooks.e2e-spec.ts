import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pg from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { freePort } from '../../src/adapters/postgres/embedded-postgres.js';
import { createApp } from '../../src/app.module.js';
import { loadConfig } from '../../src/config/config.js';
import { serialisePayload, webhookPayload } from '../../src/core/webhooks/payload.js';
import type { SloEvent, SloEventType } from '../../src/core/webhooks/status-events.js';
import { JobWorker } from '../../src/modules/jobs/job-worker.js';
import { WebhookService } from '../../src/modules/webhooks/webhooks.service.js';
import { adminTokenEnv, bearer } from '../support/auth.js';
import { startTestPostgres, type TestPostgres } from '../support/postgres-server.js';
import { until } from '../support/until.js';

/** What the receiver saw: the raw body bytes as text, exactly as they arrived. */
interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/**
 * A webhook receiver on loopback. The path picks the behaviour: /ok answers 200, /flaky 500 twice
 * then 200, /down always 500, /gone 410.
 */
interface Receiver {
  readonly base: string;
  readonly received: Received[];
  readonly at: (path: string) => Received[];
  readonly close: () => Promise<void>;
}

async function startReceiver(port = 0): Promise<Receiver> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const seen = received.filter((r) => r.path === path).length;
      const status = path === '/ok' ? 200 : path === '/flaky' ? (seen <= 2 ? 500 : 200) : path === '/gone' ? 410 : 500;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'nope');
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${bound}`,
    received,
    at: (path) => received.filter((r) => r.path === path),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const SECRET = 'whsec-test-0123456789abcdef';
const AT = 1_764_000_000;

function event(type: SloEventType, slo = 'availability'): SloEvent {
  return {
    type,
    at: AT,
    service: 'checkout',
    slo,
    objective: '99.9',
    previousStatus: type === 'slo.recovered' ? 'exhausted' : 'healthy',
    status: type === 'slo.recovered' ? 'healthy' : type === 'slo.exhausted' ? 'exhausted' : 'at-risk',
    sli: 0.9981,
    errorBudgetRemaining: type === 'slo.exhausted' ? -0.9 : 0.2,
    burnRates: { '1h': 14.4, '6h': 6, '3d': null },
    windowSeconds: 2_592_000,
  };
}

/** The delivery's job row: its state is final (succeeded, failed) once nothing more will be sent. */
async function jobOf(deliveryId: string): Promise<{ state: string; attempts: number }> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ state: string; attempts: number }>(`SELECT state, attempts FROM jobs WHERE name = 'webhook-delivery' AND key = $1`, [deliveryId]);
    return rows[0]!;
  } finally {
    await client.end();
  }
}

let work: string;
let db: TestPostgres;
let receiver: Receiver;
const apps: NestFastifyApplication[] = [];
const logs: string[] = [];

async function start(env: Record<string, string> = {}): Promise<NestFastifyApplication> {
  const root = await mkdtemp(join(work, 'app-'));
  await mkdir(join(root, 'slos'));
  await mkdir(join(root, 'out'));
  const config = loadConfig({
    PORT: '0',
    DATABASE_URL: db.url,
    VIGIL_SLOS_DIR: join(root, 'slos'),
    // A drills folder that does not exist: by default the repository's drills/ would be read from the working directory.
    VIGIL_DRILLS_DIR: join(root, 'drills'),
    VIGIL_OUT_DIR: join(root, 'out'),
    LOG_LEVEL: 'debug',
    VIGIL_WEBHOOK_BACKOFF_MS: '50',
    // The receivers run on loopback, which the target policy refuses unless allowed.
    VIGIL_WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
    VIGIL_WEBHOOK_MAX_ENDPOINTS: '4',
    ...(await adminTokenEnv(root)),
    ...env,
  });
  const app = await createApp(config, { logWrite: (line) => logs.push(line) });
  apps.push(app);
  await app.listen(0, '127.0.0.1');
  return app;
}

async function close(app: NestFastifyApplication): Promise<void> {
  apps.splice(apps.indexOf(app), 1);
  await app.close();
}

interface DeliveryJson {
  id: string;
  eventType: string;
  status: string;
  payload: { id: string };
  attempts: { attempt: number; startedAt: string; durationMs: number; httpStatus: number | null; error: string | null }[];
}

async function register(app: NestFastifyApplication, path: string, events?: SloEventType[]): Promise<string> {
  const res = await request(app.getHttpServer())
    .post('/api/webhooks').set(bearer())
    .send({ url: `${receiver.base}${path}`, secret: SECRET, ...(events ? { events } : {}) })
    .expect(201);
  return res.body.id as string;
}

async function deliveries(app: NestFastifyApplication, id: string): Promise<DeliveryJson[]> {
  const res = await request(app.getHttpServer()).get(`/api/webhooks/${id}/deliveries`).set(bearer()).expect(200);
  return res.body.deliveries as DeliveryJson[];
}

/** Waits until the endpoint's only delivery is delivered or failed, and returns it. */
async function settled(app: NestFastifyApplication, id: string): Promise<DeliveryJson> {
  return until(`delivery to ${id} to settle`, async () => {
    const [d] = await deliveries(app, id);
    return d && (d.status === 'delivered' || d.status === 'failed') ? d : undefined;
  });
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'vigil-webhooks-'));
  await chmod(work, 0o755);
  db = await startTestPostgres('vigil_webhooks_test');
  receiver = await startReceiver();
});

afterAll(async () => {
  for (const app of [...apps].reverse()) await app.close().catch(() => undefined);
  await receiver?.close();
  await db?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('webhooks on one running app', () => {
  let app: NestFastifyApplication;
  beforeAll(async () => {
    app = await start();
  });

  // Every enqueue fans out to all endpoints subscribed: each test starts with none.
  afterEach(async () => {
    const list = await request(app.getHttpServer()).get('/api/webhooks').set(bearer()).expect(200);
    for (const w of list.body.webhooks as { id: string }[]) await request(app.getHttpServer()).delete(`/api/webhooks/${w.id}`).set(bearer()).expect(204);
  });

  it('refuses an invalid registration with a 400 that lists every problem', async () => {
    const res = await request(app.getHttpServer())
      .post('/api/webhooks').set(bearer())
      .send({ url: 'ftp://example.com/hook', secret: 'short', events: ['slo.exhausted', 'slo.violation'], event: 'typo' })
      .expect(400)
      .expect('content-type', /json/);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.stringMatching(/^invalid webhook registration: /) });
    expect(res.body.problems).toEqual(
      expect.arrayContaining([
        { path: 'url', message: 'must be an http:// or https:// URL' },
        { path: 'secret', message: 'must be at least 16 characters' },
        { path: 'events.1', message: 'must be one of slo.at_risk, slo.exhausted, slo.recovered' },
        expect.objectContaining({ path: '(body)', message: expect.stringContaining('event') }),
      ]),
    );
    expect(res.body.problems).toHaveLength(4);
  });

  it.each([
    ['no body at all', undefined, ['url', 'secret']],
    ['an empty events list', { url: 'https://example.com/h', secret: SECRET, events: [] }, ['events']],
    ['a URL that is not one', { url: 'not a url', secret: SECRET }, ['url']],
    ['a secret that is not a string', { url: 'https://example.com/h', secret: 1234567890123456 }, ['secret']],
  ])('refuses %s with 400 JSON', async (_, body, paths) => {
    const res = await request(app.getHttpServer()).post('/api/webhooks').set(bearer()).send(body).expect(400);
    expect(res.body.problems.map((p: { path: string }) => p.path)).toEqual(paths);
  });

  it('registers an endpoint for all three events by default and never shows its secret', async () => {
    const created = await request(app.getHttpServer())
      .post('/api/webhooks').set(bearer())
      .send({ url: `${receiver.base}/ok`, secret: SECRET, description: 'on-call bridge' })
      .expect(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      url: `${receiver.base}/ok`,
      events: ['slo.at_risk', 'slo.exhausted', 'slo.recovered'],
      description: 'on-call bridge',
      createdAt: expect.any(String),
      secretSet: true,
    });
    const list = await request(app.getHttpServer()).get('/api/webhooks').set(bearer()).expect(200);
    const one = await request(app.getHttpServer()).get(`/api/webhooks/${created.body.id}`).set(bearer()).expect(200);
    expect(list.body).toEqual({ webhooks: [created.body], nextCursor: null });
    expect(one.body).toEqual(created.body);
    for (const text of [created.text, list.text, one.text]) expect(text).not.toContain(SECRET);
  });

  it.each([
    ['GET', '/api/webhooks/:id', (id: string) => `/api/webhooks/${id}`],
    ['DELETE', '/api/webhooks/:id', (id: string) => `/api/webhooks/${id}`],
    ['GET', '/api/webhooks/:id/deliveries', (id: string) => `/api/webhooks/${id}/deliveries`],
  ] as const)('answers %s %s of an unknown or malformed id with a 404 JSON error', async (method, _, path) => {
    for (const id of ['6b0c1b6e-9a59-4a57-9a37-1c8a5b0e2f10', 'not-a-uuid']) {
      const r = (method === 'GET' ? request(app.getHttpServer()).get(path(id)) : request(app.getHttpServer()).delete(path(id))).set(bearer());
      const res = await r.expect(404).expect('content-type', /json/);
      expect(res.body).toEqual({ statusCode: 404, error: 'Not Found', message: `webhook "${id}" not found` });
    }
  });

  it.each([
    ['a URL with user:password@ (it would be shown to every reader)', { url: 'https://bob:hunter2@hooks.example.com/h' }, 'url', /must not contain a user name or password/],
    ['a URL with a user name only', { url: 'https://bob@hooks.example.com/h' }, 'url', /must not contain a user name or password/],
    ['the cloud metadata address', { url: 'http://169.254.169.254/latest/meta-data/' }, 'url', /169\.254\.169\.254 is .*metadata/],
    ['a link-local address', { url: 'http://169.254.10.10/h' }, 'url', /link-local/],
    ['IPv6 loopback (only 127.0.0.1 is allowed here)', { url: 'http://[::1]:9/h' }, 'url', /loopback.*VIGIL_WEBHOOK_ALLOWED_HOSTS/],
    ['a NUL character in the secret', { secret: 'whsec-0123456789\u0000abcdef' }, 'secret', /control characters/],
    ['a NUL character in the description', { description: 'on-call\u0000bridge' }, 'description', /control characters/],
  ])('refuses %s with 400 naming the field, and stores nothing', async (_, change, field, message) => {
    const res = await request(app.getHttpServer())
      .post('/api/webhooks')
      .set(bearer())
      .send({ url: `${receiver.base}/ok`, secret: SECRET, ...change })
      .expect(400)
      .expect('content-type', /json/);
    expect(res.body.problems).toEqual([{ path: field, message: expect.stringMatching(message) }]);
    expect(JSON.stringify(res.body)).not.toContain('hunter2');
    const list = await request(app.getHttpServer()).get('/api/webhooks').set(bearer()).expect(200);
    expect(list.body.webhooks).toEqual([]);
  });

  it.each([
    ['a form post', 'application/x-www-form-urlencoded', `url=${encodeURIComponent('https://hooks.example.com/h')}&secret=${SECRET}`],
    ['text/plain (what a cross-site form can also send)', 'text/plain', JSON.stringify({ url: 'https://hooks.example.com/h', secret: SECRET })],
  ])('refuses %s with 415 and stores nothing', async (_, type, body) => {
    const res = await request(app.getHttpServer()).post('/api/webhooks').set(bearer()).set('content-type', type).send(body).expect(415);
    expect(res.body).toMatchObject({ statusCode: 415, error: 'Unsupported Media Type', message: expect.stringMatching(/must be JSON/) });
    expect((await request(app.getHttpServer()).get('/api/webhooks').set(bearer()).expect(200)).body.webhooks).toEqual([]);
  });

  it('lists endpoints a page at a time, and refuses one more than VIGIL_WEBHOOK_MAX_ENDPOINTS with 409', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push(await register(app, `/ok?n=${i}`));
    const refused = await request(app.getHttpServer()).post('/api/webhooks').set(bearer()).send({ url: `${receiver.base}/ok?n=5`, secret: SECRET }).expect(409);
    expect(refused.body).toMatchObject({ statusCode: 409, message: expect.stringMatching(/at most 4 webhook endpoints/) });
    const seen: string[] = [];
    let after: string | undefined;
    for (let page = 0; page < 3; page++) {
      const res = await request(app.getHttpServer())
        .get('/api/webhooks')
        .set(bearer())
        .query({ limit: '3', ...(after ? { after } : {}) })
        .expect(200);
      seen.push(...(res.body.webhooks as { id: string }[]).map((w) => w.id));
      after = res.body.nextCursor ?? undefined;
      if (!after) break;
    }
    expect(seen).toEqual(ids);
    const bad = await request(app.getHttpServer()).get('/api/webhooks').set(bearer()).query({ limit: '0', after: 'x' }).expect(400);
    expect(bad.body.problems.map((p: { path: string }) => p.path).sort()).toEqual(['after', 'limit']);
  });

  it('refuses a deliveries limit outside 1–500 with 400 JSON', async () => {
    const id = await register(app, '/ok');
    for (const limit of ['0', '501', 'ten']) {
      const res = await request(app.getHttpServer()).get(`/api/webhooks/${id}/deliveries?limit=${limit}`).set(bearer()).expect(400);
      expect(res.body.problems.map((p: { path: string }) => p.path)).toEqual(['limit']);
    }
  });

  it('delivers a signed event: the signature verifies over the raw body, ids match, one attempt logged', async () => {
    const id = await register(app, '/ok');
    const before = receiver.at('/ok').length;
    expect(await app.get(WebhookService).enqueue([event('slo.exhausted')])).toBe(1);
    const d = await settled(app, id);
    const got = receiver.at('/ok').slice(before);
    expect(got).toHaveLength(1);
    const { headers, body } = got[0]!;

    const expected = Buffer.from(`sha256=${createHmac('sha256', SECRET).update(Buffer.from(body, 'utf8')).digest('hex')}`);
    const given = Buffer.from(String(headers['x-vigil-signature']));
    expect(given.length === expected.length && timingSafeEqual(given, expected)).toBe(true);
    expect(headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'vigil-webhooks',
      'x-vigil-event': 'slo.exhausted',
      'x-vigil-delivery': d.id,
    });
    expect(JSON.parse(body)).toEqual({
      id: d.id,
      type: 'slo.exhausted',
      timestamp: '2025-11-24T16:00:00.000Z',
      data: {
        service: 'checkout',
        slo: 'availability',
        objective: '99.9',
        previousStatus: 'healthy',
        status: 'exhausted',
        sli: 0.9981,
        errorBudgetRemaining: -0.9,
        burnRates: { '1h': 14.4, '6h': 6, '3d': null },
        windowSeconds: 2_592_000,
      },
    });
    expect(d).toMatchObject({ status: 'delivered', eventType: 'slo.exhausted', payload: JSON.parse(body) });
    expect(d.attempts).toEqual([{ attempt: 1, startedAt: expect.any(String), durationMs: expect.any(Number), httpStatus: 200, error: null }]);
  });

  it('sends an event only to endpoints subscribed to its type', async () => {
    const recoveredOnly = await register(app, '/ok', ['slo.recovered']);
    const all = await register(app, '/ok');
    expect(await app.get(WebhookService).enqueue([event('slo.at_risk'), event('slo.recovered', 'latency')])).toBe(3);
    const [onlyOne] = await until('one delivery', async () => {
      const ds = await deliveries(app, recoveredOnly);
      return ds.length === 1 && ds[0]!.status === 'delivered' ? ds : undefined;
    });
    expect(onlyOne!.eventType).toBe('slo.recovered');
    await until('both deliveries', async () => {
      const ds = await deliveries(app, all);
      return ds.length === 2 && ds.every((x) => x.status === 'delivered');
    });
  });

  it('succeeds on the third attempt after two 500s, sending identical bytes and signature each time', async () => {
    const id = await register(app, '/flaky');
    await app.get(WebhookService).enqueue([event('slo.at_risk')]);
    const d = await settled(app, id);
    expect(d.status).toBe('delivered');
    expect(d.attempts.map((a) => [a.attempt, a.httpStatus, a.error])).toEqual([
      [1, 500, null],
      [2, 500, null],
      [3, 200, null],
    ]);
    const got = receiver.at('/flaky');
    expect(got).toHaveLength(3);
    expect(new Set(got.map((r) => r.body)).size).toBe(1);
    expect(new Set(got.map((r) => r.headers['x-vigil-signature'])).size).toBe(1);
    expect(new Set(got.map((r) => r.headers['x-vigil-delivery'])).size).toBe(1);
  });

  it('gives up after 3 attempts on a persistent 500, with the 3 attempts in the delivery log', async () => {
    const id = await register(app, '/down');
    await app.get(WebhookService).enqueue([event('slo.exhausted')]);
    const d = await settled(app, id);
    expect(d.status).toBe('failed');
    expect(d.attempts.map((a) => [a.attempt, a.httpStatus])).toEqual([
      [1, 500],
      [2, 500],
      [3, 500],
    ]);
    // The backoff grew: 50 ms, then 200 ms (base 50, factor 4), give or take scheduling.
    const t = d.attempts.map((a) => Date.parse(a.startedAt) + a.durationMs);
    const starts = d.attempts.map((a) => Date.parse(a.startedAt));
    expect(starts[1]! - t[0]!).toBeGreaterThanOrEqual(40);
    expect(starts[2]! - t[1]!).toBeGreaterThanOrEqual(190);
    // The job is final: no replica will claim it again, so the 3 requests are all there will be.
    expect(await jobOf(d.id)).toEqual({ state: 'failed', attempts: 3 });
    expect(receiver.at('/down')).toHaveLength(3);
  });

  it('does not retry after a 410', async () => {
    const id = await register(app, '/gone');
    await app.get(WebhookService).enqueue([event('slo.recovered')]);
    const d = await settled(app, id);
    expect(d.status).toBe('failed');
    expect(d.attempts.map((a) => a.httpStatus)).toEqual([410]);
    expect(await jobOf(d.id)).toEqual({ state: 'failed', attempts: 1 });
    expect(receiver.at('/gone')).toHaveLength(1);
  });

  it("writes deliveries in the caller's transaction: a rollback sends nothing, a commit then kick() sends", async () => {
    const id = await register(app, '/ok');
    const webhooks = app.get(WebhookService);
    const dataSource = app.get(DataSource);
    await expect(
      dataSource.transaction(async (m) => {
        expect(await webhooks.enqueue([event('slo.exhausted')], m)).toBe(1);
        throw new Error('budget snapshot failed');
      }),
    ).rejects.toThrow('budget snapshot failed');
    expect(await deliveries(app, id)).toEqual([]);

    await dataSource.transaction((m) => webhooks.enqueue([event('slo.exhausted')], m));
    webhooks.kick();
    expect((await settled(app, id)).status).toBe('delivered');
  });

  afterAll(async () => {
    await close(app);
  });
});

describe('durability across restarts (same database)', () => {
  it('a delivery whose receiver was down is retried by the next process and arrives exactly once', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/ok`;
    // Backoff 1 s: long enough to close the app between attempts 1 and 2.
    const first = await start({ VIGIL_WEBHOOK_BACKOFF_MS: '1000' });
    const { body: hook } = await request(first.getHttpServer()).post('/api/webhooks').set(bearer()).send({ url, secret: SECRET }).expect(201);
    expect(await first.get(WebhookService).enqueue([event('slo.exhausted')])).toBe(1);
    await until('attempt 1 to fail', async () => {
      const [d] = await deliveries(first, hook.id);
      return d?.status === 'pending' && d.attempts.length === 1 ? d : undefined;
    });
    await close(first);

    const late = await startReceiver(port);
    try {
      const second = await start({ VIGIL_WEBHOOK_BACKOFF_MS: '1000' });
      const d = await settled(second, hook.id);
      expect(d.status).toBe('delivered');
      expect(d.attempts.map((a) => [a.attempt, a.httpStatus, a.error === null ? null : 'error'])).toEqual([
        [1, null, 'error'],
        [2, 200, null],
      ]);
      expect(d.attempts[0]!.error).toMatch(/ECONNREFUSED/);
      expect(await jobOf(d.id)).toEqual({ state: 'succeeded', attempts: 2 });
      expect(late.received).toHaveLength(1);
      expect(late.received[0]!.headers['x-vigil-delivery']).toBe(d.id);
      await request(second.getHttpServer()).delete(`/api/webhooks/${hook.id}`).set(bearer()).expect(204);
      await close(second);
    } finally {
      await late.close();
    }
  });

  it('on boot: a delivery whose replica died mid-attempt is the next attempt, one at its maximum fails unsent, a live claim is left alone', async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const {
        rows: [endpoint],
      } = await client.query<{ id: string }>(`INSERT INTO webhook_endpoints (url, secret, events) VALUES ($1, $2, $3) RETURNING id`, [
        `${receiver.base}/ok`,
        SECRET,
        ['slo.at_risk', 'slo.exhausted', 'slo.recovered'],
      ]);
      const ids = { crashed: '0d4b0f6a-1c52-4b8e-8f6e-2f3b8f1d5a01', exhausted: '0d4b0f6a-1c52-4b8e-8f6e-2f3b8f1d5a02', live: '0d4b0f6a-1c52-4b8e-8f6e-2f3b8f1d5a03' };
      const body = (id: string) => serialisePayload(webhookPayload(id, event('slo.exhausted'), '2025-11-24T16:00:00.000Z'));
      // What a kill -9 mid-request leaves: the attempt recorded (no outcome), the claim running with a lapsed lease.
      const claimed = async (id: string, attempts: number, lockedUntil: string) => {
        await client.query(`INSERT INTO webhook_deliveries (id, endpoint_id, event_type, body, status, attempts) VALUES ($1, $2, 'slo.exhausted', $3, 'delivering', $4)`, [id, endpoint!.id, body(id), attempts]);
        for (let a = 1; a <= attempts; a++) await client.query(`INSERT INTO webhook_attempts (delivery_id, attempt, started_at) VALUES ($1, $2, now() - interval '1 minute')`, [id, a]);
        const {
          rows: [job],
        } = await client.query<{ id: string }>(
          `INSERT INTO jobs (name, key, state, run_at, attempts, max_attempts, lease_seconds, locked_by, locked_until, created_at)
           VALUES ('webhook-delivery', $1, 'running', now() - interval '1 minute', $2, 3, 30, 'dead-replica', ${lockedUntil}, now()) RETURNING id`,
          [id, attempts],
        );
        await client.query(`INSERT INTO job_runs (job_id, name, attempt, replica, started_at) VALUES ($1, 'webhook-delivery', $2, 'dead-replica', now() - interval '1 minute')`, [job!.id, attempts]);
      };
      await claimed(ids.crashed, 1, `now() - interval '1 second'`);
      await claimed(ids.exhausted, 3, `now() - interval '1 second'`);
      await claimed(ids.live, 1, `now() + interval '1 hour'`);
      const before = receiver.at('/ok').length;

      const app = await start();
      await app.get(JobWorker).drain();
      const log = await deliveries(app, endpoint!.id);
      const byId = new Map(log.map((d) => [d.id, d]));
      // Sent once more, as attempt 2; attempt 1 stays in the log without an outcome.
      expect(byId.get(ids.crashed)).toMatchObject({ status: 'delivered' });
      expect(byId.get(ids.crashed)!.attempts.map((a) => [a.attempt, a.httpStatus, a.error === null ? null : 'lost'])).toEqual([
        [1, null, 'lost'],
        [2, 200, null],
      ]);
      expect(byId.get(ids.crashed)!.attempts[0]!.error).toMatch(/process stopped/);
      // Three attempts were made already: the maximum holds, nothing is sent, the delivery failed.
      expect(byId.get(ids.exhausted)).toMatchObject({ status: 'failed' });
      expect(await jobOf(ids.exhausted)).toEqual({ state: 'failed', attempts: 3 });
      // Another replica's live claim is not touched.
      expect(await jobOf(ids.live)).toEqual({ state: 'running', attempts: 1 });
      expect(byId.get(ids.live)).toMatchObject({ status: 'delivering' });

      const got = receiver.at('/ok').slice(before);
      expect(got.map((r) => r.headers['x-vigil-delivery'])).toEqual([ids.crashed]);
      expect(got[0]!.body).toBe(body(ids.crashed));
      const { rows: runs } = await client.query<{ attempt: number; outcome: string }>(
        `SELECT r.attempt, r.outcome FROM job_runs r JOIN jobs j ON j.id = r.job_id WHERE j.key = $1 ORDER BY r.attempt`,
        [ids.crashed],
      );
      expect(runs).toEqual([
        { attempt: 1, outcome: 'lost' },
        { attempt: 2, outcome: 'succeeded' },
      ]);
      await request(app.getHttpServer()).delete(`/api/webhooks/${endpoint!.id}`).set(bearer()).expect(204);
      await close(app);
    } finally {
      await client.end();
    }
  });
});

describe('logging', () => {
  it('never wrote a secret to the log, and logged each attempt with its delivery and endpoint ids', () => {
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.filter((l) => l.includes(SECRET))).toEqual([]);
    // Every claim in these tests stayed ours until its attempt was recorded.
    expect(logs.filter((l) => l.includes('claim lapsed') || l.includes('not recorded'))).toEqual([]);
    const attempts = logs.filter((l) => /webhook delivery .* (delivered|failed|attempt)/.test(l));
    expect(attempts.length).toBeGreaterThan(0);
    for (const line of attempts) expect(JSON.parse(line)).toMatchObject({ deliveryId: expect.any(String), endpointId: expect.any(String) });
  });
});
