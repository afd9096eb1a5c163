import { DEFAULT_DELIVERY_POLICY, nextStep, retryDelayMs, type AttemptResult, type NextStep } from './delivery-policy.js';

describe('retryDelayMs', () => {
  it.each([
    [1, 2000],
    [2, 8000],
  ])('after failed attempt %i the default policy waits %i ms', (attempt, ms) => {
    expect(retryDelayMs(DEFAULT_DELIVERY_POLICY, attempt)).toBe(ms);
  });

  it('scales with the configured base (tests use 50 ms)', () => {
    expect([1, 2].map((a) => retryDelayMs({ ...DEFAULT_DELIVERY_POLICY, backoffBaseMs: 50 }, a))).toEqual([50, 200]);
  });
});

describe('nextStep', () => {
  it.each<[string, number, AttemptResult, NextStep]>([
    ['a 200 is delivered', 1, { httpStatus: 200 }, { status: 'delivered' }],
    ['a 204 on the last attempt is delivered', 3, { httpStatus: 204 }, { status: 'delivered' }],
    ['a 500 on attempt 1 retries after 2 s', 1, { httpStatus: 500 }, { status: 'pending', retryInMs: 2000 }],
    ['a 503 on attempt 2 retries after 8 s', 2, { httpStatus: 503 }, { status: 'pending', retryInMs: 8000 }],
    ['a 500 on attempt 3 gives up', 3, { httpStatus: 500 }, { status: 'failed', reason: 'gave up after 3 attempt(s)' }],
    ['a timeout retries', 1, { error: 'timed out after 10000 ms' }, { status: 'pending', retryInMs: 2000 }],
    ['a refused connection on the last attempt gives up', 3, { error: 'connect ECONNREFUSED' }, { status: 'failed', reason: 'gave up after 3 attempt(s)' }],
    ['a 408 retries', 1, { httpStatus: 408 }, { status: 'pending', retryInMs: 2000 }],
    ['a 429 retries', 2, { httpStatus: 429 }, { status: 'pending', retryInMs: 8000 }],
    ['a 400 fails at once', 1, { httpStatus: 400 }, { status: 'failed', reason: 'HTTP 400 is not retried' }],
    ['a 401 fails at once', 1, { httpStatus: 401 }, { status: 'failed', reason: 'HTTP 401 is not retried' }],
    ['a 410 fails at once', 1, { httpStatus: 410 }, { status: 'failed', reason: 'HTTP 410 is not retried' }],
    ['a redirect fails at once (not followed)', 1, { httpStatus: 302 }, { status: 'failed', reason: 'HTTP 302 is not retried' }],
  ])('%s', (_, attempt, result, step) => {
    expect(nextStep(DEFAULT_DELIVERY_POLICY, attempt, result)).toEqual(step);
  });
});
