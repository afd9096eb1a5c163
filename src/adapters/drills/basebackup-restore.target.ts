import { access, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkWalContinuity } from '../../core/drills/wal-segments.js';
import type { BackupSource } from '../../core/model/drill.js';
import type { BackupCheck, ScratchTarget } from '../../core/ports/restore-target.js';
import { lastCommitUpTo } from './last-commit.js';
import { queryUrl, withDatabase } from './postgres-url.js';
import { ToolFailed } from './postgres-tools.js';
import { ScratchCluster } from './scratch-cluster.js';
import { LocalRestoreTarget, postgresTime, ScratchClusterTarget } from './scratch-cluster.target.js';

type BaseBackup = Extract<BackupSource, { kind: 'basebackup' }>;

/**
 * Restores a plain-format pg_basebackup (with its backup_manifest) and the WAL archive that
 * archive_command fills: pg_verifybackup checks the files against the manifest, the archive
 * listing shows the WAL continuity, pg_waldump the last commit recovery can reach, and the copy
 * goes into a scratch cluster that recovers with restore_command.
 */
export class BaseBackupRestoreTarget extends LocalRestoreTarget {
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
        async (err: unknown) => {
          // Killed by the drill's deadline: that says nothing about the backup.
          signal.throwIfAborted();
          return { ok: false as const, problem: await this.nameTables(err instanceof ToolFailed ? err.stderr.trim() : String(err)) };
        },
      );
    const wal = checkWalContinuity(await readdir(s.walArchiveDir), startSegment);
    const last = wal.ok ? wal.to : wal.lastContiguous;
    return {
      manifest,
      wal,
      backup: { startedAt: startTime ? new Date(`${startTime[1]!.replace(' ', 'T')}Z`) : null, startSegment, label: label.trim() },
      lastRecoverableCommitAt: last ? await lastCommitUpTo(this.tools, startSegment, last, (segment) => inFolder(s.walArchiveDir, segment), signal) : null,
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
}

class BaseBackupScratch extends ScratchClusterTarget {
  async copyBackup(source: BackupSource): Promise<void> {
    await this.cluster.copyBaseBackup(baseBackup(source).baseBackupDir);
  }

  async configureRecovery(source: BackupSource, target: { readonly time: Date } | null): Promise<void> {
    await this.cluster.configureRecovery(
      baseBackup(source).walArchiveDir,
      target ? { recovery_target_time: postgresTime(target.time), recovery_target_inclusive: 'false', recovery_target_action: 'promote' } : {},
    );
  }
}

function baseBackup(source: BackupSource): BaseBackup {
  if (source.kind !== 'basebackup') throw new Error(`backup source ${source.kind} is not a base backup with a WAL archive`);
  return source;
}

/** The archive folder, when it holds the segment (archive_command copies segments under their own names). */
async function inFolder(walArchiveDir: string, segment: string): Promise<string | null> {
  return access(join(walArchiveDir, segment)).then(
    () => walArchiveDir,
    () => null,
  );
}
