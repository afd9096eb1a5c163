import { PagerDutyEventsClient } from '../../src/adapters/pagerduty/pagerduty-events.client.js';
import type { PagerDutyEvent } from '../../src/core/ports/notification-sinks.js';
import { PagerDutyContractServer } from '../support/pagerduty-contract-server.js';

const ROUTING_KEY = 'R0123456789abcdef0123456789abcde'; // 32 characters, as PagerDuty issues them

const trigger: PagerDutyEvent = {
  routing_key: ROUTING_KEY,
  event_action: 'trigger',
  dedup_key: 'vigil-inc-1',
  payload: { summary: 'checkout: error budget burning 14x', source: 'vigil', severity: 'critical' },
};

describe('PagerDutyEventsClient against the Events v2 contract server (HTTPS, test CA)', () => {
  let pd: PagerDutyContractServer;
  let client: PagerDutyEventsClient;

  beforeAll(async () => {
    pd = await PagerDutyContractServer.start();
    client = new PagerDutyEventsClient({ ca: pd.caPem });
  });
  afterEach(() => pd.heal());
  afterAll(async () => {
    client.close();
    await pd.close();
  });

  it('delivers a trigger: 202, the dedup_key back as ref, the event recorded as sent', async () => {
    const attempt = await client.send(pd.url, trigger, 5_000);
    expect(attempt).toEqual({ outcome: 'delivered', httpStatus: 202, ref: 'vigil-inc-1' });
    const [last] = pd.accepted().slice(-1);
    expect(last?.body).toEqual(trigger);
    expect(last?.contentType).toBe('application/json');
  });

  it('delivers acknowledge and resolve with only routing_key, event_action and dedup_key', async () => {
    for (const event_action of ['acknowledge', 'resolve'] as const) {
      const attempt = await client.send(pd.url, { routing_key: ROUTING_KEY, event_action, dedup_key: 'vigil-inc-1' }, 5_000);
      expect(attempt.outcome).toBe('delivered');
    }
  });

  it('reports an event PagerDuty rejects (400 invalid event) as permanent, with its errors', async () => {
    const attempt = await client.send(pd.url, { ...trigger, routing_key: 'too-short' }, 5_000);
    expect(attempt.outcome).toBe('permanent');
    expect(attempt).toMatchObject({ httpStatus: 400 });
    expect(attempt.outcome === 'permanent' && attempt.error).toContain("'routing_key' must be a 32 character string");
  });

  it('reports 429 with Retry-After as retryable after that many seconds', async () => {
    pd.failWith(429, { times: 1, retryAfter: 30 });
    expect(await client.send(pd.url, trigger, 5_000)).toMatchObject({ outcome: 'retryable', httpStatus: 429, retryAfterSeconds: 30 });
  });

  it('reports 500 as retryable', async () => {
    pd.failWith(500, { times: 1 });
    expect(await client.send(pd.url, trigger, 5_000)).toMatchObject({ outcome: 'retryable', httpStatus: 500 });
  });

  it('gives up on a server that never answers at its timeout, as retryable', async () => {
    pd.stall({ times: 1 });
    const t0 = performance.now();
    const attempt = await client.send(pd.url, trigger, 400);
    const took = performance.now() - t0;
    expect(attempt).toEqual({ outcome: 'retryable', error: 'no answer within 400 ms' });
    // It ended because of the timeout, not before it; no upper bound is asserted (shared CI cores).
    expect(took).toBeGreaterThanOrEqual(390);
  });

  it('refuses a server whose certificate it cannot verify (no test CA given): retryable, never delivered', async () => {
    const untrusting = new PagerDutyEventsClient();
    try {
      const before = pd.received.entries.length;
      const attempt = await untrusting.send(pd.url, trigger, 5_000);
      expect(attempt.outcome).toBe('retryable');
      expect(attempt.outcome === 'retryable' && attempt.error).toMatch(/certificate/i);
      expect(pd.received.entries.length).toBe(before);
    } finally {
      untrusting.close();
    }
  });

  it('reports a refused connection as retryable', async () => {
    const attempt = await client.send('https://127.0.0.1:1/v2/enqueue', trigger, 2_000);
    expect(attempt.outcome).toBe('retryable');
    expect(attempt.outcome === 'retryable' && attempt.error).toContain('ECONNREFUSED');
  });
});
