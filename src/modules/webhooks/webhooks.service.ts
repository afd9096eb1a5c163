import { randomUUID } from 'node:crypto';
import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { VIGIL_CONFIG, type VigilConfig } from '../../config/config.js';
import { Clock } from '../../core/ports/clock.js';
import { WebhookSender } from '../../core/ports/webhook-sender.js';
import { serialisePayload, webhookPayload } from '../../core/webhooks/payload.js';
import { SLO_EVENT_TYPES, type SloEvent } from '../../core/webhooks/status-events.js';
import { WEBHOOK_DELIVERY_JOB, WebhookRepository, type NewDelivery, type TransactionManager } from '../../persistence/webhook.repository.js';
import { badRequest } from '../http/zod.pipe.js';
import { JobWorker } from '../jobs/job-worker.js';
import { toDeliveryListDto, toWebhookDto, toWebhookListDto, type CreateWebhook, type DeliveriesQuery, type DeliveryListDto, type ListQuery, type WebhookDto, type WebhookListDto } from './webhooks.dto.js';

/** Webhook registration, and the entry point for events: they go into the outbox, then out. */
@Injectable()
export class WebhookService {
  constructor(
    private readonly repo: WebhookRepository,
    private readonly jobs: JobWorker,
    private readonly sender: WebhookSender,
    private readonly clock: Clock,
    @Inject(VIGIL_CONFIG) private readonly config: VigilConfig,
  ) {}

  async register(body: CreateWebhook): Promise<WebhookDto> {
    const refused = await this.sender.refusal(body.url);
    if (refused) throw badRequest(`invalid webhook registration: url: ${refused}`, [{ path: 'url', message: refused }]);
    const events = body.events ? SLO_EVENT_TYPES.filter((t) => body.events?.includes(t)) : [...SLO_EVENT_TYPES];
    const max = this.config.webhookMaxEndpoints;
    const created = await this.repo.createEndpoint({ createdAt: this.clock.now(), url: body.url, secret: body.secret, events, description: body.description ?? null }, max);
    if (!created) throw new ConflictException({ statusCode: 409, error: 'Conflict', message: `at most ${max} webhook endpoints may be registered (VIGIL_WEBHOOK_MAX_ENDPOINTS); delete one first` });
    return toWebhookDto(created);
  }

  async list(q: ListQuery): Promise<WebhookListDto> {
    return toWebhookListDto(await this.repo.listEndpoints(q.limit, q.after));
  }

  async get(id: string): Promise<WebhookDto> {
    return toWebhookDto(await this.endpoint(id));
  }

  async remove(id: string): Promise<void> {
    if (!(await this.repo.deleteEndpoint(id))) throw notFound(id);
  }

  async deliveries(id: string, query: DeliveriesQuery): Promise<DeliveryListDto> {
    const endpoint = await this.endpoint(id);
    return toDeliveryListDto(endpoint.id, await this.repo.deliveryLog(endpoint.id, query.limit));
  }

  /**
   * Stores one pending delivery per event and subscribed endpoint, each with the job that sends
   * it; returns how many. Nothing is sent before the rows are committed, so a crash after this
   * call loses no event.
   *
   * With `manager`, the rows are written in the caller's transaction (a budget cycle and its events
   * commit or roll back together); the caller then calls `kick()` after the commit, since a worker
   * woken earlier would not see the rows yet (its poll would find them within a second anyway).
   */
  async enqueue(events: readonly SloEvent[], manager?: TransactionManager): Promise<number> {
    if (events.length === 0) return 0;
    const endpoints = await this.repo.subscribers(manager);
    const rows = events.flatMap((event) =>
      endpoints.filter((e) => e.events.includes(event.type)).map((e): NewDelivery => {
        const id = randomUUID();
        const body = serialisePayload(webhookPayload(id, event, new Date(event.at * 1000).toISOString()));
        return { id, endpointId: e.id, eventType: event.type, body };
      }),
    );
    if (rows.length === 0) return 0;
    const write = async (m: TransactionManager) => {
      await this.repo.insertDeliveries(rows, m);
      const now = this.clock.now();
      await this.jobs.scheduleMany(rows.map((r) => ({ name: WEBHOOK_DELIVERY_JOB, key: r.id, runAt: now })), m);
    };
    if (manager) await write(manager);
    else {
      await this.repo.transaction(write);
      this.kick();
    }
    return rows.length;
  }

  /** Wakes the job worker; call after committing a transaction passed to `enqueue`. */
  kick(): void {
    this.jobs.kick();
  }

  private async endpoint(id: string) {
    const found = await this.repo.findEndpoint(id);
    if (!found) throw notFound(id);
    return found;
  }
}

function notFound(id: string): NotFoundException {
  return new NotFoundException(`webhook ${JSON.stringify(id)} not found`);
}
