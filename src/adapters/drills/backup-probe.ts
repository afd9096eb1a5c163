import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { DrillSpec } from '../../core/model/drill.js';
import { BackupProbe, type BackupObservation } from '../../core/ports/backup-probe.js';
import type { SecretReader } from '../../core/ports/secret-reader.js';
import { backupHistory } from '../../core/drills/pgbackrest-output.js';
import { PgBackRest } from './pgbackrest-restore.target.js';
import { PostgresTools } from './postgres-tools.js';
import { queryUrl } from './postgres-url.js';
import { createScratchFolder } from './scratch-cluster.js';

const exec = promisify(execFile);

/**
 * Backup health of a drill's source and primary. A base backup: its label and size (`du -sb`), its
 * end as the time its manifest was written (pg_basebackup writes backup_manifest last, so a backup
 * without one did not complete). A pgBackRest stanza: `pgbackrest info` (every backup, its size in
 * the repository, whether pgBackRest flagged it). And the primary's pg_stat_archiver.
 */
export class BackupSourceProbe extends BackupProbe {
  constructor(
    private readonly secrets: SecretReader,
    /** Where pgBackRest's lock and log files go while it answers (the drill work folder's scratch root). */
    private readonly scratchRoot: string,
  ) {
    super();
  }

  async observe(spec: DrillSpec): Promise<BackupObservation> {
    const source = spec.target.backup;
    let backup: BackupObservation['backup'] = null;
    let history: BackupObservation['history'];
    if (source?.kind === 'pgbackrest') {
      const tools = new PostgresTools(spec.target.binDir, spec.target.osUser ?? 'postgres');
      const work = await createScratchFolder(this.scratchRoot, `backup-health-${randomUUID()}`, tools);
      try {
        const all = backupHistory((await new PgBackRest(tools, 'pgbackrest', source, work.dir).run('info', ['--output=json'], [], AbortSignal.timeout(5 * 60_000))).stdout, source.stanza);
        const newest = all.at(-1);
        if (newest) backup = { label: newest.label, finishedAt: newest.finishedAt, sizeBytes: newest.sizeBytes, complete: !newest.error };
        history = all.slice(0, -1).filter((b) => !b.error).map(({ label, finishedAt, sizeBytes }) => ({ label, finishedAt, sizeBytes }));
      } finally {
        await rm(work.dir, { recursive: true, force: true });
      }
    }
    if (source?.kind === 'basebackup') {
      const label = await readFile(join(source.baseBackupDir, 'backup_label'), 'utf8').catch(() => null);
      if (label !== null) {
        const manifest = await stat(join(source.baseBackupDir, 'backup_manifest')).catch(() => null);
        const started = /START TIME: (\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) (?:UTC|GMT)/.exec(label)?.[1];
        const size = Number((await exec('du', ['-sb', source.baseBackupDir])).stdout.split('\t')[0]);
        backup = {
          label: /START WAL LOCATION: (\S+)/.exec(label)?.[1] ?? 'unknown',
          finishedAt: manifest?.mtime ?? new Date(`${started?.replace(' ', 'T') ?? '1970-01-01T00:00:00'}Z`),
          sizeBytes: size,
          complete: manifest !== null,
        };
      }
    }
    let archiver: BackupObservation['archiver'] = null;
    if (spec.target.primary) {
      const url = await this.secrets.readRef(spec.target.primary, `drill ${spec.name}: target.primary`);
      const row = (await queryUrl<{ last_archived_time: Date | null; failed_count: string }>(url, 'SELECT last_archived_time, failed_count FROM pg_stat_archiver'))[0]!;
      archiver = { lastArchivedAt: row.last_archived_time, failedCount: Number(row.failed_count) };
    }
    return { backup, archiver, ...(history ? { history } : {}) };
  }
}
