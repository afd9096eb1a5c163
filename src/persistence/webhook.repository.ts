import { Injectable } from '@nestjs/common';
import { DataSource, In, type EntityManager, type Repository } from 'typeorm';
import type { NextStep } from '../core/webhooks/delivery-policy.js';
import type { SloEventType } from '../core/webhooks/status-events.js';
import { WebhookAttemptEntity } from './entities/webhook-attempt.entity.js';
import { WebhookDeliveryEntity, type DeliveryStatus } from './entities/webhook-delivery.entity.js';
import { WebhookEndpointEntity } from './entities/webhook-endpoint.entity.js';

export type { DeliveryStatus } from './entities/webhook-delivery.entity.js';

/**
 * A caller's open transaction (TypeORM's EntityManager). Re-exported under our own name so
 * modules can pass one along without importing TypeORM themselves.
 */
export type TransactionManager = EntityManager;

/** A registered endpoint as the API shows it: the secret is never part of it. */
export interface WebhookEndpoint {
  readonly id: string;
  readonly url: string;
  readonly events: readonly SloEventType[];
  readonly description: string | null;
  readonly createdAt: Date;
}

export interface NewWebhookEndpoint {
  readonly url: string;
  readonly secret: string;
  readonly events: readonly SloEventType[];
  readonly description: string | null;
}

export interface NewDelivery {
  readonly id: string;
  readonly endpointId: string;
  readonly eventType: SloEventType;
  readonly body: string;
}

/** A delivery this instance has claimed and now owes an attempt. */
export interface ClaimedDelivery {
  readonly id: string;
  readonly endpointId: string;
  readonly url: string;
  readonly secret: string;
  readonly eventType: string;
  readonly body: string;
  /** 1-based number of the attempt about to be made. */
  readonly attempt: number;
}

export interface AttemptRecord {
  readonly attempt: number;
  readonly startedAt: Date;
  readonly durationMs: number;
  readonly httpStatus: number | null;
  readonly error: string | null;
}

