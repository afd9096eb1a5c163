import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/adapters/postgres/embedded-postgres.js';
import { vigil } from '../support/cli.js';
import { startFakeElasticsearchApi, type FakeElasticsearchApi } from '../support/fake-elasticsearch-api.js';

/**
 * `vigil apply elasticsearch` in-process against a local HTTP server that enforces the documented
 * ILM and index-template APIs (test/elasticsearch/support/fake-elasticsearch.ts, plus GETs and
 * API-key auth in test/support/fake-elasticsearch-api.ts), since no Elasticsearch runs here.
 */
const POLICIES = ['application-logs', 'audit-logs', 'execution-data', 'metrics-aggregated', 'metrics-raw', 'traces'];
const COMPONENTS = ['logs@custom', 'metrics@custom', 'traces@custom'];
const TEMPLATES = ['audit-logs', 'execution-data', 'metrics-aggregated'];
const KEY = 'VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==';

const puts = (es: FakeElasticsearchApi) => es.requests.filter((r) => r.startsWith('PUT '));
/** What Vigil put, beside the built-in and Fleet templates the stand-in starts with. */
const ours = (m: Map<string, unknown>) => [...m].filter(([, v]) => JSON.stringify(v).includes('"managed_by":"vigil"')).map(([k]) => k).sort();

let dir: string;
let es: FakeElasticsearchApi;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-apply-es-'));
  await cp('deploy/elasticsearch', join(dir, 'deploy/elasticsearch'), { recursive: true });
});
afterEach(async () => {
  await es?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('vigil apply elasticsearch', () => {
  beforeEach(async () => {
    es = await startFakeElasticsearchApi();
  });

  it('--dry-run plans a create for every file and leaves the cluster as it was', async () => {
    const r = await vigil(dir, 'apply', 'elasticsearch', '--url', es.url, '--dry-run');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out.split('\n').filter(Boolean)).toEqual([
      ...POLICIES.map((p) => `would create policy ${p}`),
      ...COMPONENTS.map((c) => `would create component-template ${c}`),
      ...TEMPLATES.map((t) => `would create index-template ${t}`),
      'elasticsearch: 12 would create, 0 would update, 0 unchanged (dry run: nothing was changed)',
    ]);
    expect(puts(es)).toEqual([]);
    expect(es.inner.policies.size + ours(es.inner.componentTemplates).length + ours(es.inner.templates).length).toBe(0);
  });

  it('creates everything, policies before component templates before index templates, then a second run changes nothing and puts nothing', async () => {
    const first = await vigil(dir, 'apply', 'elasticsearch', '--url', es.url);
    expect(first.code).toBe(0);
    expect(first.out).toContain('elasticsearch: 12 created, 0 updated, 0 unchanged\n');
    expect([...es.inner.policies.keys()].sort()).toEqual(POLICIES);
    expect(ours(es.inner.componentTemplates)).toEqual(COMPONENTS);
    expect(ours(es.inner.templates)).toEqual(TEMPLATES);
    expect(puts(es)).toEqual([
      ...POLICIES.map((p) => `PUT /_ilm/policy/${p}`),
      ...COMPONENTS.map((c) => `PUT /_component_template/${encodeURIComponent(c)}`),
      ...TEMPLATES.map((t) => `PUT /_index_template/${t}`),
    ]);

    es.requests.length = 0;
    const second = await vigil(dir, 'apply', 'elasticsearch', '--url', es.url);
    expect(second.code).toBe(0);
    expect(second.out.split('\n').filter(Boolean).at(-1)).toBe('elasticsearch: 0 created, 0 updated, 12 unchanged');
    expect(puts(es)).toEqual([]);
    expect(es.requests.length).toBe(12);
  });

  it('a changed policy file leads to exactly one update', async () => {
    await vigil(dir, 'apply', 'elasticsearch', '--url', es.url);
    const file = join(dir, 'deploy/elasticsearch/ilm-policy.traces.json');
    const body = JSON.parse(await readFile(file, 'utf8')) as { policy: { phases: { delete: { min_age: string } } } };
    body.policy.phases.delete.min_age = '45d';
    await writeFile(file, JSON.stringify(body, null, 2));
    es.requests.length = 0;

    const dry = await vigil(dir, 'apply', 'elasticsearch', '--url', es.url, '--dry-run');
    expect(dry.out).toContain('would update policy traces\n');
    expect(dry.out).toContain('elasticsearch: 0 would create, 1 would update, 11 unchanged (dry run: nothing was changed)\n');
    expect(puts(es)).toEqual([]);

    const r = await vigil(dir, 'apply', 'elasticsearch', '--url', es.url);
    expect(r.code).toBe(0);
    expect(r.out).toContain('updated policy traces\n');
    expect(r.out).toContain('elasticsearch: 0 created, 1 updated, 11 unchanged\n');
    expect(puts(es)).toEqual(['PUT /_ilm/policy/traces']);
    expect((es.inner.policies.get('traces') as typeof body.policy).phases.delete.min_age).toBe('45d');
  });

  it('exits 1 with Elasticsearch\'s status and reason when it refuses a body', async () => {
    const file = join(dir, 'deploy/elasticsearch/ilm-policy.metrics-raw.json');
    const body = JSON.parse(await readFile(file, 'utf8')) as { policy: { phases: { hot: { actions: Record<string, unknown> } } } };
    body.policy.phases.hot.actions.delete = {};
    await writeFile(file, JSON.stringify(body));

    const r = await vigil(dir, 'apply', 'elasticsearch', '--url', es.url);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      'vigil apply elasticsearch: PUT _ilm/policy/metrics-raw: Elasticsearch answered 400: illegal_argument_exception: invalid action [delete] defined in phase [hot]\n',
    );
    expect(es.inner.policies.has('metrics-raw')).toBe(false);
  });

  it('names the URL when nothing answers there', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const r = await vigil(dir, 'apply', 'elasticsearch', '--url', url);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`^vigil apply elasticsearch: cannot reach Elasticsearch at ${url}: `));
  });

  it('exits 1 when deploy/elasticsearch is missing under --out', async () => {
    const r = await vigil(dir, 'apply', 'elasticsearch', '--url', es.url, '--out', 'nowhere');
    expect(r.code).toBe(1);
    expect(r.err).toContain('deploy/elasticsearch does not exist: run vigil generate first');
  });
});

