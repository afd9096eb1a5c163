#!/usr/bin/env node
// Restore drill overhead (issue 10): the same restore of the same database done by hand with
// PostgreSQL's tools ("raw") and by Vigil's restore drill, alternated, each timed end to end:
//
//   node bench/scenario-drill.js [--scale 70] [--rounds 3] [--warmup 1] [--pgbench-seconds 10] [--clients 2] [--keep]
//
// Needs `npm run build` first (it imports dist/) and Debian's PostgreSQL 15 (/usr/lib/postgresql/15/bin,
// pgbench included). Progress on stderr; one JSON object on stdout (bench/run.js renders it).
//
// Setup: a primary archiving its WAL with `cp` (bench/servers.js), `pgbench -i -s SCALE` (70 ≈ 1 GB),
// a plain-format base backup (pg_basebackup -Fp -X none -c fast), then `pgbench -T SECONDS` and
// pg_switch_wal(), so every restore replays WAL that only the archive holds.
//
// raw    what an operator does by hand: cp -a the backup, recovery.signal and restore_command plus the
//        isolation settings Vigil writes (listen_addresses='', archive_mode=off, own socket folder,
//        own pg_hba.conf), pg_ctl -w start, pg_is_in_recovery() polled on one connection every 10 ms
//        until false, the drill's validation queries (same SQL, one connection each), then
//        pg_ctl stop -m immediate and rm -rf. Timed per step with process.hrtime.
// drill  runRestoreDrill with BaseBackupRestoreTarget, as `vigil drill run` does: tool versions,
//        pg_verifybackup + WAL continuity + pg_waldump (the "verify" phase, before the RTO starts),
//        then copy, start, WAL replay, a first write, the checks, and the scratch cluster removed.
//        Wall time around the call, and the drill's own RTO (copy → end of validation, Vigil's
//        measureRto) with its phases.
//
// Ratios: drill wall ÷ raw wall (both include stopping and removing the cluster); the same without
// that teardown (drill wall − its removal ÷ raw to validated); drill RTO ÷ raw to validated. Each as
// the ratio of the medians and as the median of each round's own ratio (paired: steadier when the
// machine's speed drifts between rounds). The RTO excludes pg_verifybackup, which the raw path does
// not do; it includes the drill's first write, which the raw path does not do either. --warmup pairs
// run first, reported apart and left out of the medians; the rounds alternate which path goes first.
// Before every run: `sync`, so neither run pays for the previous one's dirty pages. The restored
// clusters run with PostgreSQL's defaults (fsync on); only the primary runs with fsync=off.
// Every server is stopped and the folder removed on every path, Ctrl-C included.

import { spawnSync } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { SystemClock, SystemMonotonicClock } from '../dist/adapters/clock/system-clock.js';
import { BaseBackupRestoreTarget } from '../dist/adapters/drills/basebackup-restore.target.js';
import { PostgresTools } from '../dist/adapters/drills/postgres-tools.js';
import { freePort } from '../dist/adapters/postgres/embedded-postgres.js';
import { measureRto } from '../dist/core/drills/rto.js';
import { RestoreTarget } from '../dist/core/ports/restore-target.js';
import { runRestoreDrill } from '../dist/usecases/drills/run-restore-drill.js';
import { benchArgs } from './args.js';
import { cleanupsOnExit, printResult, startArchivingPostgres } from './servers.js';

const args = benchArgs(
  process.argv.slice(2),
  { numbers: { scale: 70, rounds: 3, warmup: 1, 'pgbench-seconds': 10, clients: 2 }, flags: ['keep'] },
  'bench/scenario-drill.js',
);
const PG_BIN = '/usr/lib/postgresql/15/bin';
const AT = { file: 'bench/scenario-drill.js', line: 1, col: 1 };
/** The raw path's poll of pg_is_in_recovery(): an operator's loop, as tight as is sensible. */
const RAW_POLL_MS = 10;
const progress = (msg) => process.stderr.write(`[bench:drill] ${msg}\n`);
const ms = (ns) => Number(ns) / 1e6;
const now = () => process.hrtime.bigint();

