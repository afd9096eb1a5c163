import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { DrillSpec } from '../../core/model/drill.js';
import { BackupProbe, type BackupObservation } from '../../core/ports/backup-probe.js';
import type { SecretReader } from '../../core/ports/secret-reader.js';
import { queryUrl } from './postgres-url.js';

const exec = promisify(execFile);

/**
 * Backup health of a base backup + WAL archive source: the backup's label and size (`du -sb`), its
 * end as the time its manifest was written (pg_basebackup writes backup_manifest last, so a backup
 * without one did not complete), and the primary's pg_stat_archiver.
 */
export class BaseBackupProbe extends BackupProbe {
  constructor(private readonly secrets: SecretReader) {
    super();
  }

  async observe(spec: DrillSpec): Promise<BackupObservation> {
    const source = spec.target.backup;
    let backup: BackupObservation['backup'] = null;
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
    return { backup, archiver };
  }
}
