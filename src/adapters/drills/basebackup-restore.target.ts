import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseWaldumpLastCommit } from '../../core/drills/waldump.js';
import { checkWalContinuity, parseSegmentName } from '../../core/drills/wal-segments.js';
import type { BackupSource, DrillCheck } from '../../core/model/drill.js';
import { RestoreTarget, type BackupCheck, type CheckOutcome, type ScratchTarget } from '../../core/ports/restore-target.js';
import { countRows, runDrillCheck } from './drill-checks.js';
import { queryUrl, withDatabase } from './postgres-url.js';
import { PostgresTools, ToolFailed } from './postgres-tools.js';
import { ScratchCluster } from './scratch-cluster.js';

type BaseBackup = Extract<BackupSource, { kind: 'basebackup' }>;

/**
 * Restores a plain-format pg_basebackup (with its backup_manifest) and the WAL archive that
 * archive_command fills: pg_verifybackup checks the files against the manifest, the archive
 * listing shows the WAL continuity, pg_waldump the last commit recovery can reach, and the copy
 * goes into a scratch cluster that recovers with restore_command.
 */
export class BaseBackupRestoreTarget extends RestoreTarget {
  constructor(
    private readonly tools: PostgresTools,
    private readonly scratchRoot: string,
    /** The role checks run as on the restored cluster (the scratch socket trusts it). */
    private readonly role: string,
    /** The primary's libpq URL (resolved from the spec's reference), for the baseline; null without one. */
    private readonly primaryUrl: string | null = null,
  ) {
    super();
  }

  async primaryRowCounts(tables: readonly { readonly database?: string; readonly table: string }[]) {
    if (!this.primaryUrl) return null;
    const url = this.primaryUrl;
    const out: { database: string; table: string; rows: number }[] = [];
    for (const t of tables) {
      const database = t.database ?? 'postgres';
      out.push({ database, table: t.table, rows: await countRows((db, sql) => queryUrl(withDatabase(url, db), sql), database, t.table) });
    }
    return out;
  }

  async toolVersions(): Promise<Record<string, string>> {
    const versions: Record<string, string> = {};
    for (const tool of ['postgres', 'pg_verifybackup', 'pg_waldump']) versions[tool] = await this.tools.version(tool);
    return versions;
  }

  async verifyBackup(source: BackupSource, signal: AbortSignal): Promise<BackupCheck> {
    const s = baseBackup(source);
    const label = await readFile(join(s.baseBackupDir, 'backup_label'), 'utf8');
    const startSegment = /START WAL LOCATION: \S+ \(file ([0-9A-F]{24})\)/.exec(label)?.[1];
    if (!startSegment) throw new Error(`${s.baseBackupDir}/backup_label names no start WAL segment`);
    const startTime = /START TIME: (\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) (UTC|GMT)/.exec(label);
    const manifest = await this.tools
      .pg('pg_verifybackup', ['--wal-directory', s.walArchiveDir, s.baseBackupDir], 60 * 60_000, signal)
      .then(
        () => ({ ok: true as const }),
        async (err: unknown) => ({ ok: false as const, problem: await this.nameTables(err instanceof ToolFailed ? err.stderr.trim() : String(err)) }),
      );
    const wal = checkWalContinuity(await readdir(s.walArchiveDir), startSegment);
    const last = wal.ok ? wal.to : wal.lastContiguous;
    return {
      manifest,
      wal,
      backup: { startedAt: startTime ? new Date(`${startTime[1]!.replace(' ', 'T')}Z`) : null, startSegment, label: label.trim() },
      lastRecoverableCommitAt: last ? await this.lastCommitUpTo(s.walArchiveDir, startSegment, last, signal) : null,
    };
  }

  async createScratch(runId: string): Promise<ScratchTarget> {
    return new BaseBackupScratch(await ScratchCluster.create(this.scratchRoot, runId, this.tools), this.role);
  }

