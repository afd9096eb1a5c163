import { spawnSync } from 'node:child_process';
import { PROMTOOL } from '../support/promtool.js';
import { DOCUMENTED_SOURCE_METRICS } from '../../src/core/generate/dashboards/source-metrics.js';
import { access, chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pg from 'pg';
import request from 'supertest';
import { createApp } from '../../src/app.module.js';
import { loadConfig } from '../../src/config/config.js';
import { GenerationRunRepository } from '../../src/persistence/generation-run.repository.js';
import { adminTokenEnv, bearer } from '../support/auth.js';
import { startTestPostgres, type TestPostgres } from '../support/postgres-server.js';

// The shape of a native spec: two SLOs (events and latency) and one plain alert.
const VALID_SPEC = `apiVersion: vigil/v1
service: fuel-analyzer
labels:
  team: agents
runbook: runbooks/fuel-analyzer.md
histograms:
  agent_request_duration_seconds: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
slos:
  - name: requests-availability
    description: Requests that do not fail with a 5xx.
    objective: 99.9
    sli:
      events:
        errorQuery: agent_requests_total{agent="fuel-analyzer",status=~"5.."}
        totalQuery: agent_requests_total{agent="fuel-analyzer"}
  - name: requests-latency
    objective: 99
    window: 28d
    sli:
      latency:
        metric: agent_request_duration_seconds
        selector: '{agent="fuel-analyzer"}'
        threshold: 500ms
alerts:
  - name: HighErrorRate
    expr: sum(rate(agent_requests_total{agent="fuel-analyzer",status=~"5.."}[5m])) / sum(rate(agent_requests_total{agent="fuel-analyzer"}[5m])) > 0.01
    for: 5m
    severity: critical
    summary: Error rate above 1 %
`;

interface Started {
  readonly app: NestFastifyApplication;
  readonly logs: string[];
  readonly slosDir: string;
  readonly outDir: string;
}

let work: string;
let db: TestPostgres;
const apps: NestFastifyApplication[] = [];

/** Boots the app the way main.ts does (createApp + listen), on a free port, logs captured. */
async function start(env: Record<string, string>, spec?: string): Promise<Started> {
  const root = await mkdtemp(join(work, 'app-'));
  const slosDir = join(root, 'slos');
  const outDir = join(root, 'out');
  await mkdir(slosDir);
  await mkdir(outDir);
  if (spec !== undefined) await writeFile(join(slosDir, 'fuel-analyzer.yaml'), spec);
  const logs: string[] = [];
  const config = loadConfig({ PORT: '0', VIGIL_SLOS_DIR: slosDir, VIGIL_DRILLS_DIR: join(root, 'drills'), VIGIL_OUT_DIR: outDir, ...(await adminTokenEnv(root)), ...env });
  const app = await createApp(config, { logWrite: (line) => logs.push(line) });
  apps.push(app);
  await app.listen(0, '127.0.0.1');
  return { app, logs, slosDir, outDir };
}

async function close(app: NestFastifyApplication): Promise<void> {
  apps.splice(apps.indexOf(app), 1);
  await app.close();
}

const exists = (p: string) => access(p).then(() => true, () => false);

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'vigil-e2e-'));
  // The embedded server runs as the `postgres` user, which must be able to enter this folder.
  await chmod(work, 0o755);
  db = await startTestPostgres('vigil_e2e_test');
});

