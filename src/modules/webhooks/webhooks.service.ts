import { randomUUID } from 'node:crypto';
import { Injectable, NotFoundException } from '@nestjs/common';
import { serialisePayload, webhookPayload } from '../../core/webhooks/payload.js';
import { SLO_EVENT_TYPES, type SloEvent } from '../../core/webhooks/status-events.js';
import { WebhookRepository, type NewDelivery, type TransactionManager } from '../../persistence/webhook.repository.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';
import { toDeliveryListDto, toWebhookDto, type CreateWebhook, type DeliveriesQuery, type DeliveryListDto, type WebhookDto } from './webhooks.dto.js';

/** Webhook registration, and the entry point for events: they go into the outbox, then out. */
@Injectable()
export class WebhookService {
  constructor(
    private readonly repo: WebhookRepository,
    private readonly dispatcher: WebhookDispatcher,
  ) {}

  async register(body: CreateWebhook): Promise<WebhookDto> {
    const events = body.events ? SLO_EVENT_TYPES.filter((t) => body.events?.includes(t)) : [...SLO_EVENT_TYPES];
    return toWebhookDto(await this.repo.createEndpoint({ url: body.url, secret: body.secret, events, description: body.description ?? null }));
  }

  async list(): Promise<WebhookDto[]> {
    return (await this.repo.listEndpoints()).map(toWebhookDto);
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
   * Stores one pending delivery per event and subscribed endpoint; returns how many. Nothing is
   * sent before the rows are committed, so a crash after this call loses no event.
   *
   * With `manager`, the rows are written in the caller's transaction (budget snapshots and their
   * events commit or roll back together); the caller must then call `kick()` after the commit,
   * since a dispatcher woken earlier would not see the rows yet (the poll would find them within
   * a second anyway). Without it, the rows commit at once and the dispatcher is woken here.
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
    const n = await this.repo.insertDeliveries(rows, manager);
    if (!manager && n > 0) this.kick();
    return n;
  }

  /** Wakes the dispatcher; call after committing a transaction passed to `enqueue`. */
  kick(): void {
    this.dispatcher.kick();
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
