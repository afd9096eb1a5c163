import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from '../../src/adapters/postgres/embedded-postgres.js';
import { serialisePayload, webhookPayload } from '../../src/core/webhooks/payload.js';
import { adminTokenEnv, TEST_ADMIN_TOKEN } from '../support/auth.js';
import { startBackfilledPrometheus, type BackfilledPrometheus } from '../support/backfilled-prometheus.js';
import { CHECKOUT_SPEC } from '../support/checkout-spec.js';
import { startTestPostgres, type TestPostgres } from '../support/postgres-server.js';
import { latencyHistogram, steps, toOpenMetrics, type SyntheticSeries } from '../support/synthetic-workload.js';
import { VigilProcess } from '../support/vigil-process.js';
import { until } from '../support/until.js';

/**
 * Vigil as it runs in production, twice: two `node dist/main.js` processes (replicas) on one real
 * PostgreSQL and one real Prometheus, a budget cycle every 2 s. Each replica reaches Prometheus
 * through a proxy of its own, so the test can hold one replica's queries (to catch it mid-cycle)
 * or fail them. Replicas are killed with SIGKILL, as a crash or an OOM kill would.
 *
 * History: 2 days at 100 req/s with a 1 h total outage a day ago, so the availability SLO is
 * exhausted on every cycle (one transition, one webhook) and latency stays healthy.
 */

const INTERVAL = 2;
const MINUTE = 60;
const HOUR = 3600;
const DAY = 86400;
const end = Math.floor(Date.now() / 1000 / MINUTE) * MINUTE - MINUTE;
const start = end - 2 * DAY;
const outage = end - DAY;

const errors: SyntheticSeries = { metric: 'http_requests_total', labels: { job: 'checkout', code: '500' }, segments: steps([[start, 0.01], [outage, 100], [outage + HOUR, 0.01]], end) };
const ok: SyntheticSeries = { metric: 'http_requests_total', labels: { job: 'checkout', code: '200' }, segments: steps([[start, 99.99], [outage, 0], [outage + HOUR, 99.99]], end) };
const latency = latencyHistogram({
  metric: 'http_request_duration_seconds',
  labels: { job: 'checkout' },
  buckets: [0.1, 0.25, 1],
  fastSeconds: 0.05,
  slowSeconds: 0.5,
  segments: [{ from: start, to: end, perSecond: 100, slowFraction: 0.001 }],
});

/** Forwards to Prometheus, or answers 503 (`fail`), or takes the request and never answers (`hold`). */
interface PromProxy {
  readonly url: string;
  mode: 'pass' | 'fail' | 'hold';
  /** Requests taken in `hold` mode. */
  held: number;
  /** Answers every held request with 503, so a replica stuck on one gets on with it. */
  readonly release: () => void;
  readonly close: () => Promise<void>;
}

async function promProxy(target: string): Promise<PromProxy> {
  const sockets = new Set<Socket>();
  const waiting: ServerResponse[] = [];
  const proxy: PromProxy = { url: '', mode: 'pass', held: 0, release: () => undefined, close: async () => undefined };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (proxy.mode === 'fail') return void res.writeHead(503).end('proxy: failing on purpose');
    if (proxy.mode === 'hold') {
      proxy.held++;
      waiting.push(res);
      return; // not answered: the replica is stuck mid-cycle
    }
    const up = httpRequest(`${target}${req.url}`, { method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.writeHead(502).end());
    req.pipe(up);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return Object.assign(proxy, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    release: () => {
      for (const res of waiting.splice(0)) if (!res.writableEnded) res.writeHead(503).end('proxy: released');
    },
    close: () =>
      new Promise<void>((ok) => {
        for (const s of sockets) s.destroy();
        server.close(() => ok());
      }),
  });
}

/** A webhook receiver: /ok answers 200; /hang takes the request and answers only when released. */
interface Receiver {
  readonly url: string;
  readonly got: { path: string; delivery: string; body: string }[];
  hang: boolean;
  readonly close: () => Promise<void>;
}

async function receiver(): Promise<Receiver> {
  const sockets = new Set<Socket>();
  const r: Receiver = { url: '', got: [], hang: false, close: async () => undefined };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      r.got.push({ path: req.url ?? '', delivery: String(req.headers['x-vigil-delivery']), body: Buffer.concat(chunks).toString('utf8') });
      if (req.url === '/hang' && r.hang) return; // the request is out; no answer comes
      res.writeHead(200).end('ok');
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return Object.assign(r, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((ok) => {
        for (const s of sockets) s.destroy();
        server.close(() => ok());
      }),
  });
}

