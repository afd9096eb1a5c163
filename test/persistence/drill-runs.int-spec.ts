import type { DataSource } from 'typeorm';
import { readDrillReport } from '../../src/core/drills/drill-report.js';
import { verifyChain } from '../../src/core/drills/report-chain.js';
import { ManualClock, type MonotonicClock } from '../../src/core/ports/clock.js';
import { openDatabase } from '../../src/persistence/data-source.js';
import { DrillRunRepository } from '../../src/persistence/drill-run.repository.js';
import { recordInterrupted } from '../../src/usecases/drills/execute-drill.js';
import { startTestPostgres, type TestPostgres } from '../support/postgres-server.js';
import { restoreSpec } from '../support/restore-drill-fixtures.js';

/** Drill runs and the report chain on a real PostgreSQL: sealing, immutability, an interrupted run. */

const T0 = new Date('2026-11-29T03:00:00.000Z');
let server: TestPostgres;
let ds: DataSource;
let repo: DrillRunRepository;
const clock = new ManualClock(T0);
const mono: MonotonicClock = { nanos: () => 0n };
const spec = restoreSpec({ kind: 'basebackup', baseBackupDir: '/backups/base', walArchiveDir: '/backups/wal' });
const deps = () => ({ clocks: { wall: clock, mono }, store: repo, vigilVersion: 'vigil test', host: 'test' });

beforeAll(async () => {
  server = await startTestPostgres('vigil_drill_runs_test');
  ds = await openDatabase(server.url, { poolSize: 3 });
  repo = new DrillRunRepository(ds);
}, 60_000);

afterAll(async () => {
  await ds?.destroy();
  await server?.stop();
});

it('a run its replica lost is finished as ABORTED (interrupted) with a sealed report; every report links into one chain the database will not let change', async () => {
  for (const runId of ['r1', 'r2']) {
    await repo.start({ runId, drill: spec.name, type: spec.type, trigger: 'schedule', requestedBy: 'schedule', slot: T0, startedAt: T0 });
    clock.advance(60);
    const done = await recordInterrupted(spec, deps(), runId, T0);
    expect(done.report.verdict.status).toBe('ABORTED');
    expect(done.report.verdict.reasons[0]!.text).toMatch(/^aborted by interrupted: the replica running it stopped/);
  }
  expect(await repo.runs(spec.name, 10)).toEqual([
    expect.objectContaining({ runId: 'r2', verdict: 'ABORTED', finishedAt: new Date(T0.getTime() + 120_000) }),
    expect.objectContaining({ runId: 'r1', verdict: 'ABORTED', finishedAt: new Date(T0.getTime() + 60_000) }),
  ]);
  const chain = await repo.chain();
  expect(chain.map((r) => [r.sequence, r.runId, r.revision])).toEqual([[1, 'r1', 1], [2, 'r2', 1]]);
  expect(verifyChain(chain.map((r) => ({ name: `report ${r.sequence}`, text: r.canonical }))).firstBreak).toBeNull();
  expect(readDrillReport({ name: 'r2', text: chain[1]!.canonical }).previousHash).toBe(chain[0]!.hash);

  await expect(ds.query(`UPDATE drill_reports SET canonical = '{}' WHERE sequence = 1`)).rejects.toThrow('drill reports are immutable');
  await expect(ds.query(`DELETE FROM drill_reports WHERE sequence = 2`)).rejects.toThrow('drill reports are immutable');
  expect((await repo.chain()).map((r) => r.hash)).toEqual(chain.map((r) => r.hash));
});
