import { pagerDutySignature, parsePagerDutyWebhook, verifyPagerDutySignature } from './pagerduty-webhook.js';

/**
 * A v3 `incident.acknowledged` body shaped like the example in PagerDuty's docs
 * (PagerDuty/developer-docs docs/webhooks/01-Overview.md). PagerDuty publishes no signature test
 * vector, so this one was computed once with the openssl CLI and frozen:
 *   printf '%s' "$BODY" | openssl dgst -sha256 -hmac 'whsec-test-secret'
 */
const SECRET = 'whsec-test-secret';
const BODY =
  '{"event":{"id":"01DEN3QPTAYYS1OCV3VJ2Y4PBN","event_type":"incident.acknowledged","resource_type":"incident","occurred_at":"2026-11-20T10:15:00.000Z","agent":{"html_url":"https://acme.pagerduty.com/users/PLH1HKV","id":"PLH1HKV","self":"https://api.pagerduty.com/users/PLH1HKV","summary":"Alice Example","type":"user_reference"},"client":null,"data":{"id":"Q2KN5HS1PNDUN1","type":"incident","self":"https://api.pagerduty.com/incidents/Q2KN5HS1PNDUN1","html_url":"https://acme.pagerduty.com/incidents/Q2KN5HS1PNDUN1","number":42,"status":"acknowledged","incident_key":"vigil-inc-7","created_at":"2026-11-20T10:00:00Z","title":"checkout: error budget burning"}}}';
const SIGNATURE = 'v1=9c45c58f9d4cb2ecee8ff87d210da28344bd3c255bcbf8a2b73c2fb44379a55a';
const OTHER = `v1=${'0'.repeat(64)}`;

describe('PagerDuty v3 webhook signature', () => {
  it('computes the frozen openssl vector', () => {
    expect(pagerDutySignature(SECRET, BODY)).toBe(SIGNATURE);
  });

  it.each([
    ['the one signature', SIGNATURE, true],
    ['the matching one of two (secret rotation), listed second', `${OTHER},${SIGNATURE}`, true],
    ['the matching one of two, listed first, with a space after the comma', `${SIGNATURE}, ${OTHER}`, true],
    ['only a signature made with another secret', OTHER, false],
    ['the right digest without its v1= prefix', SIGNATURE.slice(3), false],
    ['the right digest under another version', `v0=${SIGNATURE.slice(3)}`, false],
    ['an empty header', '', false],
    ['no header', undefined, false],
  ])('%s → %s', (_case, header, expected) => {
    expect(verifyPagerDutySignature(SECRET, BODY, header)).toBe(expected);
  });

  it('refuses a body changed by one byte, and accepts the same bytes given as a Buffer', () => {
    expect(verifyPagerDutySignature(SECRET, BODY.replace('Alice', 'Alicf'), SIGNATURE)).toBe(false);
    expect(verifyPagerDutySignature(SECRET, Buffer.from(BODY, 'utf8'), SIGNATURE)).toBe(true);
  });

  it('refuses everything when no secret is configured', () => {
    expect(verifyPagerDutySignature('', BODY, pagerDutySignature('', BODY))).toBe(false);
  });
});

describe('parsePagerDutyWebhook', () => {
  it('reads an acknowledgement: the dedup_key we sent, who acked, the event id', () => {
    expect(parsePagerDutyWebhook(BODY)).toEqual({
      ok: true,
      event: {
        type: 'acknowledge',
        eventType: 'incident.acknowledged',
        eventId: '01DEN3QPTAYYS1OCV3VJ2Y4PBN',
        dedupKey: 'vigil-inc-7',
        pagerDutyIncidentId: 'Q2KN5HS1PNDUN1',
        actor: 'Alice Example',
        occurredAt: '2026-11-20T10:15:00.000Z',
      },
    });
  });

  const body = (event: Record<string, unknown>) => JSON.stringify({ event: { id: 'E1', occurred_at: '2026-11-20T10:15:00Z', ...event } });

  it.each([
    ['a resolve by a person', body({ event_type: 'incident.resolved', agent: { summary: 'Bob' }, data: { id: 'P1', incident_key: 'vigil-inc-8' } }), { type: 'resolve', actor: 'Bob', dedupKey: 'vigil-inc-8' }],
    ['a resolve with no agent (auto-resolve): PagerDuty is the actor', body({ event_type: 'incident.resolved', agent: null, data: { id: 'P1', incident_key: 'vigil-inc-8' } }), { type: 'resolve', actor: 'PagerDuty' }],
    ['another event type', body({ event_type: 'incident.priority_updated', data: { id: 'P1', incident_key: 'vigil-inc-8' } }), { type: 'ignore', eventType: 'incident.priority_updated' }],
    ['an ack of an incident opened without an incident_key', body({ event_type: 'incident.acknowledged', data: { id: 'P1', incident_key: null } }), { type: 'ignore' }],
    ['a service event', body({ event_type: 'service.updated', agent: null, data: { id: 'PF9KMXH', type: 'service' } }), { type: 'ignore' }],
  ])('reads %s', (_case, text, expected) => {
    const parsed = parsePagerDutyWebhook(text);
    expect(parsed.ok).toBe(true);
    expect(parsed.ok && parsed.event).toMatchObject(expected);
  });

  it.each([
    ['not JSON', '{"event":', 'body is not JSON'],
    ['no event', '{"messages":[]}', 'no "event" object'],
    ['no event type', '{"event":{"id":"E1"}}', 'event.id or event.event_type missing'],
  ])('refuses %s', (_case, text, error) => {
    expect(parsePagerDutyWebhook(text)).toEqual({ ok: false, error });
  });
});
