import { HttpException, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { catchError, mergeMap, type Observable } from 'rxjs';
import { isAudited } from '../../core/auth/audit-policy.js';
import { declaredAccess } from '../auth/auth.decorators.js';
import { scrubTokens } from '../../core/auth/api-token.js';
import { principalOf } from '../auth/principal.js';
import { AuditService } from './audit.service.js';

/**
 * Writes an audit entry for every mutating call by an authenticated caller, after the handler
 * (pipes included) has finished or failed, and before the answer leaves: a caller who saw a
 * success can rely on it being in the log. Denials never reach here; the guard writes those.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(private readonly audit: AuditService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const principal = principalOf(req);
    if (!principal || !isAudited(req.method, declaredAccess(context.getHandler()))) return next.handle();
    const res = context.switchToHttp().getResponse<FastifyReply>();
    return next.handle().pipe(
      mergeMap(async (result: unknown) => {
        // The status @HttpCode set is on the response already (Nest sets it before interceptors run).
        await this.audit.recordRequest(req, principal, res.statusCode, resultDetail(result));
        return result;
      }),
      catchError(async (err: unknown) => {
        const status = err instanceof HttpException ? err.getStatus() : 500;
        await this.audit.recordRequest(req, principal, status, { error: scrubTokens(err instanceof Error ? err.message : String(err)).slice(0, 300) });
        throw err;
      }),
    );
  }
}

/** What a created thing is called (POST answers carry its id); never the body, which may hold secrets. */
function resultDetail(result: unknown): Record<string, unknown> | null {
  if (result && typeof result === 'object' && 'id' in result && typeof result.id === 'string') return { id: result.id };
  return null;
}
