import type { LookupAddress } from 'node:dns';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseAllowList, type AllowList } from '../../core/webhooks/target-policy.js';
import { WebhookHttpClient, type ResolveAll } from './webhook-http.client.js';

const HOW = 'add it to VIGIL_WEBHOOK_ALLOWED_HOSTS to allow it';
const BODY = '{"id":"d1","type":"slo.exhausted"}';
const HEADERS = { 'Content-Type': 'application/json', 'X-Vigil-Signature': 'sha256=00' };

interface Received {
  readonly path: string;
  readonly method: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/**
 * A receiver on 127.0.0.1. /ok answers 204; /redirect 302 to /ok; /hang reads the request and
 * never answers; /stream answers 200 and writes a body that never ends.
 */
let server: Server;
let port: number;
const received: Received[] = [];
let streamClosed: Promise<number>;
let onStreamClosed: (bytes: number) => void;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      received.push({ path, method: req.method ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (path === '/ok') res.writeHead(204).end();
      else if (path === '/redirect') res.writeHead(302, { location: '/ok' }).end('moved');
      else if (path === '/stream') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        let written = 0;
        const chunk = Buffer.alloc(8192, 'x');
        const pump = setInterval(() => {
          written += chunk.length;
          res.write(chunk);
        }, 1);
        res.on('close', () => {
          clearInterval(pump);
          onStreamClosed(written);
        });
      }
      // /hang: no answer at all.
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

beforeEach(() => {
  received.length = 0;
  streamClosed = new Promise((resolve) => (onStreamClosed = resolve));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function allowList(text: string): AllowList {
  const parsed = parseAllowList(text);
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  return parsed.allowList;
}

/** DNS as a table, so a name can be made to resolve to any address (as an attacker's DNS would). */
function fakeDns(table: Readonly<Record<string, readonly string[]>>): ResolveAll {
  return (hostname, _options, callback) => {
    const addresses = table[hostname];
    if (!addresses) {
      const err: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
      err.code = 'ENOTFOUND';
      setImmediate(() => callback(err, []));
      return;
    }
    const answer: LookupAddress[] = addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    setImmediate(() => callback(null, answer));
  };
}

describe('WebhookHttpClient', () => {
  it('posts the body and headers to an allowed receiver and reports its status', async () => {
    const attempt = await new WebhookHttpClient(allowList('127.0.0.1')).post(`http://127.0.0.1:${port}/ok`, BODY, HEADERS, 5000);
    expect(attempt.result).toEqual({ httpStatus: 204 });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ path: '/ok', method: 'POST', body: BODY });
    expect(received[0]!.headers).toMatchObject({ 'content-type': 'application/json', 'x-vigil-signature': 'sha256=00', 'content-length': String(BODY.length) });
    expect(attempt.durationMs).toBeGreaterThanOrEqual(0);
  });

  it.each<[string, string, string, { httpStatus: number } | { error: string }]>([
    ['refuses localhost when nothing is listed', '', 'localhost', { error: `localhost is a loopback name; ${HOW}` }],
    ['sends to localhost when localhost is listed', 'localhost', 'localhost', { httpStatus: 204 }],
    ['sends to localhost when 127.0.0.1 is listed', '127.0.0.1', 'localhost', { httpStatus: 204 }],
    ['refuses 127.0.0.1 when nothing is listed', '', '127.0.0.1', { error: `127.0.0.1 is a loopback address; ${HOW}` }],
    ['refuses 127.0.0.1 written as one number', '', '2130706433', { error: `127.0.0.1 is a loopback address; ${HOW}` }],
    ['refuses 127.0.0.1 when only another loopback address is listed', '127.0.0.2', '127.0.0.1', { error: `127.0.0.1 is a loopback address; ${HOW}` }],
    ['sends to 127.0.0.1 when 127.0.0.0/8 is listed', '127.0.0.0/8', '127.0.0.1', { httpStatus: 204 }],
  ])('%s', async (_, allow, host, expected) => {
    const attempt = await new WebhookHttpClient(allowList(allow)).post(`http://${host}:${port}/ok`, BODY, HEADERS, 5000);
    expect(attempt.result).toEqual(expected);
    expect(received).toHaveLength('httpStatus' in expected ? 1 : 0);
  });

  it('refuses a URL with credentials without sending anything', async () => {
    const attempt = await new WebhookHttpClient(allowList('127.0.0.1')).post(`http://vigil:hunter2@127.0.0.1:${port}/ok`, BODY, HEADERS, 5000);
    expect(attempt.result).toEqual({ error: expect.stringContaining('webhook secret') });
    expect(received).toHaveLength(0);
  });

  describe('checks every address a name resolves to, when it connects (DNS rebinding)', () => {
    it.each<[string, Record<string, string[]>, string, { httpStatus: number } | { error: string | RegExp }]>([
      ['refuses a harmless-looking name that resolves to loopback', { 'hooks.example.test': ['127.0.0.1'] }, '', { error: `127.0.0.1 is a loopback address; ${HOW}` }],
      ['refuses a name that resolves to the metadata address', { 'hooks.example.test': ['169.254.169.254'] }, '', { error: `169.254.169.254 is a cloud metadata address; ${HOW}` }],
      ['refuses a name that resolves to IPv4-mapped loopback', { 'hooks.example.test': ['::ffff:127.0.0.1'] }, '', { error: `::ffff:127.0.0.1 is an IPv4-mapped form of 127.0.0.1, a loopback address; ${HOW}` }],
      ['connects only to the allowed address of several', { 'hooks.example.test': ['169.254.169.254', '127.0.0.1'] }, '127.0.0.1', { httpStatus: 204 }],
      ['sends to an allowed address the name resolves to', { 'hooks.example.test': ['127.0.0.1'] }, '127.0.0.0/8', { httpStatus: 204 }],
      ['trusts whatever a listed name resolves to', { 'hooks.internal': ['127.0.0.1'] }, 'hooks.internal', { httpStatus: 204 }],
      ['reports a name that does not resolve', {}, '', { error: /ENOTFOUND/ }],
    ])('%s', async (_, dns, allow, expected) => {
      const host = Object.keys(dns)[0] ?? 'nowhere.example.test';
      const attempt = await new WebhookHttpClient(allowList(allow), fakeDns(dns)).post(`http://${host}:${port}/ok`, BODY, HEADERS, 5000);
      if ('error' in expected && expected.error instanceof RegExp) expect(attempt.result).toEqual({ error: expect.stringMatching(expected.error) });
      else expect(attempt.result).toEqual(expected);
      expect(received).toHaveLength('httpStatus' in expected ? 1 : 0);
    });

    it('checks https targets the same way (the lookup reaches the TLS socket too)', async () => {
      const client = new WebhookHttpClient(allowList(''), fakeDns({ 'hooks.example.test': ['127.0.0.1'] }));
      const attempt = await client.post(`https://hooks.example.test:${port}/ok`, BODY, HEADERS, 5000);
      expect(attempt.result).toEqual({ error: `127.0.0.1 is a loopback address; ${HOW}` });
    });
  });

  it('reports a redirect as its status and does not follow it', async () => {
    const attempt = await new WebhookHttpClient(allowList('127.0.0.1')).post(`http://127.0.0.1:${port}/redirect`, BODY, HEADERS, 5000);
    expect(attempt.result).toEqual({ httpStatus: 302 });
    expect(received.map((r) => r.path)).toEqual(['/redirect']);
  });

  it('gives up on a receiver that never answers at the deadline', async () => {
    const attempt = await new WebhookHttpClient(allowList('127.0.0.1')).post(`http://127.0.0.1:${port}/hang`, BODY, HEADERS, 300);
    expect(attempt.result).toEqual({ error: 'no answer within 300 ms' });
    expect(attempt.durationMs).toBeGreaterThanOrEqual(299);
  });

  it('reports a refused connection by its code', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const attempt = await new WebhookHttpClient(allowList('127.0.0.1')).post(`http://127.0.0.1:${closedPort}/ok`, BODY, HEADERS, 5000);
    expect(attempt.result).toEqual({ error: expect.stringContaining('ECONNREFUSED') });
  });

  it('stops reading an answer body that never ends and keeps the status', async () => {
    // The deadline is far off, so only the size cap can end this attempt before it.
    const attempt = await new WebhookHttpClient(allowList('127.0.0.1')).post(`http://127.0.0.1:${port}/stream`, BODY, HEADERS, 60_000);
    expect(attempt.result).toEqual({ httpStatus: 200 });
    expect(attempt.durationMs).toBeLessThan(60_000);
    expect(await streamClosed).toBeGreaterThan(16 * 1024);
  });

  it('reports a header it cannot send instead of throwing', async () => {
    const attempt = await new WebhookHttpClient(allowList('127.0.0.1')).post(`http://127.0.0.1:${port}/ok`, BODY, { 'X-Bad': 'a\r\nb' }, 5000);
    expect(attempt.result).toEqual({ error: expect.stringContaining('X-Bad') });
    expect(received).toHaveLength(0);
  });
});
