import { open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SystemClock, SystemMonotonicClock } from '../../src/adapters/clock/system-clock.js';
import { BaseBackupRestoreTarget } from '../../src/adapters/drills/basebackup-restore.target.js';
import { PostgresTools } from '../../src/adapters/drills/postgres-tools.js';
import { removeLeftoverScratch, ScratchCluster } from '../../src/adapters/drills/scratch-cluster.js';
import type { DrillCheck, DrillSpec } from '../../src/core/model/drill.js';
import type { ScratchTarget } from '../../src/core/ports/restore-target.js';
import { buildDrillReport } from '../../src/core/drills/drill-report.js';
import { restoreOutcome } from '../../src/usecases/drills/drill-outcome-of.js';
import { runRestoreDrill } from '../../src/usecases/drills/run-restore-drill.js';
import { PG_BIN, startArchivingPrimary, type ArchivingPrimary } from '../support/archiving-postgres.js';
import { check, DelegatingTarget, dropTableAfterPoint, ordersAfterBackup, ordersBeforeBackup, removeScratchRoot, restoreSpec, undoneDropChecks } from '../support/restore-drill-fixtures.js';

/**
 * Restore and PITR drills against a real PostgreSQL 15: a primary archiving its WAL, a
 * pg_basebackup of it, and the drill restoring into scratch clusters with the PostgreSQL tools.
 */

const tools = new PostgresTools(PG_BIN, 'postgres');
const clocks = { wall: new SystemClock(), mono: new SystemMonotonicClock() };
let primary: ArchivingPrimary;
let base: string;
let scratchRoot: string;
let runs = 0;

beforeAll(async () => {
  primary = await startArchivingPrimary();
  await ordersBeforeBackup(primary);
  base = await primary.baseBackup('base');
  await ordersAfterBackup(primary);
  scratchRoot = join(tmpdir(), `vigil-drill-scratch-${process.pid}`);
}, 120_000);

afterAll(async () => {
  await removeScratchRoot(scratchRoot, tools);
  await primary?.stop();
});

function spec(over: Partial<DrillSpec> = {}, walArchiveDir = primary.archiveDir, baseBackupDir = base): DrillSpec {
  return restoreSpec({ kind: 'basebackup', baseBackupDir, walArchiveDir }, over);
}

/** The test's own stopwatch: from the scratch cluster's creation (the restore's start) to the last check's answer. */
class Stopwatched extends DelegatingTarget {
  started = 0;
  validated = 0;
  override async createScratch(runId: string): Promise<ScratchTarget> {
    this.started = performance.now();
    const s = await super.createScratch(runId);
    const runCheck = s.runCheck.bind(s);
    s.runCheck = async (c) => {
      const r = await runCheck(c);
      this.validated = performance.now();
      return r;
    };
    return s;
  }
}

const target = (primaryUrl: string | null = null) => new BaseBackupRestoreTarget(tools, scratchRoot, 'postgres', primaryUrl);
const seconds = (ns: bigint) => Number(ns) / 1e9;

it('restores the latest backup and WAL into a scratch cluster, measures RTO in phases that sum to it, passes its checks, and removes the cluster', async () => {
  const watched = new Stopwatched(target(`postgresql://postgres@/postgres?host=${encodeURIComponent(primary.socketDir)}&port=${primary.port}`));
  const likePrimary = check({ name: 'orders as on the primary', kind: 'rowCount', table: 'orders' } as Partial<DrillCheck> & { name: string });
  const r = await runRestoreDrill(spec({ checks: [...spec().checks, likePrimary] }), watched, clocks, { runId: `run-${++runs}` });
  expect(r.stoppedBy).toBeNull();
  expect(r.baseline).toEqual([{ database: 'postgres', table: 'orders', rows: 12000 }]);
  expect(r.checks).toEqual([
    { name: 'all orders', kind: 'rowCount', expected: '= 12000', actual: '12000', passed: true },
    { name: 'order total', kind: 'sql', expected: '75009500.0', actual: '75009500.0', passed: true },
    { name: 'orders as on the primary', kind: 'rowCount', expected: '= 12000', actual: '12000', passed: true },
    { name: 'pg_amcheck', kind: 'amcheck', expected: 'no corruption in any database', actual: 'none found', passed: true },
  ]);
  expect(r.marks.map((m) => m.phase)).toEqual(['verify', 'copy', 'start', 'wal-replay', 'first-write', 'validation']);
  const rto = r.marks.filter((m) => m.phase !== 'verify');
  for (let i = 1; i < rto.length; i++) expect(rto[i]!.startNs).toBe(rto[i - 1]!.endNs);
  const total = seconds(rto.at(-1)!.endNs - rto[0]!.startNs);
  const parts = rto.reduce((sum, m) => sum + seconds(m.endNs - m.startNs), 0);
  expect(parts).toBeCloseTo(total, 9);
  const stopwatch = (watched.validated - watched.started) / 1000;
  expect(Math.abs(total - stopwatch) / stopwatch).toBeLessThan(0.05);
  expect(r.backupCheck).toMatchObject({ manifest: { ok: true }, wal: { ok: true, from: '000000010000000000000002' } });
  expect(r.recovery?.lastCompletedTransactionAt).toBeInstanceOf(Date);
  expect(r.scratchRemoved).toBe(true);
  expect(await readdir(scratchRoot)).toEqual([]);
  expect(r.toolVersions.postgres).toMatch(/^postgres \(PostgreSQL\) 15\./);
});