/** Delegates to the real target and times its steps outside the RTO; declared before main() runs (classes are not hoisted). */
class Timed extends RestoreTarget {
  toolVersionsMs = 0;
  verifyBackupMs = 0;
  createScratchMs = 0;
  removeMs = 0;
  constructor(inner) {
    super();
    this.inner = inner;
  }
  async time(field, work) {
    const t = now();
    try {
      return await work();
    } finally {
      this[field] += ms(now() - t);
    }
  }
  toolVersions() {
    return this.time('toolVersionsMs', () => this.inner.toolVersions());
  }
  primaryRowCounts(tables) {
    return this.inner.primaryRowCounts(tables);
  }
  verifyBackup(source, signal) {
    return this.time('verifyBackupMs', () => this.inner.verifyBackup(source, signal));
  }
  async createScratch(runId) {
    const s = await this.time('createScratchMs', () => this.inner.createScratch(runId));
    const remove = s.remove.bind(s);
    s.remove = () => this.time('removeMs', remove);
    return s;
  }
}

/** PostgresTools that adds up the wall time of every tool it runs, by name: where the drill's time outside PostgreSQL goes. */
class TimedTools extends PostgresTools {
  byTool = {};
  async run(command, args, timeoutMs, signal) {
    const t = now();
    try {
      return await super.run(command, args, timeoutMs, signal);
    } finally {
      const name = command.split('/').pop();
      const e = (this.byTool[name] ??= { calls: 0, ms: 0 });
      e.calls++;
      e.ms += ms(now() - t);
    }
  }
}

const { cleanups, cleanup } = cleanupsOnExit(progress);

await printResult(main, cleanup);

