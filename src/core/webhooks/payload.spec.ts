import { serialisePayload, webhookPayload } from './payload.js';
import type { SloEvent } from './status-events.js';

const EVENT: SloEvent = {
  type: 'slo.exhausted',
  at: 1_764_000_000,
  service: 'checkout',
  slo: 'availability',
  objective: '99.9',
  previousStatus: 'at-risk',
  status: 'exhausted',
  sli: 0.998,
  errorBudgetRemaining: -1,
  burnRates: { '5m': 20, '1h': 14.4, '6h': null },
  windowSeconds: 2_592_000,
};

const ID = '0b8f4a8e-5f0c-4d5e-9c59-3b1d1f0f6a11';

describe('webhookPayload', () => {
  it('is the documented shape: id, type, timestamp and the SLO figures under data', () => {
    expect(webhookPayload(ID, EVENT, '2025-11-24T16:00:00.000Z')).toEqual({
      id: ID,
      type: 'slo.exhausted',
      timestamp: '2025-11-24T16:00:00.000Z',
      data: {
        service: 'checkout',
        slo: 'availability',
        objective: '99.9',
        previousStatus: 'at-risk',
        status: 'exhausted',
        sli: 0.998,
        errorBudgetRemaining: -1,
        burnRates: { '5m': 20, '1h': 14.4, '6h': null },
        windowSeconds: 2_592_000,
      },
    });
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
  ])('sends a %s burn rate or SLI as null', (_, bad) => {
    const p = webhookPayload(ID, { ...EVENT, sli: bad, burnRates: { '1h': bad } }, '2025-11-24T16:00:00.000Z');
    expect(p.data.sli).toBeNull();
    expect(p.data.burnRates).toEqual({ '1h': null });
  });

  it('serialises to one line of JSON, keys in the documented order, that parses back to the payload', () => {
    const payload = webhookPayload(ID, EVENT, '2025-11-24T16:00:00.000Z');
    const body = serialisePayload(payload);
    expect(body).not.toContain('\n');
    expect(body.startsWith(`{"id":"${ID}","type":"slo.exhausted","timestamp":"2025-11-24T16:00:00.000Z","data":{"service":"checkout"`)).toBe(true);
    expect(JSON.parse(body)).toEqual(payload);
  });
});
