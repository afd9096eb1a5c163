import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API tokens and the audit log. A token is stored only as the SHA-256 of its text (see
 * core/auth/api-token.ts for why no slow hash); rows are revoked, never deleted, so the audit log's
 * token_id always points at something.
 */
export class Auth1764300000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE api_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('admin', 'responder', 'viewer', 'ingest')),
        token_hash text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
        prefix text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by text NOT NULL,
        last_used_at timestamptz,
        revoked_at timestamptz,
        expires_at timestamptz
      )`);
    // A name means one live token; revoked ones keep their name for the record, so the same name can be issued again.
    await q.query('CREATE UNIQUE INDEX api_tokens_active_name_idx ON api_tokens (name) WHERE revoked_at IS NULL');
    // id is the cursor (newest first); `at` filters by time. route is a template, path the concrete one.
    // Rows not from HTTP: method 'CLI' (route = the command, e.g. 'token create'; status = its exit code)
    // or 'START' (the admin token file adopted at start; status 0).
    await q.query(`
      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor text NOT NULL,
        token_id uuid REFERENCES api_tokens (id),
        role text,
        method text NOT NULL,
        route text NOT NULL,
        path text NOT NULL,
        status int NOT NULL,
        request_id text,
        detail jsonb
      )`);
    await q.query('CREATE INDEX audit_log_at_idx ON audit_log (at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE audit_log');
    await q.query('DROP TABLE api_tokens');
  }
}
