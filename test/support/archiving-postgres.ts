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
 * A PostgreSQL 15 primary (Debian's, run as the postgres user) that archives its WAL into a folder
 * with `archive_command = cp`, as a fleet's primary would, and takes plain-format base backups with
 * pg_basebackup: the source a restore drill restores. Reached through its own Unix socket only
 * (the folder is 0700, owned by postgres), trusted there.
 */
export interface ArchivingPrimary {
  readonly dir: string;
  readonly archiveDir: string;
  readonly socketDir: string;
  readonly port: number;
  query<T = Record<string, unknown>>(sql: string, values?: unknown[]): Promise<T[]>;
  /** A new base backup (pg_basebackup -Fp -X none, with its manifest) in a folder of its own. */
  baseBackup(name: string): Promise<string>;
  /** Closes the current WAL segment and waits until the archiver has it. */
  switchWal(): Promise<void>;
  stop(): Promise<void>;
}

export async function startArchivingPrimary(): Promise<ArchivingPrimary> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-drill-primary-'));
  const archiveDir = join(dir, 'archive');
  const data = join(dir, 'data');
  const [uid, gid] = await Promise.all([idOf('-u'), idOf('-g')]);
  await mkdir(archiveDir);
  for (const d of [dir, archiveDir]) await chown(d, uid, gid);
  const asPostgres = (bin: string, args: string[]) => run('runuser', ['-u', 'postgres', '--', bin, ...args], { env: { ...process.env, TZ: 'UTC' } });
  await asPostgres(join(PG_BIN, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-instructions']);
  const port = await freePort();
  const opts = [
    `-p ${port}`, `-k ${dir}`, "-c listen_addresses=''", '-c wal_level=replica', '-c archive_mode=on',
    `-c archive_command='cp %p ${archiveDir}/%f'`, "-c log_timezone=UTC", '-c fsync=off',
  ].join(' ');
  let started = true;
  await asPostgres(join(PG_BIN, 'pg_ctl'), ['-D', data, '-l', join(dir, 'server.log'), '-o', opts, '-w', '-t', '60', 'start']);
  const query = async <T>(sql: string, values?: unknown[]): Promise<T[]> => {
    const c = new pg.Client({ host: dir, port, user: 'postgres', database: 'postgres' });
    await c.connect();
    try {
      return (await c.query(sql, values)).rows as T[];
    } finally {
      await c.end();
    }
  };
  return {
    dir,
    archiveDir,
    socketDir: dir,
    port,
    query,
    async baseBackup(name) {
      const target = join(dir, name);
      await asPostgres(join(PG_BIN, 'pg_basebackup'), ['-h', dir, '-p', String(port), '-U', 'postgres', '-D', target, '-Fp', '-X', 'none', '-c', 'fast']);
      return target;
    },
    async switchWal() {
      const name = (await query<{ name: string }>('SELECT pg_walfile_name(pg_switch_wal()) AS name'))[0]!.name;
      for (let i = 0; i < 600; i++) {
        const last = (await query<{ last: string | null }>('SELECT last_archived_wal AS last FROM pg_stat_archiver'))[0]!.last;
        if (last !== null && last >= name) return;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`WAL segment ${name} was not archived within 15 s`);
    },
    async stop() {
      if (started) {
        started = false;
        await asPostgres(join(PG_BIN, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function idOf(flag: '-u' | '-g'): Promise<number> {
  return Number((await run('id', [flag, 'postgres'])).stdout.trim());
}
