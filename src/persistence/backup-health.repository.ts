import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { BackupObservation } from '../core/ports/backup-probe.js';

export interface BackupHealthRow {
  readonly drill: string;
  readonly observedAt: Date;
  readonly backupFinishedAt: Date | null;
  readonly backupBytes: number | null;
  readonly backupComplete: boolean | null;
  /** Median size of up to 10 earlier backups; null with none. */
  readonly medianEarlierBytes: number | null;
  readonly walLastArchivedAt: Date | null;
  readonly walFailedCount: number | null;
}

type Row = Record<string, unknown>;
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** Backup health observations (migration 1764600000000). */
@Injectable()
export class BackupHealthRepository {
  constructor(private readonly dataSource: DataSource) {}

  async record(drill: string, o: BackupObservation, at: Date): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      await m.query(
        `INSERT INTO backup_health (drill, observed_at, backup_label, backup_finished_at, backup_bytes, backup_complete, wal_last_archived_at, wal_failed_count)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (drill) DO UPDATE SET observed_at = EXCLUDED.observed_at, backup_label = EXCLUDED.backup_label, backup_finished_at = EXCLUDED.backup_finished_at,
           backup_bytes = EXCLUDED.backup_bytes, backup_complete = EXCLUDED.backup_complete, wal_last_archived_at = EXCLUDED.wal_last_archived_at, wal_failed_count = EXCLUDED.wal_failed_count`,
        [drill, at, o.backup?.label ?? null, o.backup?.finishedAt ?? null, o.backup?.sizeBytes ?? null, o.backup?.complete ?? null, o.archiver?.lastArchivedAt ?? null, o.archiver?.failedCount ?? null],
      );
      for (const b of [...(o.history ?? []), ...(o.backup?.complete ? [o.backup] : [])]) {
        await m.query(`INSERT INTO backup_sizes (drill, label, finished_at, size_bytes) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, [drill, b.label, b.finishedAt, b.sizeBytes]);
      }
    });
  }

  async all(): Promise<BackupHealthRow[]> {
    const rows = (await this.dataSource.query(`
      SELECT h.*, (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY s.size_bytes)
                     FROM (SELECT size_bytes FROM backup_sizes s WHERE s.drill = h.drill AND s.label IS DISTINCT FROM h.backup_label ORDER BY finished_at DESC LIMIT 10) s) AS median_earlier
        FROM backup_health h ORDER BY drill`)) as Row[];
    return rows.map((r) => ({
      drill: String(r.drill),
      observedAt: r.observed_at as Date,
      backupFinishedAt: (r.backup_finished_at as Date | null) ?? null,
      backupBytes: num(r.backup_bytes),
      backupComplete: (r.backup_complete as boolean | null) ?? null,
      medianEarlierBytes: num(r.median_earlier),
      walLastArchivedAt: (r.wal_last_archived_at as Date | null) ?? null,
      walFailedCount: num(r.wal_failed_count),
    }));
  }
}