async function main() {
  const result = { scenario: 'drill', loadAverage1mAtStart: os.loadavg()[0], machineBusyCoresAtStart: await busyCoresOver(1000) };
  progress('starting an archiving PostgreSQL 15 primary…');
  const primary = await startArchivingPostgres();
  cleanups.push(async () => {
    // A drill or raw restore cut short by Ctrl-C may still have a server running in the folder.
    await stopServersUnder(primary);
    if (args.keep) progress(`kept ${primary.dir} (primary stopped)`);
    else await primary.stop();
  });

  let t = now();
  progress(`pgbench -i -s ${args.scale} (≈ ${(args.scale * 15).toLocaleString('en-US')} MB)…`);
  await primary.pg('pgbench', ['-i', '-q', '-s', String(args.scale), '-h', primary.dir, '-p', String(primary.port), '-U', 'postgres', 'postgres']);
  const initMs = ms(now() - t);
  const [{ bytes: databaseBytes }] = await primary.query(`SELECT pg_database_size('postgres')::float8 AS bytes`);
  t = now();
  progress(`base backup of ${fmtBytes(databaseBytes)} (pg_basebackup -Fp -X none -c fast)…`);
  const base = await primary.baseBackup('base');
  const backupMs = ms(now() - t);
  const [{ lsn: afterBackup }] = await primary.query('SELECT pg_current_wal_lsn() AS lsn');
  progress(`pgbench -T ${args['pgbench-seconds']} -c ${args.clients} after the backup, then pg_switch_wal()…`);
  const bench = await primary.pg('pgbench', ['-n', '-T', String(args['pgbench-seconds']), '-c', String(args.clients), '-j', String(args.clients), '-h', primary.dir, '-p', String(primary.port), '-U', 'postgres', 'postgres']);
  const transactions = Number(/number of transactions actually processed: (\d+)/.exec(bench.stdout)?.[1] ?? NaN);
  await primary.switchWal();
  const [{ bytes: walAfterBackupBytes }] = await primary.query(`SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '${afterBackup}')::float8 AS bytes`);
  const archive = readdirSync(primary.archiveDir).filter((f) => /^[0-9A-F]{24}$/.test(f));

  // The validation: what the primary holds now, which only WAL replay brings back for history and branches.
  const expected = {
    accounts: Number((await primary.query('SELECT count(*) AS n FROM pgbench_accounts'))[0].n),
    history: Number((await primary.query('SELECT count(*) AS n FROM pgbench_history'))[0].n),
    branches: (await primary.query('SELECT sum(bbalance)::text AS s FROM pgbench_branches'))[0].s,
  };
  const checks = [
    { kind: 'rowCount', name: 'pgbench_accounts rows', table: 'pgbench_accounts', equals: expected.accounts, at: AT },
    { kind: 'rowCount', name: 'pgbench_history rows (written after the backup)', table: 'pgbench_history', equals: expected.history, at: AT },
    { kind: 'sql', name: 'branch balances (written after the backup)', sql: 'SELECT sum(bbalance)::text FROM pgbench_branches', expect: expected.branches, at: AT },
  ];
  // The SQL the drill sends for each check (drill-checks.ts: countRows quotes the table name).
  const rawQueries = [
    { sql: 'SELECT count(*) AS n FROM "pgbench_accounts"', expect: String(expected.accounts) },
    { sql: 'SELECT count(*) AS n FROM "pgbench_history"', expect: String(expected.history) },
    { sql: 'SELECT sum(bbalance)::text FROM pgbench_branches', expect: expected.branches },
  ];
  result.setup = {
    scale: args.scale,
    databaseBytes,
    baseBackupBytes: duBytes(base),
    pgbenchInitMs: initMs,
    baseBackupMs: backupMs,
    pgbenchSeconds: args['pgbench-seconds'],
    clients: args.clients,
    transactionsAfterBackup: transactions,
    walAfterBackupBytes,
    archivedSegments: archive.length,
    checks: checks.map((c) => c.name),
  };

  const source = { kind: 'basebackup', baseBackupDir: base, walArchiveDir: primary.archiveDir };
  const spec = {
    name: 'bench-restore',
    owner: 'bench',
    type: 'restore',
    target: { binDir: PG_BIN, backup: source, osUser: 'postgres' },
    schedule: { kind: 'cron', expression: '0 3 1 * *', timeZone: 'UTC' },
    objectives: { rtoSeconds: 3600, rpoSeconds: 900 },
    checks,
    abort: { maxDurationSeconds: 7200 },
    // The comparison is with a restore done by hand, which does not check every page: pg_amcheck
    // (on by default in drills, after validation and outside the RTO) is left out of it.
    amcheck: false,
    notify: [],
    at: AT,
  };
  const scratchRoot = join(primary.dir, 'scratch');

  // A warm-up pair first (reported, not in the medians): the first copy after the setup is slower.
  // Then pairs in alternating order (raw first, then drill first, …), so neither kind always runs
  // right after the other's teardown.
  result.runs = [];
  const runsCpu = cpuSample();
  for (let round = 1 - args.warmup; round <= args.rounds; round++) {
    const warmup = round < 1;
    const label = warmup ? `warm-up ${round + args.warmup}/${args.warmup}` : `round ${round}/${args.rounds}`;
    const id = `${round + args.warmup}`;
    for (const kind of round % 2 === 0 ? ['drill', 'raw'] : ['raw', 'drill']) {
      sync();
      progress(`${label}: ${kind === 'raw' ? 'raw restore' : 'Vigil restore drill'}…`);
      if (kind === 'raw') {
        const raw = { kind, round, warmup, ...(await rawRestore(primary, base, id, rawQueries)) };
        result.runs.push(raw);
        progress(`  raw: ${fmt(raw.wallMs)} (to validated ${fmt(raw.toValidatedMs)}; copy ${fmt(raw.phases.copy)}, start ${fmt(raw.phases.start)}, replay ${fmt(raw.phases.replay)}, checks ${fmt(raw.phases.validation)}, stop ${fmt(raw.phases.stop)}, rm -rf ${fmt(raw.phases.remove)})`);
      } else {
        const drill = { kind, round, warmup, ...(await drillRestore(spec, scratchRoot, id)) };
        result.runs.push(drill);
        progress(`  drill: ${fmt(drill.wallMs)} (RTO ${fmt(drill.rtoMs)}; verify ${fmt(drill.phases.verify)}, ${['copy', 'start', 'wal-replay', 'first-write', 'validation'].map((p) => `${p} ${fmt(drill.phases[p])}`).join(', ')}, removal ${fmt(drill.steps.removeMs)})`);
      }
    }
  }

  const raws = result.runs.filter((r) => r.kind === 'raw' && !r.warmup);
  const drills = result.runs.filter((r) => r.kind === 'drill' && !r.warmup);
  const med = (rs, f) => median(rs.map(f));
  result.medians = {
    raw: {
      wallMs: med(raws, (r) => r.wallMs),
      toValidatedMs: med(raws, (r) => r.toValidatedMs),
      phases: Object.fromEntries(Object.keys(raws[0].phases).map((p) => [p, med(raws, (r) => r.phases[p])])),
    },
    drill: {
      wallMs: med(drills, (r) => r.wallMs),
      wallLessRemovalMs: med(drills, (r) => r.wallMs - r.steps.removeMs),
      rtoMs: med(drills, (r) => r.rtoMs),
      phases: Object.fromEntries(Object.keys(drills[0].phases).map((p) => [p, med(drills, (r) => r.phases[p] ?? 0)])),
      steps: Object.fromEntries(Object.keys(drills[0].steps).map((s) => [s, med(drills, (r) => r.steps[s])])),
      tools: Object.fromEntries(Object.keys(drills[0].tools).map((t) => [t, { calls: drills[0].tools[t].calls, ms: med(drills, (r) => r.tools[t]?.ms ?? 0) }])),
    },
  };
  result.ratios = {
    wall: result.medians.drill.wallMs / result.medians.raw.wallMs,
    wallLessTeardown: result.medians.drill.wallLessRemovalMs / result.medians.raw.toValidatedMs,
    rto: result.medians.drill.rtoMs / result.medians.raw.toValidatedMs,
    goal: 1.1,
  };
  // The same ratios within each round (its two runs minutes apart at most), then their median:
  // steadier than the ratio of medians when the machine's speed drifts between rounds.
  const pairs = drills.map((d) => [d, raws.find((r) => r.round === d.round)]);
  result.pairedRatios = {
    wall: median(pairs.map(([d, r]) => d.wallMs / r.wallMs)),
    wallLessTeardown: median(pairs.map(([d, r]) => (d.wallMs - d.steps.removeMs) / r.toValidatedMs)),
    rto: median(pairs.map(([d, r]) => d.rtoMs / r.toValidatedMs)),
    byRound: pairs.map(([d, r]) => ({ round: d.round, wall: d.wallMs / r.wallMs, wallLessTeardown: (d.wallMs - d.steps.removeMs) / r.toValidatedMs, rto: d.rtoMs / r.toValidatedMs })),
  };
  result.machineBusyCoresDuringRuns = busyCores(runsCpu, cpuSample());
  result.loadAverage1mAtEnd = os.loadavg()[0];
  result.machineBusyCoresAtEnd = await busyCoresOver(1000);
  return result;
}

