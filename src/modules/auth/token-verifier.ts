import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../core/ports/clock.js';
import { hashApiToken, isApiTokenFormat, lastUsedIsStale, tokenState } from '../../core/auth/api-token.js';
import { ApiTokenRepository, type ApiToken } from '../../persistence/api-token.repository.js';
import { FreshCache } from './fresh-cache.js';
import type { Principal } from './principal.js';

export type Verification =
  | { readonly ok: true; readonly principal: Principal; readonly expiresAt: Date | null }
  | { readonly ok: false; readonly reason: 'missing' | 'malformed' | 'unknown' | 'revoked' | 'expired'; readonly message: string; readonly tokenName?: string };

/**
 * How long a verified token is believed without asking the database again. This is the bound on
 * revocation: `vigil token revoke` takes effect on every replica within CACHE_MS, since each
 * replica re-reads the row once its entry is older. Expiry is checked on every request regardless.
 */
export const CACHE_MS = 5_000;
/** Only live tokens are cached (unknown ones never are), so this is a bound on tokens in use at once. */
const MAX_CACHED = 10_000;

@Injectable()
export class TokenVerifier {
  private readonly log = new Logger('Auth');
  private readonly cache = new FreshCache<ApiToken>(CACHE_MS, MAX_CACHED);
  /** When this replica last wrote last_used_at per token id; the database re-checks across replicas. */
  private readonly touchedAt = new Map<string, number>();

  constructor(
    private readonly tokens: ApiTokenRepository,
    private readonly clock: Clock,
  ) {}

  async verify(token: string | undefined): Promise<Verification> {
    if (token === undefined) return { ok: false, reason: 'missing', message: 'a bearer token is required: Authorization: Bearer <token>' };
    // Anything that is not a token's shape is refused without a database round trip.
    if (!isApiTokenFormat(token)) return { ok: false, reason: 'malformed', message: 'the bearer token is not a Vigil API token' };
    const hash = hashApiToken(token);
    const found = await this.lookup(hash);
    if (!found) return { ok: false, reason: 'unknown', message: 'the bearer token is not known' };
    const now = this.clock.now().getTime();
    const state = tokenState(found, now);
    if (state !== 'active') {
      this.cache.delete(hash);
      return { ok: false, reason: state, message: `the bearer token was ${state === 'revoked' ? 'revoked' : 'valid until its expiry, which has passed'}`, tokenName: found.name };
    }
    await this.noteUse(found, now);
    return { ok: true, principal: { tokenId: found.id, name: found.name, role: found.role }, expiresAt: found.expiresAt };
  }

  /**
   * The hash is the lookup key, so the lookup compares hashes, never the secret: timing reveals at
   * most a prefix of a SHA-256, which says nothing about any token.
   */
  private async lookup(hash: string): Promise<ApiToken | null> {
    const hit = this.cache.get(hash, this.clock.now().getTime());
    if (hit) return hit;
    const token = await this.tokens.findByHash(hash);
    if (token && token.revokedAt === null) this.cache.set(hash, token, this.clock.now().getTime());
    return token;
  }

  /**
   * last_used_at at most once a minute per token: it tells people which tokens are still in use,
   * web UI sessions opened with a token included.
   */
  async noteUse(token: Pick<ApiToken, 'id' | 'name' | 'lastUsedAt'>, now: number): Promise<void> {
    const last = this.touchedAt.get(token.id);
    if (!lastUsedIsStale(last !== undefined ? new Date(last) : token.lastUsedAt, now)) return;
    this.touchedAt.set(token.id, now);
    try {
      await this.tokens.touch(token.id);
    } catch (err) {
      // Bookkeeping only: the request goes on.
      this.log.warn(`could not record the use of token "${token.name}": ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
