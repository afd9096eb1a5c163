import { Injectable, Logger } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { scrubTokens } from '../../core/auth/api-token.js';
import { AuditLogRepository, type AuditPage, type AuditQuery, type NewAuditEntry } from '../../persistence/audit-log.repository.js';
import { routeOf } from '../http/request-hooks.js';
import type { Principal } from '../auth/principal.js';

/** Writes the audit log (mutating calls, denials, the admin token file) and reads it back. */
@Injectable()
export class AuditService {
  private readonly log = new Logger('Audit');

  constructor(private readonly repo: AuditLogRepository) {}

  /** One authenticated HTTP call, as it ended. */
  recordRequest(req: FastifyRequest, principal: Principal, status: number, detail: Record<string, unknown> | null): Promise<void> {
    return this.append({
      actor: principal.name,
      tokenId: principal.tokenId,
      role: principal.role,
      method: req.method,
      route: routeOf(req),
      // A token pasted into a query string must not be kept for years.
      path: scrubTokens(req.url),
      status,
      requestId: req.id,
      detail,
    });
  }

  /** Something Vigil did on its own at start (method START): today, adopting VIGIL_ADMIN_TOKEN_FILE. */
  recordSystem(e: { route: string; path: string; status: number; tokenId: string | null; detail: Record<string, unknown> | null }): Promise<void> {
    return this.append({ actor: 'system', role: null, method: 'START', requestId: null, ...e });
  }

  page(q: AuditQuery): Promise<AuditPage> {
    return this.repo.page(q);
  }

  /**
   * A failed write does not fail the call: the action has already happened, and a 500 would tell
   * the caller it had not. The entry goes to the error log instead, whole, for the log pipeline.
   */
  private async append(entry: NewAuditEntry): Promise<void> {
    try {
      await this.repo.append(entry);
    } catch (err) {
      this.log.error(`audit entry not written: ${err instanceof Error ? err.message : String(err)}`, { audit: entry });
    }
  }
}
