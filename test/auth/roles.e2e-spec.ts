import { createHash, randomBytes } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pg from 'pg';
import request from 'supertest';
import { createApp } from '../../src/app.module.js';
import { loadConfig } from '../../src/config/config.js';
import { displayPrefix, formatApiToken, hashApiToken } from '../../src/core/auth/api-token.js';
import { ROLES, type Permission, type Role } from '../../src/core/auth/roles.js';
import { ManualClock } from '../../src/core/ports/clock.js';
import { JobWorker } from '../../src/modules/jobs/job-worker.js';
import { CACHE_MS } from '../../src/modules/auth/token-verifier.js';
import { ApiTokenRepository } from '../../src/persistence/api-token.repository.js';
import { adminTokenEnv, bearer, TEST_ADMIN_TOKEN } from '../support/auth.js';
import { CHECKOUT_SPEC } from '../support/checkout-spec.js';
import { vigil } from '../support/cli.js';
import { startTestPostgres, type TestPostgres } from '../support/postgres-server.js';
import { startTestPrometheus, type TestPrometheus } from '../support/prometheus-server.js';

/**
 * Who may call what, judged from the outside: the OpenAPI document lists every operation, and
 * each one is called with no token, a wrong one, and a token of every role. A new endpoint without
 * a permission, without bearer security in the document, or without an example below fails here.
 */

/** Written out, not derived from ROLE_PERMISSIONS: the test states the policy independently. */
const ALLOWED: Record<Permission, readonly Role[]> = {
  read: ['admin', 'responder', 'viewer'],
  respond: ['admin', 'responder'],
  admin: ['admin'],
  ingest: ['admin', 'ingest'],
  audit: ['admin', 'viewer'],
};

interface Example {
  /** The permission the operation must declare. */
  readonly permission: Permission;
  /** What an allowed caller gets. */
  readonly status: number;
  /** Path parameters; called afresh for each allowed call (a DELETE needs a new thing each time). */
  readonly params?: () => Promise<Record<string, string>> | Record<string, string>;
  readonly query?: Record<string, string>;
  readonly body?: object;
  /** A stream that never ends by itself (server-sent events): judged by its status and headers, then dropped. */
  readonly stream?: true;
}

let webhookId: string;
const hookBody = () => ({ url: 'http://hooks.example.test/roles-test', secret: 'roles-test-secret-0123456' });

