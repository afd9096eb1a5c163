import { z } from 'zod';
import { errorDtoSchema, openApi } from '../http/zod.pipe.js';
import { SLO_EVENT_TYPES } from '../../core/webhooks/status-events.js';
import type { Page } from '../../persistence/page.js';
import type { DeliveryLog, WebhookEndpoint } from '../../persistence/webhook.repository.js';

/** PostgreSQL text cannot hold NUL, and no secret or description needs a control character. */
const CONTROL = /[\u0000-\u001f\u007f]/;
const noControl = (s: string) => !CONTROL.test(s);

/** Registration body. Strict: a misspelt field ("event") is an error, not a silent default. */
export const createWebhookSchema = z.strictObject({
  url: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .max(2048, 'must be at most 2048 characters')
    // user:password@ would be shown back to every reader of the list; the secret signs requests instead.
    .refine((u) => !/^[a-z]+:\/\/[^/?#]*@/i.test(u), { error: 'must not contain a user name or password (user:password@); receivers authenticate Vigil by the signature' }),
  secret: z
    .string({ error: 'must be a string' })
    .min(16, 'must be at least 16 characters')
    .max(256, 'must be at most 256 characters')
    .refine(noControl, { error: 'must not contain control characters' }),
  events: z
    .array(z.enum(SLO_EVENT_TYPES, { error: `must be one of ${SLO_EVENT_TYPES.join(', ')}` }))
    .min(1, 'must name at least one event type (leave it out for all)')
    .optional(),
  description: z.string({ error: 'must be a string' }).max(500, 'must be at most 500 characters').refine(noControl, { error: 'must not contain control characters' }).optional(),
});
export type CreateWebhook = z.infer<typeof createWebhookSchema>;

export const listQuerySchema = z.strictObject({
  limit: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1).max(500).default(100),
  after: z.uuid({ error: 'must be the nextCursor of the previous page' }).optional(),
});
export type ListQuery = z.infer<typeof listQuerySchema>;

export const deliveriesQuerySchema = z.strictObject({
  limit: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1).max(500).default(50),
});
export type DeliveriesQuery = z.infer<typeof deliveriesQuerySchema>;

const webhookDtoSchema = z.object({
  id: z.uuid(),
  url: z.string(),
  events: z.array(z.enum(SLO_EVENT_TYPES)),
  description: z.string().nullable(),
  createdAt: z.iso.datetime(),
  /** Always true: the secret is write-only. */
  secretSet: z.literal(true),
});
export type WebhookDto = z.infer<typeof webhookDtoSchema>;

const webhookListDtoSchema = z.object({ webhooks: z.array(webhookDtoSchema), nextCursor: z.uuid().nullable().describe('pass as ?after= for the next page; null on the last') });
export type WebhookListDto = z.infer<typeof webhookListDtoSchema>;

const attemptDtoSchema = z.object({
  attempt: z.number().int(),
  startedAt: z.iso.datetime(),
  durationMs: z.number().int().nullable().describe('null: no outcome was recorded (the process stopped while the request was out)'),
  httpStatus: z.number().int().nullable(),
  error: z.string().nullable(),
});

const deliveryDtoSchema = z.object({
  id: z.uuid(),
  eventType: z.string(),
  status: z.enum(['pending', 'delivering', 'delivered', 'failed']),
  createdAt: z.iso.datetime(),
  nextAttemptAt: z.iso.datetime().nullable(),
  deliveredAt: z.iso.datetime().nullable(),
  /** The body as sent, parsed. */
  payload: z.unknown(),
  attempts: z.array(attemptDtoSchema),
});
const deliveryListDtoSchema = z.object({ webhookId: z.uuid(), deliveries: z.array(deliveryDtoSchema) });
export type DeliveryListDto = z.infer<typeof deliveryListDtoSchema>;


// OpenAPI schemas derived from the zod schemas that validate, so the docs cannot drift from the checks.
export const OPENAPI = {
  createWebhook: openApi(createWebhookSchema, 'input'),
  webhook: openApi(webhookDtoSchema),
  webhookList: openApi(webhookListDtoSchema),
  deliveryList: openApi(deliveryListDtoSchema),
  error: openApi(errorDtoSchema),
};

export function toWebhookDto(e: WebhookEndpoint): WebhookDto {
  return { id: e.id, url: e.url, events: [...e.events], description: e.description, createdAt: e.createdAt.toISOString(), secretSet: true };
}

export function toWebhookListDto(page: Page<WebhookEndpoint>): WebhookListDto {
  return { webhooks: page.items.map(toWebhookDto), nextCursor: page.nextCursor };
}

/** An attempt without an outcome that is not the one in flight: its process died while the request was out. */
const LOST_ATTEMPT = 'no outcome recorded: the process stopped while the request was out; the receiver may have got it';

export function toDeliveryListDto(webhookId: string, log: readonly DeliveryLog[]): DeliveryListDto {
  return {
    webhookId,
    deliveries: log.map((d) => ({
      id: d.id,
      eventType: d.eventType,
      status: d.status,
      createdAt: d.createdAt.toISOString(),
      nextAttemptAt: d.nextAttemptAt?.toISOString() ?? null,
      deliveredAt: d.deliveredAt?.toISOString() ?? null,
      payload: JSON.parse(d.body) as unknown,
      attempts: d.attempts.map((a, i) => ({
        attempt: a.attempt,
        startedAt: a.startedAt.toISOString(),
        durationMs: a.durationMs,
        httpStatus: a.httpStatus,
        error: a.durationMs === null && !(d.status === 'delivering' && i === d.attempts.length - 1) ? (a.error ?? LOST_ATTEMPT) : a.error,
      })),
    })),
  };
}