/** The restore by hand, with the tools an operator has. Times each step; the server is stopped and the folder removed at the end (timed) or on failure. */
async function rawRestore(primary, base, round, queries) {
  const dir = join(primary.dir, `raw-${round}`);
  const data = join(dir, 'data');
  const port = await freePort();
  const cpu = cpuSample();
  const t0 = now();
  let started = false;
  const teardown = async () => {
    if (started) {
      started = false;
      await primary.pg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', '-t', '60', 'stop']).catch(() => undefined);
    }
    await primary.asOwner('rm', ['-rf', '--', dir]);
  };
  const marks = {};
  let t = t0;
  const mark = (name) => {
    const n = now();
    marks[name] = ms(n - t);
    t = n;
  };
  try {
    await primary.asOwner('mkdir', ['-m', '0700', dir]);
    await primary.asOwner('cp', ['-a', '--', base, data]);
    const own = {
      restore_command: `cp '${primary.archiveDir}/'"%f" "%p"`,
      archive_mode: 'off',
      listen_addresses: '',
      hba_file: join(dir, 'pg_hba.conf'),
      ident_file: join(dir, 'pg_ident.conf'),
      log_timezone: 'UTC',
      log_line_prefix: '%m [%p] ',
      log_destination: 'stderr',
      logging_collector: 'off',
      primary_conninfo: '',
      synchronous_standby_names: '',
    };
    writeOwned(primary, join(dir, 'pg_hba.conf'), 'local all all trust\n');
    writeOwned(primary, join(dir, 'pg_ident.conf'), '');
    appendFileSync(join(data, 'postgresql.auto.conf'), `\n${Object.entries(own).map(([k, v]) => `${k} = '${v.replace(/'/g, "''")}'`).join('\n')}\n`);
    writeOwned(primary, join(data, 'recovery.signal'), '');
    mark('copy');
    started = true;
    await primary.pg('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-o', `-p ${port} -k ${dir}`, '-w', '-t', '3600', 'start']);
    mark('start');
    const poll = new pg.Client({ host: dir, port, user: 'postgres', database: 'postgres' });
    await poll.connect();
    try {
      while ((await poll.query('SELECT pg_is_in_recovery() AS r')).rows[0].r) await new Promise((r) => setTimeout(r, RAW_POLL_MS));
    } finally {
      await poll.end().catch(() => undefined);
    }
    mark('replay');
    for (const q of queries) {
      const c = new pg.Client({ host: dir, port, user: 'postgres', database: 'postgres' });
      await c.connect();
      try {
        const actual = String(Object.values((await c.query(q.sql)).rows[0])[0]);
        if (actual !== q.expect) throw new Error(`raw restore: ${q.sql} gave ${actual}, expected ${q.expect}`);
      } finally {
        await c.end();
      }
    }
    mark('validation');
    const toValidated = now();
    started = false;
    await primary.pg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', '-t', '60', 'stop']);
    mark('stop');
    await primary.asOwner('rm', ['-rf', '--', dir]);
    mark('remove');
    const end = now();
    return { wallMs: ms(end - t0), toValidatedMs: ms(toValidated - t0), phases: marks, machineBusyCores: busyCores(cpu, cpuSample()) };
  } catch (err) {
    const log = readLog(join(dir, 'server.log'));
    await teardown();
    throw new Error(`${err.message}${log ? `\n${log.slice(-3000)}` : ''}`);
  }
}

