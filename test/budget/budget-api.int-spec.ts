import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { readBudgets } from '../../src/usecases/read-budgets.js';
import { PrometheusClient } from '../../src/adapters/prometheus/prometheus.client.js';
import { createApp } from '../../src/app.module.js';
import { loadConfig } from '../../src/config/config.js';
import { dayStart } from '../../src/core/budget/budget-queries.js';
import { check } from '../../src/core/check.js';
import { compile } from '../../src/core/compile.js';
import { ManualClock } from '../../src/core/ports/clock.js';
import { JobWorker } from '../../src/modules/jobs/job-worker.js';
import { freePort } from '../../src/adapters/postgres/embedded-postgres.js';
import { startBackfilledPrometheus, type BackfilledPrometheus } from '../support/backfilled-prometheus.js';
import { vigil } from '../support/cli.js';
import { BudgetRepository } from '../../src/persistence/budget.repository.js';
import { adminTokenEnv, bearer } from '../support/auth.js';
import { startTestPostgres, type TestPostgres } from '../support/postgres-server.js';
import { expectedIncrease, latencyHistogram, steps, toOpenMetrics, type SyntheticSeries } from '../support/synthetic-workload.js';
import { CHECKOUT_SPEC } from '../support/checkout-spec.js';

/**
 * Budgets against a real Prometheus holding 31 days of synthetic history, checked against the
 * workload's exact event counts (within 0.1 %), twice: once with Vigil's recordings backfilled over
 * the whole window (the steady state), once with only 10 days of them (a Vigil installed last week,
 * which must read the raw series and still be right).
 *
 * History, 100 req/s throughout:
 *   0.01 % of requests fail (TRICKLE), and:
 *   end − 20d, for 1 h:   every request fails (360,000 errors);
 *   end − 4d … end − 2d:  1 % fail (172,800 errors; 86,400 of them inside the last 3 days);
 *   latency: 0.5 % of requests over the 0.25 s threshold, 10 % during end − 7d … end − 6d.
 */

/**
 * A busy service's background errors (0.01 %). Without them the error counter would sit at 0 until
 * the outage, and the recorded path would read about 9 s of the outage short: rate() does not
 * extrapolate a window back past a counter's zero point, so the 5m recordings lose a fraction of
 * a scrape interval where a counter starts from 0 (≈0.17 % of this budget; the raw path is exact).
 * docs/error-budgets.md states it.
 */
const TRICKLE = 0.01;
const HOUR = 3600;
const DAY = 24 * HOUR;
const end = Math.floor(Date.now() / 1000 / HOUR) * HOUR;
const start = end - 31 * DAY;
const outage = end - 20 * DAY;
const [degradedFrom, degradedTo] = [end - 4 * DAY, end - 2 * DAY];
const [slowFrom, slowTo] = [end - 7 * DAY, end - 6 * DAY];

const errors: SyntheticSeries = {
  metric: 'http_requests_total',
  labels: { job: 'checkout', code: '500' },
  segments: steps([[start, TRICKLE], [outage, 100], [outage + HOUR, TRICKLE], [degradedFrom, 1], [degradedTo, TRICKLE]], end),
};
const ok: SyntheticSeries = {
  metric: 'http_requests_total',
  labels: { job: 'checkout', code: '200' },
  segments: steps([[start, 100 - TRICKLE], [outage, 0], [outage + HOUR, 100 - TRICKLE], [degradedFrom, 99], [degradedTo, 100 - TRICKLE]], end),
};
const latency = latencyHistogram({
  metric: 'http_request_duration_seconds',
  labels: { job: 'checkout' },
  buckets: [0.1, 0.25, 1],
  fastSeconds: 0.05,
  slowSeconds: 0.5,
  segments: [
    { from: start, to: slowFrom, perSecond: 100, slowFraction: 0.005 },
    { from: slowFrom, to: slowTo, perSecond: 100, slowFraction: 0.1 },
    { from: slowTo, to: end, perSecond: 100, slowFraction: 0.005 },
  ],
});
const latencyCount = latency.find((s) => s.metric.endsWith('_count'))!;
const latencyFast = latency.find((s) => s.labels.le === '0.25')!;

