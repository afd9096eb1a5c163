import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PrometheusClient, PrometheusHttpError, PrometheusUnreachableError } from '../../src/adapters/prometheus/prometheus.client.js';
import { prometheusAuthFromEnv, type PrometheusAuth } from '../../src/config/prometheus-auth.js';
import { startTestPrometheus, type TestPrometheus } from '../support/prometheus-server.js';
import { makeTestCertificates, type TestCertificates } from '../support/test-ca.js';

/**
 * Reading a secured Prometheus API: a real Prometheus behind a local HTTPS reverse proxy (its
 * certificate from a throw-away CA) that enforces what Mimir's gateway, Thanos behind an auth
 * proxy or kube-rbac-proxy enforce: a bearer token or basic auth, and the tenant header.
 */

let prom: TestPrometheus;
let certs: TestCertificates;
let proxy: Server;
let proxyUrl: string;
let dir: string;
/** What the proxy lets through; changed per test. */
let expected: { authorization: string; tenant: string };
let seen: IncomingHttpHeaders[] = [];

beforeAll(async () => {
  [prom, certs] = await Promise.all([startTestPrometheus({ lifecycle: false }), makeTestCertificates()]);
  dir = await mkdtemp(join(tmpdir(), 'vigil-secured-prom-'));
  await writeFile(join(dir, 'ca.pem'), certs.caPem);
  const upstream = new URL(prom.url);
  proxy = createServer({ cert: certs.certPem, key: certs.keyPem }, (req, res) => {
    seen.push(req.headers);
    // Mimir answers a request without a tenant 401 "no org id"; a proxy a bad credential 401.
    if (req.headers['x-scope-orgid'] !== expected.tenant) return void res.writeHead(401).end('no org id');
    if (req.headers.authorization !== expected.authorization) return void res.writeHead(401).end('Unauthorized');
    const out = httpRequest({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: { ...req.headers, host: upstream.host } }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    out.on('error', () => res.writeHead(502).end());
    req.pipe(out);
  });
  await new Promise<void>((ok) => proxy.listen(0, '127.0.0.1', ok));
  proxyUrl = `https://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  await new Promise((ok) => proxy?.close(ok));
  await prom?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  seen = [];
});

async function secretFile(name: string, content: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content, { mode: 0o600 });
  return path;
}

const client = (auth: PrometheusAuth) => new PrometheusClient(proxyUrl, { auth: { caFile: join(dir, 'ca.pem'), ...auth }, retries: 0, timeoutMs: 5000 });
const now = () => Math.floor(Date.now() / 1000);

it('sends the bearer token from its file and the tenant header, and reads a rotated token at the next request', async () => {
  const tokenFile = await secretFile('token', 'first-token\n');
  expected = { authorization: 'Bearer first-token', tenant: 'team-a' };
  const c = client({ bearerTokenFile: tokenFile, tenant: 'team-a' });
  expect(await c.query('vector(42)', now())).toEqual([{ labels: {}, value: 42 }]);

  await writeFile(tokenFile, 'second-token');
  expected = { authorization: 'Bearer second-token', tenant: 'team-a' };
  expect(await c.query('vector(7)', now())).toEqual([{ labels: {}, value: 7 }]);
  expect(seen.map((h) => h.authorization)).toEqual(['Bearer first-token', 'Bearer second-token']);
});

it('sends basic auth with the password from its file', async () => {
  const passwordFile = await secretFile('password', 's3cret: with colon\n');
  expected = { authorization: `Basic ${Buffer.from('vigil:s3cret: with colon').toString('base64')}`, tenant: 'team-a' };
  expect(await client({ basicAuth: { username: 'vigil', passwordFile }, tenant: 'team-a' }).query('vector(1)', now())).toEqual([{ labels: {}, value: 1 }]);
});

it.each([
  ['a wrong token', { bearerTokenFile: 'wrong' }, 'Unauthorized'],
  ['no tenant', { bearerTokenFile: 'right' }, 'no org id'],
] as const)('%s is the server’s 401, shown as it said it', async (_case, auth, body) => {
  expected = { authorization: 'Bearer right-token', tenant: 'team-a' };
  const tokenFile = await secretFile(auth.bearerTokenFile, auth.bearerTokenFile === 'right' ? 'right-token' : 'wrong-token');
  const err = await client({ bearerTokenFile: tokenFile, ...(_case === 'no tenant' ? {} : { tenant: 'team-a' }) }).query('vector(1)', now()).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(PrometheusHttpError);
  expect(err).toMatchObject({ status: 401, body });
});

it('verifies the certificate: without the CA the server is not trusted, and nothing is sent', async () => {
  const tokenFile = await secretFile('token', 'first-token');
  const err = await new PrometheusClient(proxyUrl, { auth: { bearerTokenFile: tokenFile, tenant: 'team-a' }, retries: 0 }).query('vector(1)', now()).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(PrometheusUnreachableError);
  expect(String(err)).toMatch(/certificate/i);
  expect(seen).toEqual([]);
});

it('a secret file that cannot be read fails the request naming the variable, before anything is sent', async () => {
  const err = await client({ bearerTokenFile: join(dir, 'missing') }).query('vector(1)', now()).catch((e: unknown) => e);
  expect(String(err)).toContain(`cannot read PROMETHEUS_BEARER_TOKEN_FILE (${join(dir, 'missing')}): ENOENT`);
  expect(seen).toEqual([]);
});

describe('the PROMETHEUS_* variables', () => {
  it.each([
    [{ PROMETHEUS_BEARER_TOKEN_FILE: '/t', PROMETHEUS_TENANT: 'team-a', PROMETHEUS_CA_FILE: '/ca.pem' }, { bearerTokenFile: '/t', tenant: 'team-a', caFile: '/ca.pem' }, []],
    [{ PROMETHEUS_USERNAME: 'u', PROMETHEUS_PASSWORD_FILE: '/p' }, { basicAuth: { username: 'u', passwordFile: '/p' } }, []],
    [{ PROMETHEUS_BEARER_TOKEN_FILE: '/t', PROMETHEUS_USERNAME: 'u', PROMETHEUS_PASSWORD_FILE: '/p' }, expect.anything(), ['PROMETHEUS_BEARER_TOKEN_FILE and PROMETHEUS_USERNAME/PROMETHEUS_PASSWORD_FILE both set: choose one way to authenticate']],
    [{ PROMETHEUS_USERNAME: 'u' }, {}, ['PROMETHEUS_USERNAME and PROMETHEUS_PASSWORD_FILE go together (basic auth)']],
    [{ PROMETHEUS_TENANT: 'team a' }, {}, ['PROMETHEUS_TENANT must be 1-150 printable characters without spaces (an X-Scope-OrgID value)']],
    [{ PROMETHEUS_URL: 'https://u:p@mimir.example.com/prometheus' }, {}, ['PROMETHEUS_URL must not carry credentials: use PROMETHEUS_USERNAME and PROMETHEUS_PASSWORD_FILE']],
  ])('%j', (env, auth, problems) => {
    const r = prometheusAuthFromEnv(env);
    expect(r.problems).toEqual(problems);
    expect(r.auth).toEqual(auth);
  });
});
