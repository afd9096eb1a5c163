import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Drill runs and their reports. A run row is written when the run starts (so a crash leaves a
 * visible, unfinished run); its report is sealed once, as the canonical JSON text that was hashed,
 * into one chain across all drills (`sequence`, `previous_hash`). Reports are never updated: a
 * correction is a new report row for the same run. The trigger refuses UPDATE of a sealed report
 * and any DELETE, so "immutable" does not rest on the application alone.
 */
export class DrillRuns1764500000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE drill_runs (
        run_id text PRIMARY KEY,
        drill text NOT NULL,
        type text NOT NULL CHECK (type IN ('restore', 'pitr', 'failover', 'switchover')),
        trigger text NOT NULL CHECK (trigger IN ('schedule', 'manual')),
        requested_by text NOT NULL,
        slot timestamptz,
        started_at timestamptz NOT NULL,
        finished_at timestamptz,
        verdict text CHECK (verdict IN ('PASS', 'FAIL', 'ABORTED', 'INCONCLUSIVE')),
        rto_ms double precision,
        rpo_ms double precision
      )`);
    await q.query(`CREATE INDEX drill_runs_drill_idx ON drill_runs (drill, started_at DESC)`);
    await q.query(`
      CREATE TABLE drill_reports (
        sequence int PRIMARY KEY CHECK (sequence >= 1),
        run_id text NOT NULL REFERENCES drill_runs (run_id),
        revision int NOT NULL DEFAULT 1,
        hash text NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$'),
        previous_hash text NOT NULL CHECK (previous_hash ~ '^[0-9a-f]{64}$'),
        canonical text NOT NULL,
        sealed_at timestamptz NOT NULL,
        UNIQUE (run_id, revision)
      )`);
    await q.query(`
      CREATE FUNCTION drill_reports_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'drill reports are immutable: a correction is a new revision';
      END $$`);
    await q.query(`CREATE TRIGGER drill_reports_no_change BEFORE UPDATE OR DELETE ON drill_reports FOR EACH ROW EXECUTE FUNCTION drill_reports_immutable()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE drill_reports`);
    await q.query(`DROP FUNCTION drill_reports_immutable()`);
    await q.query(`DROP TABLE drill_runs`);
  }
}
