import { open, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SystemClock, SystemMonotonicClock } from '../../src/adapters/clock/system-clock.js';
import { BackupSourceProbe } from '../../src/adapters/drills/backup-probe.js';
import { PgBackRestRestoreTarget } from '../../src/adapters/drills/pgbackrest-restore.target.js';
import { FileSecretReader } from '../../src/adapters/files/secret-file.js';
import { PostgresTools } from '../../src/adapters/drills/postgres-tools.js';
import type { DrillSpec } from '../../src/core/model/drill.js';
import type { ScratchTarget } from '../../src/core/ports/restore-target.js';
import { runRestoreDrill } from '../../src/usecases/drills/run-restore-drill.js';
import { PG_BIN } from '../support/archiving-postgres.js';
import { startPgBackRestPrimary, type PgBackRestPrimary } from '../support/pgbackrest-primary.js';
import { DelegatingTarget, dropTableAfterPoint, ordersAfterBackup, ordersBeforeBackup, removeScratchRoot, restoreSpec, undoneDropChecks } from '../support/restore-drill-fixtures.js';

/**
 * Restore and PITR drills from a pgBackRest stanza, against a real PostgreSQL 15 archiving with
 * `pgbackrest archive-push` and real pgBackRest doing every read of its repository.
 */

const tools = new PostgresTools(PG_BIN, 'postgres');
const clocks = { wall: new SystemClock(), mono: new SystemMonotonicClock() };
let primary: PgBackRestPrimary;
let backupLabel: string;
let scratchRoot: string;
let runs = 0;

beforeAll(async () => {
  scratchRoot = join(tmpdir(), `vigil-drill-pgbackrest-scratch-${process.pid}`);
  primary = await startPgBackRestPrimary();
  await ordersBeforeBackup(primary);
  backupLabel = await primary.fullBackup();
  // Recovery fetches their WAL with archive-get.
  await ordersAfterBackup(primary);
}, 120_000);

afterAll(async () => {
  await removeScratchRoot(scratchRoot, tools);
  await primary?.stop();
});

const spec = (over: Partial<DrillSpec> = {}, configFile = primary.configFile) => restoreSpec({ kind: 'pgbackrest', stanza: primary.stanza, configFile }, over);

const target = () => new PgBackRestRestoreTarget(tools, scratchRoot, 'postgres');

/** Keeps what a scratch cluster held just before its removal: the settings it ran with, its server log, pgBackRest's logs. */
class Evidence extends DelegatingTarget {
  autoConf = '';
  serverLog = '';
  pgbackrestLogs: string[] = [];
  override async createScratch(runId: string): Promise<ScratchTarget> {
    const s = await super.createScratch(runId);
    const remove = s.remove.bind(s);
    s.remove = async () => {
      this.autoConf = await readFile(join(scratchRoot, runId, 'data', 'postgresql.auto.conf'), 'utf8');
      this.serverLog = await s.serverLog();
      this.pgbackrestLogs = (await readdir(join(scratchRoot, runId, 'pgbackrest', 'log'))).sort();
      await remove();
    };
    return s;
  }
}

it('restores the latest backup with pgbackrest restore, replays WAL through archive-get, passes its checks and removes the scratch cluster', async () => {
  const evidence = new Evidence(target());
  const runId = `run-${++runs}`;
  const r = await runRestoreDrill(spec(), evidence, clocks, { runId });
  expect(r.stoppedBy).toBeNull();
  expect(r.checks).toEqual([
    { name: 'all orders', kind: 'rowCount', expected: '= 12000', actual: '12000', passed: true },
    { name: 'order total', kind: 'sql', expected: '75009500.0', actual: '75009500.0', passed: true },
    { name: 'pg_amcheck', kind: 'amcheck', expected: 'no corruption in any database', actual: 'none found', passed: true },
  ]);
  expect(r.marks.map((m) => m.phase)).toEqual(['verify', 'copy', 'start', 'wal-replay', 'first-write', 'validation']);
  expect(r.backupCheck).toMatchObject({ manifest: { ok: true }, wal: { ok: true }, backup: { label: backupLabel } });
  expect(r.backupCheck!.wal).toMatchObject({ from: r.backupCheck!.backup.startSegment });
  // From WAL that archive-get fetched for pg_waldump.
  expect(r.backupCheck!.lastRecoverableCommitAt).toBeInstanceOf(Date);
  expect(r.recovery?.lastCompletedTransactionAt).toBeInstanceOf(Date);
  // pgBackRest's own restore_command, with its lock and log files in the scratch folder; archiving off, whoever wrote it last.
  const pgbackrestDir = join(scratchRoot, runId, 'pgbackrest');
  const settings = evidence.autoConf.split('\n');
  expect(settings).toContain(`restore_command = 'pgbackrest --config=${primary.configFile} --lock-path=${pgbackrestDir}/lock --log-path=${pgbackrestDir}/log --pg1-path=${join(scratchRoot, runId, 'data')} --stanza=orders archive-get %f "%p"'`);
  expect(settings.filter((l) => l.startsWith('archive_mode')).at(-1)).toBe(`archive_mode = 'off'`);
  expect(evidence.serverLog).toMatch(/restored log file "[0-9A-F]{24}" from archive/);
  expect(evidence.pgbackrestLogs).toContain('orders-restore.log');
  expect(r.scratchRemoved).toBe(true);
  expect(await readdir(scratchRoot)).toEqual([]);
  expect(r.toolVersions).toMatchObject({ pgbackrest: expect.stringMatching(/^pgBackRest 2\.\d+/), postgres: expect.stringMatching(/^postgres \(PostgreSQL\) 15\./) });
});

