import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Web UI sessions (core/auth/web-session.ts). In PostgreSQL rather than in a signed cookie: signing
 * out, revoking the token behind a session, or an expiry take effect on every replica (within the
 * verification cache's 5 s), and there is no signing key to keep out of code, rotate or share
 * between replicas. Only the secret's SHA-256 is kept. A session belongs to the token used to sign
 * in; revoking that token ends its sessions (the join in WebSessionRepository.findBySecretHash).
 * Sessions that are over are deleted hourly (SessionPruneService), so the table stays small.
 */
export class WebSessions1764700000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE web_sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        secret_hash text NOT NULL UNIQUE CHECK (secret_hash ~ '^[0-9a-f]{64}$'),
        token_id uuid NOT NULL REFERENCES api_tokens (id),
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        ended_at timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE web_sessions');
  }
}
