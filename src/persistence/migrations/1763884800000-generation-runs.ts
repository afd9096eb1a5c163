import type { MigrationInterface, QueryRunner } from 'typeorm';

/** One row per start-up generation: what Vigil loaded, when, and what it wrote. */
export class GenerationRuns1763884800000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    // gen_random_uuid() is built in from PostgreSQL 13; no extension needed.
    await q.query(`
      CREATE TABLE generation_runs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        started_at timestamptz NOT NULL,
        spec_files int NOT NULL,
        services int NOT NULL,
        slos int NOT NULL,
        rules int NOT NULL,
        diagnostics jsonb NOT NULL DEFAULT '[]',
        ok boolean NOT NULL,
        changed_files jsonb NOT NULL DEFAULT '[]'
      )`);
    await q.query('CREATE INDEX generation_runs_started_at_idx ON generation_runs (started_at DESC)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE generation_runs');
  }
}
