import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pg from 'pg';
import request from 'supertest';
import { createApp } from '../../src/app.module.js';
import { loadConfig } from '../../src/config/config.js';
import { ManualClock } from '../../src/core/ports/clock.js';
import { JobWorker } from '../../src/modules/jobs/job-worker.js';
import { startArchivingPrimary, type ArchivingPrimary } from '../support/archiving-postgres.js';
import { adminTokenEnv, bearer } from '../support/auth.js';
import { vigil } from '../support/cli.js';
import { startTestPostgres, type TestPostgres } from '../support/postgres-server.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { until } from '../support/until.js';

/**
 * Drills in the service: a restore drill defined in drills/, run on request through the API and on
 * its schedule as a durable job, by two Vigil instances on one database (one run per slot), its
 * report served as sealed JSON, Markdown and HTML, its result on /metrics.
 */

let primary: ArchivingPrimary;
let db: TestPostgres;
let smtp: SmtpSink;
let work: string;
const apps: NestFastifyApplication[] = [];
/** Both instances share the clock: "the slot is due" is a step, not a wait. */
const clock = new ManualClock(new Date('2026-11-29T12:00:30.000Z'));
const saved = { ...process.env };

const DRILL = (base: string, archive: string) => `apiVersion: vigil/v1
kind: Drill
name: orders-restore
owner: platform
type: restore
target:
  binDir: /usr/lib/postgresql/15/bin
  primary: { env: DRILL_API_PRIMARY_URL }
  backup: { baseBackup: ${base}, walArchive: ${archive} }
  osUser: postgres
# Every minute, so the test's clock has a slot due.
schedule: { cron: "* * * * *", timeZone: UTC }
objectives: { rto: 5m, rpo: 5m }
checks:
  - { name: orders-like-primary, rowCount: public.orders }
abort: { maxDuration: 10m }
notify:
  - email: dr-team@example.com
`;

/** Just enough OnCall spec for the drill's messages: the e-mail sink (the test's SMTP server). */
const ONCALL = (smtpPort: number) => `apiVersion: vigil/v1
kind: OnCall
people: [{ name: alice, email: alice@example.com }]
policies: [{ name: default, levels: [{ targets: [{ person: alice }] }] }]
defaultPolicy: default
sinks:
  email: { host: 127.0.0.1, port: ${smtpPort}, secure: false, requireTls: false, from: vigil@example.com }
`;

async function boot(): Promise<NestFastifyApplication> {
  const out = await mkdtemp(join(work, 'out-'));
  const config = loadConfig({
    PORT: '0',
    DATABASE_URL: db.url,
    VIGIL_SLOS_DIR: join(work, 'slos'),
    VIGIL_DRILLS_DIR: join(work, 'drills'),
    VIGIL_DRILL_WORK_DIR: join(work, 'drill-work'),
    VIGIL_OUT_DIR: out,
    VIGIL_BUDGET_INTERVAL: '1h',
    ...(await adminTokenEnv(out)),
  });
  const app = await createApp(config, { logWrite: () => {}, clock });
  await app.listen(0, '127.0.0.1');
  apps.push(app);
  return app;
}

async function runsInDatabase(): Promise<{ run_id: string; trigger: string; slot: Date | null; verdict: string | null }[]> {
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  try {
    return (await c.query(`SELECT run_id, trigger, slot, verdict FROM drill_runs ORDER BY started_at`)).rows;
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  [primary, db, smtp] = await Promise.all([startArchivingPrimary(), startTestPostgres('vigil_drills_api_test'), SmtpSink.start()]);
  await primary.query(`CREATE TABLE orders (id int PRIMARY KEY); INSERT INTO orders SELECT generate_series(1, 2000)`);
  const base = await primary.baseBackup('base');
  // Commits after the backup: replayed from the archive, and what RPO is measured by.
  await primary.query(`INSERT INTO orders SELECT generate_series(2001, 3000)`);
  await primary.switchWal();
  work = await mkdtemp(join(tmpdir(), 'vigil-drills-api-'));
  await chmod(work, 0o711);
  await mkdir(join(work, 'slos'));
  await mkdir(join(work, 'drills'));
  await writeFile(join(work, 'drills', 'orders.yaml'), DRILL(base, primary.archiveDir));
  await writeFile(join(work, 'slos', 'oncall.yaml'), ONCALL(smtp.port));
  process.env.DRILL_API_PRIMARY_URL = `postgresql://postgres@/postgres?host=${encodeURIComponent(primary.socketDir)}&port=${primary.port}`;
  process.env.DATABASE_URL = db.url;
}, 120_000);