afterAll(async () => {
  for (const app of [...apps].reverse()) await app.close().catch(() => undefined);
  await db?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('with valid specs and a real PostgreSQL', () => {
  let s: Started;
  beforeAll(async () => {
    s = await start({ DATABASE_URL: db.url }, VALID_SPEC);
  });

  it('answers /healthz with 200 {status: ok}', async () => {
    const res = await request(s.app.getHttpServer()).get('/healthz').expect(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('answers /readyz with 200 while the database answers', async () => {
    const res = await request(s.app.getHttpServer()).get('/readyz').expect(200);
    expect(res.body).toEqual({ status: 'ok', database: 'up' });
  });

  it('lists both SLOs with the rule names generated for them', async () => {
    const res = await request(s.app.getHttpServer()).get('/api/slos').set(bearer()).expect(200);
    expect(res.body.generated).toBe(true);
    expect(res.body.problems).toEqual([]);
    expect(new Date(res.body.loadedAt).getTime()).not.toBeNaN();
    expect(res.body.slos).toHaveLength(2);
    const availability = res.body.slos.find((x: { name: string }) => x.name === 'requests-availability');
    expect(availability).toMatchObject({
      service: 'fuel-analyzer',
      objective: '99.9',
      window: '30d',
      sliKind: 'events',
      format: 'vigil/v1',
      rules: { alerts: ['RequestsAvailabilityBudgetBurn', 'SLIDataAbsent'] },
    });
    expect(availability.file).toMatch(/slos\/fuel-analyzer\.yaml$/);
    expect(availability.rules.recording).toEqual(expect.arrayContaining(['slo:error_budget_remaining:ratio', 'slo:sli_error:ratio_rate30d']));
    expect(res.body.slos.find((x: { name: string }) => x.name === 'requests-latency')).toMatchObject({ window: '28d', sliKind: 'latency' });
  });

  it('wrote the rule files', async () => {
    expect((await readdir(join(s.outDir, 'rules'))).sort()).toEqual(['Kustomization', 'fuel-analyzer.prometheusrule.yaml', 'fuel-analyzer.rules.yaml']);
  });

  it('exposes Vigil metrics and default process metrics on /metrics', async () => {
    await request(s.app.getHttpServer()).get('/healthz');
    const res = await request(s.app.getHttpServer()).get('/metrics').expect(200).expect('content-type', /text\/plain/);
    expect(res.text).toMatch(/^vigil_slos_loaded 2$/m);
    expect(res.text).toMatch(/^vigil_spec_problems 0$/m);
    expect(res.text).toMatch(/^process_cpu_user_seconds_total /m);
    expect(res.text).toMatch(/^vigil_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+$/m);
    expect(res.text).toMatch(/^vigil_http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/healthz",status="200"\} \d+$/m);
  });

  it("every metric passes promtool check metrics, and Vigil's own health signals are there", async () => {
    const res = await request(s.app.getHttpServer()).get('/metrics').expect(200);
    const lint = spawnSync(PROMTOOL, ['check', 'metrics'], { input: res.text, encoding: 'utf8' });
    expect(lint.error).toBeUndefined(); // promtool missing is a failure, never a skip
    expect({ status: lint.status, output: `${lint.stdout}${lint.stderr}` }).toEqual({ status: 0, output: '' });
    expect(res.text).toMatch(/^vigil_build_info\{version="\d+\.\d+\.\d+",revision="([0-9a-f]{7,64}|unknown)"\} 1$/m);
    expect(res.text).toMatch(/^vigil_database_up 1$/m);
    // Every Vigil metric a generated dashboard reads is exported (dashboards/*.json would show nothing otherwise).
    const families = new Set([...res.text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]));
    expect(DOCUMENTED_SOURCE_METRICS.map((m) => m.name.replace(/_bucket$/, '')).filter((name) => !families.has(name))).toEqual([]);
  });

  it('recorded one generation run, ok, in generation_runs', async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT ok, spec_files, services, slos, rules, diagnostics, changed_files FROM generation_runs');
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ ok: true, spec_files: 1, services: 1, slos: 2, diagnostics: [] });
      expect(rows[0].rules).toBeGreaterThan(0);
      expect(rows[0].changed_files).toEqual(
        expect.arrayContaining(['rules/fuel-analyzer.rules.yaml', 'rules/fuel-analyzer.prometheusrule.yaml', 'dashboards/fuel-analyzer.json']),
      );
    } finally {
      await client.end();
    }
  });

  it('echoes a caller x-request-id, makes one up otherwise, and logs it with the request', async () => {
    const given = await request(s.app.getHttpServer()).get('/healthz').set('x-request-id', 'e2e-req-42').expect(200);
    expect(given.headers['x-request-id']).toBe('e2e-req-42');
    const made = await request(s.app.getHttpServer()).get('/healthz').expect(200);
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const line = s.logs.map((l) => JSON.parse(l)).find((l) => l.requestId === 'e2e-req-42');
    expect(line).toMatchObject({ level: 'log', context: 'Http', method: 'GET', route: '/healthz', status: 200 });
    expect(typeof line.time).toBe('string');
    expect(typeof line.durationMs).toBe('number');
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await request(s.app.getHttpServer()).get('/no/such/route').expect(404).expect('content-type', /json/);
    expect(res.body).toMatchObject({ statusCode: 404 });
    expect(res.headers['x-request-id']).toBeDefined();
    const line = s.logs.map((l) => JSON.parse(l)).find((l) => l.requestId === res.headers['x-request-id']);
    expect(line).toMatchObject({ route: 'unmatched', status: 404 });
  });

  it('serves a route with a trailing slash as without (a webhook URL written with one still works)', async () => {
    const res = await request(s.app.getHttpServer()).get('/healthz/').expect(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('logs one JSON object per line and never the database password', () => {
    const password = decodeURIComponent(new URL(db.url).password);
    expect(s.logs.length).toBeGreaterThan(0);
    for (const line of s.logs) {
      expect(line.endsWith('\n')).toBe(true);
      expect(JSON.parse(line)).toEqual(expect.objectContaining({ time: expect.any(String), level: expect.any(String), msg: expect.anything() }));
      expect(line).not.toContain(password);
    }
  });
});

describe('with a broken spec', () => {
  let s: Started;
  beforeAll(async () => {
    const url = await db.createDatabase('vigil_e2e_broken_test');
    s = await start({ DATABASE_URL: url }, VALID_SPEC.replace('objective: 99.9', 'objective: 100'));
  });

  it('lists the problem with file, line and column, and still serves the SLOs it read', async () => {
    const res = await request(s.app.getHttpServer()).get('/api/slos').set(bearer()).expect(200);
    expect(res.body.generated).toBe(false);
    expect(res.body.problems).toHaveLength(1);
    expect(res.body.problems[0]).toMatchObject({ line: 11, col: 16, message: expect.stringMatching(/objective 100 leaves no error budget/) });
    expect(res.body.problems[0].file).toMatch(/slos\/fuel-analyzer\.yaml$/);
    expect(res.body.slos).toHaveLength(2);
    expect(res.body.slos[0].rules).toEqual({ recording: [], alerts: [] });
  });

  it('writes no rule file and counts the problem', async () => {
    expect(await exists(join(s.outDir, 'rules'))).toBe(false);
    const res = await request(s.app.getHttpServer()).get('/metrics').expect(200);
    expect(res.text).toMatch(/^vigil_spec_problems 1$/m);
  });

  it('logs the problem as file:line:col', () => {
    const warn = s.logs.map((l) => JSON.parse(l)).find((l) => l.level === 'warn' && /:11:16: objective 100/.test(l.msg));
    expect(warn).toMatchObject({ context: 'Slo', line: 11, col: 16 });
  });

  it('records the failed run with its diagnostics', async () => {
    const [run] = await s.app.get(GenerationRunRepository).latest(5);
    expect(run).toMatchObject({ ok: false, slos: 2, rules: 0, changedFiles: [] });
    expect(run!.diagnostics).toEqual([expect.objectContaining({ line: 11, col: 16 })]);
  });
});

describe('without DATABASE_URL (what npm start does)', () => {
  it('runs its own PostgreSQL in VIGIL_DATA_DIR, stops it on close, and reuses the data on the next start', async () => {
    const dataDir = join(work, 'data');
    const first = await start({ VIGIL_DATA_DIR: dataDir }, VALID_SPEC);
    await request(first.app.getHttpServer()).get('/readyz').expect(200);
    expect(first.logs.some((l) => /embedded PostgreSQL created/.test(l))).toBe(true);
    await close(first.app);
    expect(await exists(join(dataDir, 'pgdata', 'PG_VERSION'))).toBe(true);
    expect(await exists(join(dataDir, 'pgdata', 'postmaster.pid'))).toBe(false);

    const second = await start({ VIGIL_DATA_DIR: dataDir }, VALID_SPEC);
    await request(second.app.getHttpServer()).get('/readyz').expect(200);
    expect(second.logs.some((l) => /embedded PostgreSQL reused/.test(l))).toBe(true);
    // Both start-ups are in the same table: the data survived the restart.
    expect(await second.app.get(GenerationRunRepository).latest(10)).toHaveLength(2);
    await close(second.app);
  });
});

// Last: this stops the shared database server.
describe('when the database hangs or goes away', () => {
  let s: Started;
  let port: string;
  beforeAll(async () => {
    const url = await db.createDatabase('vigil_e2e_outage_test');
    port = new URL(url).port;
    // Queries give up after 2 s, so a hung database answers 503 quickly.
    s = await start({ DATABASE_URL: url, DATABASE_QUERY_TIMEOUT: '2s' }, VALID_SPEC);
    await request(s.app.getHttpServer()).get('/readyz').expect(200);
  });

  /** What a caller sees: 503, JSON, Retry-After, and nothing about where the database is. */
  const expectUnavailable = (res: request.Response) => {
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/json/);
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    expect(res.text).not.toContain(port);
    expect(res.text).not.toContain('127.0.0.1');
  };

  it('hung (every server process frozen): API calls and /readyz answer 503 JSON, then 200 again once it answers', async () => {
    await db.pause();
    try {
      // Not cached yet: the token lookup itself meets the hung database.
      const fresh = await request(s.app.getHttpServer()).get('/api/webhooks').set(bearer());
      expectUnavailable(fresh);
      expect(fresh.body).toEqual({ statusCode: 503, error: 'Service Unavailable', message: 'the database is unavailable; retry shortly' });
      const ready = await request(s.app.getHttpServer()).get('/readyz');
      expectUnavailable(ready);
      expect(ready.body).toEqual({ status: 'unavailable', database: 'down', error: 'the database did not answer within 2000 ms' });
      await request(s.app.getHttpServer()).get('/healthz').expect(200);
    } finally {
      await db.resume();
    }
    const deadline = Date.now() + 20_000;
    while ((await request(s.app.getHttpServer()).get('/api/webhooks').set(bearer())).status !== 200) {
      if (Date.now() > deadline) throw new Error('the API did not recover after the database was resumed');
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  // Last: this stops the shared database server.
  it('gone (server stopped): API calls and /readyz answer 503 JSON without the driver error, /healthz stays 200', async () => {
    await db.stop();
    expectUnavailable(await request(s.app.getHttpServer()).get('/api/webhooks').set(bearer()));
    expectUnavailable(await request(s.app.getHttpServer()).get('/api/budgets').set(bearer()));
    const ready = await request(s.app.getHttpServer()).get('/readyz');
    expectUnavailable(ready);
    expect(ready.body).toEqual({ status: 'unavailable', database: 'down', error: 'the database is not reachable' });
    expect(ready.text).not.toMatch(/ECONNREFUSED|connect/);
    await request(s.app.getHttpServer()).get('/healthz').expect(200);
  });
});
