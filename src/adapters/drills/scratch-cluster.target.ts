import type { BackupSource, DrillCheck } from '../../core/model/drill.js';
import { RestoreTarget, type CheckOutcome, type ScratchTarget } from '../../core/ports/restore-target.js';
import { primaryRowCounts, runDrillCheck } from './drill-checks.js';
import type { PostgresTools } from './postgres-tools.js';
import { freeBytesAt, type ScratchCluster } from './scratch-cluster.js';

/**
 * A restore target that restores on this machine, into scratch clusters under `scratchRoot`, with
 * the drill's PostgreSQL tools; subclasses say where the backup comes from.
 */
export abstract class LocalRestoreTarget extends RestoreTarget {
  constructor(
    protected readonly tools: PostgresTools,
    protected readonly scratchRoot: string,
    /** The role checks run as on the restored cluster (the scratch socket trusts it). */
    protected readonly role: string,
    /** The primary's libpq URL (resolved from the spec's reference), for the baseline; null without one. */
    protected readonly primaryUrl: string | null = null,
  ) {
    super();
  }

  primaryRowCounts(tables: readonly { readonly database?: string; readonly table: string }[]) {
    return primaryRowCounts(this.primaryUrl, tables);
  }

  scratchFreeBytes(): Promise<number> {
    return freeBytesAt(this.scratchRoot);
  }
}

/**
 * A drill's scratch target over a ScratchCluster: everything after the backup is in place (start,
 * the end of recovery, the first write, the checks, teardown) is the same whatever restored it.
 * A subclass says how the backup gets into the data folder and what recovery settings it adds.
 */
export abstract class ScratchClusterTarget implements ScratchTarget {
  constructor(
    protected readonly cluster: ScratchCluster,
    private readonly role: string,
  ) {}

  get description(): string {
    return `scratch cluster in ${this.cluster.dir} (Unix socket only, port ${this.cluster.port})`;
  }

  abstract copyBackup(source: BackupSource, target: { readonly time: Date } | null, signal: AbortSignal): Promise<void>;
  abstract configureRecovery(source: BackupSource, target: { readonly time: Date } | null): Promise<void>;

  async start(): Promise<void> {
    await this.cluster.start(3600);
  }

  async recoveryEnded(signal: AbortSignal): Promise<void> {
    // One connection for the whole wait: a new one per poll would start a backend every 20 ms while WAL replays.
    const c = this.cluster.client('postgres', this.role);
    c.on('error', () => undefined); // a server that stops under the poll: the failed query says so
    try {
      await c.connect();
      for (;;) {
        signal.throwIfAborted();
        if (!(await c.query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r')).rows[0]!.r) return;
        await new Promise((r) => setTimeout(r, 20));
      }
    } catch (err) {
      signal.throwIfAborted();
      const fatal = (await this.cluster.serverLog()).split('\n').filter((l) => /FATAL|PANIC/.test(l));
      throw new Error(`the scratch cluster stopped during recovery: ${fatal.at(-1)?.trim() ?? String(err)}`);
    } finally {
      await c.end().catch(() => undefined);
    }
  }

  async firstWrite(): Promise<void> {
    await this.query('postgres', `CREATE TABLE vigil_drill_first_write (at timestamptz NOT NULL DEFAULT now()); INSERT INTO vigil_drill_first_write DEFAULT VALUES`);
  }

  runCheck(check: DrillCheck): Promise<CheckOutcome> {
    return runDrillCheck((database, sql) => this.query(database, sql), check);
  }

  async integrityCheck(signal: AbortSignal): Promise<CheckOutcome> {
    const base = { name: 'pg_amcheck', kind: 'amcheck' as const, expected: 'no corruption in any database' };
    try {
      const r = await this.cluster.amcheck(this.role, signal);
      return { ...base, actual: r.corrupt ? r.output.split('\n').slice(0, 20).join('\n') : 'none found', passed: !r.corrupt };
    } catch (err) {
      signal.throwIfAborted();
      return { ...base, actual: null, passed: false, error: (err as Error).message };
    }
  }

  serverLog(): Promise<string> {
    return this.cluster.serverLog();
  }

  remove(): Promise<void> {
    return this.cluster.remove();
  }

  private async query<T>(database: string, sql: string): Promise<T[]> {
    const c = this.cluster.client(database, this.role);
    await c.connect();
    try {
      const r = await c.query(sql);
      return (Array.isArray(r) ? r.at(-1)!.rows : r.rows) as T[];
    } finally {
      await c.end().catch(() => undefined);
    }
  }
}

/** `2026-11-29 12:00:00.123+00`: the form PostgreSQL prints and takes for recovery_target_time. */
export function postgresTime(t: Date): string {
  return `${t.toISOString().replace('T', ' ').replace('Z', '')}+00`;
}