afterAll(async () => {
  for (const a of apps) await a.close();
  process.env = saved;
  await Promise.all([primary?.stop(), db?.stop(), smtp?.close()]);
  if (work) await rm(work, { recursive: true, force: true });
});

it('two instances on one database run a scheduled drill once per slot, slot after slot', async () => {
  const [a, b] = [await boot(), await boot()];
  await Promise.all([a.get(JobWorker).drain(), b.get(JobWorker).drain()]);
  // The 12:00 slot was due when they started; the 12:01 slot falls due while both run.
  clock.set(new Date('2026-11-29T12:01:05.000Z'));
  await Promise.all([a.get(JobWorker).drain(), b.get(JobWorker).drain()]);
  await Promise.all([a.get(JobWorker).drain(), b.get(JobWorker).drain()]);
  const runs = await runsInDatabase();
  expect(runs).toEqual([
    { run_id: 'orders-restore-20261129-120000', trigger: 'schedule', slot: new Date('2026-11-29T12:00:00.000Z'), verdict: 'PASS' },
    { run_id: 'orders-restore-20261129-120100', trigger: 'schedule', slot: new Date('2026-11-29T12:01:00.000Z'), verdict: 'PASS' },
  ]);
});

it('runs a drill on request, serves its report as sealed JSON, Markdown and HTML, and puts its result on /metrics', async () => {
  clock.set(new Date('2026-11-29T12:01:30.000Z'));
  const app = apps[0]!;
  const http = () => request(app.getHttpServer());
  const viewer = (await vigil(work, 'token', 'create', '--role', 'viewer', '--name', 'auditor')).out.trim();
  const responder = (await vigil(work, 'token', 'create', '--role', 'responder', '--name', 'dba')).out.trim();

  await http().post('/api/drills/orders-restore/runs').set(bearer(viewer)).send({}).expect(403);
  const bad = await http().post('/api/drills/orders-restore/runs').set(bearer(responder)).send({ targetTime: '2026-11-29T11:00:00Z' }).expect(400);
  expect(bad.body.message).toContain('targetTime');
  await http().post('/api/drills/nope/runs').set(bearer(responder)).send({}).expect(404);

  const started = await http().post('/api/drills/orders-restore/runs').set(bearer(responder)).send({}).expect(202);
  const runId = started.body.runId as string;
  expect(runId).toMatch(/^orders-restore-20261129-120130-[0-9a-f]{8}$/);
  const run = await until('the requested run to finish', async () => {
    const res = await http().get('/api/drills/orders-restore/runs').set(bearer(viewer)).expect(200);
    const r = (res.body.runs as { runId: string; finishedAt: string | null; rtoSeconds: number }[]).find((x) => x.runId === runId);
    return r?.finishedAt ? r : undefined;
  });
  expect(run).toMatchObject({ trigger: 'manual', requestedBy: 'dba', verdict: 'PASS', rpoSeconds: 0 });
  expect(run.rtoSeconds).toBeGreaterThan(0);

  const json = await http().get(`/api/drill-runs/${runId}/report`).set(bearer(viewer)).expect(200);
  expect(json.headers['content-type']).toMatch(/^application\/json/);
  const report = JSON.parse(json.text) as { hash: string; sequence: number; verdict: { status: string }; checks: { name: string; actual: string; passed: boolean }[] };
  expect(report).toMatchObject({ sequence: 3, hash: json.headers['x-vigil-report-hash'], verdict: { status: 'PASS' } });
  expect(report.checks.find((c) => c.name === 'orders-like-primary')).toMatchObject({ actual: '3000', passed: true });
  // drill.started and drill.completed went out through the e-mail sink, and the report lists them.
  // Quoted-printable wraps long lines with soft breaks (=CRLF).
  const text = (m: { body: string }) => m.body.replace(/=\r?\n/g, '');
  const mails = await smtp.received.waitFor(2, (m) => text(m).includes(runId));
  expect(mails.map((m) => [m.envelope.to, m.headers.get('subject')])).toEqual([
    [['dr-team@example.com'], '[DR drill] orders-restore (restore) started'],
    [['dr-team@example.com'], '[DR drill] orders-restore: PASS'],
  ]);
  expect(text(mails[1]!)).toMatch(/RTO \S+ \(objective 5m\); RPO 0 ms \(objective 5m\)/);
  expect((report as unknown as { communications: unknown[] }).communications).toEqual([
    expect.objectContaining({ event: 'drill.started', sink: 'email', target: 'dr-team@example.com', outcome: 'sent' }),
    expect.objectContaining({ event: 'drill.completed', sink: 'email', target: 'dr-team@example.com', outcome: 'sent' }),
  ]);
  const md = await http().get(`/api/drill-runs/${runId}/report?format=md`).set(bearer(viewer)).expect(200);
  expect(md.headers['content-type']).toMatch(/^text\/markdown/);
  expect(md.text).toContain('orders-like-primary');
  const html = await http().get(`/api/drill-runs/${runId}/report?format=html`).set(bearer(viewer)).expect(200);
  expect(html.text).toMatch(/^<!DOCTYPE html>/i);
  expect(html.text).toContain('@page');
  await http().get('/api/drill-runs/nope/report').set(bearer(viewer)).expect(404);

  const list = await http().get('/api/drills').set(bearer(viewer)).expect(200);
  expect(list.body.drills).toEqual([
    expect.objectContaining({ name: 'orders-restore', type: 'restore', overdue: false, schedule: { cron: '* * * * *', timeZone: 'UTC', next: '2026-11-29T12:02:00.000Z' }, lastRun: expect.objectContaining({ runId, verdict: 'PASS' }) }),
  ]);

  const metrics = await http().get('/metrics').set(bearer(viewer)).expect(200);
  expect(metrics.text).toContain('vigil_drill_last_verdict{drill="orders-restore",verdict="PASS"} 1');
  expect(metrics.text).toContain('vigil_drill_last_verdict{drill="orders-restore",verdict="FAIL"} 0');
  expect(metrics.text).toMatch(/vigil_drill_last_rpo_seconds\{drill="orders-restore"\} 0\n/);
  expect(metrics.text).toMatch(/vigil_drill_last_success_timestamp_seconds\{drill="orders-restore"\} \d+/);
});

