import { Injectable } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import { AuditLogEntity } from './entities/audit-log.entity.js';
import { toPage } from './page.js';

/** One audited action: who (token name, or cli:<user>), with which role, what, and how it ended. */
export interface AuditEntry {
  /** bigint as text: the cursor of the audit API. */
  readonly id: string;
  readonly at: Date;
  readonly actor: string;
  readonly tokenId: string | null;
  /** Null for actions not taken with a token (the CLI, the token file at start). */
  readonly role: string | null;
  readonly method: string;
  /** The route template (`/api/webhooks/:id`), or the CLI command. */
  readonly route: string;
  readonly path: string;
  /** HTTP status, or the CLI's exit code when method is 'CLI'. */
  readonly status: number;
  readonly requestId: string | null;
  readonly detail: Readonly<Record<string, unknown>> | null;
}

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'at'>;

export interface AuditQuery {
  readonly limit: number;
  /** Only entries older than this id (the previous page's nextCursor). */
  readonly before?: string;
  readonly from?: Date;
  /** Exclusive. */
  readonly to?: Date;
}

export interface AuditPage {
  readonly entries: AuditEntry[];
  /** Pass as `before` for the next (older) page; null when this page is the last. */
  readonly nextCursor: string | null;
}

@Injectable()
export class AuditLogRepository {
  private readonly repo: Repository<AuditLogEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.repo = dataSource.getRepository(AuditLogEntity);
  }

  /** The database stamps `at`, so entries from several replicas share one clock. */
  async append(e: NewAuditEntry): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO audit_log (actor, token_id, role, method, route, path, status, request_id, detail)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [e.actor, e.tokenId, e.role, e.method, e.route, e.path, e.status, e.requestId, e.detail === null ? null : JSON.stringify(e.detail)],
    );
  }

  /**
   * Newest first by id. The id orders entries as they were committed closely enough for an audit
   * trail, and unlike `at` it is unique, so a page boundary never drops or repeats an entry.
   */
  async page(q: AuditQuery): Promise<AuditPage> {
    const qb = this.repo.createQueryBuilder('a').orderBy('a.id', 'DESC').limit(q.limit + 1);
    if (q.before !== undefined) qb.andWhere('a.id < :before', { before: q.before });
    if (q.from !== undefined) qb.andWhere('a.at >= :from', { from: q.from });
    if (q.to !== undefined) qb.andWhere('a.at < :to', { to: q.to });
    const page = toPage((await qb.getMany()).map(toEntry), q.limit);
    return { entries: page.items, nextCursor: page.nextCursor };
  }
}

function toEntry(e: AuditLogEntity): AuditEntry {
  return {
    id: String(e.id),
    at: e.at,
    actor: e.actor,
    tokenId: e.tokenId,
    role: e.role,
    method: e.method,
    route: e.route,
    path: e.path,
    status: e.status,
    requestId: e.requestId,
    detail: e.detail,
  };
}
