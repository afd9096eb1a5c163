import { afterError, backoffDelay } from './retry-policy.js';

describe('afterError', () => {
  it.each([
    ['a first failure of three retries after the base wait', 1, 3, { status: 'retry', error: 'boom', inSeconds: 5 }],
    ['a second failure waits four times as long', 2, 3, { status: 'retry', error: 'boom', inSeconds: 20 }],
    ['the last attempt fails for good, saying so', 3, 3, { status: 'failed', error: 'boom (gave up after 3 attempts)' }],
    ['a job allowed one attempt fails at once', 1, 1, { status: 'failed', error: 'boom' }],
  ])('%s', (_, attempt, max, outcome) => expect(afterError(attempt, max, 'boom')).toEqual(outcome));

  it('backs off exponentially', () => expect([1, 2, 3].map((a) => backoffDelay(2000, 4, a))).toEqual([2000, 8000, 32000]));
});
