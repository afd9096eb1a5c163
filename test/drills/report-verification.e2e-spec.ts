import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pg from 'pg';
import request from 'supertest';
import { createApp } from '../../src/app.module.js';
import { loadConfig } from '../../src/config/config.js';
import { DrillSpecService } from '../../src/modules/drills/drill-spec.service.js';
import { DrillRunRepository } from '../../src/persistence/drill-run.repository.js';
import { adminTokenEnv, bearer } from '../support/auth.js';
import { seedDrillRuns, type SeededRun } from '../support/drill-seed.js';
import { startTestPostgres, type TestPostgres } from '../support/postgres-server.js';
import { UI_DRILLS } from '../support/ui-drills.js';

/**
 * GET /api/drill-runs/:id/verification judges stored reports as `vigil report verify` judges the
 * exported files: a report whose text was edited in the database fails on its own, every later
 * report fails on the chain, and the ones before it still verify.
 */

let db: TestPostgres;
let work: string;
let app: NestFastifyApplication;
let runs: SeededRun[];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'vigil-verify-'));
  await mkdir(join(work, 'drills'));
  await mkdir(join(work, 'slos'));
  await writeFile(join(work, 'drills', 'orders-restore.yaml'), UI_DRILLS['orders-restore.yaml']!);
  db = await startTestPostgres('vigil_report_verify_test');
  const config = loadConfig({ PORT: '0', DATABASE_URL: db.url, VIGIL_SLOS_DIR: join(work, 'slos'), VIGIL_DRILLS_DIR: join(work, 'drills'), VIGIL_OUT_DIR: join(work, 'out'), LOG_LEVEL: 'warn', ...(await adminTokenEnv(work)) });
  const logs: string[] = [];
  app = await createApp(config, { logWrite: (l) => logs.push(l) });
  await app.init();
  // Fastify answers only once ready (listen() waits for it; supertest uses the bare server).
  await app.getHttpAdapter().getInstance().ready();
  const spec = app.get(DrillSpecService).find('orders-restore');
  if (!spec) throw new Error(`orders-restore did not load: ${logs.join('\n')}`);
  runs = await seedDrillRuns(app.get(DrillRunRepository), spec, [0, 1, 2].map((i) => ({ startedAt: new Date(Date.UTC(2026, 10, 2 + 7 * i, 1)), copySeconds: 1200 + i * 600, lostSeconds: 2 + i })));
  expect(runs.map((r) => r.sequence)).toEqual([1, 2, 3]);
}, 120_000);

afterAll(async () => {
  await app?.close();
  await db?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

const verification = (runId: string) => request(app.getHttpServer()).get(`/api/drill-runs/${runId}/verification`).set(bearer()).expect(200).then((r) => r.body);

it('a sealed chain verifies: each report on its own, and the chain from report 1 up to it', async () => {
  for (const [i, r] of runs.entries()) {
    const v = await verification(r.runId);
    expect(v).toMatchObject({ runId: r.runId, sequence: i + 1, revision: 1, file: `${String(i + 1).padStart(6, '0')}-${r.runId}-r1.json`, ok: true, record: { ok: true, problem: null }, chain: { ok: true, reports: i + 1, firstBreak: null } });
    const report = await request(app.getHttpServer()).get(`/api/drill-runs/${r.runId}/report`).set(bearer()).expect(200);
    expect(v.hash).toBe(report.headers['x-vigil-report-hash']);
  }
});

it('a report edited in the database fails on its own, the reports after it fail on the chain, the one before it still verifies', async () => {
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  try {
    // Reports are immutable to Vigil (a trigger refuses UPDATE); someone with the database's
    // superuser can switch triggers off for a session. The hash chain is what catches that.
    await c.query(`SET session_replication_role = replica`);
    // One character of the sealed text: the RTO total the report states.
    const edited = await c.query(`UPDATE drill_reports SET canonical = regexp_replace(canonical, '"totalNs":(\\d)', '"totalNs":9') WHERE run_id = $1`, [runs[1]!.runId]);
    expect(edited.rowCount).toBe(1);
  } finally {
    await c.end();
  }
  const [first, second, third] = await Promise.all(runs.map((r) => verification(r.runId)));
  expect(first).toMatchObject({ ok: true });
  expect(second).toMatchObject({ ok: false, record: { ok: false, problem: expect.stringMatching(/^content altered: hash mismatch/) }, chain: { ok: false, firstBreak: { name: `000002-${runs[1]!.runId}-r1.json` } } });
  expect(third).toMatchObject({ ok: false, record: { ok: true, problem: null }, chain: { ok: false, reports: 3, firstBreak: { name: `000002-${runs[1]!.runId}-r1.json`, reason: expect.stringMatching(/^content altered/) } } });
});

it('a run without a report is a 404 naming it', async () => {
  const res = await request(app.getHttpServer()).get('/api/drill-runs/no-such-run/verification').set(bearer()).expect(404);
  expect(res.body).toMatchObject({ statusCode: 404, message: 'no report for run no-such-run' });
});