/** The truth, from the workload itself. */
const truth = (from: number, to = end) => {
  const total = expectedIncrease([ok, errors], from, to);
  const bad = expectedIncrease(errors, from, to);
  const slowTotal = expectedIncrease(latencyCount, from, to);
  const slow = slowTotal - expectedIncrease(latencyFast, from, to);
  return { total, bad, slowTotal, slow };
};
const w30 = truth(end - 30 * DAY);
const w3d = truth(end - 3 * DAY);
const availabilityRemaining = 1 - w30.bad / w30.total / 0.001; // ≈ −1.056: overspent
const latencyRemaining = 1 - w30.slow / w30.slowTotal / 0.01; // ≈ 0.183: at risk

const closeTo = (got: number | null | undefined, want: number) => {
  expect(got).not.toBeNull();
  expect(got).toBeDefined();
  // Relative, except around 0 (today's counts when the history ends at midnight).
  expect(want === 0 ? Math.abs(got!) : Math.abs((got! - want) / want)).toBeLessThan(0.001);
};

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

let work: string;
let recorded: BackfilledPrometheus;
let recent: BackfilledPrometheus;
let db: TestPostgres;
let hooks: Server;
const received: Received[] = [];
const slos = check([{ path: 'slos/checkout.yaml', text: CHECKOUT_SPEC }]).fleet.services.flatMap((s) => s.slos);

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'vigil-budget-'));
  await mkdir(join(work, 'slos'));
  await writeFile(join(work, 'slos', 'checkout.yaml'), CHECKOUT_SPEC);
  const rules = compile([{ path: 'slos/checkout.yaml', text: CHECKOUT_SPEC }]).files.find((f) => f.path === 'rules/checkout.rules.yaml')!.content;
  const history = toOpenMetrics([ok, errors, ...latency], { start, end, stepSeconds: 60 });
  [recorded, recent, db] = await Promise.all([
    startBackfilledPrometheus({ openMetrics: history, ruleFiles: { 'checkout.yaml': rules }, recordingsFrom: start, end, serveRules: false }),
    startBackfilledPrometheus({ openMetrics: history, ruleFiles: { 'checkout.yaml': rules }, recordingsFrom: end - 10 * DAY, end, serveRules: false }),
    startTestPostgres('vigil_budget_test'),
  ]);
  hooks = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((ok) => hooks.listen(0, '127.0.0.1', ok));
}, 180_000);

afterAll(async () => {
  await new Promise<void>((ok) => (hooks ? hooks.close(() => ok()) : ok()));
  await Promise.all([recorded?.stop(), recent?.stop(), db?.stop()]);
  if (work) await rm(work, { recursive: true, force: true });
});

describe('readBudgets against a real Prometheus', () => {
  it.each([
    ['recordings cover the 30 days', () => recorded, 'recorded'],
    ['recordings cover 10 of the 30 days: the raw series are read', () => recent, 'raw'],
  ] as const)('%s: the numbers are the workload’s, within 0.1 %%', async (_, prom, source) => {
    const read = await readBudgets(new PrometheusClient(prom().url), slos, end);
    const [av, lat] = read.budgets;
    expect(av).toMatchObject({ service: 'checkout', slo: 'availability', window: '30d', source, status: 'exhausted' });
    closeTo(av!.totalEvents, w30.total);
    closeTo(av!.badEvents, w30.bad);
    closeTo(av!.remaining, availabilityRemaining);
    closeTo(av!.sli, 1 - w30.bad / w30.total);
    closeTo(av!.allowedBadEvents, 0.001 * w30.total);
    // One day at 1 % inside the last 3 days: about (86,400 / 25.92 M) / 0.001 = 3.4× burn.
    closeTo(av!.burnRates['3d'], w3d.bad / w3d.total / 0.001);
    // The last day only has the background errors: 0.01 % against a 0.1 % budget.
    closeTo(av!.burnRates['1h'], TRICKLE / 100 / 0.001);
    closeTo(av!.burnRates['1d'], TRICKLE / 100 / 0.001);
    expect(lat).toMatchObject({ slo: 'latency', source, status: 'at-risk' });
    closeTo(lat!.remaining, latencyRemaining);
    closeTo(lat!.badEvents, w30.slow);
    // The budget cost: a fixed handful of queries, not one per SLO per window.
    expect(read.queries).toBeLessThanOrEqual(source === 'recorded' ? 4 : 5);
  });

  it('says which Prometheus could not be reached, after retrying', async () => {
    const port = await freePort();
    const client = new PrometheusClient(`http://127.0.0.1:${port}`, { retries: 1, retryBaseMs: 10 });
    await expect(readBudgets(client, slos, end)).rejects.toThrow(new RegExp(`cannot reach Prometheus: POST http://127\\.0\\.0\\.1:${port}/api/v1/query: .*ECONNREFUSED`));
  });
});

