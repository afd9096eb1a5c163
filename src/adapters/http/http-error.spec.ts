import { describeRequestError, requestTimeoutError } from './http-error.js';

function nodeError(message: string, code: string): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(message);
  err.code = code;
  return err;
}

/** What Node 20's net throws when every address of a name failed (happy eyeballs): no message, one error per address. */
function aggregate(errors: Error[]): AggregateError {
  const err = new AggregateError(errors, '');
  (err as { code?: string }).code = (errors[0] as NodeJS.ErrnoException).code;
  return err;
}

describe('describeRequestError', () => {
  it.each<[string, unknown, string]>([
    ["says fetch's timeout in words", new DOMException('The operation was aborted due to timeout', 'TimeoutError'), 'no answer within 250 ms'],
    ['says an abort in words', new DOMException('This operation was aborted', 'AbortError'), 'no answer within 250 ms'],
    ['says our own timeout in words', requestTimeoutError(250), 'no answer within 250 ms'],
    ["reads fetch's cause, not its bare 'fetch failed'", new TypeError('fetch failed', { cause: nodeError('connect ECONNREFUSED 127.0.0.1:9090', 'ECONNREFUSED') }), 'connect ECONNREFUSED 127.0.0.1:9090'],
    ['falls back to the code of a cause without a message', new TypeError('fetch failed', { cause: { code: 'ENOTFOUND' } }), 'ENOTFOUND'],
    ["keeps a node error's message, which names its code", nodeError('getaddrinfo ENOTFOUND hooks.example', 'ENOTFOUND'), 'getaddrinfo ENOTFOUND hooks.example'],
    ['adds the code a message does not name', nodeError('socket hang up', 'ECONNRESET'), 'socket hang up (ECONNRESET)'],
    ['lists each address an aggregate error tried', aggregate([nodeError('connect ECONNREFUSED ::1:80', 'ECONNREFUSED'), nodeError('connect ECONNREFUSED 127.0.0.1:80', 'ECONNREFUSED')]), 'connect ECONNREFUSED ::1:80; connect ECONNREFUSED 127.0.0.1:80'],
    ['says a repeated reason once', aggregate([nodeError('connect ETIMEDOUT', 'ETIMEDOUT'), nodeError('connect ETIMEDOUT', 'ETIMEDOUT')]), 'connect ETIMEDOUT'],
    ['reads a plain error', new Error('Invalid character in header content ["X-Bad"]'), 'Invalid character in header content ["X-Bad"]'],
    ['reads a thrown string', 'boom', 'boom'],
  ])('%s', (_, err, expected) => {
    expect(describeRequestError(err, 250)).toBe(expected);
  });
});