describe('vigil apply elasticsearch with API-key authentication', () => {
  beforeEach(async () => {
    es = await startFakeElasticsearchApi({ apiKey: KEY });
  });

  it.each([
    ['without a key', undefined, 'missing authentication credentials for REST request [/_ilm/policy/application-logs]'],
    ['with a wrong key', 'bm90LXRoZS1rZXk=', 'unable to authenticate with provided credentials'],
  ])('surfaces 401 %s and changes nothing', async (_case, key, reason) => {
    const argv = ['apply', 'elasticsearch', '--url', es.url];
    if (key) {
      await writeFile(join(dir, 'es.key'), `${key}\n`);
      argv.push('--api-key-file', 'es.key');
    }
    const r = await vigil(dir, ...argv);
    expect(r.code).toBe(1);
    expect(r.err).toContain('GET _ilm/policy/application-logs: Elasticsearch answered 401: security_exception: ');
    expect(r.err).toContain(reason);
    expect(r.err + r.out).not.toContain(key ?? KEY);
    expect(es.inner.policies.size).toBe(0);
  });

  it('sends the key from --api-key-file and never prints it', async () => {
    await writeFile(join(dir, 'es.key'), `${KEY}\n`);
    const r = await vigil(dir, 'apply', 'elasticsearch', '--url', es.url, '--api-key-file', 'es.key');
    expect(r.code).toBe(0);
    expect(r.out).toContain('elasticsearch: 12 created, 0 updated, 0 unchanged\n');
    expect(r.out + r.err).not.toContain(KEY);
  });

  it('exits 1 naming the file when --api-key-file cannot be read', async () => {
    const r = await vigil(dir, 'apply', 'elasticsearch', '--url', es.url, '--api-key-file', 'missing.key');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/--api-key-file: cannot read .*missing\.key/);
  });
});
