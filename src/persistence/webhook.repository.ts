import { Injectable } from '@nestjs/common';
import { DataSource, In, type Repository } from 'typeorm';
import type { JobFence } from '../core/jobs/job.js';
import type { NextStep } from '../core/webhooks/delivery-policy.js';
import type { SloEventType } from '../core/webhooks/status-events.js';
import { WebhookAttemptEntity } from './entities/webhook-attempt.entity.js';
import { WebhookDeliveryEntity, type DeliveryStatus } from './entities/webhook-delivery.entity.js';
import { WebhookEndpointEntity } from './entities/webhook-endpoint.entity.js';
import { JobRepository, type TransactionManager } from './job.repository.js';
import { queueOn } from './statement-batch.js';
import { toPage, type Page } from './page.js';

export type { DeliveryStatus } from './entities/webhook-delivery.entity.js';
export type { TransactionManager } from './job.repository.js';

/** The job that sends a delivery is keyed by the delivery's id. */
export const WEBHOOK_DELIVERY_JOB = 'webhook-delivery';

/** A registered endpoint as the API shows it: the secret is never part of it. */
export interface WebhookEndpoint {
  readonly id: string;
  readonly url: string;
  readonly events: readonly SloEventType[];
  readonly description: string | null;
  readonly createdAt: Date;
}

export interface NewWebhookEndpoint {
  readonly createdAt: Date;
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

/** A delivery with what sending it needs. */
export interface DeliveryToSend {
  readonly id: string;
  readonly endpointId: string;
  readonly url: string;
  readonly secret: string;
  readonly eventType: string;
  readonly body: string;
}

export interface AttemptRecord {
  readonly attempt: number;
  readonly startedAt: Date;
  /** Null: no outcome was recorded (the process stopped while the request was out). */
  readonly durationMs: number | null;
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
 * Webhook endpoints, the delivery outbox and its attempt log. When a delivery is due, and which
 * replica sends it, is decided by the jobs table (one job per delivery, keyed by its id).
 */
@Injectable()
export class WebhookRepository {
  private readonly endpoints: Repository<WebhookEndpointEntity>;
  private readonly deliveries: Repository<WebhookDeliveryEntity>;
  private readonly attempts: Repository<WebhookAttemptEntity>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly jobs: JobRepository,
  ) {
    this.endpoints = dataSource.getRepository(WebhookEndpointEntity);
    this.deliveries = dataSource.getRepository(WebhookDeliveryEntity);
    this.attempts = dataSource.getRepository(WebhookAttemptEntity);
  }

