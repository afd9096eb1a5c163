import { access, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { PostgresTools } from '../../src/adapters/drills/postgres-tools.js';
import type { BackupSource, DrillCheck, DrillSpec } from '../../src/core/model/drill.js';
import { RestoreTarget, type ScratchTarget } from '../../src/core/ports/restore-target.js';
import { PG_BIN, type PostgresPrimary } from './archiving-postgres.js';

/**
 * What the restore drill tests share, whatever made the backup: an orders table with 10 000 rows
 * in the backup and 2 000 written after it (only WAL replay brings those back), a drill spec
 * checking them, and a DROP TABLE for a PITR drill to undo.
 */

export const AT = { file: 'drills/orders.yaml', line: 1, col: 1 };

export const check = (c: Partial<DrillCheck> & { name: string }): DrillCheck => ({ kind: 'sql', sql: 'SELECT 1', expect: '1', at: AT, ...c }) as DrillCheck;
export const rowCount = (name: string, table: string, equals: number): DrillCheck => check({ name, kind: 'rowCount', table, equals } as Partial<DrillCheck> & { name: string });

/** The rows a backup taken next holds. */
export async function ordersBeforeBackup(primary: Pick<PostgresPrimary, 'query'>): Promise<void> {
  await primary.query(`CREATE TABLE orders (id int PRIMARY KEY, amount numeric NOT NULL)`);
  await primary.query(`INSERT INTO orders SELECT g, g * 1.5 FROM generate_series(1, 10000) g`);
}

/** After the backup, archived: only WAL replay brings these back. */
export async function ordersAfterBackup(primary: Pick<PostgresPrimary, 'query' | 'switchWal'>): Promise<void> {
  await primary.query(`INSERT INTO orders SELECT g, 1 FROM generate_series(10001, 12000) g`);
  await primary.switchWal();
}

/** A restore drill of `backup` whose checks pass when all 12 000 orders came back. */
export function restoreSpec(backup: BackupSource, over: Partial<DrillSpec> = {}): DrillSpec {
  return {
    name: 'orders-restore',
    owner: 'team-payments',
    type: 'restore',
    target: { binDir: PG_BIN, backup, osUser: 'postgres' },
    schedule: { kind: 'cron', expression: '0 3 1 * *', timeZone: 'UTC' },
    objectives: { rtoSeconds: 3600, rpoSeconds: 900 },
    checks: [rowCount('all orders', 'public.orders', 12000), check({ name: 'order total', sql: 'SELECT sum(amount)::text FROM orders', expect: '75009500.0' })],
    abort: { maxDurationSeconds: 600 },
    notify: [],
    at: AT,
    ...over,
  };
}

/**
 * A table `doomed` of 500 rows and a heartbeat committing every 20 ms; the point answered is taken
 * between heartbeats, three before `DROP TABLE doomed`, and all of it is archived.
 */
export async function dropTableAfterPoint(primary: Pick<PostgresPrimary, 'query' | 'switchWal'>): Promise<Date> {
  await primary.query(`CREATE TABLE doomed (id int)`);
  await primary.query(`INSERT INTO doomed SELECT generate_series(1, 500)`);
  await primary.query(`CREATE TABLE heartbeat (at timestamptz NOT NULL DEFAULT clock_timestamp())`);
  const beat = async (n: number) => {
    for (let i = 0; i < n; i++) {
      await primary.query(`INSERT INTO heartbeat DEFAULT VALUES`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  await beat(10);
  const point = new Date();
  await beat(3);
  await primary.query(`DROP TABLE doomed`);
  await beat(10);
  await primary.switchWal();
  return point;
}

/** What a PITR drill to that point must find: the dropped table whole, and no heartbeat after it. */
export function undoneDropChecks(point: Date): DrillCheck[] {
  return [
    rowCount('doomed is back', 'doomed', 500),
    check({ name: 'no heartbeat after the target', sql: `SELECT count(*) FROM heartbeat WHERE at > '${point.toISOString()}'`, expect: '0' }),
  ];
}

/** A RestoreTarget passing everything to another: a test overrides createScratch to watch the scratch targets it makes. */
export class DelegatingTarget extends RestoreTarget {
  constructor(protected readonly inner: RestoreTarget) {
    super();
  }
  toolVersions(): ReturnType<RestoreTarget['toolVersions']> {
    return this.inner.toolVersions();
  }
  scratchFreeBytes(): ReturnType<RestoreTarget['scratchFreeBytes']> {
    return this.inner.scratchFreeBytes();
  }
  primaryRowCounts(...a: Parameters<RestoreTarget['primaryRowCounts']>): ReturnType<RestoreTarget['primaryRowCounts']> {
    return this.inner.primaryRowCounts(...a);
  }
  verifyBackup(...a: Parameters<RestoreTarget['verifyBackup']>): ReturnType<RestoreTarget['verifyBackup']> {
    return this.inner.verifyBackup(...a);
  }
  createScratch(runId: string): Promise<ScratchTarget> {
    return this.inner.createScratch(runId);
  }
}

/**
 * For afterAll: a drill removes its scratch cluster on every path it controls, but a test that
 * failed or timed out mid-drill may leave a server running in one. Stops those, then removes the root.
 */
export async function removeScratchRoot(root: string, tools: PostgresTools): Promise<void> {
  for (const name of await readdir(root).catch(() => [] as string[])) {
    const data = join(root, name, 'data');
    const running = await access(join(data, 'postmaster.pid')).then(() => true, () => false);
    if (running) await tools.pg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop'], 90_000).catch(() => undefined);
  }
  await rm(root, { recursive: true, force: true });
}