it('PITR to just before a DROP TABLE brings the table back with its rows', async () => {
  const point = await dropTableAfterPoint(primary);
  const r = await runRestoreDrill(spec({ type: 'pitr', checks: undoneDropChecks(point) }), target(), clocks, { runId: `run-${++runs}`, targetTime: point });
  expect(r.stoppedBy).toBeNull();
  expect(r.checks.map((c) => [c.name, c.passed, c.actual])).toEqual([
    ['doomed is back', true, '500'],
    ['no heartbeat after the target', true, '0'],
    ['pg_amcheck', true, 'none found'],
  ]);
  expect(r.recovery!.lastCompletedTransactionAt!.getTime()).toBeLessThanOrEqual(point.getTime());
  expect(r.recovery!.stoppedAt).toMatchObject({ before: true });
  expect(await readdir(scratchRoot)).toEqual([]);
});

it('finds a corrupted file in the repository before restoring, and names it', async () => {
  const copy = await primary.copyRepository(`corrupt-${++runs}`);
  const [{ path }] = (await primary.query<{ path: string }>(`SELECT pg_relation_filepath('orders') AS path`)) as [{ path: string }];
  const file = `backup/${primary.stanza}/${backupLabel}/pg_data/${path}`;
  const fh = await open(join(copy.repoDir, file), 'r+');
  await fh.write(Buffer.from('garbage!'), 0, 8, 8192 + 100);
  await fh.close();
  const r = await runRestoreDrill(spec({}, copy.configFile), target(), clocks, { runId: `run-${++runs}` });
  expect(r.stoppedBy).toEqual({ kind: 'precheck', reason: `backup verification failed: pgbackrest verify: invalid checksum '${file}'` });
  expect(r.marks.map((m) => m.phase)).toEqual(['verify']);
  expect(await readdir(scratchRoot)).toEqual([]);
});

it('flags a WAL segment deleted from the repository before restoring, naming it and the last commit still recoverable', async () => {
  // Two more segments with a commit in each; the one before the newest goes missing.
  for (const id of [20001, 20002]) {
    await primary.query(`INSERT INTO orders VALUES (${id}, 1)`);
    await primary.switchWal();
  }
  const copy = await primary.copyRepository(`gap-${++runs}`);
  const folder = join(copy.repoDir, 'archive', primary.stanza, '15-1', '0000000100000000');
  const segments = (await readdir(folder)).filter((n) => /^[0-9A-F]{24}-[0-9a-f]{40}$/.test(n)).sort();
  const gone = segments.at(-2)!;
  await rm(join(folder, gone));
  const r = await runRestoreDrill(spec({}, copy.configFile), target(), clocks, { runId: `run-${++runs}` });
  expect(r.stoppedBy?.kind).toBe('precheck');
  expect(r.stoppedBy?.reason).toContain(`WAL segment ${gone.slice(0, 24)} is missing from the archive (1 archived after it cannot be reached)`);
  expect(r.stoppedBy?.reason).toMatch(/the last commit that can still be recovered is at 20\d\d-/);
  expect(r.marks.map((m) => m.phase)).toEqual(['verify']);
  expect(await readdir(scratchRoot)).toEqual([]);
});

it('reads backup health from pgbackrest info: the newest backup, its size in the repository, complete', async () => {
  const probe = new BackupSourceProbe(new FileSecretReader({}), scratchRoot);
  const o = await probe.observe(spec());
  expect(o.backup).toMatchObject({ label: backupLabel, complete: true });
  expect(o.backup!.sizeBytes).toBeGreaterThan(100_000);
  expect(o.backup!.finishedAt.getTime()).toBeLessThanOrEqual(Date.now());
  // Earlier backups of the stanza are the size baseline.
  for (const b of o.history ?? []) expect(b).toEqual({ label: expect.not.stringMatching(backupLabel), finishedAt: expect.any(Date), sizeBytes: expect.any(Number) });
  expect((o.history ?? []).every((b) => b.finishedAt <= o.backup!.finishedAt)).toBe(true);
  expect(o.archiver).toBeNull(); // the spec names no primary
  // Its lock and log folder is gone again.
  expect((await readdir(scratchRoot).catch(() => [] as string[])).filter((n) => n.startsWith('backup-health-'))).toEqual([]);
});
