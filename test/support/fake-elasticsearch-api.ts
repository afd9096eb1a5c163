import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFakeElasticsearch, type FakeElasticsearch } from '../elasticsearch/support/fake-elasticsearch.js';

/**
 * The fake Elasticsearch of test/elasticsearch (which enforces the PUT bodies) behind a front that
 * adds what `vigil apply` also needs and that fake lacks, as documented by Elasticsearch:
 * - API-key authentication (`Authorization: ApiKey <key>`, 401 security_exception otherwise),
 * - GET _ilm/policy/<name> with the server-owned fields (version, modified_date, in_use_by),
 * - GET _index_template/<name> shaped as `{ index_templates: [{ name, index_template }] }`, with
 *   the defaults Elasticsearch fills (composed_of, data_stream flags) and 404 when absent,
 * - GET _component_template/<name> shaped as `{ component_templates: [{ name, component_template }] }`.
 * Every other request goes to the inner fake unchanged. Every answer carries x-elastic-product.
 */
export interface FakeElasticsearchApi {
  readonly url: string;
  readonly inner: FakeElasticsearch;
  /** `METHOD /path` of every request that passed authentication, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

export async function startFakeElasticsearchApi(opts: { apiKey?: string } = {}): Promise<FakeElasticsearchApi> {
  const inner = await startFakeElasticsearch();
  const innerUrl = new URL(inner.url);
  const versions = new Map<string, number>();
  const requests: string[] = [];

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const denied = authProblem(req.headers.authorization, opts.apiKey, url.pathname);
    if (denied) {
      res.setHeader('www-authenticate', 'ApiKey');
      return reply(res, 401, { error: { type: 'security_exception', reason: denied }, status: 401 });
    }
    requests.push(`${req.method} ${url.pathname}`);
    const policy = /^\/_ilm\/policy\/([^/]+)$/.exec(url.pathname);
    const template = /^\/_index_template\/([^/]+)$/.exec(url.pathname);
    const component = /^\/_component_template\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && component) {
      const name = decodeURIComponent(component[1]!);
      const c = inner.componentTemplates.get(name);
      if (!c) return reply(res, 404, notFound(`Component template matching [${name}] not found`));
      return reply(res, 200, { component_templates: [{ name, component_template: c }] });
    }
    if (req.method === 'GET' && policy) {
      const name = decodeURIComponent(policy[1]!);
      if (!inner.policies.has(name)) return reply(res, 404, notFound(`Lifecycle policy not found: ${name}`));
      return reply(res, 200, {
        [name]: {
          version: versions.get(name) ?? 1,
          modified_date: '2026-11-23T10:00:00.000Z',
          policy: inner.policies.get(name),
          in_use_by: { indices: [], data_streams: [], composable_templates: [] },
        },
      });
    }
    if (req.method === 'GET' && template) {
      const name = decodeURIComponent(template[1]!);
      const t = inner.templates.get(name);
      if (!t) return reply(res, 404, notFound(`index template matching [${name}] not found`));
      const body = t.body as Record<string, unknown>;
      const echoed: Record<string, unknown> = { composed_of: [], ...body };
      if (typeof body.data_stream === 'object' && body.data_stream !== null) {
        echoed.data_stream = { hidden: false, allow_custom_routing: false, ...(body.data_stream as object) };
      }
      return reply(res, 200, { index_templates: [{ name, index_template: echoed }] });
    }
    if (req.method === 'PUT' && policy) {
      const name = decodeURIComponent(policy[1]!);
      res.on('finish', () => {
        if (res.statusCode === 200) versions.set(name, (versions.get(name) ?? 0) + 1);
      });
    }
    proxy(req, res, innerUrl);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    inner,
    requests,
    close: async () => {
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
      await inner.close();
    },
  };
}

function authProblem(header: string | undefined, apiKey: string | undefined, path: string): string | undefined {
  if (apiKey === undefined) return undefined;
  if (!header) return `missing authentication credentials for REST request [${path}]`;
  if (header !== `ApiKey ${apiKey}`) return `unable to authenticate with provided credentials and anonymous access is not allowed for this request`;
  return undefined;
}

function notFound(reason: string) {
  return { error: { root_cause: [{ type: 'resource_not_found_exception', reason }], type: 'resource_not_found_exception', reason }, status: 404 };
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' });
  res.end(JSON.stringify(body));
}

function proxy(req: IncomingMessage, res: ServerResponse, target: URL): void {
  const out = httpRequest(
    { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  out.on('error', (err) => reply(res, 502, { error: { type: 'proxy', reason: err.message }, status: 502 }));
  req.pipe(out);
}
