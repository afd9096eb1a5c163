import { Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request, Response } from 'express';
import { bearerToken } from '../../core/auth/api-token.js';
import { isAuditedMethod } from '../../core/auth/audit-policy.js';
import { authorize } from '../../core/auth/roles.js';
import { AuditService } from '../audit/audit.service.js';
import { routeOf } from '../http/request-log.middleware.js';
import { declaredAccess } from './auth.decorators.js';
import { forbidden, unauthorized } from './auth.errors.js';
import { setPrincipal } from './principal.js';
import { TokenVerifier } from './token-verifier.js';

/**
 * Every route, globally (APP_GUARD). Fails closed: a handler that declares neither a permission
 * nor @Public() is refused for everyone, so a new endpoint cannot ship open by omission.
 * 401 when the caller is not known, 403 when the caller's role is too small.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly log = new Logger('Auth');

  constructor(
    private readonly verifier: TokenVerifier,
    private readonly audit: AuditService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const res = context.switchToHttp().getResponse<Response>();
    const access = declaredAccess(context.getHandler());
    if (access === 'public') return true;
    if (access === undefined) {
      this.log.error(`BUG: ${context.getClass().name}.${context.getHandler().name} declares no permission (@RequirePermission or @Public): refused`, { route: routeOf(req) });
      throw forbidden('this operation declares no permission and is refused for everyone (a bug in Vigil; please report it)');
    }

    const verified = await this.verifier.verify(bearerToken(req.header('authorization')));
    if (!verified.ok) {
      // Never the token, nor any part of it: only why it failed and, for a known token, its name.
      this.log.warn(`401 ${req.method} ${routeOf(req)}: ${verified.reason} token`, { reason: verified.reason, ...(verified.tokenName ? { tokenName: verified.tokenName } : {}) });
      throw unauthorized(res, verified.message);
    }
    const { principal } = verified;
    setPrincipal(req, principal);

    const decision = authorize(principal.role, access);
    if (!decision.allowed) {
      if (isAuditedMethod(req.method)) await this.audit.recordRequest(req, principal, 403, { permission: access, denied: decision.reason });
      throw forbidden(`${decision.reason}, which ${req.method} ${routeOf(req)} needs`, principal.role, access);
    }
    return true;
  }
}
