import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Role } from '../core/auth/roles.js';

/** A session with the token it was opened with: both decide whether it still works. */
export interface WebSession {
  readonly id: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly endedAt: Date | null;
  readonly token: {
    readonly id: string;
    readonly name: string;
    readonly role: Role;
    readonly revokedAt: Date | null;
    readonly expiresAt: Date | null;
    readonly lastUsedAt: Date | null;
  };
}

interface SessionRow {
  id: string;
  created_at: Date;
  expires_at: Date;
  ended_at: Date | null;
  token_id: string;
  name: string;
  role: Role;
  revoked_at: Date | null;
  token_expires_at: Date | null;
  last_used_at: Date | null;
}

/** Web UI sessions (migration 1764700000000). Plain SQL: every read joins the token. */
@Injectable()
export class WebSessionRepository {
  constructor(private readonly dataSource: DataSource) {}

  async create(s: { secretHash: string; tokenId: string; createdAt: Date; expiresAt: Date }): Promise<string> {
    const [row] = (await this.dataSource.query(`INSERT INTO web_sessions (secret_hash, token_id, created_at, expires_at) VALUES ($1, $2, $3, $4) RETURNING id`, [
      s.secretHash,
      s.tokenId,
      s.createdAt,
      s.expiresAt,
    ])) as { id: string }[];
    return row!.id;
  }

  async findBySecretHash(secretHash: string): Promise<WebSession | null> {
    const [row] = (await this.dataSource.query(
      `SELECT s.id, s.created_at, s.expires_at, s.ended_at, t.id AS token_id, t.name, t.role, t.revoked_at, t.expires_at AS token_expires_at, t.last_used_at
       FROM web_sessions s JOIN api_tokens t ON t.id = s.token_id WHERE s.secret_hash = $1`,
      [secretHash],
    )) as SessionRow[];
    if (!row) return null;
    return {
      id: row.id,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
      endedAt: row.ended_at,
      token: { id: row.token_id, name: row.name, role: row.role, revokedAt: row.revoked_at, expiresAt: row.token_expires_at, lastUsedAt: row.last_used_at },
    };
  }

  /** Sign-out. Ending a session twice keeps the first time. */
  async end(id: string, at: Date): Promise<void> {
    await this.dataSource.query('UPDATE web_sessions SET ended_at = $2 WHERE id = $1 AND ended_at IS NULL', [id, at]);
  }

  /** Deletes sessions that ended or expired at or before `before`; returns how many. */
  async prune(before: Date): Promise<number> {
    const [, deleted] = (await this.dataSource.query('DELETE FROM web_sessions WHERE expires_at <= $1 OR ended_at <= $1', [before])) as [unknown, number];
    return deleted;
  }
}