it('reports a check with a wrong expected value with both values, and still removes the scratch cluster', async () => {
  const r = await runRestoreDrill(spec({ checks: [check({ name: 'order count', sql: 'SELECT count(*) FROM orders', expect: '9999' })] }), target(), clocks, { runId: `run-${++runs}` });
  expect(r.checks).toEqual([{ name: 'order count', kind: 'sql', expected: '9999', actual: '12000', passed: false }, expect.objectContaining({ name: 'pg_amcheck', passed: true })]);
  expect(r.scratchRemoved).toBe(true);
  expect(await readdir(scratchRoot)).toEqual([]);
});

it('stops at its maxDuration, and the scratch cluster is removed on that path too', async () => {
  const r = await runRestoreDrill(spec({ abort: { maxDurationSeconds: 0.2 }, checks: [check({ name: 'slow', sql: 'SELECT pg_sleep(5)::text', expect: '' })] }), target(), clocks, { runId: `run-${++runs}` });
  expect(r.stoppedBy).toEqual({ kind: 'abort', criterion: 'maxDuration', reason: 'maxDuration 0.2s reached' });
  expect(r.events.map((e) => e.event)).toContain('drill.aborted');
  expect(await readdir(scratchRoot)).toEqual([]);
});

it('does not start on a disk with less free space than abort.minFree', async () => {
  const r = await runRestoreDrill(spec({ abort: { maxDurationSeconds: 600, minFreeBytes: 1e15 } }), target(), clocks, { runId: `run-${++runs}` });
  expect(r.stoppedBy).toMatchObject({ kind: 'abort', criterion: 'minFreeBytes' });
  expect(r.stoppedBy?.reason).toMatch(/^\d+ bytes free where scratch clusters are made, under abort.minFree 1000000000000000: /);
  expect(r.marks).toEqual([]);
  expect(await readdir(scratchRoot)).toEqual([]);
});

it('flags a deleted WAL segment before restoring, naming it and the last commit still recoverable; a forced PITR past it ends before its target', async () => {
  // Two more segments with commits in each; the one before the newest goes missing.
  for (const id of [20001, 20002]) {
    await primary.query(`INSERT INTO orders VALUES (${id}, 1)`);
    await primary.switchWal();
  }
  const archive = join(primary.dir, `archive-gap-${++runs}`);
  await tools.run('cp', ['-a', primary.archiveDir, archive]);
  const names = (await readdir(archive)).filter((n) => /^[0-9A-F]{24}$/.test(n)).sort();
  await rm(join(archive, names.at(-2)!));
  const late = new Date();
  const r = await runRestoreDrill(spec({}, archive), target(), clocks, { runId: `run-${++runs}` });
  expect(r.stoppedBy?.kind).toBe('precheck');
  expect(r.stoppedBy?.reason).toContain(`WAL segment ${names.at(-2)} is missing from the archive (1 archived after it cannot be reached)`);
  expect(r.stoppedBy?.reason).toMatch(/the last commit that can still be recovered is at 20\d\d-/);
  expect(r.marks.map((m) => m.phase)).toEqual(['verify']);

  const forced = await runRestoreDrill(spec({ type: 'pitr' }, archive), target(), clocks, { runId: `run-${++runs}`, force: true, targetTime: late });
  expect(forced.events.map((e) => e.event)).toContain('precheck.overridden');
  expect(forced.stoppedBy?.kind).toBe('error');
  expect(forced.recovery?.endedBeforeTarget).toBe(true);
  // As the report judges it: FAIL, the recovery having ended before its target — never "restored to the latest available".
  const pitr = spec({ type: 'pitr' }, archive);
  const report = buildDrillReport({ spec: pitr, outcome: restoreOutcome(pitr, forced, { vigilVersion: 'vigil test', host: 'test', startedAt: forced.anchor.at, finishedAt: forced.anchor.at, communications: [] }), chainTip: null, previousFindings: [], preparedBy: 'test', preparedAt: forced.anchor.at });
  expect(report.verdict.status).toBe('FAIL');
  expect(await readdir(scratchRoot)).toEqual([]);
});

