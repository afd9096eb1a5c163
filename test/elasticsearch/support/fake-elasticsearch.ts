import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for the two Elasticsearch APIs Vigil's output is for, since no Elasticsearch runs
 * here. It enforces what the documentation states — body shape, phase and action placement,
 * single-unit time values, overlapping templates at one priority — and answers with the
 * `x-elastic-product` header the official client requires.
 */
export interface FakeElasticsearch {
  readonly url: string;
  readonly policies: Map<string, unknown>;
  readonly templates: Map<string, { index_patterns: string[]; priority: number; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

const ACTIONS: Record<string, readonly string[]> = {
  hot: ['rollover', 'forcemerge', 'shrink', 'readonly', 'set_priority', 'unfollow', 'searchable_snapshot', 'downsample'],
  warm: ['allocate', 'forcemerge', 'shrink', 'readonly', 'set_priority', 'migrate', 'unfollow', 'downsample'],
  cold: ['allocate', 'readonly', 'set_priority', 'migrate', 'searchable_snapshot', 'unfollow', 'downsample'],
  frozen: ['searchable_snapshot', 'unfollow'],
  delete: ['delete', 'wait_for_snapshot'],
};
const TIME_RE = /^\d+(d|h|m|s|ms|micros|nanos)$/;

class BadRequest extends Error {}

export async function startFakeElasticsearch(): Promise<FakeElasticsearch> {
  const policies = new Map<string, unknown>();
  const templates: FakeElasticsearch['templates'] = new Map();
  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      const status = err instanceof BadRequest ? 400 : 500;
      reply(res, status, { error: { type: status === 400 ? 'illegal_argument_exception' : 'exception', reason: String((err as Error).message) }, status });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const body = await readJson(req);
    const policy = /^\/_ilm\/policy\/([^/]+)$/.exec(url.pathname);
    const template = /^\/_index_template\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'PUT' && policy) {
      checkPolicyBody(body);
      policies.set(decodeURIComponent(policy[1]!), body.policy);
      return reply(res, 200, { acknowledged: true });
    }
    if (req.method === 'PUT' && template) {
      const name = decodeURIComponent(template[1]!);
      const t = checkTemplateBody(body);
      for (const [other, o] of templates) {
        if (other === name || o.priority !== t.priority) continue;
        const clash = t.index_patterns.find((p) => o.index_patterns.some((q) => globsOverlap(p, q)));
        if (clash) throw new BadRequest(`index template [${name}] has index patterns [${clash}] matching patterns from existing templates [${other}] with the same priority [${t.priority}]`);
      }
      templates.set(name, { ...t, body });
      return reply(res, 200, { acknowledged: true });
    }
    if (req.method === 'GET' && policy) {
      const name = decodeURIComponent(policy[1]!);
      if (!policies.has(name)) return reply(res, 404, { error: { type: 'resource_not_found_exception' }, status: 404 });
      return reply(res, 200, { [name]: { version: 1, modified_date: '2026-01-01T00:00:00.000Z', policy: policies.get(name) } });
    }
    reply(res, 404, { error: { type: 'no_handler_found_exception', reason: `${req.method} ${url.pathname}` }, status: 404 });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    policies,
    templates,
    close: () => new Promise((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return {};
  const parsed: unknown = JSON.parse(text);
  if (!isObject(parsed)) throw new BadRequest('request body must be an object');
  return parsed;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkPolicyBody(body: Record<string, unknown>): void {
  const extra = Object.keys(body).filter((k) => k !== 'policy');
  if (extra.length > 0) throw new BadRequest(`unknown field [${extra[0]}]`);
  const policy = body.policy;
  if (!isObject(policy) || !isObject(policy.phases)) throw new BadRequest('[policy] requires [phases]');
  for (const key of Object.keys(policy)) if (key !== 'phases' && key !== '_meta') throw new BadRequest(`unknown field [${key}]`);
  for (const [phase, def] of Object.entries(policy.phases)) {
    const allowed = ACTIONS[phase];
    if (!allowed) throw new BadRequest(`unknown phase [${phase}]`);
    if (!isObject(def)) throw new BadRequest(`phase [${phase}] must be an object`);
    for (const key of Object.keys(def)) if (key !== 'min_age' && key !== 'actions') throw new BadRequest(`unknown field [${key}] in phase [${phase}]`);
    if (def.min_age !== undefined && !(typeof def.min_age === 'string' && TIME_RE.test(def.min_age))) {
      throw new BadRequest(`failed to parse setting [min_age] with value [${String(def.min_age)}] as a time value`);
    }
    for (const action of Object.keys(isObject(def.actions) ? def.actions : {})) {
      if (!allowed.includes(action)) throw new BadRequest(`invalid action [${action}] defined in phase [${phase}]`);
    }
    const rollover = isObject(def.actions) ? def.actions.rollover : undefined;
    if (isObject(rollover) && rollover.max_age !== undefined && !TIME_RE.test(String(rollover.max_age))) {
      throw new BadRequest(`failed to parse [max_age] with value [${String(rollover.max_age)}] as a time value`);
    }
  }
}

function checkTemplateBody(body: Record<string, unknown>): { index_patterns: string[]; priority: number } {
  const patterns = body.index_patterns;
  if (!Array.isArray(patterns) || patterns.length === 0 || !patterns.every((p) => typeof p === 'string')) {
    throw new BadRequest('index patterns are missing');
  }
  return { index_patterns: patterns as string[], priority: typeof body.priority === 'number' ? body.priority : 0 };
}

function globsOverlap(a: string, b: string): boolean {
  const re = (g: string) => new RegExp(`^${g.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\-]/g, '\\$&')).join('.*')}$`);
  // Enough for this fake: a pattern's literal form (stars as nothing) matched by the other side.
  return re(a).test(b.replaceAll('*', '')) || re(b).test(a.replaceAll('*', ''));
}
