import { Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isAuditedMethod } from '../../core/auth/audit-policy.js';
import { authorize } from '../../core/auth/roles.js';
import { CSRF_HEADER, csrfRefusal } from '../../core/auth/web-session.js';
import { AuditService } from '../audit/audit.service.js';
import { headerOf } from '../http/headers.js';
import { routeOf } from '../http/request-hooks.js';
import { declaredAccess } from './auth.decorators.js';
import { csrfForbidden, forbidden, unauthorized } from './auth.errors.js';
import { setPrincipal, setRequestSession } from './principal.js';
import { RequestAuthenticator } from './request-authenticator.js';
import { clearSessionCookie } from './session-cookie.js';

/**
 * Every route, globally (APP_GUARD). Fails closed: a handler that declares neither a permission
 * nor @Public() is refused for everyone, so a new endpoint cannot ship open by omission.
 * 401 when the caller is not known, 403 when the caller's role is too small, or when a web UI
 * session asks for a change without its CSRF proof (core/auth/web-session.ts).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly log = new Logger('Auth');

  constructor(
    private readonly authenticator: RequestAuthenticator,
    private readonly audit: AuditService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const res = context.switchToHttp().getResponse<FastifyReply>();
    const access = declaredAccess(context.getHandler());
    if (access === 'public') return true;
    if (access === undefined) {
      this.log.error(`BUG: ${context.getClass().name}.${context.getHandler().name} declares no permission (@RequirePermission or @Public): refused`, { route: routeOf(req) });
      throw forbidden('this operation declares no permission and is refused for everyone (a bug in Vigil; please report it)');
    }

    const who = await this.authenticator.authenticate(req);
    if (!who.ok) {
      // Never the token, nor any part of it: only why it failed and, for a known token, its name.
      this.log.warn(`401 ${req.method} ${routeOf(req)}: ${who.reason} ${who.via === 'session' ? 'session' : 'token'}`, { reason: who.reason, via: who.via, ...(who.tokenName ? { tokenName: who.tokenName } : {}) });
      // A dead session's cookie is dropped, so the browser stops sending it.
      if (who.via === 'session') clearSessionCookie(req, res);
      throw unauthorized(res, who.message);
    }
    const { principal } = who;
    setPrincipal(req, principal);
    if (who.via === 'session') {
      setRequestSession(req, who.session);
      const refusal = csrfRefusal({
        method: req.method,
        origin: headerOf(req, 'origin'),
        host: headerOf(req, 'host'),
        fetchSite: headerOf(req, 'sec-fetch-site'),
        csrfHeader: headerOf(req, CSRF_HEADER),
        expected: who.session.csrfToken,
      });
      if (refusal) {
        this.log.warn(`403 ${req.method} ${routeOf(req)}: session without CSRF proof (${refusal.reason})`, { reason: refusal.reason, tokenName: principal.name });
        await this.audit.recordRequest(req, principal, 403, { csrf: refusal.reason });
        throw csrfForbidden(refusal);
      }
    }

    const decision = authorize(principal.role, access);
    if (!decision.allowed) {
      if (isAuditedMethod(req.method)) await this.audit.recordRequest(req, principal, 403, { permission: access, denied: decision.reason });
      throw forbidden(`${decision.reason}, which ${req.method} ${routeOf(req)} needs`, principal.role, access);
    }
    return true;
  }
}
