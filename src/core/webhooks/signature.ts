import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * HMAC-SHA256 of the exact body bytes, hex, as sent in X-Vigil-Signature. Pure computation
 * (node:crypto's HMAC reads no clock, randomness or I/O), so it lives in core beside the payload.
 */
export const SIGNATURE_HEADER = 'X-Vigil-Signature';

export function signBody(secret: string, body: string | Uint8Array): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** What a receiver does (docs/webhooks.md): recompute over the raw body, compare in constant time. */
export function verifySignature(secret: string, body: string | Uint8Array, header: string | undefined): boolean {
  if (!header) return false;
  const expected = Buffer.from(signBody(secret, body));
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Every header of a delivery request; the same on every attempt, since body and id do not change. */
export function deliveryHeaders(delivery: { readonly id: string; readonly eventType: string; readonly body: string }, secret: string): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    'User-Agent': 'vigil-webhooks',
    'X-Vigil-Event': delivery.eventType,
    'X-Vigil-Delivery': delivery.id,
    [SIGNATURE_HEADER]: signBody(secret, delivery.body),
  };
}