describe('the service: cycle, API, metrics, webhooks, report', () => {
  let app: NestFastifyApplication;
  // Time stands at the end of the synthetic history; the tests step it a slot at a time.
  const clock = new ManualClock(new Date(end * 1000));
  const boot = async (env: Record<string, string>) => {
    const out = await mkdtemp(join(work, 'out-'));
    const config = loadConfig({ PORT: '0', DATABASE_URL: db.url, VIGIL_SLOS_DIR: join(work, 'slos'), VIGIL_DRILLS_DIR: join(work, 'drills'), VIGIL_OUT_DIR: out, VIGIL_BUDGET_INTERVAL: '1h', VIGIL_WEBHOOK_BACKOFF_MS: '50', VIGIL_WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', ...(await adminTokenEnv(out)), ...env });
    const a = await createApp(config, { logWrite: () => {}, clock });
    await a.listen(0, '127.0.0.1');
    return a;
  };

  beforeAll(async () => {
    // Register the webhook on a Vigil without Prometheus, then restart it with one: its first
    // cycle sees both SLOs in trouble for the first time.
    const first = await boot({});
    const { port } = hooks.address() as AddressInfo;
    await request(first.getHttpServer()).post('/api/webhooks').set(bearer()).send({ url: `http://127.0.0.1:${port}/hook`, secret: 'budget-test-secret-0123' }).expect(201);
    await first.close();
    app = await boot({ PROMETHEUS_URL: recorded.url });
    await app.get(JobWorker).drain();
    const cycles = await cyclesStored();
    expect(cycles).toEqual([expect.objectContaining({ at: new Date(end * 1000), slos: 2, events: 2 })]);
  }, 60_000);
  afterAll(() => app?.close());

  const cyclesStored = () => app.get(BudgetRepository).cycles(10);

  it('GET /api/slos/:service/:slo/budget answers the cycle’s numbers with the time they were computed', async () => {
    const res = await request(app.getHttpServer()).get('/api/slos/checkout/availability/budget').set(bearer()).expect(200);
    expect(res.body).toMatchObject({ service: 'checkout', slo: 'availability', objective: '99.9', status: 'exhausted', source: 'recorded', computedAt: new Date(end * 1000).toISOString() });
    closeTo(res.body.errorBudgetRemaining, availabilityRemaining);
    closeTo(res.body.sli, 1 - w30.bad / w30.total);
    expect(res.body.exhaustionAt).toBeNull(); // already spent
  });

  it('exports the budget gauges on /metrics', async () => {
    const text = (await request(app.getHttpServer()).get('/metrics').expect(200)).text;
    const gauge = (re: RegExp) => Number(re.exec(text)?.[1]);
    closeTo(gauge(/^vigil_slo_error_budget_remaining_ratio\{service="checkout",slo="availability"\} (\S+)$/m), availabilityRemaining);
    closeTo(gauge(/^vigil_slo_burn_rate\{service="checkout",slo="availability",window="3d"\} (\S+)$/m), w3d.bad / w3d.total / 0.001);
    expect(gauge(/^vigil_slo_status\{service="checkout",slo="availability",status="exhausted"\} (\S+)$/m)).toBe(1);
    expect(gauge(/^vigil_slo_status\{service="checkout",slo="latency",status="at-risk"\} (\S+)$/m)).toBe(1);
    expect(gauge(/^vigil_slo_status\{service="checkout",slo="latency",status="healthy"\} (\S+)$/m)).toBe(0);
  });

  it('sends slo.exhausted and slo.at_risk once each, signed over the raw body', async () => {
    const deadline = Date.now() + 10_000;
    while (received.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const events = received.map((r) => JSON.parse(r.body) as { type: string; data: { slo: string; status: string } });
    expect(events.map((e) => `${e.type} ${e.data.slo}`).sort()).toEqual(['slo.at_risk latency', 'slo.exhausted availability']);
    for (const r of received) {
      expect(r.headers['x-vigil-signature']).toBe(`sha256=${createHmac('sha256', 'budget-test-secret-0123').update(r.body).digest('hex')}`);
    }
    // The next slot's cycle finds the same statuses and sends nothing more: its stored cycle says so.
    clock.advance(HOUR);
    await app.get(JobWorker).drain();
    expect((await cyclesStored()).map((c) => [c.at.getTime() / 1000, c.events])).toEqual([
      [end + HOUR, 0],
      [end, 2],
    ]);
    expect(received).toHaveLength(2);
  });

  it('keeps snapshots: history answers them by step', async () => {
    const res = await request(app.getHttpServer())
      .get('/api/slos/checkout/availability/budget/history').set(bearer())
      .query({ from: String(end - HOUR), to: String(end + 2 * HOUR), step: '1m' })
      .expect(200);
    expect(res.body.points.map((p: { at: string }) => p.at)).toEqual([new Date(end * 1000).toISOString(), new Date((end + HOUR) * 1000).toISOString()]);
    // Two cycles (at end and end + 1h) in one 2h step: the later one stands for it.
    const coarse = await request(app.getHttpServer())
      .get('/api/slos/checkout/availability/budget/history').set(bearer())
      .query({ from: String(end), to: String(end + 2 * HOUR), step: '2h' })
      .expect(200);
    expect(coarse.body.points).toHaveLength(1);
    expect(coarse.body.points[0]).toMatchObject({ at: new Date((end + HOUR) * 1000).toISOString(), status: 'exhausted' });
    closeTo(res.body.points[0].errorBudgetRemaining, availabilityRemaining);
  });

  it('GET /api/budgets lists every SLO, least budget left first, with when each was computed and its age', async () => {
    clock.advance(90);
    const res = await request(app.getHttpServer()).get('/api/budgets').set(bearer()).expect(200);
    expect(res.body.pending).toEqual([]);
    expect(res.body.budgets.map((b: { slo: string; status: string; computedAt: string; ageSeconds: number }) => [b.slo, b.status, b.computedAt, b.ageSeconds])).toEqual([
      ['availability', 'exhausted', new Date((end + HOUR) * 1000).toISOString(), 90],
      ['latency', 'at-risk', new Date((end + HOUR) * 1000).toISOString(), 90],
    ]);
    expect(res.body.budgets[0].errorBudgetRemaining).toBeLessThan(0);
    const most = await request(app.getHttpServer()).get('/api/budgets').query({ sort: '-remaining' }).set(bearer()).expect(200);
    expect(most.body.budgets.map((b: { slo: string }) => b.slo)).toEqual(['latency', 'availability']);
    const atRisk = await request(app.getHttpServer()).get('/api/budgets').query({ status: 'at-risk' }).set(bearer()).expect(200);
    expect(atRisk.body.budgets.map((b: { slo: string }) => b.slo)).toEqual(['latency']);
  });

  it('after a restart the budget API answers from the database at once, with Prometheus unreachable', async () => {
    const second = await boot({ PROMETHEUS_URL: `http://127.0.0.1:${await freePort()}` });
    try {
      const res = await request(second.getHttpServer()).get('/api/slos/checkout/availability/budget').set(bearer()).expect(200);
      expect(res.body).toMatchObject({ status: 'exhausted', computedAt: new Date((end + HOUR) * 1000).toISOString() });
      const first = await request(app.getHttpServer()).get('/api/slos/checkout/availability/budget').set(bearer()).expect(200);
      // Two replicas on one database answer the same.
      expect(res.body).toEqual(first.body);
    } finally {
      await second.close();
    }
  });

  it('reports the month from the day ledger, in json, md and csv', async () => {
    const month = new Date(end * 1000).toISOString().slice(0, 7);
    const json = (await request(app.getHttpServer()).get('/api/reports/slo').set(bearer()).query({ month }).expect(200)).body as {
      slos: { slo: string; totalEvents: number; badEvents: number }[];
    };
    const today = truth(dayStart(end));
    const av = json.slos.find((s) => s.slo === 'availability')!;
    closeTo(av.totalEvents, today.total);
    closeTo(av.badEvents, today.bad);
    const md = await request(app.getHttpServer()).get('/api/reports/slo').set(bearer()).query({ month, format: 'md' }).expect(200);
    expect(md.headers['content-type']).toMatch(/^text\/markdown/);
    expect(md.text).toContain('| checkout | availability | 99.9 % |');
    const csv = await request(app.getHttpServer()).get('/api/reports/slo').set(bearer()).query({ month, format: 'csv' }).expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.text.split('\r\n')[0]).toMatch(/^month,service,slo,objective,/);
  });

  it.each([
    ['/api/slos/checkout/nope/budget', 404, /no SLO checkout\/nope/],
    ['/api/slos/checkout/availability/budget/history?step=often', 400, /step: must be a duration/],
    ['/api/slos/checkout/availability/budget/history?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', 400, /from must be before to/],
    ['/api/slos/checkout/availability/budget/history?from=0&to=999999999&step=1s', 400, /points asked for, at most 11000/],
    ['/api/slos/checkout/availability/budget/history?to=99999999999999', 400, /^invalid query: to: must be an RFC 3339 time .* between 1970 and 2100$/],
    ['/api/slos/checkout/availability/budget/history?from=-271821-04-20T00:00:00Z', 400, /^invalid query: from: must be an RFC 3339 time/],
    ['/api/slos/checkout/availability/budget/history?from=-1', 400, /^invalid query: from: must be an RFC 3339 time/],
    ['/api/slos/checkout/availability/budget/history?from=2025-02-30T00:00:00Z', 400, /^invalid query: from: must be an RFC 3339 time/],
    ['/api/slos/checkout/availability/budget/history?from=2025-02-30', 400, /^invalid query: from: must be an RFC 3339 time/],
    ['/api/slos/checkout/availability/budget/history?step=1000000000000y', 400, /^invalid query: step: must be a duration .* at most 366d$/],
    ['/api/budgets?sort=worst', 400, /sort: must be remaining, -remaining or name/],
    ['/api/reports/slo?month=2025-13', 400, /month must be 01–12/],
    ['/api/reports/slo?format=pdf', 400, /format: must be json, md or csv/],
    ['/api/reports/slo?months=2025-01', 400, /months/],
  ])('GET %s → %i with a JSON error', async (path, status, message) => {
    const res = await request(app.getHttpServer()).get(path).set(bearer()).expect(status);
    expect(res.headers['content-type']).toMatch(/json/);
    expect(res.body.message).toMatch(message);
  });

  it('documents the budget, history, report and webhook endpoints in OpenAPI', async () => {
    const doc = (await request(app.getHttpServer()).get('/api/docs-json').set(bearer()).expect(200)).body as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/slos/{service}/{slo}/budget', '/api/slos/{service}/{slo}/budget/history', '/api/reports/slo', '/api/webhooks', '/api/webhooks/{id}/deliveries']),
    );
  });
});

describe('vigil budget (CLI, no database)', () => {
  const cli = (...args: string[]) => vigil(work, ...args, '--slos', 'slos', '--prometheus', recorded.url, '--at', String(end));

  it('--json prints the fields a pipeline reads', async () => {
    const r = await cli('budget', '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.out) as { service: string; slo: string; objective: string; sli: number; errorBudgetRemaining: number; status: string }[];
    expect(rows.map((b) => `${b.service}/${b.slo} ${b.status}`)).toEqual(['checkout/availability exhausted', 'checkout/latency at-risk']);
    closeTo(rows[0]!.errorBudgetRemaining, availabilityRemaining);
    closeTo(rows[1]!.sli, 1 - w30.slow / w30.slowTotal);
  });

  it('prints a table by default', async () => {
    const r = await cli('budget', 'checkout/latency');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^SLO\s+OBJECTIVE\s+WINDOW\s+SLI\s+REMAINING/);
    expect(r.out).toMatch(/checkout\/latency\s+99%\s+30d\s+99\.\d{3}%\s+18\.\d%/);
  });

  it('budget check is a deploy gate: 1 when exhausted, 0 otherwise, 2 when unknown', async () => {
    const exhausted = await cli('budget', 'check', 'checkout/availability');
    expect(exhausted.code).toBe(1);
    expect(exhausted.err).toMatch(/^FAIL checkout\/availability: error budget exhausted: -11\d\.\d% of the error budget left \(30d, objective 99\.9%\)/);
    const atRisk = await cli('budget', 'check', 'checkout/latency');
    expect(atRisk.code).toBe(0);
    expect(atRisk.out).toMatch(/^PASS checkout\/latency: at-risk/);
    expect((await cli('budget', 'check', 'checkout/nope')).code).toBe(2);
    const down = await vigil(work, 'budget', 'check', 'checkout/availability', '--slos', 'slos', '--prometheus', `http://127.0.0.1:${await freePort()}`);
    expect(down.code).toBe(2);
    expect(down.err).toMatch(/cannot reach Prometheus/);
  });
});
