import { Injectable } from '@nestjs/common';
import { tokenState } from '../../core/auth/api-token.js';
import { csrfTokenOf, hashSessionSecret, isSessionSecretFormat } from '../../core/auth/web-session.js';
import { Clock } from '../../core/ports/clock.js';
import { WebSessionRepository, type WebSession } from '../../persistence/web-session.repository.js';
import { FreshCache } from './fresh-cache.js';
import type { Principal, RequestSession } from './principal.js';
import { CACHE_MS, TokenVerifier } from './token-verifier.js';


export type SessionVerification =
  | { readonly ok: true; readonly principal: Principal; readonly session: RequestSession }
  | { readonly ok: false; readonly reason: 'malformed' | 'unknown' | 'ended' | 'expired' | 'token-revoked' | 'token-expired'; readonly message: string; readonly tokenName?: string };

const MAX_CACHED = 10_000;

/**
 * Checks a session cookie on every request: the session must be neither ended nor expired, and the
 * token it was opened with must still be live. Believed for CACHE_MS like a token, so a sign-out
 * or a revocation on another replica takes effect within the same 5 s; on this replica at once.
 */
@Injectable()
export class SessionVerifier {
  private readonly cache = new FreshCache<WebSession>(CACHE_MS, MAX_CACHED);

  constructor(
    private readonly sessions: WebSessionRepository,
    private readonly tokens: TokenVerifier,
    private readonly clock: Clock,
  ) {}

  async verify(secret: string): Promise<SessionVerification> {
    if (!isSessionSecretFormat(secret)) return { ok: false, reason: 'malformed', message: 'the session cookie is not a Vigil session; sign in again' };
    const hash = hashSessionSecret(secret);
    const now = this.clock.now().getTime();
    let s = this.cache.get(hash, now);
    if (!s) {
      const found = await this.sessions.findBySecretHash(hash);
      if (!found) return { ok: false, reason: 'unknown', message: 'the session is not known (signed out, or pruned); sign in again' };
      s = found;
      if (s.endedAt === null) this.cache.set(hash, s, now);
    }
    const refusal = refusalOf(s, now);
    if (refusal) {
      this.cache.delete(hash);
      return { ...refusal, tokenName: s.token.name };
    }
    await this.tokens.noteUse(s.token, now);
    return {
      ok: true,
      principal: { tokenId: s.token.id, name: s.token.name, role: s.token.role },
      session: { id: s.id, expiresAt: s.expiresAt, csrfToken: csrfTokenOf(secret) },
    };
  }

  /** After a sign-out: this replica stops believing the session at once. */
  forget(secret: string): void {
    if (isSessionSecretFormat(secret)) this.cache.delete(hashSessionSecret(secret));
  }
}

function refusalOf(s: WebSession, now: number): { ok: false; reason: 'ended' | 'expired' | 'token-revoked' | 'token-expired'; message: string } | undefined {
  if (s.endedAt !== null) return { ok: false, reason: 'ended', message: 'the session was signed out; sign in again' };
  if (s.expiresAt.getTime() <= now) return { ok: false, reason: 'expired', message: 'the session has expired; sign in again' };
  const token = tokenState(s.token, now);
  if (token === 'revoked') return { ok: false, reason: 'token-revoked', message: 'the token this session was opened with was revoked' };
  if (token === 'expired') return { ok: false, reason: 'token-expired', message: 'the token this session was opened with has expired' };
  return undefined;
}
