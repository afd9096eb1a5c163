import { afterAttempt, DEFAULT_OUTBOX_POLICY } from './outbox-policy.js';
import { classifyHttp, parseRetryAfter } from './sink-outcome.js';

const NOW = new Date('2026-11-29T10:00:00Z');
const QUEUED = new Date('2026-11-29T09:59:00Z');

describe('outbox policy', () => {
  it.each([
    [1, 0, 1],
    [1, 1, 2],
    [3, 0, 4],
    [3, 1, 8],
    [20, 1, 300],
  ])('attempt %i with jitter draw %d waits %i s (2 s doubling, half to full, capped at 5 min)', (attempt, draw, seconds) => {
    expect(afterAttempt(DEFAULT_OUTBOX_POLICY, attempt, { outcome: 'retryable', error: 'HTTP 503' }, QUEUED, NOW, () => draw)).toEqual({ status: 'retry', inSeconds: seconds, error: 'HTTP 503' });
  });

  it('never retries sooner than Retry-After', () => {
    expect(afterAttempt(DEFAULT_OUTBOX_POLICY, 1, { outcome: 'retryable', error: 'HTTP 429', retryAfterSeconds: 30 }, QUEUED, NOW, () => 1)).toMatchObject({ status: 'retry', inSeconds: 30 });
  });

  it('a refused page fails at once; one undelivered for a day fails too', () => {
    expect(afterAttempt(DEFAULT_OUTBOX_POLICY, 1, { outcome: 'permanent', error: 'HTTP 400' }, QUEUED, NOW, () => 0)).toMatchObject({ status: 'failed' });
    const dayOld = new Date(NOW.getTime() - 86_400_000 + 1000);
    expect(afterAttempt(DEFAULT_OUTBOX_POLICY, 30, { outcome: 'retryable', error: 'HTTP 503' }, dayOld, NOW, () => 1)).toMatchObject({ status: 'failed' });
  });

  it.each([
    [202, undefined, 'delivered'],
    [400, undefined, 'permanent'],
    [404, undefined, 'permanent'],
    [408, undefined, 'retryable'],
    [429, '7', 'retryable'],
    [500, undefined, 'retryable'],
    [503, undefined, 'retryable'],
    [301, undefined, 'permanent'],
  ] as const)('HTTP %i is %s', (status, retryAfter, outcome) => {
    expect(classifyHttp(status, retryAfter, NOW).outcome).toBe(outcome);
  });

  it.each([
    ['120', 120],
    ['Sun, 29 Nov 2026 10:01:00 GMT', 60],
    ['soon', undefined],
    [undefined, undefined],
  ])('Retry-After %s is %s s', (value, seconds) => {
    expect(parseRetryAfter(value, NOW)).toBe(seconds);
  });
});
