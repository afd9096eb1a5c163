import { execFile } from 'node:child_process';
import { readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SystemClock, SystemMonotonicClock } from '../../src/adapters/clock/system-clock.js';
import { PostgresTools } from '../../src/adapters/drills/postgres-tools.js';
import { StreamingFailoverTarget } from '../../src/adapters/drills/streaming-failover.target.js';
import type { DrillSpec } from '../../src/core/model/drill.js';
import { buildDrillReport } from '../../src/core/drills/drill-report.js';
import { failoverOutcome } from '../../src/usecases/drills/drill-outcome-of.js';
import { runFailoverDrill } from '../../src/usecases/drills/run-failover-drill.js';
import { PG_BIN } from '../support/archiving-postgres.js';
import { startReplicatedPair, type ReplicatedPair } from '../support/replicated-postgres.js';
import { until } from '../support/until.js';

/**
 * Failover drills on a real PostgreSQL 15 primary and streaming replica. The replica is stalled
 * by stopping the primary's walsender (SIGSTOP), so the primary acknowledges commits the replica
 * never gets: the drill must count exactly those as lost, and measure the time they span.
 */

const run = promisify(execFile);
const AT = { file: 'drills/orders-failover.yaml', line: 1, col: 1 };
const tools = new PostgresTools(PG_BIN, 'postgres');
const clocks = { wall: new SystemClock(), mono: new SystemMonotonicClock() };
const ledgerDir = join(tmpdir(), `vigil-drill-ledgers-${process.pid}`);
let pair: ReplicatedPair | undefined;

afterEach(async () => {
  await pair?.stop();
  pair = undefined;
});

afterAll(async () => {
  await rm(ledgerDir, { recursive: true, force: true });
});

function spec(p: ReplicatedPair): DrillSpec {
  return {
    name: 'orders-failover',
    owner: 'team-payments',
    type: 'failover',
    target: { binDir: PG_BIN, primary: { env: 'UNUSED_PRIMARY' }, replica: { env: 'UNUSED_REPLICA' }, primaryDataDir: p.primary.dataDir, replicaDataDir: p.replica.dataDir, osUser: 'postgres' },
    schedule: { kind: 'cron', expression: '0 3 1 1,4,7,10 *', timeZone: 'UTC' },
    objectives: { rtoSeconds: 3600, rpoSeconds: 900 },
    checks: [{ kind: 'rowCount', name: 'orders', table: 'orders', equals: 100, at: AT }],
    abort: { maxDurationSeconds: 120 },
    failover: { heartbeatIntervalMs: 5, fault: { kind: 'immediate' }, failback: 'rewind' },
    notify: [],
    at: AT,
  };
}

/** The drill's target, with the test's own stopwatch on the fault. */
function targetFor(p: ReplicatedPair): { target: StreamingFailoverTarget; faultAt: () => number } {
  const target = new StreamingFailoverTarget(tools, { primaryUrl: p.primary.url, replicaUrl: p.replica.url, primaryDataDir: p.primary.dataDir, replicaDataDir: p.replica.dataDir, fault: { kind: 'immediate' }, ledgerDir }, () => clocks.mono.nanos());
  let at = 0;
  const fault = target.fault.bind(target);
  target.fault = (signal) => {
    at = performance.now();
    return fault(signal);
  };
  return { target, faultAt: () => at };
}

const stall = async (p: ReplicatedPair) => {
  const pids = await p.walsenders();
  expect(pids).toHaveLength(1);
  await run('kill', ['-STOP', String(pids[0])]);
  return performance.now();
};

/** The test's own reading of the loss: the ledger file against the rows the new primary holds. */
async function lossFromLedger(p: ReplicatedPair, ledgerFile: string, runId: string): Promise<number> {
  const acked = (await readFile(ledgerFile, 'utf8')).trim().split('\n').map((l) => Number(l.split(' ')[0]));
  const kept = new Set((await p.replica.query<{ seq: string }>('SELECT seq FROM vigil_drill_heartbeat WHERE run_id = $1', [runId])).map((r) => Number(r.seq)));
  return acked.filter((s) => !kept.has(s)).length;
}

it('counts exactly the acknowledged commits the stalled replica never got, measures their span within 250 ms, promotes, validates and rewinds the old primary back as a standby', async () => {
  pair = await startReplicatedPair();
  await pair.primary.query(`CREATE TABLE orders (id int PRIMARY KEY); INSERT INTO orders SELECT generate_series(1, 100)`);
  const { target, faultAt } = targetFor(pair);
  const p = pair;
  const stalled = new Promise<number>((resolve, reject) => setTimeout(() => stall(p).then(resolve, reject), 1000));
  const r = await runFailoverDrill(spec(pair), target, clocks, { runId: 'failover-1', steadyStateMs: 4000 });
  const stalledAt = await stalled;

  expect(r.stoppedBy).toBeNull();
  expect(r.baseline?.replication).toMatchObject({ state: 'streaming', syncState: 'async' });
  const ownCount = await lossFromLedger(pair, r.ledgerFile!, 'failover-1');
  expect(ownCount).toBeGreaterThan(100); // ~3 s of a 200/s writer
  expect(r.loss?.lostTransactions).toBe(ownCount);
  expect(Math.abs(r.loss!.rpoMs! - (faultAt() - stalledAt))).toBeLessThan(250);
  expect(r.checks).toEqual([{ name: 'orders', kind: 'rowCount', expected: '= 100', actual: '100', passed: true }]);
  expect(r.marks.map((m) => m.phase)).toEqual(['fault', 'promote', 'first-write', 'validation']);
  for (let i = 1; i < r.marks.length; i++) expect(r.marks[i]!.startNs).toBe(r.marks[i - 1]!.endNs);
  expect(r.rejoin).toMatchObject({ mode: 'rewind', streaming: true, divergedAt: { timeline: 1 } });
  // The old primary is a standby of the new one now, and the commits it alone had are gone from it.
  expect(await pair.primary.query('SELECT pg_is_in_recovery() AS r')).toEqual([{ r: true }]);
});