const EXAMPLES: Record<string, Example> = {
  'GET /api/slos': { permission: 'read', status: 200 },
  'GET /api/slos/{service}/{slo}': { permission: 'read', status: 200, params: () => ({ service: 'checkout', slo: 'availability' }) },
  // Who is calling, and sign-out (a bearer caller has no session to end: 204 all the same).
  'GET /api/session': { permission: 'read', status: 200 },
  'DELETE /api/session': { permission: 'read', status: 204 },
  'GET /api/budgets': { permission: 'read', status: 200, query: { sort: 'name' } },
  'GET /api/jobs': { permission: 'read', status: 200 },
  'GET /api/jobs/runs': { permission: 'read', status: 200, query: { job: 'budget-cycle' } },
  'GET /api/jobs/missed': { permission: 'read', status: 200 },
  'GET /api/slos/{service}/{slo}/budget': { permission: 'read', status: 200, params: () => ({ service: 'checkout', slo: 'availability' }) },
  'GET /api/slos/{service}/{slo}/budget/history': { permission: 'read', status: 200, params: () => ({ service: 'checkout', slo: 'availability' }) },
  'GET /api/reports/slo': { permission: 'read', status: 200, query: { format: 'csv' } },
  'POST /api/webhooks': { permission: 'admin', status: 201, body: hookBody() },
  'GET /api/webhooks': { permission: 'read', status: 200 },
  'GET /api/webhooks/{id}': { permission: 'read', status: 200, params: () => ({ id: webhookId }) },
  'DELETE /api/webhooks/{id}': { permission: 'admin', status: 204, params: async () => ({ id: await newWebhook() }) },
  'GET /api/webhooks/{id}/deliveries': { permission: 'read', status: 200, params: () => ({ id: webhookId }) },
  'GET /api/audit': { permission: 'audit', status: 200, query: { limit: '5' } },
  'POST /api/alerts/alertmanager': { permission: 'ingest', status: 200, body: amBody() },
  'POST /api/alerts/test': { permission: 'respond', status: 201, body: {} },
  'GET /api/events': { permission: 'read', status: 200, stream: true },
  'GET /api/incidents': { permission: 'read', status: 200, query: { status: 'triggered' } },
  'GET /api/incidents/{id}': { permission: 'read', status: 200, params: async () => ({ id: await newIncident() }) },
  'POST /api/incidents/{id}/ack': { permission: 'respond', status: 200, params: async () => ({ id: await newIncident() }) },
  'POST /api/incidents/{id}/resolve': { permission: 'respond', status: 200, params: async () => ({ id: await newIncident() }) },
  'POST /api/incidents/{id}/notes': { permission: 'respond', status: 201, params: async () => ({ id: await newIncident() }), body: { text: 'checked the dashboards' } },
  'GET /api/oncall': { permission: 'read', status: 200 },
  'POST /api/routes/test': { permission: 'read', status: 200, body: { labels: { severity: 'critical', service: 'checkout' } } },
  // The repository's example restore drill (copied below): runs requested here fail at once, its connections are not set.
  'GET /api/drills': { permission: 'read', status: 200 },
  'GET /api/drills/{name}/runs': { permission: 'read', status: 200, params: () => ({ name: 'postgres-restore' }) },
  'POST /api/drills/{name}/runs': { permission: 'respond', status: 202, params: () => ({ name: 'postgres-restore' }), body: {} },
  'GET /api/drill-runs/{id}/report': { permission: 'read', status: 200, params: async () => ({ id: await storedDrillReport() }) },
  'GET /api/drill-runs/{id}/verification': { permission: 'read', status: 200, params: async () => ({ id: await storedDrillReport() }) },
};

let drillReports = 0;
/** A run with a stored report, written as the repository writes one (its content does not matter to who may read it). */
async function storedDrillReport(): Promise<string> {
  const runId = `roles-${++drillReports}`;
  await sql(`INSERT INTO drill_runs (run_id, drill, type, trigger, requested_by, started_at) VALUES ($1, 'postgres-restore', 'restore', 'manual', 'test', now())`, [runId]);
  const hash = createHash('sha256').update(runId).digest('hex');
  await sql(`INSERT INTO drill_reports (sequence, run_id, hash, previous_hash, canonical, sealed_at) VALUES ($1, $2, $3, $4, '{}', now())`, [drillReports, runId, hash, '0'.repeat(64)]);
  return runId;
}

/** An Alertmanager v4 notification, the smallest a sender may send. */
function amBody(): object {
  return { version: '4', groupKey: '{}:{alertname="RolesTest"}', status: 'firing', receiver: 'vigil', alerts: [{ status: 'firing', labels: { alertname: 'RolesTest', service: 'checkout' }, startsAt: '2026-11-29T10:00:00Z' }] };
}

/** A fresh triggered incident (the synthetic test alert), for operations that change one. */
async function newIncident(): Promise<string> {
  const res = await http().post('/api/alerts/test').set(bearer()).send({}).expect(201);
  return res.body.incidents[0].id as string;
}

interface Operation {
  readonly 'x-vigil-permission'?: unknown;
  readonly security?: Record<string, unknown>[];
  readonly responses?: Record<string, unknown>;
}
type OpenApi = { paths: Record<string, Record<string, Operation>>; components?: { securitySchemes?: Record<string, unknown> } };

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

let work: string;
let db: TestPostgres;
let prom: TestPrometheus;
let app: NestFastifyApplication;
const logs: string[] = [];
const tokens = {} as Record<Role, string>;
/** Every token this file made, to prove none of them reached a log line. */
const allTokens: string[] = [TEST_ADMIN_TOKEN];
const savedDatabaseUrl = process.env.DATABASE_URL;

const http = () => request(app.getHttpServer());
/** The app's clock: the token cache and expiry are stepped, not waited for. */
const clock = new ManualClock(new Date());

