import { createHmac, timingSafeEqual } from 'node:crypto';
import { field, nonEmptyString } from './untrusted-json.js';

/**
 * Acks and resolves made in PagerDuty, arriving as v3 webhooks. Pure: HMAC and JSON only.
 *
 * Signature (https://developer.pagerduty.com/docs/webhooks/webhook-signatures/ ; source
 * PagerDuty/developer-docs docs/webhooks/04-Signatures.md): `X-PagerDuty-Signature` holds one or
 * more comma-separated `v1=<hex HMAC-SHA256 of the raw body, keyed with the subscription secret>`
 * (several while a secret is rotated); the request is genuine when any v1 signature matches.
 *
 * Payload (docs/webhooks/01-Overview.md, "Webhook Payload"): `{ event: { id, event_type,
 * resource_type, occurred_at, agent, client, data } }`; for incident events `data` is the incident,
 * whose `incident_key` is the Events v2 dedup_key of the alert that opened it.
 */

export const PAGERDUTY_SIGNATURE_HEADER = 'X-PagerDuty-Signature';

export function pagerDutySignature(secret: string, rawBody: string | Uint8Array): string {
  return `v1=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

/** True when any `v1=` signature in the header is the body's HMAC under `secret`; compared in constant time. */
export function verifyPagerDutySignature(secret: string, rawBody: string | Uint8Array, header: string | undefined): boolean {
  if (!header || !secret) return false;
  const expected = Buffer.from(pagerDutySignature(secret, rawBody));
  let match = false;
  // Every candidate is compared (no early exit), so timing says nothing about which one matched.
  for (const candidate of header.split(',')) {
    const given = Buffer.from(candidate.trim());
    if (given.length === expected.length && timingSafeEqual(given, expected)) match = true;
  }
  return match;
}

export interface PagerDutyWebhookEvent {
  /** What Vigil does with it: acknowledge or resolve the incident, or nothing. */
  readonly type: 'acknowledge' | 'resolve' | 'ignore';
  /** PagerDuty's `event.event_type`, e.g. `incident.acknowledged`. */
  readonly eventType: string;
  /** `event.id`: unique per event, so a redelivered webhook can be recognised. */
  readonly eventId: string;
  /** `event.data.incident_key`: our Events v2 dedup_key, when the incident came from an event we sent. */
  readonly dedupKey?: string;
  /** `event.data.id`: PagerDuty's own incident id (P…), for the timeline. */
  readonly pagerDutyIncidentId?: string;
  /** Who did it: `event.agent.summary` (a user's name), or `PagerDuty` when no agent is given (automation). */
  readonly actor: string;
  readonly occurredAt?: string;
}

export type PagerDutyWebhookParse = { readonly ok: true; readonly event: PagerDutyWebhookEvent } | { readonly ok: false; readonly error: string };

const ACTIONS: Readonly<Record<string, 'acknowledge' | 'resolve'>> = {
  'incident.acknowledged': 'acknowledge',
  'incident.resolved': 'resolve',
};

/**
 * Reads a v3 webhook body (already verified). Event types other than acknowledged/resolved, and
 * incidents without an incident_key, are `ignore`: PagerDuty sends whatever the subscription
 * lists, and answering them 2xx stops redelivery.
 */
export function parsePagerDutyWebhook(rawBody: string): PagerDutyWebhookParse {
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody);
  } catch {
    return { ok: false, error: 'body is not JSON' };
  }
  const event = field(parsed, 'event');
  if (typeof event !== 'object' || event === null) return { ok: false, error: 'no "event" object' };
  const eventType = field(event, 'event_type');
  const eventId = field(event, 'id');
  if (typeof eventType !== 'string' || typeof eventId !== 'string') return { ok: false, error: 'event.id or event.event_type missing' };
  const data = field(event, 'data');
  const dedupKey = nonEmptyString(field(data, 'incident_key'));
  const pagerDutyIncidentId = nonEmptyString(field(data, 'id'));
  const actor = nonEmptyString(field(field(event, 'agent'), 'summary')) ?? 'PagerDuty';
  const occurredAt = nonEmptyString(field(event, 'occurred_at'));
  const action = ACTIONS[eventType];
  return {
    ok: true,
    event: {
      type: action && dedupKey ? action : 'ignore',
      eventType,
      eventId,
      ...(dedupKey ? { dedupKey } : {}),
      ...(pagerDutyIncidentId ? { pagerDutyIncidentId } : {}),
      actor,
      ...(occurredAt ? { occurredAt } : {}),
    },
  };
}