let work: string;
let pgServer: TestPostgres;
let prom: BackfilledPrometheus;
let db: pg.Client;
let hooks: Receiver;
const proxies: PromProxy[] = [];
const replicas: VigilProcess[] = [];

async function replica(name: string, proxy: PromProxy): Promise<{ process: VigilProcess; url: string }> {
  const out = join(work, `out-${name}`);
  await mkdir(out, { recursive: true });
  const p = new VigilProcess(
    {
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
      DATABASE_URL: pgServer.url,
      PROMETHEUS_URL: proxy.url,
      PROMETHEUS_TIMEOUT: '20s',
      VIGIL_SLOS_DIR: join(work, 'slos'),
      // A drills folder that does not exist: by default the repository's drills/ would be read from the working directory.
      VIGIL_DRILLS_DIR: join(work, 'drills'),
      VIGIL_OUT_DIR: out,
      VIGIL_DATA_DIR: join(work, `data-${name}`),
      VIGIL_BUDGET_INTERVAL: `${INTERVAL}s`,
      VIGIL_JOB_POLL_MS: '200',
      VIGIL_REPLICA_ID: name,
      VIGIL_WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      VIGIL_WEBHOOK_BACKOFF_MS: '200',
      ...(await adminTokenEnv(out)),
    },
    process.cwd(),
  );
  replicas.push(p);
  return { process: p, url: await p.ready() };
}

