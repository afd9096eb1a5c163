import type { SloEvent, SloEventType } from './status-events.js';
import { finiteOrNull } from '../budget/budget-view.js';

/**
 * The JSON body of a webhook delivery (docs/webhooks.md). Built once, when the delivery is
 * stored; every attempt sends the stored text, so retries carry identical bytes and signature.
 */
export interface WebhookPayload {
  /** The delivery id, also sent as X-Vigil-Delivery: receivers dedupe on it. */
  readonly id: string;
  readonly type: SloEventType;
  /** The evaluation time that produced the event, ISO 8601 UTC. */
  readonly timestamp: string;
  readonly data: {
    readonly service: string;
    readonly slo: string;
    readonly objective: string;
    readonly previousStatus: SloEvent['previousStatus'];
    readonly status: SloEvent['status'];
    readonly sli: number | null;
    readonly errorBudgetRemaining: number;
    readonly burnRates: Readonly<Record<string, number | null>>;
    readonly windowSeconds: number;
  };
}

/**
 * `timestamp` is `event.at` as ISO 8601, converted by the caller: src/core touches no Date
 * constructor (the purity check in test/architecture forbids it outright).
 */
export function webhookPayload(deliveryId: string, event: SloEvent, timestamp: string): WebhookPayload {
  return {
    id: deliveryId,
    type: event.type,
    timestamp,
    data: {
      service: event.service,
      slo: event.slo,
      objective: event.objective,
      previousStatus: event.previousStatus,
      status: event.status,
      sli: finiteOrNull(event.sli),
      errorBudgetRemaining: event.errorBudgetRemaining,
      burnRates: Object.fromEntries(Object.entries(event.burnRates).map(([w, r]) => [w, finiteOrNull(r)])),
      windowSeconds: event.windowSeconds,
    },
  };
}

/** The exact body text sent (and signed). */
export function serialisePayload(payload: WebhookPayload): string {
  return JSON.stringify(payload);
}
