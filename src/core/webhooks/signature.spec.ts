import { createHmac } from 'node:crypto';
import { deliveryHeaders, signBody, verifySignature } from './signature.js';

const SECRET = 'whsec-0123456789abcdef';
const BODY = '{"id":"d1","type":"slo.exhausted","data":{"slo":"availability","sli":0.998}}';

describe('signBody', () => {
  it('matches RFC 4231 test case 2 (key "Jefe")', () => {
    expect(signBody('Jefe', 'what do ya want for nothing?')).toBe('sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  it('is HMAC-SHA256 of the exact body bytes, hex, prefixed sha256=', () => {
    const expected = createHmac('sha256', SECRET).update(Buffer.from(BODY, 'utf8')).digest('hex');
    expect(signBody(SECRET, BODY)).toBe(`sha256=${expected}`);
    expect(signBody(SECRET, Buffer.from(BODY, 'utf8'))).toBe(`sha256=${expected}`);
  });

  it('signs UTF-8 bytes, so a non-ASCII body signs the same as its encoding', () => {
    const body = '{"service":"café"}';
    expect(signBody(SECRET, body)).toBe(`sha256=${createHmac('sha256', SECRET).update(Buffer.from(body, 'utf8')).digest('hex')}`);
  });
});

describe('verifySignature', () => {
  const good = signBody(SECRET, BODY);
  it.each<[string, string, string | undefined, boolean]>([
    ['accepts the signature of the body', BODY, good, true],
    ['refuses a body changed by one byte', BODY.replace('0.998', '0.999'), good, false],
    ['refuses a body re-serialised with other whitespace', JSON.stringify(JSON.parse(BODY), null, 1), good, false],
    ['refuses a missing header', BODY, undefined, false],
    ['refuses a truncated signature', BODY, good.slice(0, -2), false],
    ['refuses a signature made with another secret', BODY, signBody('another-secret-0000', BODY), false],
  ])('%s', (_, body, header, ok) => {
    expect(verifySignature(SECRET, body, header)).toBe(ok);
  });
});

describe('deliveryHeaders', () => {
  it('names the event and the delivery and signs the body', () => {
    expect(deliveryHeaders({ id: 'd1', eventType: 'slo.recovered', body: BODY }, SECRET)).toEqual({
      'Content-Type': 'application/json',
      'User-Agent': 'vigil-webhooks',
      'X-Vigil-Event': 'slo.recovered',
      'X-Vigil-Delivery': 'd1',
      'X-Vigil-Signature': signBody(SECRET, BODY),
    });
  });
});
