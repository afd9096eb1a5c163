import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Durable jobs: every timed thing Vigil does (budget cycles, webhook deliveries, pruning, and
 * next escalation steps and drills) is a row here, claimed with FOR UPDATE SKIP LOCKED, so it
 * runs once across replicas and survives restarts. A claim names its replica's database session
 * (locked_session): while that session lives it holds an advisory lock, so a replica that died
 * is noticed at once rather than when its lease runs out. Budgets move onto it: one row per stored
 * cycle, and each SLO's latest budget kept apart so the API answers from the database.
 * Webhook deliveries keep their outbox rows; when they are due is now the jobs table's business.
 */
export class Jobs1764200000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE jobs (
        id bigserial PRIMARY KEY,
        name text NOT NULL,
        key text NOT NULL,
        slot timestamptz,
        payload jsonb NOT NULL DEFAULT '{}',
        state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'running', 'succeeded', 'failed', 'missed', 'cancelled')),
        run_at timestamptz NOT NULL,
        attempts int NOT NULL DEFAULT 0,
        max_attempts int NOT NULL DEFAULT 1 CHECK (max_attempts >= 1),
        lease_seconds int NOT NULL DEFAULT 60 CHECK (lease_seconds >= 1),
        exclusive boolean NOT NULL DEFAULT false,
        locked_by text,
        locked_session bigint,
        locked_until timestamptz,
        last_error text,
        result jsonb,
        created_at timestamptz NOT NULL,
        finished_at timestamptz,
        UNIQUE (name, key)
      )`);
    // The worker's questions: what is due, which claims lapsed, the latest slot of a job, what to prune.
    await q.query(`CREATE INDEX jobs_due_idx ON jobs (run_at) WHERE state = 'pending'`);
    await q.query(`CREATE INDEX jobs_claimed_idx ON jobs (locked_until) WHERE state = 'running'`);
    await q.query('CREATE INDEX jobs_slot_idx ON jobs (name, slot DESC) WHERE slot IS NOT NULL');
    await q.query('CREATE INDEX jobs_finished_idx ON jobs (finished_at) WHERE finished_at IS NOT NULL');
    await q.query(`
      CREATE TABLE job_runs (
        id bigserial PRIMARY KEY,
        job_id bigint NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        name text NOT NULL,
        attempt int NOT NULL,
        replica text NOT NULL,
        started_at timestamptz NOT NULL,
        finished_at timestamptz,
        outcome text NOT NULL DEFAULT 'running' CHECK (outcome IN ('running', 'succeeded', 'failed', 'lost')),
        error text,
        UNIQUE (job_id, attempt)
      )`);
    await q.query('CREATE INDEX job_runs_name_started_idx ON job_runs (name, started_at DESC)');
    await q.query(`
      CREATE TABLE job_schedules (
        name text PRIMARY KEY,
        recurrence text NOT NULL,
        last_slot timestamptz,
        missed_total bigint NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL
      )`);

    await q.query(`
      CREATE TABLE budget_cycles (
        at timestamptz PRIMARY KEY,
        job_id bigint REFERENCES jobs (id) ON DELETE SET NULL,
        replica text NOT NULL,
        slos int NOT NULL,
        queries int NOT NULL,
        events int NOT NULL,
        duration_ms int NOT NULL
      )`);
    // Where the last cycle before this upgrade left off, so the day ledger continues from it.
    await q.query(`
      INSERT INTO budget_cycles (at, replica, slos, queries, events, duration_ms)
      SELECT max(at), 'before-jobs-migration', count(*), 0, 0, 0 FROM budget_snapshots HAVING max(at) IS NOT NULL`);
    await q.query(`
      CREATE TABLE budget_latest (
        service text NOT NULL,
        slo text NOT NULL,
        at timestamptz NOT NULL,
        status text NOT NULL CHECK (status IN ('healthy', 'at-risk', 'exhausted', 'no-data')),
        known_status text CHECK (known_status IN ('healthy', 'at-risk', 'exhausted')),
        budget jsonb,
        PRIMARY KEY (service, slo)
      )`);
    // Last known statuses, so an upgrade neither re-fires nor forgets a transition.
    await q.query(`
      INSERT INTO budget_latest (service, slo, at, status, known_status)
      SELECT DISTINCT ON (service, slo) service, slo, at, status, status FROM budget_snapshots
      WHERE status <> 'no-data' ORDER BY service, slo, at DESC`);

    // Deliveries owed at upgrade time become jobs; a claimed one is owed again.
    await q.query(`
      INSERT INTO jobs (name, key, state, run_at, attempts, max_attempts, lease_seconds, created_at)
      SELECT 'webhook-delivery', id::text, 'pending',
             CASE WHEN status = 'delivering' THEN now() ELSE next_attempt_at END,
             attempts, GREATEST(3, attempts + 1), 30, created_at
      FROM webhook_deliveries WHERE status IN ('pending', 'delivering')`);
    await q.query(`UPDATE webhook_deliveries SET status = 'pending' WHERE status = 'delivering'`);
    await q.query('ALTER TABLE webhook_deliveries DROP COLUMN next_attempt_at, DROP COLUMN locked_until');
    // An attempt is recorded before its request goes out; duration and outcome follow it.
    await q.query('ALTER TABLE webhook_attempts ALTER COLUMN duration_ms DROP NOT NULL');
    await q.query('ALTER TABLE webhook_attempts ADD CONSTRAINT webhook_attempts_delivery_attempt_key UNIQUE (delivery_id, attempt)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE webhook_attempts DROP CONSTRAINT webhook_attempts_delivery_attempt_key');
    await q.query('UPDATE webhook_attempts SET duration_ms = 0 WHERE duration_ms IS NULL');
    await q.query('ALTER TABLE webhook_attempts ALTER COLUMN duration_ms SET NOT NULL');
    await q.query(`ALTER TABLE webhook_deliveries ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now(), ADD COLUMN locked_until timestamptz`);
    await q.query(`CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX webhook_deliveries_claimed_idx ON webhook_deliveries (locked_until) WHERE status = 'delivering'`);
    await q.query('DROP TABLE budget_latest');
    await q.query('DROP TABLE budget_cycles');
    await q.query('DROP TABLE job_schedules');
    await q.query('DROP TABLE job_runs');
    await q.query('DROP TABLE jobs');
  }
}
