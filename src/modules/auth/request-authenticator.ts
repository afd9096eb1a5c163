import { Injectable } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import { bearerToken } from '../../core/auth/api-token.js';
import { cookieValue, SESSION_COOKIE } from '../../core/auth/web-session.js';
import { headerOf } from '../http/headers.js';
import type { Principal, RequestSession } from './principal.js';
import { SessionVerifier } from './session-verifier.js';
import { TokenVerifier } from './token-verifier.js';

export type Authentication =
  | { readonly ok: true; readonly principal: Principal; readonly via: 'bearer' }
  | { readonly ok: true; readonly principal: Principal; readonly via: 'session'; readonly session: RequestSession }
  | { readonly ok: false; readonly via: 'bearer' | 'session'; readonly reason: string; readonly message: string; readonly tokenName?: string };

/**
 * Who is calling: an `Authorization` header is judged alone, as before sessions existed, so a
 * script's wrong token is never rescued by a browser cookie; without one, the web UI's session
 * cookie. The one place both kinds of credential are read (the guard and the docs hook).
 */
@Injectable()
export class RequestAuthenticator {
  constructor(
    private readonly tokens: TokenVerifier,
    private readonly sessions: SessionVerifier,
  ) {}

  async authenticate(req: { readonly headers: IncomingHttpHeaders }): Promise<Authentication> {
    const authorization = headerOf(req, 'authorization');
    const cookie = authorization === undefined ? cookieValue(headerOf(req, 'cookie'), SESSION_COOKIE) : undefined;
    if (cookie === undefined) {
      const v = await this.tokens.verify(bearerToken(authorization));
      return v.ok ? { ok: true, principal: v.principal, via: 'bearer' } : { ...v, via: 'bearer' };
    }
    const v = await this.sessions.verify(cookie);
    return v.ok ? { ok: true, principal: v.principal, via: 'session', session: v.session } : { ...v, via: 'session' };
  }
}