async function api(base: string, path: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}${path}`, { ...init, headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** The waits here are for replicas starting and budget cycles every 2 s under load: up to a minute. */
const WAIT_MS = 60_000;

interface CycleRow {
  at: Date;
  job_id: string;
  replica: string;
}
const cycles = async () => (await db.query<CycleRow>('SELECT at, job_id::text, replica FROM budget_cycles ORDER BY at')).rows;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'vigil-replicas-'));
  await chmod(work, 0o755);
  await mkdir(join(work, 'slos'));
  await writeFile(join(work, 'slos', 'checkout.yaml'), CHECKOUT_SPEC);
  [pgServer, prom, hooks] = await Promise.all([
    startTestPostgres('vigil_replicas_test'),
    startBackfilledPrometheus({ openMetrics: toOpenMetrics([ok, errors, ...latency], { start, end, stepSeconds: 60 }), end }),
    receiver(),
  ]);
  db = new pg.Client({ connectionString: pgServer.url });
  await db.connect();
}, 120_000);

afterAll(async () => {
  for (const r of replicas) r.kill('SIGKILL');
  await Promise.all(replicas.map((r) => r.waitForExit(20_000).catch(() => undefined)));
  await db?.end();
  for (const p of proxies) await p.close();
  await hooks?.close();
  await Promise.all([prom?.stop(), pgServer?.stop()]);
  if (work) await rm(work, { recursive: true, force: true });
});

describe('two replicas on one database and one Prometheus', () => {
  let a: { process: VigilProcess; url: string };
  let b: { process: VigilProcess; url: string };
  let proxyA: PromProxy;
  let proxyB: PromProxy;
  let heldJob: { id: string; slot: Date };

  beforeAll(async () => {
    [proxyA, proxyB] = await Promise.all([promProxy(prom.url), promProxy(prom.url)]);
    proxies.push(proxyA, proxyB);
    // Cycles fail until the webhook is registered, so its first transition is not missed.
    proxyA.mode = proxyB.mode = 'fail';
    [a, b] = await Promise.all([replica('replica-a', proxyA), replica('replica-b', proxyB)]);
    const hook = await api(a.url, '/api/webhooks', { method: 'POST', body: JSON.stringify({ url: `${hooks.url}/ok`, secret: 'replicas-test-secret-0123' }) });
    expect(hook.status).toBe(201);
    proxyA.mode = proxyB.mode = 'pass';
  }, 120_000);

  it('runs the cycle once per slot: five cycles, five rows, one webhook for the one transition, each second counted once', async () => {
    const five = await until('five stored cycles', async () => {
      const rows = await cycles();
      return rows.length >= 5 ? rows.slice(0, 5) : undefined;
    }, WAIT_MS);
    const ats = five.map((c) => c.at.getTime());
    expect(new Set(ats).size).toBe(5);
    expect(new Set(five.map((c) => c.job_id)).size).toBe(5);
    // Each stored cycle is the one successful run of its job; no job ran twice.
    const doubled = await db.query(`SELECT job_id FROM job_runs WHERE name = 'budget-cycle' AND outcome = 'succeeded' GROUP BY job_id HAVING count(*) > 1`);
    expect(doubled.rows).toEqual([]);
    const succeeded = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM job_runs WHERE name = 'budget-cycle' AND outcome = 'succeeded'`);
    expect(succeeded.rows[0]!.n).toBe((await cycles()).length);

    // One transition (none → exhausted), so one delivery row; and the receiver got exactly that one.
    const deliveries = await db.query<{ event_type: string; status: string; body: string }>('SELECT event_type, status, body FROM webhook_deliveries');
    expect(deliveries.rows.map((d) => d.event_type)).toEqual(['slo.exhausted']);
    await until('the delivery', async () => (hooks.got.length > 0 ? true : undefined), WAIT_MS);
    expect(hooks.got.map((g) => JSON.parse(g.body).data.slo)).toEqual(['availability']);

    // The day ledger: each cycle adds the seconds since the previous one (at most two intervals), once.
    const all = await cycles();
    const expected = all.slice(1).reduce((sum, c, i) => sum + Math.min((c.at.getTime() - all[i]!.at.getTime()) / 1000, 2 * INTERVAL), 0);
    const observed = await db.query<{ s: number }>(`SELECT sum(seconds_observed)::float8 AS s FROM slo_days WHERE service = 'checkout' AND slo = 'availability'`);
    expect(observed.rows[0]!.s).toBeCloseTo(expected, 6);
  }, 90_000);

  it('SIGKILL of a replica mid-cycle: the other runs the next slot at once, and the killed run stored nothing', async () => {
    proxyA.mode = 'hold';
    // Wait until replica-a has claimed a cycle and is stuck reading Prometheus.
    heldJob = await until(
      'replica-a mid-cycle',
      async () => {
        if (proxyA.held === 0) return undefined;
        const r = await db.query<{ id: string; slot: Date }>(`SELECT id::text, slot FROM jobs WHERE name = 'budget-cycle' AND state = 'running' AND locked_by = 'replica-a'`);
        return r.rows[0];
      },
      WAIT_MS,
    );
    a.process.kill('SIGKILL');
    await a.process.waitForExit();
    const next = await until('replica-b to store a later cycle', async () => (await cycles()).find((c) => c.at.getTime() > heldJob.slot.getTime() && c.replica === 'replica-b'), 30_000);
    // Taken over because the session ended, well before the 60 s lease.
    expect(next.at.getTime() - heldJob.slot.getTime()).toBeLessThan(30_000);
    const runs = await db.query<{ replica: string; outcome: string; error: string }>(`SELECT replica, outcome, error FROM job_runs WHERE job_id = $1`, [heldJob.id]);
    expect(runs.rows).toEqual([{ replica: 'replica-a', outcome: 'lost', error: expect.stringMatching(/replica replica-a went away during attempt 1/) }]);
    expect((await cycles()).filter((c) => c.job_id === heldJob.id)).toEqual([]);
  }, 90_000);

  it('with both replicas down for three slots, the slots are recorded as missed; a restarted replica serves budgets at once', async () => {
    b.process.kill('SIGTERM');
    expect(await b.process.waitForExit()).toEqual({ code: 0, signal: null });
    const before = (await db.query<{ last_slot: Date }>(`SELECT last_slot FROM job_schedules WHERE name = 'budget-cycle'`)).rows[0]!.last_slot;
    const lastStored = (await cycles()).at(-1)!;
    // Real downtime: three slots must pass with no process running.
    await new Promise((r) => setTimeout(r, (3 * INTERVAL + 1) * 1000));

    // The restarted replica cannot finish a cycle (its Prometheus hangs): what the API serves is stored.
    const proxyC = await promProxy(prom.url);
    proxies.push(proxyC);
    proxyC.mode = 'hold';
    const c = await replica('replica-c', proxyC);
    const budget = await api(c.url, '/api/slos/checkout/availability/budget');
    expect(budget.status).toBe(200);
    expect(budget.body).toMatchObject({ service: 'checkout', slo: 'availability', status: 'exhausted', computedAt: lastStored.at.toISOString() });
    expect(budget.body.ageSeconds).toBeGreaterThanOrEqual(3 * INTERVAL);
    const list = await api(c.url, '/api/budgets');
    expect(list.body.budgets.map((x: { slo: string }) => x.slo)).toEqual(['availability', 'latency']);

    const after = await until('replica-c to create the current slot', async () => {
      const r = (await db.query<{ last_slot: Date }>(`SELECT last_slot FROM job_schedules WHERE name = 'budget-cycle'`)).rows[0]!.last_slot;
      return r.getTime() > before.getTime() + 3 * INTERVAL * 1000 ? r : undefined;
    }, WAIT_MS);
    const gap = (after.getTime() - before.getTime()) / (INTERVAL * 1000) - 1;
    expect(gap).toBeGreaterThanOrEqual(3);
    const missed = await db.query<{ slot: Date }>(`SELECT slot FROM jobs WHERE name = 'budget-cycle' AND state = 'missed' AND slot > $1 AND slot < $2 ORDER BY slot`, [before, after]);
    expect(missed.rows).toHaveLength(gap);
    const metrics = await (await fetch(`${c.url}/metrics`)).text();
    expect(Number(/^vigil_jobs_missed_total\{kind="budget-cycle"\} (\d+)$/m.exec(metrics)?.[1])).toBe(gap);
    // The API shows them too.
    const shown = await api(c.url, `/api/jobs/missed?job=budget-cycle&limit=500`);
    expect(shown.body.missed.filter((m: { slot: string }) => Date.parse(m.slot) > before.getTime() && Date.parse(m.slot) < after.getTime())).toHaveLength(gap);
    proxyC.mode = 'fail';
    proxyC.release();
    c.process.kill('SIGTERM');
    await c.process.waitForExit();
  }, 120_000);
});

