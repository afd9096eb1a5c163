import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Budget history: a snapshot per SLO per cycle (pruned by retention) and a row per SLO per day (kept). */
export class Budgets1764100000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE budget_snapshots (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL,
        service text NOT NULL,
        slo text NOT NULL,
        status text NOT NULL CHECK (status IN ('healthy', 'at-risk', 'exhausted', 'no-data')),
        sli double precision,
        remaining double precision NOT NULL,
        bad_events double precision,
        total_events double precision,
        burn_rates jsonb NOT NULL DEFAULT '{}',
        exhaustion_at timestamptz,
        source text NOT NULL
      )`);
    // History reads one SLO over a time range; the latest status per SLO reads the same index backwards.
    await q.query('CREATE INDEX budget_snapshots_slo_at_idx ON budget_snapshots (service, slo, at)');
    // Retention deletes by time alone.
    await q.query('CREATE INDEX budget_snapshots_at_idx ON budget_snapshots (at)');
    await q.query(`
      CREATE TABLE slo_days (
        day date NOT NULL,
        service text NOT NULL,
        slo text NOT NULL,
        bad double precision NOT NULL,
        total double precision NOT NULL,
        seconds_observed double precision NOT NULL DEFAULT 0,
        seconds_at_risk double precision NOT NULL DEFAULT 0,
        seconds_exhausted double precision NOT NULL DEFAULT 0,
        final boolean NOT NULL DEFAULT false,
        PRIMARY KEY (day, service, slo)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE slo_days');
    await q.query('DROP TABLE budget_snapshots');
  }
}
