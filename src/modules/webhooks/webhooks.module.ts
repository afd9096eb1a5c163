import { Module } from '@nestjs/common';
import { WebhookHttpClient } from '../../adapters/webhooks/webhook-http.client.js';
import { VIGIL_CONFIG, type VigilConfig } from '../../config/config.js';
import { WebhookSender } from '../../core/ports/webhook-sender.js';
import { DEFAULT_DELIVERY_POLICY } from '../../core/webhooks/delivery-policy.js';
import { PersistenceModule } from '../../persistence/persistence.module.js';
import { JobsModule } from '../jobs/jobs.module.js';
import { DELIVERY_OPTIONS, WebhookDeliveryService, type DeliveryOptions } from './webhook-delivery.service.js';
import { WebhooksController } from './webhooks.controller.js';
import { WebhookService } from './webhooks.service.js';

const DEFAULT_TIMEOUT_MS = 10_000;

function deliveryOptions(config: VigilConfig): DeliveryOptions {
  return {
    policy: { ...DEFAULT_DELIVERY_POLICY, backoffBaseMs: config.webhookBackoffMs ?? DEFAULT_DELIVERY_POLICY.backoffBaseMs },
    timeoutMs: config.webhookTimeoutMs ?? DEFAULT_TIMEOUT_MS,
  };
}

/** slo.* webhooks (docs/webhooks.md). Other modules import it for WebhookService.enqueue. */
@Module({
  imports: [PersistenceModule, JobsModule],
  controllers: [WebhooksController],
  providers: [
    { provide: DELIVERY_OPTIONS, inject: [VIGIL_CONFIG], useFactory: deliveryOptions },
    { provide: WebhookSender, inject: [VIGIL_CONFIG], useFactory: (config: VigilConfig) => new WebhookHttpClient(config.webhookAllowList) },
    WebhookDeliveryService,
    WebhookService,
  ],
  exports: [WebhookService],
})
export class WebhooksModule {}
