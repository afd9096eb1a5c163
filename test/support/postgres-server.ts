import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from '../../src/adapters/postgres/embedded-postgres.js';

const run = promisify(execFile);
const PG_BIN = '/usr/lib/postgresql/15/bin';
const SUPERUSER = 'postgres';

export interface TestPostgres {
  /** A database whose name contains "test", on a server only this test run uses. */
  readonly url: string;
  /** Another empty database on the same server (name must contain "test"); returns its URL. */
  readonly createDatabase: (name: string) => Promise<string>;
  /** Stops the server and removes its folder; safe to call twice. */
  readonly stop: () => Promise<void>;
  /** Freezes every process of this server (SIGSTOP): connections stay open and nothing answers, as with a hung host. */
  readonly pause: () => Promise<void>;
  /** Thaws what `pause` froze. */
  readonly resume: () => Promise<void>;
  /**
   * Crashes the server (`pg_ctl stop -m immediate`: every connection cut, no shutdown checkpoint,
   * crash recovery at the next start) and starts it again on the same port, as a failover to a
   * replica at the same address looks to a client. Resolves once it accepts connections.
   */
  readonly crashRestart: () => Promise<void>;
}

/**
 * A real PostgreSQL 15 (Debian's postgresql-15, installed by scripts/ensure-test-tools.sh) on a
 * free loopback port, with a generated password. initdb and postgres refuse to run as root, so
 * they run as the `postgres` user in a folder it owns.
 */
export async function startTestPostgres(name = 'vigil_test'): Promise<TestPostgres> {
  assertTestName(name);
  const dir = await mkdtemp(join(tmpdir(), 'vigil-pg-'));
  const data = join(dir, 'data');
  const password = randomBytes(18).toString('base64url');
  const asPostgres = process.getuid?.() === 0;
  const pgCmd = (bin: string, args: string[]) =>
    asPostgres ? run('runuser', ['-u', SUPERUSER, '--', join(PG_BIN, bin), ...args]) : run(join(PG_BIN, bin), args);

  let started = false;
  const stop = async () => {
    if (started) {
      started = false;
      await pgCmd('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']).catch(() => undefined);
    }
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await writeFile(join(dir, 'pwfile'), `${password}\n`, { mode: 0o600 });
    if (asPostgres) {
      const [uid, gid] = await Promise.all([idOf('-u'), idOf('-g')]);
      await chown(dir, uid, gid);
      await chown(join(dir, 'pwfile'), uid, gid);
    }
    await chmod(dir, 0o700);
    await pgCmd('initdb', ['-D', data, '-U', SUPERUSER, '--auth=scram-sha-256', `--pwfile=${join(dir, 'pwfile')}`, '-E', 'UTF8', '--no-instructions']);
    const port = await freePort();
    // -k: the socket in our own folder; /var/run/postgresql may not exist or belong to another server.
    const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
    started = true; // before the call: a start that timed out may still leave a server to stop
    await pgCmd('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-o', opts, '-w', '-t', '30', 'start']);

    const createDatabase = async (db: string) => {
      assertTestName(db);
      const admin = new pg.Client({ host: '127.0.0.1', port, user: SUPERUSER, password, database: 'postgres' });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(db)}`);
      } finally {
        await admin.end();
      }
      const url = `postgresql://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(db)}`;
      assertTestDatabaseUrl(url);
      return url;
    };
    // The postmaster's pid is line 1 of postmaster.pid; its backends are its children. Only this server's processes are signalled.
    const processes = async () => {
      const pid = (await readFile(join(data, 'postmaster.pid'), 'utf8')).split('\n')[0]!.trim();
      const children = await run('pgrep', ['-P', pid]).then((r) => r.stdout.split('\n').filter(Boolean), () => [] as string[]);
      return [pid, ...children];
    };
    const signal = async (sig: 'STOP' | 'CONT') => {
      if (sig === 'CONT') {
        for (const p of await processes()) await run('kill', ['-CONT', p]).catch(() => undefined);
        return;
      }
      // The postmaster first, so it forks nothing new; then its children, listed after that, twice:
      // a backend forked between the listing and the postmaster's stop would otherwise keep answering.
      const [postmaster] = await processes();
      await run('kill', ['-STOP', postmaster!]).catch(() => undefined);
      for (let pass = 0; pass < 2; pass++) {
        for (const p of (await processes()).slice(1)) await run('kill', ['-STOP', p]).catch(() => undefined);
      }
    };
    const crashRestart = async () => {
      await pgCmd('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      await pgCmd('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-o', opts, '-w', '-t', '30', 'start']);
    };
    return { url: await createDatabase(name), createDatabase, stop, pause: () => signal('STOP'), resume: () => signal('CONT'), crashRestart };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Tests drop and fill tables: refuse any database that is not plainly a test one. */
export function assertTestDatabaseUrl(url: string): void {
  assertTestName(decodeURIComponent(new URL(url).pathname.replace(/^\//, '')));
}

function assertTestName(name: string): void {
  if (!/test/i.test(name)) throw new Error(`refusing to use database "${name}": test databases must have "test" in their name`);
}

async function idOf(flag: '-u' | '-g'): Promise<number> {
  const { stdout } = await run('id', [flag, SUPERUSER]);
  return Number(stdout.trim());
}
