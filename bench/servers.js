// Real servers for the budget benchmark, the way test/support starts them (ported to plain JS:
// the bench imports dist/, never test/ TypeScript): promtool, Prometheus and Debian's PostgreSQL 15
// on free loopback ports, each stopped by its own PID and its folder removed.

import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../dist/adapters/postgres/embedded-postgres.js';

const run = promisify(execFile);
const PROMETHEUS = process.env.PROMETHEUS ?? 'prometheus';
const PROMTOOL = process.env.PROMTOOL ?? 'promtool';
const PG_BIN = '/usr/lib/postgresql/15/bin';

/** TSDB block ranges are 2h × 3^k; promtool cuts at the longest not above this (hidden flag, works in 2.42). */
const LONGEST_BLOCK = '1458h';

/** `promtool tsdb create-blocks-from openmetrics` into dataDir; throws with promtool's own output. */
export async function importOpenMetrics(file, dataDir) {
  const args = ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', `--max-block-duration=${LONGEST_BLOCK}`, file, dataDir];
  try {
    await run(PROMTOOL, args, { maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    throw new Error(`promtool ${args.join(' ')} failed (${err.code ?? err.signal}):\n${`${err.stdout ?? ''}${err.stderr ?? ''}`.slice(-4000)}`);
  }
}

/**
 * Prometheus on dataDir (which stays the caller's), no rules, retention long enough for backfilled
 * blocks. `flags` adds command-line flags. Resolves once /-/ready answers.
 */
export async function startPrometheus(dataDir, flags = []) {
  const dir = mkdtempSync(join(os.tmpdir(), 'vigil-bench-prometheus-'));
  writeFileSync(join(dir, 'prometheus.yml'), 'global:\n  evaluation_interval: 1m\n');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const logFile = join(dir, 'prometheus.log');
  const log = createWriteStream(logFile);
  await new Promise((ok, fail) => log.once('open', ok).once('error', fail));
  const child = spawn(
    PROMETHEUS,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${dataDir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // The 15d default would delete the backfilled blocks.
      '--storage.tsdb.retention.time=400d',
      ...flags,
    ],
    { stdio: ['ignore', log, log] },
  );
  let spawnError;
  child.once('error', (err) => (spawnError = err.code === 'ENOENT' ? new Error(`${PROMETHEUS} not found: run scripts/ensure-test-tools.sh as root (Debian package prometheus) or set PROMETHEUS`) : err));
  const stop = stopper(child, () => rmSync(dir, { recursive: true, force: true }));
  const readLog = () => {
    try {
      return readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };
  try {
    await waitFor(
      async () => {
        if (spawnError) throw spawnError;
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`prometheus exited (${child.exitCode ?? child.signalCode}):\n${readLog().slice(-4000)}`);
        return fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false);
      },
      60_000,
      () => `prometheus at ${url} not ready:\n${readLog().slice(-4000)}`,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, pid: child.pid, log: readLog, stop };
}

/** Stopping the cluster in `data` (once, and only if its start was attempted) and removing `dir`, its folder. */
function clusterTeardown(pg, data, dir) {
  let started = false;
  return {
    starting: () => {
      started = true;
    },
    stop: async () => {
      if (started) {
        started = false;
        await pg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * PostgreSQL 15 from Debian on a free loopback port with a generated password. initdb and postgres
 * refuse root, so as root they run as the `postgres` user in a folder it owns. `fsync: false`
 * (the default here) spares the disk flushes where a scenario measures CPU, not durability; a
 * scenario that claims "stored before acknowledged" measures with `fsync: true` too.
 */
export async function startPostgres(database, { fsync = false } = {}) {
  const dir = mkdtempSync(join(os.tmpdir(), 'vigil-bench-pg-'));
  const data = join(dir, 'data');
  const password = randomBytes(18).toString('base64url');
  const asPostgres = process.getuid?.() === 0;
  const pg = (bin, args) => (asPostgres ? run('runuser', ['-u', 'postgres', '--', join(PG_BIN, bin), ...args]) : run(join(PG_BIN, bin), args));
  const { starting, stop } = clusterTeardown(pg, data, dir);
  try {
    writeFileSync(join(dir, 'pwfile'), `${password}\n`, { mode: 0o600 });
    if (asPostgres) {
      const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
      const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
      chownSync(dir, uid, gid);
      chownSync(join(dir, 'pwfile'), uid, gid);
    }
    chmodSync(dir, 0o700);
    await pg('initdb', ['-D', data, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${join(dir, 'pwfile')}`, '-E', 'UTF8', '--no-instructions']);
    const port = await freePort();
    starting(); // before the call: a start that timed out may still leave a server to stop
    await pg('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=${fsync ? 'on' : 'off'}`, '-w', '-t', '30', 'start']);
    const { default: pgClient } = await import('pg');
    const admin = new pgClient.Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres' });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(database)}`);
    } finally {
      await admin.end();
    }
    return { url: `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Polls `check` every 100 ms until it returns true; throws `message()` after timeoutMs. */
export async function waitFor(check, timeoutMs, message) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(message());
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** SIGTERM by PID, SIGKILL after 10 s; then `after()`. Safe to call twice. A last-resort SIGKILL on exit. */
export function stopper(child, after = () => undefined) {
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let stopping;
  return () =>
    (stopping ??= (async () => {
      process.off('exit', killOnExit);
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((ok) => child.once('exit', ok));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      after();
    })());
}

/**
 * A PostgreSQL 15 primary that archives its WAL with `archive_command = cp` into `dir/archive`, as a
 * fleet's primary would (the recipe of test/support/archiving-postgres.ts): in a new folder owned by
 * the `postgres` user (0700), reached through its own Unix socket there only, trusted. `pg(bin, args)`
 * runs a tool of the binaries folder as that user (as root; as itself otherwise), `asOwner(cmd, args)`
 * any command. `stop()` stops it and removes the whole folder, whatever else the caller put in it.
 */
export async function startArchivingPostgres() {
  const asPostgres = process.getuid?.() === 0;
  const owner = asPostgres
    ? { uid: Number((await run('id', ['-u', 'postgres'])).stdout.trim()), gid: Number((await run('id', ['-g', 'postgres'])).stdout.trim()) }
    : null;
  const asOwner = (cmd, args, options = {}) =>
    run(asPostgres ? 'runuser' : cmd, asPostgres ? ['-u', 'postgres', '--', cmd, ...args] : args, { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, TZ: 'UTC' }, ...options });
  const pg = (bin, args, options) => asOwner(join(PG_BIN, bin), args, options);
  const dir = mkdtempSync(join(os.tmpdir(), 'vigil-bench-drill-'));
  const archiveDir = join(dir, 'archive');
  const data = join(dir, 'primary');
  const { starting, stop } = clusterTeardown(pg, data, dir);
  try {
    chmodSync(dir, 0o700);
    if (owner) chownSync(dir, owner.uid, owner.gid);
    await asOwner('mkdir', [archiveDir]);
    await pg('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-instructions']);
    const port = await freePort();
    const opts = [
      `-p ${port}`, `-k ${dir}`, "-c listen_addresses=''", '-c wal_level=replica', '-c archive_mode=on',
      `-c archive_command='cp %p ${archiveDir}/%f'`, '-c log_timezone=UTC', '-c fsync=off', '-c max_wal_size=4GB',
    ].join(' ');
    starting(); // before the call: a start that timed out may still leave a server to stop
    await pg('pg_ctl', ['-D', data, '-l', join(dir, 'primary.log'), '-o', opts, '-w', '-t', '60', 'start']);
    const { default: pgClient } = await import('pg');
    const query = async (sql) => {
      const c = new pgClient.Client({ host: dir, port, user: 'postgres', database: 'postgres' });
      await c.connect();
      try {
        return (await c.query(sql)).rows;
      } finally {
        await c.end();
      }
    };
    return {
      dir,
      archiveDir,
      port,
      owner,
      query,
      pg,
      asOwner,
      /** A plain-format base backup (pg_basebackup -Fp -X none -c fast, with its manifest) in dir/name. */
      async baseBackup(name) {
        const target = join(dir, name);
        await pg('pg_basebackup', ['-h', dir, '-p', String(port), '-U', 'postgres', '-D', target, '-Fp', '-X', 'none', '-c', 'fast']);
        return target;
      },
      /** Closes the current WAL segment and waits until the archiver has copied it. */
      async switchWal() {
        const [{ name }] = await query('SELECT pg_walfile_name(pg_switch_wal()) AS name');
        await waitFor(
          async () => {
            const [{ last }] = await query('SELECT last_archived_wal AS last FROM pg_stat_archiver');
            return last !== null && last >= name;
          },
          60_000,
          () => `WAL segment ${name} was not archived within 60 s`,
        );
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * A scenario's clean-ups (stop servers, remove folders), run newest first and once, whoever asks
 * first: Ctrl-C or SIGTERM (then exit 130), or the script ending, possibly because Ctrl-C stopped a
 * server under it; the second asker waits for the first rather than exiting half-cleaned.
 */
export function cleanupsOnExit(progress) {
  const cleanups = [];
  let cleaning;
  const cleanup = () =>
    (cleaning ??= (async () => {
      while (cleanups.length > 0) await cleanups.pop()().catch((err) => progress(`clean-up: ${err.message}`));
    })());
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void cleanup().finally(() => process.exit(130)));
  return { cleanups, cleanup };
}

/** A scenario's one JSON line on stdout (bench/run.js renders it), then its clean-ups, whatever happened. */
export async function printResult(main, cleanup) {
  try {
    process.stdout.write(`${JSON.stringify(await main())}\n`);
  } finally {
    await cleanup();
  }
}