describe('SIGKILL while a webhook request is out', () => {
  it('the attempt is in the delivery log before the request leaves; the next replica sends attempt 2; log and receiver agree', async () => {
    const proxy = await promProxy(prom.url);
    proxies.push(proxy);
    proxy.mode = 'fail'; // no budget cycles in the way
    const d = await replica('replica-d', proxy);
    const endpoint = await api(d.url, '/api/webhooks', { method: 'POST', body: JSON.stringify({ url: `${hooks.url}/hang`, secret: 'replicas-test-secret-0123', events: ['slo.recovered'] }) });
    expect(endpoint.status).toBe(201);
    hooks.hang = true;
    // An event in the outbox, as a budget cycle writes one: the delivery row and its job, in one transaction.
    const id = randomUUID();
    const body = serialisePayload(
      webhookPayload(id, { type: 'slo.recovered', at: end, service: 'checkout', slo: 'availability', objective: '99.9', previousStatus: 'exhausted', status: 'healthy', sli: 0.9995, errorBudgetRemaining: 0.5, burnRates: {}, windowSeconds: 30 * DAY }, new Date(end * 1000).toISOString()),
    );
    await db.query('BEGIN');
    await db.query(`INSERT INTO webhook_deliveries (id, endpoint_id, event_type, body, status, attempts) VALUES ($1, $2, 'slo.recovered', $3, 'pending', 0)`, [id, endpoint.body.id, body]);
    await db.query(`INSERT INTO jobs (name, key, run_at, max_attempts, lease_seconds, created_at) VALUES ('webhook-delivery', $1, now(), 3, 30, now())`, [id]);
    await db.query('COMMIT');

    await until('the request to arrive', async () => (hooks.got.some((g) => g.delivery === id) ? true : undefined), WAIT_MS);
    d.process.kill('SIGKILL');
    await d.process.waitForExit();
    const logged = await db.query<{ attempt: number; duration_ms: number | null }>('SELECT attempt, duration_ms FROM webhook_attempts WHERE delivery_id = $1', [id]);
    expect(logged.rows).toEqual([{ attempt: 1, duration_ms: null }]);

    hooks.hang = false;
    const e = await replica('replica-e', proxy);
    const delivered = await until('the delivery to be delivered', async () => {
      const r = await api(e.url, `/api/webhooks/${endpoint.body.id}/deliveries`);
      const one = r.body.deliveries.find((x: { id: string }) => x.id === id);
      return one?.status === 'delivered' ? one : undefined;
    }, WAIT_MS);
    expect(delivered.attempts.map((x: { attempt: number; httpStatus: number | null }) => [x.attempt, x.httpStatus])).toEqual([
      [1, null],
      [2, 200],
    ]);
    expect(delivered.attempts[0].error).toMatch(/process stopped while the request was out/);
    const sent = hooks.got.filter((g) => g.delivery === id);
    expect(sent).toHaveLength(delivered.attempts.length);
    expect(new Set(sent.map((s) => s.body))).toEqual(new Set([body]));
    e.process.kill('SIGTERM');
    await e.process.waitForExit();
  }, 120_000);
});