export interface DeliveryLog {
  readonly id: string;
  readonly eventType: string;
  readonly status: DeliveryStatus;
  readonly createdAt: Date;
  /** When the next attempt is due; null once delivered or failed. */
  readonly nextAttemptAt: Date | null;
  readonly deliveredAt: Date | null;
  readonly body: string;
  readonly attempts: readonly AttemptRecord[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Webhook endpoints and the delivery outbox. Times that decide what is due come from the
 * database clock (now()), so several Vigil instances agree on them.
 */
@Injectable()
export class WebhookRepository {
  private readonly endpoints: Repository<WebhookEndpointEntity>;
  private readonly deliveries: Repository<WebhookDeliveryEntity>;
  private readonly attempts: Repository<WebhookAttemptEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.endpoints = dataSource.getRepository(WebhookEndpointEntity);
    this.deliveries = dataSource.getRepository(WebhookDeliveryEntity);
    this.attempts = dataSource.getRepository(WebhookAttemptEntity);
  }

  async createEndpoint(e: NewWebhookEndpoint): Promise<WebhookEndpoint> {
    const saved = await this.endpoints.save(
      this.endpoints.create({ url: e.url, secret: e.secret, events: [...e.events], description: e.description, createdAt: new Date() }),
    );
    return toEndpoint(saved);
  }

  async listEndpoints(): Promise<WebhookEndpoint[]> {
    const rows = await this.endpoints.find({ order: { createdAt: 'ASC', id: 'ASC' } });
    return rows.map(toEndpoint);
  }

  /** Null for an unknown id, including one that is not a UUID at all. */
  async findEndpoint(id: string): Promise<WebhookEndpoint | null> {
    if (!UUID.test(id)) return null;
    const row = await this.endpoints.findOneBy({ id });
    return row ? toEndpoint(row) : null;
  }

  /** Its deliveries and attempts go with it (ON DELETE CASCADE). */
  async deleteEndpoint(id: string): Promise<boolean> {
    if (!UUID.test(id)) return false;
    const r = await this.endpoints.delete({ id });
    return (r.affected ?? 0) > 0;
  }

  /** Endpoints subscribed to each type, read inside the caller's transaction when there is one. */
  async subscribers(manager?: TransactionManager): Promise<{ id: string; events: readonly string[] }[]> {
    const rows = await (manager ?? this.dataSource.manager).find(WebhookEndpointEntity, { select: { id: true, events: true }, order: { createdAt: 'ASC', id: 'ASC' } });
    return rows.map((r) => ({ id: r.id, events: r.events }));
  }

  /** Stores deliveries as pending and due now; nothing is sent until the row is committed. */
  async insertDeliveries(rows: readonly NewDelivery[], manager?: TransactionManager): Promise<number> {
    if (rows.length === 0) return 0;
    await (manager ?? this.dataSource.manager)
      .createQueryBuilder()
      .insert()
      .into(WebhookDeliveryEntity)
      .values(rows.map((r) => ({ id: r.id, endpointId: r.endpointId, eventType: r.eventType, body: r.body, status: 'pending' as const, attempts: 0 })))
      .execute();
    return rows.length;
  }

  /**
   * Claims up to `limit` due deliveries for `leaseMs`: pending ones whose time has come, and
   * claims that lapsed (their instance died mid-attempt). SKIP LOCKED lets several instances claim
   * at once without waiting on or taking each other's rows; the re-check under the row lock keeps
   * a delivery claimed by one instance away from the others until its lease runs out.
   */
  async claimDue(limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    const rows: { id: string; endpoint_id: string; url: string; secret: string; event_type: string; body: string; attempts: number }[] =
      await this.dataSource.query(
        `WITH claimed AS (
           UPDATE webhook_deliveries d
              SET status = 'delivering', locked_until = now() + make_interval(secs => $2::double precision / 1000)
            WHERE d.id IN (
                    SELECT id FROM webhook_deliveries
                     WHERE (status = 'pending' AND next_attempt_at <= now())
                        OR (status = 'delivering' AND locked_until < now())
                     ORDER BY next_attempt_at
                     LIMIT $1
                       FOR UPDATE SKIP LOCKED)
           RETURNING d.id, d.endpoint_id, d.event_type, d.body, d.attempts)
         SELECT c.id, c.endpoint_id, e.url, e.secret, c.event_type, c.body, c.attempts
           FROM claimed c JOIN webhook_endpoints e ON e.id = c.endpoint_id`,
        [limit, leaseMs],
      );
    return rows.map((r) => ({ id: r.id, endpointId: r.endpoint_id, url: r.url, secret: r.secret, eventType: r.event_type, body: r.body, attempt: r.attempts + 1 }));
  }

  /**
   * Records one attempt and applies its outcome, in one transaction. Returns false when the
   * claim was no longer ours (it lapsed and another instance took the delivery over); the
   * attempt is logged all the same, since the request was made.
   */
  async finishAttempt(deliveryId: string, record: AttemptRecord, step: NextStep): Promise<boolean> {
    return this.dataSource.transaction(async (m) => {
      await m.insert(WebhookAttemptEntity, { deliveryId, ...record });
      const r: [unknown[], number] = await m.query(
        `UPDATE webhook_deliveries
            SET attempts = $2,
                status = $3,
                locked_until = NULL,
                next_attempt_at = CASE WHEN $3 = 'pending' THEN now() + make_interval(secs => $4::double precision / 1000) ELSE next_attempt_at END,
                delivered_at = CASE WHEN $3 = 'delivered' THEN now() ELSE NULL END
          WHERE id = $1 AND status = 'delivering' AND attempts = $2 - 1`,
        [deliveryId, record.attempt, step.status, step.status === 'pending' ? step.retryInMs : 0],
      );
      return r[1] > 0;
    });
  }

  /** Milliseconds until the next delivery is due or the next claim lapses; null when none is owed. */
  async msUntilNextDue(): Promise<number | null> {
    const [row]: { ms: string | null }[] = await this.dataSource.query(
      `SELECT GREATEST(0, EXTRACT(EPOCH FROM (min(t) - now())) * 1000) AS ms FROM (
         SELECT min(next_attempt_at) AS t FROM webhook_deliveries WHERE status = 'pending'
         UNION ALL
         SELECT min(locked_until) FROM webhook_deliveries WHERE status = 'delivering') due`,
    );
    return row?.ms == null ? null : Math.ceil(Number(row.ms));
  }

  /** The newest `limit` deliveries of an endpoint, each with every attempt in order. */
  async deliveryLog(endpointId: string, limit: number): Promise<DeliveryLog[]> {
    const rows = await this.deliveries.find({ where: { endpointId }, order: { createdAt: 'DESC', id: 'ASC' }, take: limit });
    const attempts = rows.length === 0 ? [] : await this.attempts.find({ where: { deliveryId: In(rows.map((r) => r.id)) }, order: { attempt: 'ASC', startedAt: 'ASC' } });
    return rows.map((d) => ({
      id: d.id,
      eventType: d.eventType,
      status: d.status,
      createdAt: d.createdAt,
      nextAttemptAt: d.status === 'pending' || d.status === 'delivering' ? d.nextAttemptAt : null,
      deliveredAt: d.deliveredAt,
      body: d.body,
      attempts: attempts
        .filter((a) => a.deliveryId === d.id)
        .map((a) => ({ attempt: a.attempt, startedAt: a.startedAt, durationMs: a.durationMs, httpStatus: a.httpStatus, error: a.error })),
    }));
  }
}

function toEndpoint(e: WebhookEndpointEntity): WebhookEndpoint {
  return { id: e.id, url: e.url, events: e.events as SloEventType[], description: e.description, createdAt: e.createdAt };
}
