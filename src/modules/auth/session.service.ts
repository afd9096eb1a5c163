import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { headerOf } from '../http/headers.js';
import { VIGIL_CONFIG, type VigilConfig } from '../../config/config.js';
import { authorize, ROLE_PERMISSIONS } from '../../core/auth/roles.js';
import { cookieValue, csrfTokenOf, formatSessionSecret, hashSessionSecret, originRefusal, SESSION_BYTES, SESSION_COOKIE, sessionExpiry } from '../../core/auth/web-session.js';
import { Clock } from '../../core/ports/clock.js';
import { WebSessionRepository } from '../../persistence/web-session.repository.js';
import { AuditService } from '../audit/audit.service.js';
import { csrfForbidden, forbidden } from './auth.errors.js';
import type { Principal, RequestSession } from './principal.js';
import { clearSessionCookie, setSessionCookie } from './session-cookie.js';
import { SessionVerifier } from './session-verifier.js';
import type { SessionDto } from './session.dto.js';
import { TokenVerifier, type Verification } from './token-verifier.js';

/** Why a sign-in token was refused, in the words of the sign-in form (the field is `token`). */
const REFUSED: Record<Exclude<Verification, { ok: true }>['reason'], string> = {
  missing: 'an API token (vgl_…) is required',
  malformed: 'this is not a Vigil API token (vgl_ followed by 43 characters)',
  unknown: 'no such token',
  revoked: 'this token was revoked',
  expired: 'this token has expired',
};

/** Signing in to the web UI and out again. The guard checks the session on every later request. */
@Injectable()
export class SessionService {
  private readonly log = new Logger('Auth');

  constructor(
    @Inject(VIGIL_CONFIG) private readonly config: VigilConfig,
    private readonly tokens: TokenVerifier,
    private readonly sessions: SessionVerifier,
    private readonly repo: WebSessionRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async signIn(token: string, req: FastifyRequest, res: FastifyReply): Promise<SessionDto> {
    // JSON bodies only (a cross-site form cannot send one), and no other site's page either.
    const refusal = originRefusal({ method: req.method, origin: headerOf(req, 'origin'), host: headerOf(req, 'host'), fetchSite: headerOf(req, 'sec-fetch-site') });
    if (refusal) throw csrfForbidden(refusal);
    const verified = await this.tokens.verify(token);
    if (!verified.ok) {
      this.log.warn(`sign-in refused: ${verified.reason} token`, { reason: verified.reason, ...(verified.tokenName ? { tokenName: verified.tokenName } : {}) });
      const message = REFUSED[verified.reason];
      throw new UnauthorizedException({ statusCode: 401, error: 'Unauthorized', message: `token: ${message}`, problems: [{ path: 'token', message }] });
    }
    const { principal } = verified;
    // The UI only shows things; a role that cannot read (ingest) has nothing to see there.
    const canRead = authorize(principal.role, 'read');
    if (!canRead.allowed) throw forbidden(`${canRead.reason}, which signing in to the web UI needs`, principal.role, 'read');

    const secret = formatSessionSecret(randomBytes(SESSION_BYTES));
    const now = this.clock.now();
    const expiresAt = sessionExpiry(now.getTime(), this.config.sessionTtlSeconds, verified.expiresAt);
    const id = await this.repo.create({ secretHash: hashSessionSecret(secret), tokenId: principal.tokenId, createdAt: now, expiresAt });
    setSessionCookie(req, res, secret, expiresAt);
    await this.audit.recordRequest(req, principal, 201, { session: id });
    this.log.log(`signed in: "${principal.name}" (${principal.role}), session ${id}`, { tokenName: principal.name, session: id });
    return toSessionDto(principal, { id, expiresAt, csrfToken: csrfTokenOf(secret) }, this.clock.now());
  }

  /** Ends the request's session (a bearer caller has none) and drops the cookie either way. */
  async signOut(session: RequestSession | undefined, req: FastifyRequest, res: FastifyReply): Promise<void> {
    if (session) {
      await this.repo.end(session.id, this.clock.now());
      const secret = cookieValue(headerOf(req, 'cookie'), SESSION_COOKIE);
      if (secret) this.sessions.forget(secret);
    }
    clearSessionCookie(req, res);
  }

  /** Who is calling, as GET /api/session answers it. */
  describe(p: Principal, session: RequestSession | undefined): SessionDto {
    return toSessionDto(p, session, this.clock.now());
  }
}

export function toSessionDto(p: Principal, session: RequestSession | undefined, now: Date): SessionDto {
  return {
    name: p.name,
    role: p.role,
    permissions: [...ROLE_PERMISSIONS[p.role]],
    via: session ? 'session' : 'bearer',
    csrfToken: session?.csrfToken ?? null,
    expiresAt: session?.expiresAt.toISOString() ?? null,
    serverTime: now.toISOString(),
  };
}