it('reads backup health between drills: the backup’s end and size, the archiver’s last WAL and its failures', async () => {
  const [a, b] = apps as [NestFastifyApplication, NestFastifyApplication];
  const metrics = async () => (await request(a.getHttpServer()).get('/metrics').expect(200)).text;
  const value = (text: string, name: string) => Number(new RegExp(`^${name}\\{drill="orders-restore"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  clock.set(new Date('2026-11-29T12:05:01.000Z'));
  await Promise.all([a.get(JobWorker).drain(), b.get(JobWorker).drain()]);
  const before = await metrics();
  expect(value(before, 'vigil_backup_last_success_timestamp_seconds')).toBeGreaterThan(Date.parse('2026-01-01') / 1000);
  expect(value(before, 'vigil_backup_last_size_bytes')).toBeGreaterThan(1_000_000);
  expect(value(before, 'vigil_backup_last_failed')).toBe(0);
  expect(value(before, 'vigil_wal_archive_last_timestamp_seconds')).toBeGreaterThan(Date.parse('2026-01-01') / 1000);
  expect(value(before, 'vigil_wal_archive_failed_total')).toBe(0);
  expect(value(before, 'vigil_backup_observed_timestamp_seconds')).toBe(Date.parse('2026-11-29T12:05:01.000Z') / 1000);

  // Archiving breaks on the primary (its archive folder turns read-only): the next reading shows the failures.
  await chmod(primary.archiveDir, 0o500);
  try {
    await primary.query(`INSERT INTO orders VALUES (9999999)`);
    await primary.query(`SELECT pg_switch_wal()`);
    await until('the archiver to fail', async () => Number((await primary.query<{ n: string }>(`SELECT failed_count AS n FROM pg_stat_archiver`))[0]!.n) > 0);
  } finally {
    await chmod(primary.archiveDir, 0o700);
  }
  clock.set(new Date('2026-11-29T12:10:01.000Z'));
  await Promise.all([a.get(JobWorker).drain(), b.get(JobWorker).drain()]);
  expect(value(await metrics(), 'vigil_wal_archive_failed_total')).toBeGreaterThan(0);
});
