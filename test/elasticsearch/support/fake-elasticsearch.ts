import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BUILTIN_COMPONENT_TEMPLATES, BUILTIN_INDEX_TEMPLATES } from './elastic-builtins.js';

/**
 * A stand-in for the Elasticsearch APIs Vigil's output is for, since no Elasticsearch runs here.
 * It enforces what the documentation and Elasticsearch's source state — body shape, phase and
 * action placement, single-unit time values, component templates that must exist unless
 * ignored, overlapping index templates at one priority — starts with Elasticsearch's built-in
 * templates and a Fleet integration's (support/elastic-builtins.ts), resolves which template an
 * index would get (`POST _index_template/_simulate_index/<name>`), and answers with the
 * `x-elastic-product` header the official client requires. Error texts are Elasticsearch's
 * (server/…/MetadataIndexTemplateService.java @ 76ab2631a6db2024ff22a53b33b8145dbc9d5334).
 */
export interface FakeElasticsearch {
  readonly url: string;
  readonly policies: Map<string, unknown>;
  readonly componentTemplates: Map<string, Record<string, unknown>>;
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
const INDEX_TEMPLATE_FIELDS = [
  'index_patterns', 'composed_of', 'template', 'priority', 'version', '_meta', 'data_stream',
  'allow_auto_create', 'ignore_missing_component_templates', 'deprecated',
];
const COMPONENT_TEMPLATE_FIELDS = ['template', 'version', '_meta', 'deprecated'];

class BadRequest extends Error {
  constructor(
    message: string,
    readonly type = 'illegal_argument_exception',
  ) {
    super(message);
  }
}

export async function startFakeElasticsearch(opts: { builtins?: boolean } = {}): Promise<FakeElasticsearch> {
  const policies = new Map<string, unknown>();
  const componentTemplates = new Map<string, Record<string, unknown>>();
  const templates: FakeElasticsearch['templates'] = new Map();
  if (opts.builtins ?? true) {
    for (const [name, body] of Object.entries(BUILTIN_COMPONENT_TEMPLATES)) componentTemplates.set(name, body);
    for (const [name, body] of Object.entries(BUILTIN_INDEX_TEMPLATES)) templates.set(name, { ...checkTemplateBody(name, body), body });
  }
  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      const status = err instanceof BadRequest ? 400 : 500;
      const type = err instanceof BadRequest ? err.type : 'exception';
      const reason = String((err as Error).message);
      reply(res, status, { error: { root_cause: [{ type, reason }], type, reason }, status });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const body = await readJson(req);
    const policy = /^\/_ilm\/policy\/([^/]+)$/.exec(url.pathname);
    const simulate = /^\/_index_template\/_simulate_index\/([^/]+)$/.exec(url.pathname);
    const template = /^\/_index_template\/([^/]+)$/.exec(url.pathname);
    const component = /^\/_component_template\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'PUT' && policy) {
      checkPolicyBody(body);
      policies.set(decodeURIComponent(policy[1]!), body.policy);
      return reply(res, 200, { acknowledged: true });
    }
    if ((req.method === 'PUT' || req.method === 'POST') && component) {
      const extra = Object.keys(body).find((k) => !COMPONENT_TEMPLATE_FIELDS.includes(k));
      if (extra) throw new BadRequest(`[component_template] unknown field [${extra}]`, 'x_content_parse_exception');
      if (!isObject(body.template)) throw new BadRequest('Required [template]');
      componentTemplates.set(decodeURIComponent(component[1]!), body);
      return reply(res, 200, { acknowledged: true });
    }
    if (req.method === 'POST' && simulate) {
      return reply(res, 200, simulateIndex(decodeURIComponent(simulate[1]!)));
    }
    if ((req.method === 'PUT' || req.method === 'POST') && template) {
      const name = decodeURIComponent(template[1]!);
      const t = checkTemplateBody(name, body);
      checkComponentsExist(name, body);
      const clashes = [...templates].filter(([other, o]) => other !== name && o.priority === t.priority && t.index_patterns.some((p) => o.index_patterns.some((q) => globsOverlap(p, q))));
      if (clashes.length > 0) {
        throw new BadRequest(
          `index template [${name}] has index patterns ${list(t.index_patterns)} matching patterns from existing templates [${clashes.map(([n]) => n).join(',')}] ` +
            `with patterns (${clashes.map(([n, o]) => `${n} => ${list(o.index_patterns)}`).join(',')}) that have the same priority [${t.priority}], ` +
            'multiple index templates may not match during index creation, please use a different priority',
        );
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

  function checkComponentsExist(name: string, body: Record<string, unknown>): void {
    const composedOf = stringList(body.composed_of);
    const ignored = stringList(body.ignore_missing_component_templates);
    const missing = composedOf.filter((c) => !componentTemplates.has(c) && !ignored.includes(c));
    if (missing.length === 0) return;
    const cause =
      ignored.length === 0
        ? `index template [${name}] specifies component templates ${list(missing)} that do not exist`
        : `index template [${name}] specifies a missing component templates ${list(missing)} that does not exist and is not part of 'ignore_missing_component_templates'`;
    throw new BadRequest(`index_template [${name}] invalid, cause [${cause}]`, 'invalid_index_template_exception');
  }

  /**
   * The highest-priority template whose patterns match the name, its component templates merged
   * in order and then its own `template` on top (later wins), as index creation would apply them.
   * A data stream template adds the `@timestamp` mapping Elasticsearch requires of data streams.
   */
  function simulateIndex(index: string): Record<string, unknown> {
    const matching = [...templates].filter(([, t]) => t.index_patterns.some((p) => globRegExp(p).test(index))).sort(([, a], [, b]) => b.priority - a.priority);
    if (matching.length === 0) return {};
    const [name, winner] = matching[0]!;
    let merged: Record<string, unknown> = { settings: {}, mappings: {}, aliases: {} };
    const parts = stringList(winner.body.composed_of).map((c) => componentTemplates.get(c)?.template);
    for (const part of [...parts, winner.body.template]) if (isObject(part)) merged = mergeTemplate(merged, part);
    if (isObject(winner.body.data_stream)) {
      const mappings = merged.mappings as Record<string, unknown>;
      mappings._data_stream_timestamp = { enabled: true };
      const properties = isObject(mappings.properties) ? mappings.properties : {};
      mappings.properties = { '@timestamp': { type: 'date' }, ...properties };
    }
    const overlapping = [...templates]
      .filter(([other, o]) => other !== name && winner.index_patterns.some((p) => o.index_patterns.some((q) => globsOverlap(p, q))))
      .map(([other, o]) => ({ name: other, index_patterns: o.index_patterns }));
    return { template: merged, overlapping };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    policies,
    componentTemplates,
    templates,
    close: () => new Promise((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}

/** Settings and properties merge key by key; dynamic templates of one name are replaced in place. */
function mergeTemplate(into: Record<string, unknown>, part: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...into };
  if (isObject(part.settings)) out.settings = deepMerge(out.settings as Record<string, unknown>, part.settings);
  if (isObject(part.aliases)) out.aliases = { ...(out.aliases as object), ...part.aliases };
  if (isObject(part.mappings)) {
    const { dynamic_templates: dynamic, ...rest } = part.mappings;
    const mappings = deepMerge(out.mappings as Record<string, unknown>, rest);
    if (Array.isArray(dynamic)) {
      const list = [...((mappings.dynamic_templates as Record<string, unknown>[] | undefined) ?? [])];
      for (const entry of dynamic as Record<string, unknown>[]) {
        const key = Object.keys(entry)[0];
        const at = list.findIndex((e) => Object.keys(e)[0] === key);
        if (at >= 0) list[at] = entry;
        else list.push(entry);
      }
      mappings.dynamic_templates = list;
    }
    out.mappings = mappings;
  }
  return out;
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = isObject(v) && isObject(out[k]) ? deepMerge(out[k], v) : v;
  return out;
}

function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** Java's List.toString, as Elasticsearch's messages print lists. */
function list(items: readonly string[]): string {
  return `[${items.join(', ')}]`;
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

function checkTemplateBody(name: string, body: Record<string, unknown>): { index_patterns: string[]; priority: number } {
  const extra = Object.keys(body).find((k) => !INDEX_TEMPLATE_FIELDS.includes(k));
  if (extra) throw new BadRequest(`[index_template] unknown field [${extra}]`, 'x_content_parse_exception');
  const patterns = body.index_patterns;
  if (!Array.isArray(patterns) || patterns.length === 0 || !patterns.every((p) => typeof p === 'string')) {
    throw new BadRequest(`index template [${name}] must define [index_patterns]`);
  }
  return { index_patterns: patterns as string[], priority: typeof body.priority === 'number' ? body.priority : 0 };
}

function globRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\-]/g, '\\$&')).join('.*')}$`);
}

/** Whether some index name matches both patterns: Elasticsearch intersects their automata. */
function globsOverlap(a: string, b: string): boolean {
  const seen = new Set<string>();
  const go = (i: number, j: number): boolean => {
    const key = `${i},${j}`;
    if (seen.has(key)) return false;
    seen.add(key);
    if (i === a.length && j === b.length) return true;
    if (a[i] === '*' && (go(i + 1, j) || (j < b.length && go(i, j + 1)))) return true;
    if (b[j] === '*' && (go(i, j + 1) || (i < a.length && go(i + 1, j)))) return true;
    return i < a.length && j < b.length && a[i] !== '*' && b[j] !== '*' && a[i] === b[j] && go(i + 1, j + 1);
  };
  return go(0, 0);
}
