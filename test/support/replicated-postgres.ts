import { execFile } from 'node:child_process';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from '../../src/adapters/postgres/embedded-postgres.js';
import { PG_BIN } from './archiving-postgres.js';

const run = promisify(execFile);

export interface Node {
  readonly name: 'primary' | 'replica';
  readonly dataDir: string;
  readonly port: number;
  /** A libpq URL over the node's Unix socket. */
  readonly url: string;
  query<T = Record<string, unknown>>(sql: string, values?: unknown[]): Promise<T[]>;
}

/**
 * A PostgreSQL 15 primary and a streaming replica of it (pg_basebackup -R -X stream), as the
 * postgres user, each on its own Unix socket in one 0700 folder, trusted there. Checksums on, so
 * pg_rewind can bring a failed primary back, and wal_keep_size so the failed primary still has
 * the WAL since the last common checkpoint that pg_rewind reads. `synchronous` makes the replica a
 * synchronous standby.
 */
export interface ReplicatedPair {
  readonly dir: string;
  readonly primary: Node;
  readonly replica: Node;
  /** PIDs of the primary's walsender processes (pg_stat_replication). */
  walsenders(): Promise<number[]>;
  stop(): Promise<void>;
}

export async function startReplicatedPair(opts: { synchronous?: boolean } = {}): Promise<ReplicatedPair> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-drill-pair-'));
  const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
  const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
  await chown(dir, uid, gid);
  const asPostgres = (bin: string, args: string[]) => run('runuser', ['-u', 'postgres', '--', join(PG_BIN, bin), ...args], { env: { ...process.env, TZ: 'UTC' } });
  const node = (name: Node['name'], port: number): Node => {
    const url = `postgresql://postgres@/postgres?host=${encodeURIComponent(dir)}&port=${port}`;
    return {
      name,
      dataDir: join(dir, name),
      port,
      url,
      async query(sql, values) {
        const c = new pg.Client({ host: dir, port, user: 'postgres', database: 'postgres' });
        await c.connect();
        try {
          return (await c.query(sql, values)).rows;
        } finally {
          await c.end();
        }
      },
    };
  };
  const primary = node('primary', await freePort());
  const replica = node('replica', await freePort());
  const started: Node[] = [];
  const stop = async () => {
    for (const n of started.splice(0)) await asPostgres('pg_ctl', ['-D', n.dataDir, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await asPostgres('initdb', ['-D', primary.dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--data-checksums', '--no-instructions']);
    const common = `-k ${dir} -c listen_addresses='' -c log_timezone=UTC -c wal_level=replica -c max_wal_senders=5 -c hot_standby=on -c fsync=off`;
    const sync = opts.synchronous ? ` -c synchronous_standby_names=replica -c synchronous_commit=on` : '';
    await asPostgres('pg_ctl', ['-D', primary.dataDir, '-l', join(dir, 'primary.log'), '-o', `-p ${primary.port} ${common}${sync}`, '-w', '-t', '60', 'start']);
    started.push(primary);
    // In postgresql.auto.conf, not on the command line: pg_rewind's crash recovery (postgres --single) must keep the WAL too.
    await primary.query(`ALTER SYSTEM SET wal_keep_size = '1GB'`);
    await primary.query('SELECT pg_reload_conf()');
    await asPostgres('pg_basebackup', ['-h', dir, '-p', String(primary.port), '-U', 'postgres', '-D', replica.dataDir, '-R', '-X', 'stream', '-c', 'fast', '-d', `host=${dir} port=${primary.port} user=postgres application_name=replica`]);
    await asPostgres('pg_ctl', ['-D', replica.dataDir, '-l', join(dir, 'replica.log'), '-o', `-p ${replica.port} ${common}`, '-w', '-t', '60', 'start']);
    started.push(replica);
    for (let i = 0; i < 400; i++) {
      const rows = await primary.query<{ state: string }>(`SELECT state FROM pg_stat_replication WHERE application_name = 'replica'`);
      if (rows[0]?.state === 'streaming') break;
      await new Promise((r) => setTimeout(r, 25));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    dir,
    primary,
    replica,
    walsenders: async () => (await primary.query<{ pid: number }>(`SELECT pid FROM pg_stat_replication`)).map((r) => r.pid),
    stop,
  };
}