it('with a synchronous replica nothing acknowledged is lost: the stalled commit is in doubt, not lost', async () => {
  pair = await startReplicatedPair({ synchronous: true });
  await pair.primary.query(`CREATE TABLE orders (id int PRIMARY KEY); INSERT INTO orders SELECT generate_series(1, 100)`);
  const { target } = targetFor(pair);
  const p = pair;
  const stalled = new Promise<number>((resolve, reject) => setTimeout(() => stall(p).then(resolve, reject), 500));
  const r = await runFailoverDrill({ ...spec(pair), failover: { heartbeatIntervalMs: 5, fault: { kind: 'immediate' }, failback: 'none' } }, target, clocks, { runId: 'failover-sync', steadyStateMs: 1500 });
  await stalled;
  expect(r.stoppedBy).toBeNull();
  expect(r.baseline?.replication).toMatchObject({ syncState: 'sync' });
  expect(r.loss).toMatchObject({ lostTransactions: 0, rpoMs: 0, inDoubt: { count: 1 } });
  expect(r.loss!.acknowledged).toBeGreaterThan(20);
  expect(await lossFromLedger(pair, r.ledgerFile!, 'failover-sync')).toBe(0);
});

it('a switchover stops the primary cleanly, loses nothing, rejoins it as a standby and switches the roles back', async () => {
  pair = await startReplicatedPair();
  await pair.primary.query(`CREATE TABLE orders (id int PRIMARY KEY); INSERT INTO orders SELECT generate_series(1, 100)`);
  const { target } = targetFor(pair);
  const s: DrillSpec = { ...spec(pair), name: 'orders-switchover', type: 'switchover' };
  const r = await runFailoverDrill(s, target, clocks, { runId: 'switchover-1', steadyStateMs: 1000 });
  expect(r.stoppedBy).toBeNull();
  expect(r.type).toBe('switchover');
  expect(r.loss).toMatchObject({ lostTransactions: 0, rpoMs: 0 });
  expect(r.loss!.acknowledged).toBeGreaterThan(20);
  expect(r.rejoin).toMatchObject({ streaming: true });
  expect(r.switchBack).toMatchObject({ streaming: true });
  // The roles are as before the drill, and the heartbeat rows are on both.
  expect(await pair.primary.query('SELECT pg_is_in_recovery() AS r')).toEqual([{ r: false }]);
  expect(await pair.replica.query('SELECT pg_is_in_recovery() AS r')).toEqual([{ r: true }]);
  await pair.primary.query(`INSERT INTO orders VALUES (101)`);
  await until('the replica to replay a write on the primary', async () => (await pair!.replica.query<{ n: string }>('SELECT count(*) AS n FROM orders'))[0]!.n === '101');
  const report = buildDrillReport({
    spec: s,
    outcome: failoverOutcome(s, r, { vigilVersion: 'vigil test', host: 'test', startedAt: r.anchor.at, finishedAt: r.anchor.at, communications: [] }),
    chainTip: null,
    previousFindings: [],
    preparedBy: 'test',
    preparedAt: r.anchor.at,
  });
  expect(report.verdict).toMatchObject({ status: 'PASS', reasons: [] });
  expect(report.failback).toMatchObject({ completed: true, phases: [expect.objectContaining({ phase: 'rewind' }), expect.objectContaining({ phase: 'switchback' })] });
});

it('fails back by re-cloning when the spec says reclone: the old primary streams again, its old folder kept aside', async () => {
  pair = await startReplicatedPair();
  await pair.primary.query(`CREATE TABLE orders (id int PRIMARY KEY); INSERT INTO orders SELECT generate_series(1, 100)`);
  const { target } = targetFor(pair);
  const r = await runFailoverDrill({ ...spec(pair), failover: { heartbeatIntervalMs: 5, fault: { kind: 'immediate' }, failback: 'reclone' } }, target, clocks, { runId: 'failover-reclone', steadyStateMs: 500 });
  expect(r.stoppedBy).toBeNull();
  expect(r.rejoin).toMatchObject({ mode: 'reclone', streaming: true, divergedAt: null });
  expect(await pair.primary.query('SELECT pg_is_in_recovery() AS r')).toEqual([{ r: true }]);
  expect((await readdir(pair.dir)).filter((n) => n.startsWith('primary.before-reclone-'))).toHaveLength(1);
});