/**
 * Vigil's restore drill, with the target's steps outside the RTO (tool versions, verification,
 * scratch removal) timed by a wrapper that only delegates.
 */
async function drillRestore(spec, scratchRoot, round) {
  const tools = new TimedTools(PG_BIN, 'postgres');
  const target = new Timed(new BaseBackupRestoreTarget(tools, scratchRoot, 'postgres'));
  const cpu = cpuSample();
  const t0 = now();
  const r = await runRestoreDrill(spec, target, { wall: new SystemClock(), mono: new SystemMonotonicClock() }, { runId: `bench-drill-${round}` });
  const end = now();
  if (r.stoppedBy) throw new Error(`the drill stopped (${r.stoppedBy.kind}): ${r.stoppedBy.reason}`);
  const failed = r.checks.filter((c) => !c.passed);
  if (failed.length > 0) throw new Error(`drill checks failed: ${JSON.stringify(failed)}`);
  if (!r.scratchRemoved) throw new Error('the drill did not remove its scratch cluster');
  const rto = measureRto('restore', r.marks, { ns: r.anchor.ns, utcMs: Date.parse(r.anchor.at) });
  if (!rto.measured) throw new Error(`RTO not measured: ${rto.reason}`);
  const phases = {};
  for (const m of r.marks) phases[m.phase] = (phases[m.phase] ?? 0) + ms(m.endNs - m.startNs);
  for (const p of rto.phases.filter((p) => p.phase === 'other')) phases.other = (phases.other ?? 0) + p.durationNs / 1e6;
  const verifyMark = r.marks.find((m) => m.phase === 'verify');
  return {
    wallMs: ms(end - t0),
    rtoMs: rto.totalNs / 1e6,
    phases,
    steps: {
      // Before the verify mark starts: none (the recorder starts it); inside it: tool versions, then the backup check.
      toolVersionsMs: target.toolVersionsMs,
      verifyBackupMs: target.verifyBackupMs,
      createScratchMs: target.createScratchMs,
      removeMs: target.removeMs,
      // Between the drill's call and its first mark, and after its last mark (the removal, its timeline events).
      outsideMarksMs: ms(end - t0) - ms(r.marks.at(-1).endNs - (verifyMark?.startNs ?? r.marks[0].startNs)),
    },
    tools: tools.byTool,
    machineBusyCores: busyCores(cpu, cpuSample()),
  };
}

