import { execFile } from 'node:child_process';
import { chown, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from '../../src/adapters/postgres/embedded-postgres.js';

const run = promisify(execFile);
export const PG_BIN = '/usr/lib/postgresql/15/bin';

/**
 * A PostgreSQL 15 primary (Debian's, run as the postgres user) that archives its WAL with the
 * archive_command it is given, as a fleet's primary would: the source a restore drill restores.
 * Reached through its own Unix socket only (the folder is 0700, owned by postgres), trusted there.
 */
export interface PostgresPrimary {
  readonly dir: string;
  readonly dataDir: string;
  readonly socketDir: string;
  readonly port: number;
  query<T = Record<string, unknown>>(sql: string, values?: unknown[]): Promise<T[]>;
  /** Closes the current WAL segment and waits until the archiver has it. */
  switchWal(): Promise<void>;
  /** Runs a program as the postgres user, TZ=UTC. */
  asPostgres(bin: string, args: string[]): Promise<{ stdout: string; stderr: string }>;
  stop(): Promise<void>;
}

/** A primary archiving with `archive_command = cp`, with plain-format base backups by pg_basebackup. */
export interface ArchivingPrimary extends PostgresPrimary {
  readonly archiveDir: string;
  /** A new base backup (pg_basebackup -Fp -X none, with its manifest) in a folder of its own. */
  baseBackup(name: string): Promise<string>;
}

export async function startArchivingPrimary(): Promise<ArchivingPrimary> {
  let archiveDir = '';
  const primary = await startPostgresPrimary('vigil-drill-primary-', async ({ dir, owner }) => {
    archiveDir = join(dir, 'archive');
    await mkdir(archiveDir);
    await chown(archiveDir, owner.uid, owner.gid);
    return `cp %p ${archiveDir}/%f`;
  });
  return {
    ...primary,
    archiveDir,
    async baseBackup(name) {
      const target = join(primary.dir, name);
      await primary.asPostgres(join(PG_BIN, 'pg_basebackup'), ['-h', primary.dir, '-p', String(primary.port), '-U', 'postgres', '-D', target, '-Fp', '-X', 'none', '-c', 'fast']);
      return target;
    },
  };
}

/**
 * initdb and start a primary in a new temporary folder. `archiving` prepares what archiving needs
 * (the folder and port are known by then) and answers the archive_command. A start that fails
 * halfway stops what it started and removes the folder.
 */
export async function startPostgresPrimary(
  prefix: string,
  archiving: (at: { dir: string; dataDir: string; port: number; owner: { uid: number; gid: number } }) => Promise<string>,
): Promise<PostgresPrimary> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const dataDir = join(dir, 'data');
  const [uid, gid] = await Promise.all([idOf('-u'), idOf('-g')]);
  await chown(dir, uid, gid);
  const asPostgres = (bin: string, args: string[]) => run('runuser', ['-u', 'postgres', '--', bin, ...args], { env: { ...process.env, TZ: 'UTC' }, maxBuffer: 16 * 1024 * 1024 });
  const port = await freePort();
  let started = false;
  const stop = async () => {
    if (started) {
      started = false;
      await asPostgres(join(PG_BIN, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
    }
    await rm(dir, { recursive: true, force: true });
  };
  const query = async <T>(sql: string, values?: unknown[]): Promise<T[]> => {
    const c = new pg.Client({ host: dir, port, user: 'postgres', database: 'postgres' });
    await c.connect();
    try {
      return (await c.query(sql, values)).rows as T[];
    } finally {
      await c.end();
    }
  };
  try {
    await asPostgres(join(PG_BIN, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-instructions']);
    const archiveCommand = await archiving({ dir, dataDir, port, owner: { uid, gid } });
    const opts = [
      `-p ${port}`, `-k ${dir}`, "-c listen_addresses=''", '-c wal_level=replica', '-c archive_mode=on',
      `-c archive_command='${archiveCommand}'`, '-c log_timezone=UTC', '-c fsync=off',
    ].join(' ');
    // Before pg_ctl returns: a start that times out may still leave a server running.
    started = true;
    await asPostgres(join(PG_BIN, 'pg_ctl'), ['-D', dataDir, '-l', join(dir, 'server.log'), '-o', opts, '-w', '-t', '60', 'start']);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    dir,
    dataDir,
    socketDir: dir,
    port,
    query,
    asPostgres,
    async switchWal() {
      const name = (await query<{ name: string }>('SELECT pg_walfile_name(pg_switch_wal()) AS name'))[0]!.name;
      for (let i = 0; i < 600; i++) {
        const last = (await query<{ last: string | null }>('SELECT last_archived_wal AS last FROM pg_stat_archiver'))[0]!.last;
        if (last !== null && last >= name) return;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`WAL segment ${name} was not archived within 15 s`);
    },
    stop,
  };
}

async function idOf(flag: '-u' | '-g'): Promise<number> {
  return Number((await run('id', [flag, 'postgres'])).stdout.trim());
}
