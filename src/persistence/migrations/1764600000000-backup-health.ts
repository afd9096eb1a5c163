import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Backup health between drills: the latest observation per drill (what /metrics shows on every
 * replica), and the size of every backup seen, for the size-anomaly comparison with earlier ones.
 */
export class BackupHealth1764600000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE backup_health (
        drill text PRIMARY KEY,
        observed_at timestamptz NOT NULL,
        backup_label text,
        backup_finished_at timestamptz,
        backup_bytes bigint,
        backup_complete boolean,
        wal_last_archived_at timestamptz,
        wal_failed_count bigint
      )`);
    await q.query(`
      CREATE TABLE backup_sizes (
        drill text NOT NULL,
        label text NOT NULL,
        finished_at timestamptz NOT NULL,
        size_bytes bigint NOT NULL,
        PRIMARY KEY (drill, label)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE backup_sizes`);
    await q.query(`DROP TABLE backup_health`);
  }
}