// ───────────────────────────────────────────── helpers

function writeOwned(primary, file, text) {
  writeFileSync(file, text, { mode: 0o600 });
  if (primary.owner) chownSync(file, primary.owner.uid, primary.owner.gid);
}

/** Stops every server still running in a data folder under the primary's folder (a run cut short). */
async function stopServersUnder(primary) {
  const found = [];
  const walk = (dir, depth) => {
    if (existsSync(join(dir, 'postmaster.pid'))) found.push(dir);
    if (depth === 0) return;
    for (const e of readdirSyncSafe(dir)) if (e.isDirectory()) walk(join(dir, e.name), depth - 1);
  };
  walk(primary.dir, 3);
  // The primary last: its own stop() follows.
  for (const d of found.filter((d) => d !== join(primary.dir, 'primary'))) {
    await primary.pg('pg_ctl', ['-D', d, '-m', 'immediate', '-w', '-t', '60', 'stop']).catch(() => undefined);
  }
}

function readdirSyncSafe(dir) {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

function readLog(file) {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function sync() {
  spawnSync('sync');
}

function duBytes(dir) {
  const r = spawnSync('du', ['-sb', dir], { encoding: 'utf8' });
  return Number(r.stdout.split('\t')[0]);
}

/** The machine's busy CPU time and wall time so far (Linux /proc/stat; undefined elsewhere). */
function cpuSample() {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/).slice(1).map(Number);
    return { busy: (cpu[0] + cpu[1] + cpu[2] + cpu[5] + cpu[6] + cpu[7]) / 100, at: performance.now() }; // user nice system irq softirq steal, USER_HZ 100
  } catch {
    return undefined;
  }
}

/** Cores busy over the next `msValue` ms: what else the machine is doing while this scenario waits. */
async function busyCoresOver(msValue) {
  const a = cpuSample();
  await new Promise((r) => setTimeout(r, msValue));
  return busyCores(a, cpuSample());
}

/** Cores busy on average between two samples, whoever used them (other work on the machine included). */
function busyCores(a, b) {
  return a && b ? (b.busy - a.busy) / ((b.at - a.at) / 1000) : undefined;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function fmt(msValue) {
  return msValue === undefined ? '?' : msValue >= 1000 ? `${(msValue / 1000).toFixed(2)} s` : `${msValue.toFixed(0)} ms`;
}

function fmtBytes(b) {
  return b >= 1024 ** 3 ? `${(b / 1024 ** 3).toFixed(2)} GiB` : `${(b / 1024 ** 2).toFixed(0)} MiB`;
}
