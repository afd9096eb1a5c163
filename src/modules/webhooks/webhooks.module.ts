import { Module } from '@nestjs/common';
import { WebhookHttpClient } from '../../adapters/webhooks/webhook-http.client.js';
import { VIGIL_CONFIG, type VigilConfig } from '../../config/config.js';
import { DEFAULT_DELIVERY_POLICY } from '../../core/webhooks/delivery-policy.js';
import { PersistenceModule } from '../../persistence/persistence.module.js';
import { DISPATCHER_OPTIONS, WebhookDispatcher, type DispatcherOptions } from './webhook-dispatcher.js';
import { WebhooksController } from './webhooks.controller.js';
import { WebhookService } from './webhooks.service.js';

const DEFAULT_TIMEOUT_MS = 10_000;

function dispatcherOptions(config: VigilConfig): DispatcherOptions {
  const timeoutMs = config.webhookTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    policy: { ...DEFAULT_DELIVERY_POLICY, backoffBaseMs: config.webhookBackoffMs ?? DEFAULT_DELIVERY_POLICY.backoffBaseMs },
    timeoutMs,
    pollMs: 1000,
    batchSize: 10,
    leaseMs: timeoutMs + 20_000,
  };
}

/** slo.* webhooks (docs/webhooks.md). Other modules import it for WebhookService.enqueue. */
@Module({
  imports: [PersistenceModule],
  controllers: [WebhooksController],
  providers: [
    { provide: DISPATCHER_OPTIONS, inject: [VIGIL_CONFIG], useFactory: dispatcherOptions },
    { provide: WebhookHttpClient, useValue: new WebhookHttpClient() },
    WebhookDispatcher,
    WebhookService,
  ],
  exports: [WebhookService],
})
export class WebhooksModule {}
