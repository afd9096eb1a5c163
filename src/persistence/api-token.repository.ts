import { Injectable } from '@nestjs/common';
import { DataSource, QueryFailedError, type Repository } from 'typeorm';
import type { Role } from '../core/auth/roles.js';
import { ApiTokenEntity } from './entities/api-token.entity.js';

/** A token as everything outside this folder sees it: never its hash, never its text. */
export interface ApiToken {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  /** The first characters of the token, for telling tokens apart in lists. */
  readonly prefix: string;
  readonly createdAt: Date;
  readonly createdBy: string;
  readonly lastUsedAt: Date | null;
  readonly revokedAt: Date | null;
  readonly expiresAt: Date | null;
}

export interface NewApiToken {
  readonly name: string;
  readonly role: Role;
  readonly tokenHash: string;
  readonly prefix: string;
  readonly createdBy: string;
  readonly expiresAt: Date | null;
}

/** `create` found a live token with that name (names are unique among tokens not revoked). */
export class TokenNameTakenError extends Error {
  constructor(readonly tokenName: string) {
    super(`an active token named "${tokenName}" exists; revoke it first`);
    this.name = 'TokenNameTakenError';
  }
}

export type EnsureOutcome =
  | { readonly outcome: 'unchanged' | 'created' | 'rotated'; readonly token: ApiToken }
  /** The hash belongs to a revoked token or one of another name: reviving or renaming it is not ours to do. */
  | { readonly outcome: 'refused'; readonly reason: string };

const UNIQUE_VIOLATION = '23505';
// Several replicas may start together with the same token file: one of them at a time decides.
const ENSURE_LOCK = 'vigil:api_tokens:ensure';

@Injectable()
export class ApiTokenRepository {
  private readonly repo: Repository<ApiTokenEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.repo = dataSource.getRepository(ApiTokenEntity);
  }

  /** Throws TokenNameTakenError when a live token has the name. */
  async create(t: NewApiToken): Promise<ApiToken> {
    try {
      const saved = await this.repo.save(this.repo.create({ ...t, createdAt: new Date(), lastUsedAt: null, revokedAt: null }));
      return toApiToken(saved);
    } catch (err) {
      if (isUniqueViolation(err, 'api_tokens_active_name_idx')) throw new TokenNameTakenError(t.name);
      throw err;
    }
  }

  /** The token with this hash, live or not (the caller tells revoked and expired apart from unknown). */
  async findByHash(tokenHash: string): Promise<ApiToken | null> {
    const row = await this.repo.findOneBy({ tokenHash });
    return row ? toApiToken(row) : null;
  }

  /** Every token, revoked ones included, oldest first. */
  async list(): Promise<ApiToken[]> {
    const rows = await this.repo.find({ order: { createdAt: 'ASC', name: 'ASC' } });
    return rows.map(toApiToken);
  }

  /** Revokes the live token with this name; null when there is none. */
  async revoke(name: string): Promise<ApiToken | null> {
    const [rows] = (await this.dataSource.query(
      `UPDATE api_tokens SET revoked_at = now() WHERE name = $1 AND revoked_at IS NULL
       RETURNING id, name, role, prefix, created_at, created_by, last_used_at, revoked_at, expires_at`,
      [name],
    )) as [TokenRow[], number];
    return rows[0] ? fromRow(rows[0]) : null;
  }

  /**
   * Stamps last_used_at unless it was stamped within the last minute, on any replica: the
   * condition is re-checked under the row lock, so concurrent requests write it once.
   */
  async touch(id: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE api_tokens SET last_used_at = now()
       WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
      [id],
    );
  }

  async countActive(role: Role): Promise<number> {
    const [row] = (await this.dataSource.query(
      `SELECT count(*)::int AS n FROM api_tokens WHERE role = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
      [role],
    )) as { n: number }[];
    return row?.n ?? 0;
  }

  /**
   * Makes `t` the live token called `t.name`: unchanged when it already is, created when the name
   * is free, rotated (the old one revoked, this one inserted) when the name holds another hash.
   */
  async ensure(t: NewApiToken): Promise<EnsureOutcome> {
    return this.dataSource.transaction(async (m) => {
      await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [ENSURE_LOCK]);
      const [same] = (await m.query('SELECT id, name, revoked_at FROM api_tokens WHERE token_hash = $1', [t.tokenHash])) as { id: string; name: string; revoked_at: Date | null }[];
      if (same && same.name === t.name && same.revoked_at === null) {
        return { outcome: 'unchanged', token: toApiToken((await m.findOneByOrFail(ApiTokenEntity, { id: same.id }))) };
      }
      if (same) {
        return { outcome: 'refused', reason: same.revoked_at ? 'this token was revoked; write a new one to the file to replace it' : `this token is already in use under the name "${same.name}"` };
      }
      const [, revoked] = (await m.query('UPDATE api_tokens SET revoked_at = now() WHERE name = $1 AND revoked_at IS NULL', [t.name])) as [unknown, number];
      const saved = await m.save(m.create(ApiTokenEntity, { ...t, createdAt: new Date(), lastUsedAt: null, revokedAt: null }));
      return { outcome: revoked > 0 ? 'rotated' : 'created', token: toApiToken(saved) };
    });
  }
}

interface TokenRow {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  created_at: Date;
  created_by: string;
  last_used_at: Date | null;
  revoked_at: Date | null;
  expires_at: Date | null;
}

function fromRow(r: TokenRow): ApiToken {
  return { id: r.id, name: r.name, role: r.role, prefix: r.prefix, createdAt: r.created_at, createdBy: r.created_by, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at, expiresAt: r.expires_at };
}

function toApiToken(e: ApiTokenEntity): ApiToken {
  // The role column's CHECK constraint holds exactly the core's roles.
  return { id: e.id, name: e.name, role: e.role as Role, prefix: e.prefix, createdAt: e.createdAt, createdBy: e.createdBy, lastUsedAt: e.lastUsedAt, revokedAt: e.revokedAt, expiresAt: e.expiresAt };
}

function isUniqueViolation(err: unknown, constraint: string): boolean {
  const driver = err instanceof QueryFailedError ? (err.driverError as { code?: string; constraint?: string }) : undefined;
  return driver?.code === UNIQUE_VIOLATION && driver.constraint === constraint;
}