  /**
   * pg_verifybackup names files (`base/16384/16385`); an operator needs the table. Each data file
   * named is looked up on the primary (pg_filenode_relation), when the drill has one and it still
   * has that file: `… (table public.orders in database app)`.
   */
  private async nameTables(problem: string): Promise<string> {
    if (!this.primaryUrl) return problem;
    const url = this.primaryUrl;
    const names = new Map<string, string>();
    for (const [path, dbOid, fileNode] of problem.matchAll(/base\/(\d+)\/(\d+)(?:[._]\w+)?/g)) {
      if (names.has(path)) continue;
      const name = await (async () => {
        const db = (await queryUrl<{ datname: string }>(url, 'SELECT datname FROM pg_database WHERE oid = $1', [dbOid]))[0]?.datname;
        if (!db) return null;
        const rel = (await queryUrl<{ rel: string | null }>(withDatabase(url, db), 'SELECT pg_filenode_relation(0, $1)::regclass::text AS rel', [fileNode]))[0]?.rel;
        return rel ? `table ${rel} in database ${db}` : null;
      })().catch(() => null);
      if (name) names.set(path, name);
    }
    return [...names].reduce((text, [path, name]) => text.replaceAll(`"${path}"`, `"${path}" (${name})`), problem);
  }

  /** The newest commit in the archive up to `last`, read back segment by segment from it. */
  private async lastCommitUpTo(archive: string, first: string, last: string, signal: AbortSignal): Promise<Date | null> {
    const from = parseSegmentName(first)!;
    const to = parseSegmentName(last)!;
    for (let n = to.number; n >= from.number && n > to.number - 8; n--) {
      const name = [...(await readdir(archive))].find((f) => parseSegmentName(f)?.number === n && parseSegmentName(f)?.timeline === to.timeline);
      if (!name) return null;
      // pg_waldump stops with an error at the end of the WAL that was written; what it printed before is what counts.
      const out = await this.tools.pg('pg_waldump', ['--path', archive, '--rmgr', 'Transaction', name, name], 10 * 60_000, signal).then(
        (r) => r.stdout,
        (err: unknown) => (err instanceof ToolFailed ? err.stdout : ''),
      );
      const at = parseWaldumpLastCommit(out);
      if (at) return at;
    }
    return null;
  }
}

class BaseBackupScratch implements ScratchTarget {
  constructor(
    private readonly cluster: ScratchCluster,
    private readonly role: string,
  ) {}

  get description(): string {
    return `scratch cluster in ${this.cluster.dir} (Unix socket only, port ${this.cluster.port})`;
  }

  async copyBackup(source: BackupSource): Promise<void> {
    await this.cluster.copyBaseBackup(baseBackup(source).baseBackupDir);
  }

  async configureRecovery(source: BackupSource, target: { readonly time: Date } | null): Promise<void> {
    await this.cluster.configureRecovery(
      baseBackup(source).walArchiveDir,
      target ? { recovery_target_time: postgresTime(target.time), recovery_target_inclusive: 'false', recovery_target_action: 'promote' } : {},
    );
  }

  async start(): Promise<void> {
    await this.cluster.start(3600);
  }

  async recoveryEnded(signal: AbortSignal): Promise<void> {
    for (;;) {
      signal.throwIfAborted();
      const inRecovery = await this.query<{ r: boolean }>('postgres', 'SELECT pg_is_in_recovery() AS r').then(
        (rows) => rows[0]!.r,
        async (err: unknown) => {
          const fatal = (await this.cluster.serverLog()).split('\n').filter((l) => /FATAL|PANIC/.test(l));
          throw new Error(`the scratch cluster stopped during recovery: ${fatal.at(-1)?.trim() ?? String(err)}`);
        },
      );
      if (!inRecovery) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async firstWrite(): Promise<void> {
    await this.query('postgres', `CREATE TABLE vigil_drill_first_write (at timestamptz NOT NULL DEFAULT now()); INSERT INTO vigil_drill_first_write DEFAULT VALUES`);
  }

  runCheck(check: DrillCheck): Promise<CheckOutcome> {
    return runDrillCheck((database, sql) => this.query(database, sql), check);
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

function baseBackup(source: BackupSource): BaseBackup {
  if (source.kind !== 'basebackup') throw new Error(`backup source ${source.kind} is not a base backup with a WAL archive`);
  return source;
}

/** `2026-11-29 12:00:00.123+00`: the form PostgreSQL prints and takes for recovery_target_time. */
function postgresTime(t: Date): string {
  return `${t.toISOString().replace('T', ' ').replace('Z', '')}+00`;
}