/** The answer of a streaming operation as supertest would give it: the status and headers, the body only when it is not the stream. */
async function openStream(path: string, headers: Record<string, string>): Promise<request.Response> {
  const abort = new AbortController();
  const res = await fetch(`${await app.getUrl()}${path}`, { headers, signal: abort.signal });
  const streaming = res.headers.get('content-type')?.startsWith('text/event-stream') === true;
  const text = streaming ? '' : await res.text();
  abort.abort();
  return { status: res.status, headers: Object.fromEntries(res.headers), text, body: streaming ? {} : JSON.parse(text) } as unknown as request.Response;
}

async function newWebhook(): Promise<string> {
  const res = await http().post('/api/webhooks').set(bearer()).send(hookBody()).expect(201);
  return res.body.id as string;
}

/** `vigil token create` in-process, against the test database; returns the token it printed. */
async function cliToken(role: Role, name: string, ...more: string[]): Promise<string> {
  const r = await vigil(work, 'token', 'create', '--role', role, '--name', name, ...more);
  expect(r).toMatchObject({ code: 0 });
  const token = r.out.trim();
  allTokens.push(token);
  return token;
}

async function sql<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

async function boot(databaseUrl: string, env: Record<string, string> = {}): Promise<NestFastifyApplication> {
  const out = await mkdtemp(join(work, 'out-'));
  const config = loadConfig({
    PORT: '0',
    DATABASE_URL: databaseUrl,
    VIGIL_SLOS_DIR: join(work, 'slos'),
    VIGIL_DRILLS_DIR: join(work, 'drills'),
    VIGIL_OUT_DIR: out,
    PROMETHEUS_URL: prom.url,
    VIGIL_BUDGET_INTERVAL: '1h',
    LOG_LEVEL: 'debug',
    ...(await adminTokenEnv(out)),
    ...env,
  });
  const a = await createApp(config, { logWrite: (line) => logs.push(line), clock });
  await a.listen(0, '127.0.0.1');
  return a;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'vigil-auth-'));
  await mkdir(join(work, 'slos'));
  await writeFile(join(work, 'slos', 'checkout.yaml'), CHECKOUT_SPEC);
  // The repository's example restore drill: it notifies channels only, so it needs no OnCall spec
  // (the failover example names an on-call schedule, which would make the specs' load fail).
  await mkdir(join(work, 'drills'));
  await copyFile('drills/postgres-restore.yaml', join(work, 'drills', 'postgres-restore.yaml'));
  [db, prom] = await Promise.all([startTestPostgres('vigil_auth_test'), startTestPrometheus({ lifecycle: false })]);
  process.env.DATABASE_URL = db.url;
  app = await boot(db.url);
  // The budget endpoint answers 200 once a cycle has run (an empty Prometheus: no-data budgets).
  await app.get(JobWorker).drain();
  for (const role of ROLES) tokens[role] = await cliToken(role, `role-${role}`);
  webhookId = await newWebhook();
}, 60_000);

afterAll(async () => {
  if (savedDatabaseUrl === undefined) delete process.env.DATABASE_URL;
  else process.env.DATABASE_URL = savedDatabaseUrl;
  await app?.close();
  await Promise.all([db?.stop(), prom?.stop()]);
  if (work) await rm(work, { recursive: true, force: true });
});