it('finds a corrupted backup before restoring and names the file and its table', async () => {
  const copy = join(primary.dir, `base-corrupt-${++runs}`);
  await tools.run('cp', ['-a', base, copy]);
  const [{ path }] = (await primary.query<{ path: string }>(`SELECT pg_relation_filepath('orders') AS path`)) as [{ path: string }];
  const fh = await open(join(copy, path), 'r+');
  await fh.write(Buffer.from('garbage!'), 0, 8, 8192 + 100);
  await fh.close();
  const r = await runRestoreDrill(spec({}, primary.archiveDir, copy), target(`postgresql://postgres@/postgres?host=${encodeURIComponent(primary.socketDir)}&port=${primary.port}`), clocks, { runId: `run-${++runs}` });
  expect(r.stoppedBy?.kind).toBe('precheck');
  expect(r.stoppedBy?.reason).toContain(`checksum mismatch for file "${path}" (table orders in database postgres)`);
});

it('removes scratch folders a crashed Vigil left behind, stopping the server still running in one', async () => {
  const left = await ScratchCluster.create(scratchRoot, `crashed-${++runs}`, tools);
  await left.copyBaseBackup(base);
  await left.configureRecovery(primary.archiveDir);
  await left.start(60);
  const pid = Number((await readFile(join(left.dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  // Its state letter in /proc (proc(5)); a zombie (Z) has exited: here nobody reaps a postmaster pg_ctl left to init.
  const state = () => readFile(`/proc/${pid}/stat`, 'utf8').then((t) => t.slice(t.lastIndexOf(')') + 2, t.lastIndexOf(')') + 3), () => 'gone');
  expect(await state()).toMatch(/^[RSD]$/);
  // As a marker written by a process that is gone.
  await writeFile(join(left.dir, 'vigil-drill.json'), JSON.stringify({ runId: 'crashed', pid: 999_999_999 }));
  expect(await removeLeftoverScratch(scratchRoot, tools)).toEqual([left.dir]);
  expect(await readdir(scratchRoot)).toEqual([]);
  expect(await state()).toMatch(/^(gone|Z)$/);
});

it('PITR to just before a DROP TABLE brings the table back with its rows, and no heartbeat committed after the target', async () => {
  const point = await dropTableAfterPoint(primary);
  const r = await runRestoreDrill(
    spec({
      type: 'pitr',
      checks: [...undoneDropChecks(point), check({ name: 'heartbeats before it', sql: `SELECT (count(*) >= 9)::text FROM heartbeat`, expect: 'true' })],
    }),
    target(),
    clocks,
    { runId: `run-${++runs}`, targetTime: point },
  );
  expect(r.stoppedBy).toBeNull();
  expect(r.checks.map((c) => [c.name, c.passed, c.actual])).toEqual([
    ['doomed is back', true, '500'],
    ['no heartbeat after the target', true, '0'],
    ['heartbeats before it', true, 'true'],
    ['pg_amcheck', true, 'none found'],
  ]);
  expect(r.requestedTarget).toEqual(point);
  // Achieved: the last replayed commit is at or before the target, and replay stopped at the first one after it.
  expect(r.recovery!.lastCompletedTransactionAt!.getTime()).toBeLessThanOrEqual(point.getTime());
  expect(r.recovery!.stoppedAt).toMatchObject({ before: true });
  expect(r.recovery!.stoppedAt!.at.getTime()).toBeGreaterThan(point.getTime());
});

it('finds corruption the backup faithfully copied with pg_amcheck, after validation: the RTO stands, the check fails naming the table', async () => {
  // A table whose page is damaged on the primary's disk before the backup: the manifest matches the damaged file.
  await primary.query(`CREATE TABLE victim (id int, pad text)`);
  await primary.query(`INSERT INTO victim SELECT g, repeat('x', 50) FROM generate_series(1, 2000) g`);
  await primary.query(`CHECKPOINT`);
  const [{ path }] = (await primary.query<{ path: string }>(`SELECT pg_relation_filepath('victim') AS path`)) as [{ path: string }];
  const fh = await open(join(primary.dataDir, path), 'r+');
  // Block 0's first line pointer (after the 24-byte page header), little-endian lp_off:15 lp_flags:2 lp_len:15:
  // a normal item at offset 8100, 4000 bytes long, which ends beyond the 8192-byte page.
  await fh.write(Buffer.from('a49f401f', 'hex'), 0, 4, 24);
  await fh.close();
  const damaged = await primary.baseBackup(`base-damaged-${++runs}`);
  await primary.switchWal();
  const r = await runRestoreDrill(spec({ checks: [check({ name: 'victim rows', sql: 'SELECT count(*) >= 0', expect: 'true' })] }, primary.archiveDir, damaged), target(), clocks, { runId: `run-${++runs}` });
  expect(r.stoppedBy).toBeNull();
  expect(r.backupCheck?.manifest).toEqual({ ok: true });
  expect(r.marks.map((m) => m.phase)).toEqual(['verify', 'copy', 'start', 'wal-replay', 'first-write', 'validation']);
  const amcheck = r.checks.find((c) => c.name === 'pg_amcheck')!;
  expect(amcheck).toMatchObject({ kind: 'amcheck', passed: false });
  expect(amcheck.actual).toContain('victim');
  expect(await readdir(scratchRoot)).toEqual([]);
});