  /** Registers an endpoint unless `max` exist already (then null); concurrent registrations cannot overshoot. */
  async createEndpoint(e: NewWebhookEndpoint, max: number): Promise<WebhookEndpoint | null> {
    return this.dataSource.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('vigil:webhook-endpoints'))`);
      if ((await m.count(WebhookEndpointEntity)) >= max) return null;
      const saved = await m.save(m.create(WebhookEndpointEntity, { url: e.url, secret: e.secret, events: [...e.events], description: e.description, createdAt: e.createdAt }));
      return toEndpoint(saved);
    });
  }

  /** A page of endpoints, oldest first; `after` is the last id of the previous page. */
  async listEndpoints(limit: number, after?: string): Promise<Page<WebhookEndpoint>> {
    if (after !== undefined && !UUID.test(after)) return { items: [], nextCursor: null };
    const rows = (await this.dataSource.query(
      `SELECT id, url, events, description, created_at FROM webhook_endpoints
        WHERE $2::uuid IS NULL OR (created_at, id) > (SELECT created_at, id FROM webhook_endpoints WHERE id = $2)
        ORDER BY created_at, id LIMIT $1 + 1`,
      [limit, after ?? null],
    )) as { id: string; url: string; events: string[]; description: string | null; created_at: Date }[];
    return toPage(rows.map((r) => ({ id: r.id, url: r.url, events: r.events as SloEventType[], description: r.description, createdAt: r.created_at })), limit);
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

  /** Runs `work` in one transaction. */
  transaction<T>(work: (m: TransactionManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Stores deliveries as pending; the caller schedules their jobs in the same transaction. */
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

  /** The delivery and its endpoint; null when either was deleted meanwhile (nothing to send). */
  async toSend(deliveryId: string): Promise<DeliveryToSend | null> {
    const [row] = (await this.dataSource.query(
      `SELECT d.id, d.endpoint_id, e.url, e.secret, d.event_type, d.body FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE d.id = $1`,
      [deliveryId],
    )) as { id: string; endpoint_id: string; url: string; secret: string; event_type: string; body: string }[];
    return row ? { id: row.id, endpointId: row.endpoint_id, url: row.url, secret: row.secret, eventType: row.event_type, body: row.body } : null;
  }

  /**
   * Records attempt `attempt` as started, before its request goes out, and only while `fence` is
   * the job's current claim: the delivery log then shows every request made, even one whose
   * process died before it could record the answer. False: not ours any more, do not send.
   */
  async startAttempt(fence: JobFence, deliveryId: string, attempt: number, startedAt: Date): Promise<boolean> {
    return this.jobs.fenced(fence, (m) =>
      queueOn(
        m,
        { name: 'vigil_webhook_attempt_insert', text: `INSERT INTO webhook_attempts (delivery_id, attempt, started_at) VALUES ($1, $2, $3) ON CONFLICT (delivery_id, attempt) DO NOTHING`, values: [deliveryId, attempt, startedAt] },
        { name: 'vigil_webhook_delivering', text: `UPDATE webhook_deliveries SET status = 'delivering', attempts = GREATEST(attempts, $2) WHERE id = $1`, values: [deliveryId, attempt] },
      ),
    );
  }

  /** The attempt's outcome and the delivery's new status, in the job's finishing transaction. */
  async finishAttempt(m: TransactionManager, deliveryId: string, record: AttemptRecord, step: NextStep, now: Date): Promise<void> {
    await m.query(`UPDATE webhook_attempts SET duration_ms = $3, http_status = $4, error = $5 WHERE delivery_id = $1 AND attempt = $2`, [
      deliveryId,
      record.attempt,
      record.durationMs,
      record.httpStatus,
      record.error,
    ]);
    await m.query(`UPDATE webhook_deliveries SET status = $2, delivered_at = CASE WHEN $2 = 'delivered' THEN $3::timestamptz ELSE NULL END WHERE id = $1`, [
      deliveryId,
      step.status,
      now,
    ]);
  }

  /** A delivery whose attempts all ended without a recorded answer (its process kept dying) failed for good. */
  async markFailed(deliveryId: string): Promise<void> {
    await this.dataSource.query(`UPDATE webhook_deliveries SET status = 'failed' WHERE id = $1 AND status <> 'delivered'`, [deliveryId]);
  }

  /** The newest `limit` deliveries of an endpoint, each with every attempt in order. */
  async deliveryLog(endpointId: string, limit: number): Promise<DeliveryLog[]> {
    const rows = await this.deliveries.find({ where: { endpointId }, order: { createdAt: 'DESC', id: 'ASC' }, take: limit });
    const ids = rows.map((r) => r.id);
    const attempts = rows.length === 0 ? [] : await this.attempts.find({ where: { deliveryId: In(ids) }, order: { attempt: 'ASC', startedAt: 'ASC' } });
    const due = rows.length === 0 ? [] : ((await this.dataSource.query(`SELECT key, run_at FROM jobs WHERE name = $1 AND key = ANY($2) AND state = 'pending'`, [WEBHOOK_DELIVERY_JOB, ids])) as { key: string; run_at: Date }[]);
    const nextAt = new Map(due.map((j) => [j.key, j.run_at]));
    return rows.map((d) => ({
      id: d.id,
      eventType: d.eventType,
      status: d.status,
      createdAt: d.createdAt,
      nextAttemptAt: nextAt.get(d.id) ?? null,
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