describe('every operation in the OpenAPI document', () => {
  let doc: OpenApi;
  const operations: { key: string; method: string; template: string; op: Operation }[] = [];

  beforeAll(async () => {
    doc = (await http().get('/api/docs-json').set(bearer(tokens.admin)).expect(200)).body as OpenApi;
    for (const [template, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (HTTP_METHODS.includes(method)) operations.push({ key: `${method.toUpperCase()} ${template}`, method, template, op });
      }
    }
  });

  it('declares the bearer scheme once, for the whole document', () => {
    expect(doc.components?.securitySchemes).toEqual({ bearer: expect.objectContaining({ type: 'http', scheme: 'bearer' }) });
  });

  it('lists every operation of the example table, and no other (a new endpoint needs a role and an example)', () => {
    expect(operations.map((o) => o.key).sort()).toEqual(Object.keys(EXAMPLES).sort());
  });

  it('each carries x-vigil-permission, bearer security and 401/403 answers, matching the example table', () => {
    const problems: string[] = [];
    for (const { key, op } of operations) {
      const permission = op['x-vigil-permission'];
      if (typeof permission !== 'string' || !(permission in ALLOWED)) problems.push(`${key}: x-vigil-permission is ${JSON.stringify(permission)}`);
      else if (EXAMPLES[key] && EXAMPLES[key].permission !== permission) problems.push(`${key}: declares ${permission}, the table says ${EXAMPLES[key].permission}`);
      if (!op.security?.some((s) => 'bearer' in s)) problems.push(`${key}: no bearer security requirement`);
      for (const status of ['401', '403']) if (!op.responses?.[status]) problems.push(`${key}: no ${status} response documented`);
      if (!EXAMPLES[key]) problems.push(`${key}: no example in the table`);
    }
    expect(problems).toEqual([]);
  });

  it('each answers 401 without a token or with a wrong one, 403 to a role too small, and its 2xx to every role allowed', async () => {
    const problems: string[] = [];
    const wrong = formatApiToken(randomBytes(32));
    allTokens.push(wrong);
    for (const { key, method, template, op } of operations) {
      const example = EXAMPLES[key];
      if (!example) {
        problems.push(`${key}: no example`);
        continue;
      }
      const permission = op['x-vigil-permission'] as Permission;
      const call = async (headers: Record<string, string>) => {
        const params = (await example.params?.()) ?? {};
        const path = template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? `missing-${name}`));
        if (example.stream) return openStream(path, headers);
        let r = (http() as unknown as Record<string, (p: string) => request.Test>)[method]!(path).set(headers);
        if (example.query) r = r.query(example.query);
        if (example.body) r = r.send(example.body);
        return r;
      };
      const expectStatus = (who: string, res: request.Response, status: number) => {
        if (res.status !== status) problems.push(`${key} ${who}: ${res.status}, expected ${status}: ${res.text.slice(0, 200)}`);
      };

      for (const [who, headers] of [
        ['without a token', {}],
        ['with a wrong token', bearer(wrong)],
        ['with a malformed token', bearer('vgl_not-a-token')],
        ['with Basic auth', { Authorization: 'Basic YWRtaW46YWRtaW4=' }],
      ] as const) {
        const res = await call(headers);
        expectStatus(who, res, 401);
        if (res.headers['www-authenticate'] !== 'Bearer realm="vigil"') problems.push(`${key} ${who}: WWW-Authenticate ${res.headers['www-authenticate']}`);
        if (!/json/.test(String(res.headers['content-type'])) || res.body.statusCode !== 401 || res.body.error !== 'Unauthorized' || typeof res.body.message !== 'string') {
          problems.push(`${key} ${who}: body ${res.text}`);
        }
      }
      for (const role of ROLES) {
        const res = await call(bearer(tokens[role]));
        if (ALLOWED[permission].includes(role)) {
          expectStatus(`as ${role}`, res, example.status);
        } else {
          expectStatus(`as ${role}`, res, 403);
          if (res.body.role !== role || res.body.permission !== permission || res.body.error !== 'Forbidden') problems.push(`${key} as ${role}: 403 body ${res.text}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('without a token', () => {
  it.each(['/healthz', '/readyz', '/metrics'])('%s answers 200: probes and scrapes need no token', async (path) => {
    await http().get(path).expect(200);
  });

  it.each(['/api/docs-json', '/api/docs-yaml', '/api/docs', '/api/docs/swagger-ui-init.js', '/api/docs/swagger-ui.css'])('%s answers 401 with WWW-Authenticate', async (path) => {
    const res = await http().get(path).expect(401).expect('www-authenticate', 'Bearer realm="vigil"');
    expect(res.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: expect.any(String) });
  });

  it('the API documentation needs read: an ingest token gets 403, a viewer the document', async () => {
    const res = await http().get('/api/docs-json').set(bearer(tokens.ingest)).expect(403);
    expect(res.body).toMatchObject({ statusCode: 403, role: 'ingest', permission: 'read' });
    await http().get('/api/docs-json').set(bearer(tokens.viewer)).expect(200);
  });

  it('an unknown path is still a 404 (the guard only sees routes that exist)', async () => {
    await http().get('/api/no-such-thing').expect(404);
  });
});

describe('revoked and expired tokens', () => {
  it('a revoked token is refused at once when this replica has not cached it', async () => {
    const token = await cliToken('viewer', 'revoked-unused');
    expect((await vigil(work, 'token', 'revoke', 'revoked-unused')).code).toBe(0);
    const res = await http().get('/api/slos').set(bearer(token)).expect(401);
    expect(res.body.message).toMatch(/revoked/);
  });

  it(`a revoked token that was in use is refused within ${CACHE_MS / 1000} s (the verification cache)`, async () => {
    const token = await cliToken('viewer', 'revoked-in-use');
    await http().get('/api/slos').set(bearer(token)).expect(200);
    expect((await vigil(work, 'token', 'revoke', 'revoked-in-use')).code).toBe(0);
    // Still believed from the cache until CACHE_MS after it was read, then asked again and refused.
    clock.advance(CACHE_MS / 1000 - 1);
    await http().get('/api/slos').set(bearer(token)).expect(200);
    clock.advance(1);
    expect((await http().get('/api/slos').set(bearer(token)).expect(401)).body.message).toMatch(/revoked/);
  });

  it('an expired token is refused, even one still in the cache', async () => {
    const repo = app.get(ApiTokenRepository);
    const make = async (name: string, expiresAt: Date) => {
      const token = formatApiToken(randomBytes(32));
      allTokens.push(token);
      await repo.create({ name, role: 'admin', tokenHash: hashApiToken(token), prefix: displayPrefix(token), createdBy: 'test', expiresAt });
      return token;
    };
    const past = await make('expired-yesterday', new Date(clock.now().getTime() - 86_400_000));
    expect((await http().get('/api/slos').set(bearer(past)).expect(401)).body.message).toMatch(/expiry/);
    const soon = await make('expiring-soon', new Date(clock.now().getTime() + 1_000));
    await http().get('/api/slos').set(bearer(soon)).expect(200);
    clock.advance(1.1);
    await http().get('/api/slos').set(bearer(soon)).expect(401);
  });

  it('last_used_at is written on use, and not again within the minute', async () => {
    const token = await cliToken('viewer', 'touch-me');
    const lastUsed = async () => (await sql<{ last_used_at: Date | null }>('SELECT last_used_at FROM api_tokens WHERE name = $1', ['touch-me']))[0]!.last_used_at;
    expect(await lastUsed()).toBeNull();
    await http().get('/api/slos').set(bearer(token)).expect(200);
    const first = await lastUsed();
    expect(first).toBeInstanceOf(Date);
    clock.advance(30);
    await http().get('/api/slos').set(bearer(token)).expect(200);
    expect(await lastUsed()).toEqual(first);
  });
});

describe('the audit log', () => {
  type Row = { actor: string; token_id: string | null; role: string | null; method: string; route: string; path: string; status: number; request_id: string | null; detail: Record<string, unknown> | null };
  const rowFor = async (requestId: string) => (await sql<Row>('SELECT * FROM audit_log WHERE request_id = $1', [requestId]));

  it('keeps a mutating call: actor, role, route template, status, request id and the created id', async () => {
    const res = await http().post('/api/webhooks').set(bearer(tokens.admin)).set('x-request-id', 'audit-create-1').send(hookBody()).expect(201);
    const rows = await rowFor('audit-create-1');
    expect(rows).toEqual([
      expect.objectContaining({ actor: 'role-admin', role: 'admin', method: 'POST', route: '/api/webhooks', path: '/api/webhooks', status: 201, detail: { id: res.body.id } }),
    ]);
    expect(rows[0]!.token_id).toMatch(/^[0-9a-f-]{36}$/);
    const del = await http().delete(`/api/webhooks/${res.body.id}`).set(bearer(tokens.admin)).set('x-request-id', 'audit-delete-1').expect(204);
    expect(del.status).toBe(204);
    expect(await rowFor('audit-delete-1')).toEqual([expect.objectContaining({ method: 'DELETE', route: '/api/webhooks/:id', path: `/api/webhooks/${res.body.id}`, status: 204 })]);
  });

  it('keeps a denied call (403), with the permission it lacked', async () => {
    await http().post('/api/webhooks').set(bearer(tokens.viewer)).set('x-request-id', 'audit-denied-1').send(hookBody()).expect(403);
    expect(await rowFor('audit-denied-1')).toEqual([
      expect.objectContaining({ actor: 'role-viewer', role: 'viewer', method: 'POST', route: '/api/webhooks', status: 403, detail: expect.objectContaining({ permission: 'admin' }) }),
    ]);
  });

  it('keeps a call the handler refused (400, 404), with the error', async () => {
    await http().post('/api/webhooks').set(bearer(tokens.admin)).set('x-request-id', 'audit-invalid-1').send({ url: 'ftp://x' }).expect(400);
    expect(await rowFor('audit-invalid-1')).toEqual([expect.objectContaining({ status: 400, detail: { error: expect.stringMatching(/^invalid webhook registration/) } })]);
    await http().delete('/api/webhooks/6b0c1b6e-9a59-4a57-9a37-1c8a5b0e2f10').set(bearer(tokens.admin)).set('x-request-id', 'audit-missing-1').expect(404);
    expect(await rowFor('audit-missing-1')).toEqual([expect.objectContaining({ status: 404, route: '/api/webhooks/:id' })]);
  });

  it('keeps nothing for a caller who is not authenticated, nor for reads', async () => {
    await http().post('/api/webhooks').set('x-request-id', 'audit-anon-1').send(hookBody()).expect(401);
    await http().get('/api/webhooks').set(bearer(tokens.viewer)).set('x-request-id', 'audit-read-1').expect(200);
    expect(await rowFor('audit-anon-1')).toEqual([]);
    expect(await rowFor('audit-read-1')).toEqual([]);
  });

  it('scrubs a token pasted into the URL from the stored path', async () => {
    await http().post(`/api/webhooks?access_token=${tokens.viewer}`).set(bearer(tokens.admin)).set('x-request-id', 'audit-url-1').send(hookBody()).expect(201);
    const [row] = await rowFor('audit-url-1');
    expect(row!.path).toBe('/api/webhooks?access_token=vgl_[REDACTED]');
  });

  it('keeps the CLI\'s token changes as cli:<os user>', async () => {
    const rows = await sql<Row>(`SELECT * FROM audit_log WHERE method = 'CLI' AND route = 'token revoke' AND detail->>'name' = 'revoked-in-use'`);
    expect(rows).toEqual([expect.objectContaining({ actor: expect.stringMatching(/^cli:/), role: null, status: 0, token_id: expect.any(String) })]);
  });

  it('GET /api/audit pages newest first with nextCursor, and filters by time', async () => {
    const first = (await http().get('/api/audit').query({ limit: '2' }).set(bearer(tokens.viewer)).expect(200)).body as { entries: { id: string; at: string; requestId: string | null }[]; nextCursor: string };
    expect(first.entries).toHaveLength(2);
    expect(BigInt(first.entries[0]!.id)).toBeGreaterThan(BigInt(first.entries[1]!.id));
    expect(first.nextCursor).toBe(first.entries[1]!.id);
    const second = (await http().get('/api/audit').query({ limit: '2', before: first.nextCursor }).set(bearer(tokens.viewer)).expect(200)).body as typeof first;
    expect(BigInt(second.entries[0]!.id)).toBeLessThan(BigInt(first.nextCursor));
    const all = (await http().get('/api/audit').query({ limit: '500' }).set(bearer(tokens.admin)).expect(200)).body as typeof first;
    expect(all.nextCursor).toBeNull();
    expect(all.entries.map((e) => e.requestId)).toEqual(expect.arrayContaining(['audit-create-1', 'audit-denied-1', 'audit-invalid-1']));
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await http().get('/api/audit').query({ from: future }).set(bearer(tokens.admin)).expect(200)).body).toEqual({ entries: [], nextCursor: null });
    const until = (await http().get('/api/audit').query({ to: all.entries[0]!.at, limit: '500' }).set(bearer(tokens.admin)).expect(200)).body as typeof first;
    expect(until.entries.every((e) => e.at < all.entries[0]!.at)).toBe(true);
  });

  it.each([
    [{ limit: '0' }, 'limit'],
    [{ limit: '501' }, 'limit'],
    [{ before: 'abc' }, 'before'],
    [{ from: 'yesterday' }, 'from'],
    [{ page: '2' }, '(body)'],
  ])('GET /api/audit refuses %j with 400 JSON', async (query, path) => {
    const res = await http().get('/api/audit').query(query).set(bearer(tokens.admin)).expect(400);
    expect(res.body.problems.map((p: { path: string }) => p.path)).toEqual([path]);
  });
});

describe('VIGIL_ADMIN_TOKEN_FILE', () => {
  it('adopts the file\'s token at start and rotates it when the file changes; the old one stops working', async () => {
    const url = await db.createDatabase('vigil_auth_rotate_test');
    const dir = await mkdtemp(join(work, 'rotate-'));
    const file = join(dir, 'admin-token');
    const [a, b] = [formatApiToken(randomBytes(32)), formatApiToken(randomBytes(32))];
    allTokens.push(a, b);
    await writeFile(file, `${a}\n`);
    const first = await boot(url, { VIGIL_ADMIN_TOKEN_FILE: file });
    await request(first.getHttpServer()).get('/api/slos').set(bearer(a)).expect(200);
    await first.close();
    await writeFile(file, b);
    const second = await boot(url, { VIGIL_ADMIN_TOKEN_FILE: file });
    try {
      await request(second.getHttpServer()).get('/api/slos').set(bearer(a)).expect(401);
      await request(second.getHttpServer()).get('/api/slos').set(bearer(b)).expect(200);
    } finally {
      await second.close();
    }
    expect(logs.map((l) => JSON.parse(l) as { msg: string }).some((l) => /^admin token "admin-from-file" rotated from .*; the previous one is revoked$/.test(l.msg))).toBe(true);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT name, role, revoked_at IS NOT NULL AS revoked, token_hash FROM api_tokens ORDER BY created_at');
      expect(rows).toEqual([
        { name: 'admin-from-file', role: 'admin', revoked: true, token_hash: hashApiToken(a) },
        { name: 'admin-from-file', role: 'admin', revoked: false, token_hash: hashApiToken(b) },
      ]);
      const audit = await client.query(`SELECT actor, method, detail->>'outcome' AS outcome FROM audit_log ORDER BY id`);
      expect(audit.rows).toEqual([
        { actor: 'system', method: 'START', outcome: 'created' },
        { actor: 'system', method: 'START', outcome: 'rotated' },
      ]);
    } finally {
      await client.end();
    }
  });

  it('refuses to start when the file does not hold a token, without repeating what it holds', async () => {
    const dir = await mkdtemp(join(work, 'bad-'));
    const file = join(dir, 'admin-token');
    await writeFile(file, 'hunter2-not-a-token\n');
    const sink: string[] = [];
    const config = loadConfig({ PORT: '0', DATABASE_URL: db.url, VIGIL_SLOS_DIR: join(work, 'slos'), VIGIL_DRILLS_DIR: join(work, 'drills'), VIGIL_OUT_DIR: dir, VIGIL_ADMIN_TOKEN_FILE: file });
    const bad = await createApp(config, { logWrite: (line) => sink.push(line) });
    try {
      await expect(bad.listen(0, '127.0.0.1')).rejects.toThrow(/VIGIL_ADMIN_TOKEN_FILE: .* does not hold a Vigil API token/);
    } finally {
      await bad.close();
    }
    expect(sink.join('')).not.toContain('hunter2');
  });
});

// Last: every token used above must be absent from every log line.
describe('logs', () => {
  it('never contain a token, not even one pasted into a URL', async () => {
    await http().get(`/api/slos?token=${tokens.responder}`).set(bearer(tokens.viewer)).expect(200);
    expect(logs.length).toBeGreaterThan(50);
    const leaks = logs.filter((line) => allTokens.some((t) => line.includes(t) || line.includes(t.slice(4))));
    expect(leaks).toEqual([]);
    // The refusals were logged, with a reason and never the token.
    expect(logs.some((l) => /"reason":"unknown"/.test(l))).toBe(true);
  });
});
