import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/adapters/postgres/embedded-postgres.js';
import { vigil } from '../support/cli.js';
import { startFakeGrafana, type FakeGrafana } from '../support/fake-grafana.js';

/**
 * `vigil apply grafana` in-process against a local HTTP server that enforces the documented
 * Grafana HTTP API (test/support/fake-grafana.ts: Bearer auth, folders, /api/dashboards/db), since
 * no Grafana runs here.
 */
const TOKEN = 'glsa_fakeServiceAccountToken_0123456789abcdef';

const posts = (g: FakeGrafana) => g.requests.filter((r) => r.startsWith('POST '));
const apply = (...extra: string[]) => vigil(dir, 'apply', 'grafana', '--url', grafana.url, '--token-file', 'grafana.token', ...extra);

let dir: string;
let grafana: FakeGrafana;
let uids: string[];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-apply-grafana-'));
  await cp('dashboards', join(dir, 'dashboards'), { recursive: true });
  await writeFile(join(dir, 'grafana.token'), `${TOKEN}\n`);
  const files = (await readdir(join(dir, 'dashboards'))).filter((f) => f.endsWith('.json'));
  uids = (await Promise.all(files.map(async (f) => (JSON.parse(await readFile(join(dir, 'dashboards', f), 'utf8')) as { uid: string }).uid))).sort();
  grafana = await startFakeGrafana({ token: TOKEN });
});
afterEach(async () => {
  await grafana.close();
  await rm(dir, { recursive: true, force: true });
});

describe('vigil apply grafana', () => {
  it('--dry-run plans the folder and a create for every dashboard, and changes nothing', async () => {
    const r = await apply('--dry-run');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out.split('\n').filter(Boolean)).toEqual([
      'would create folder Vigil',
      ...uids.map((u) => `would create dashboard ${u}`),
      `grafana: ${uids.length + 1} would create, 0 would update, 0 unchanged (dry run: nothing was changed)`,
    ]);
    expect(posts(grafana)).toEqual([]);
    expect(grafana.folders.size + grafana.dashboards.size).toBe(0);
  });

  it('creates the folder and every dashboard in it, then a second run changes nothing and posts nothing', async () => {
    const first = await apply();
    expect(first.code).toBe(0);
    expect(first.out).toContain(`grafana: ${uids.length + 1} created, 0 updated, 0 unchanged\n`);
    expect([...grafana.folders.values()].map((f) => [f.uid, f.title])).toEqual([['vigil', 'Vigil']]);
    expect([...grafana.dashboards.keys()].sort()).toEqual(uids);
    expect([...grafana.dashboards.values()].every((d) => d.folderUid === 'vigil' && d.dashboard.version === 1)).toBe(true);

    grafana.requests.length = 0;
    const second = await apply();
    expect(second.code).toBe(0);
    expect(second.out.split('\n').filter(Boolean).at(-1)).toBe(`grafana: 0 created, 0 updated, ${uids.length + 1} unchanged`);
    expect(posts(grafana)).toEqual([]);
  });

  it('a changed dashboard file leads to exactly one save', async () => {
    await apply();
    const file = join(dir, 'dashboards/redis.json');
    const d = JSON.parse(await readFile(file, 'utf8')) as { uid: string; title: string };
    await writeFile(file, JSON.stringify({ ...d, title: `${d.title} (edited)` }, null, 2));
    grafana.requests.length = 0;

    const r = await apply();
    expect(r.code).toBe(0);
    expect(r.out).toContain(`updated dashboard ${d.uid}\n`);
    expect(r.out).toContain(`grafana: 0 created, 1 updated, ${uids.length} unchanged\n`);
    expect(posts(grafana)).toEqual(['POST /api/dashboards/db']);
    expect(grafana.dashboards.get(d.uid)!.dashboard).toMatchObject({ title: `${d.title} (edited)`, version: 2 });
  });

  it('moves a dashboard someone put in another folder back, and uses an existing folder by title', async () => {
    grafana.folders.set('ops-1', { id: 99, uid: 'ops-1', title: 'SRE' });
    grafana.folders.set('elsewhere', { id: 98, uid: 'elsewhere', title: 'Elsewhere' });
    await apply('--folder', 'SRE');
    grafana.dashboards.get(uids[0]!)!.folderUid = 'elsewhere';
    grafana.requests.length = 0;

    const r = await apply('--folder', 'SRE');
    expect(r.code).toBe(0);
    expect(r.out.split('\n').filter(Boolean)).toEqual([
      'unchanged folder SRE',
      ...uids.map((u, i) => `${i === 0 ? 'updated' : 'unchanged'} dashboard ${u}`),
      `grafana: 0 created, 1 updated, ${uids.length} unchanged`,
    ]);
    expect(grafana.dashboards.get(uids[0]!)!.folderUid).toBe('ops-1');
    expect(grafana.folders.size).toBe(2);
  });

  it("exits 1 with Grafana's status and message when it refuses a dashboard", async () => {
    const file = join(dir, 'dashboards/redis.json');
    const d = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    await writeFile(file, JSON.stringify({ ...d, title: '' }));
    const r = await apply();
    expect(r.code).toBe(1);
    expect(r.err).toBe('vigil apply grafana: POST /api/dashboards/db: Grafana answered 400: Dashboard title cannot be empty (empty-name)\n');
  });

  it.each([
    ['a wrong token', 'glsa_not_the_token', 'invalid API key'],
    ['an empty token file', '', undefined],
  ])('exits 1 on %s and never prints the token', async (_case, token, message) => {
    await writeFile(join(dir, 'grafana.token'), token);
    const r = await apply();
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      message ? `vigil apply grafana: GET /api/folders: Grafana answered 401: ${message}\n` : `vigil apply grafana: --token-file: ${join(dir, 'grafana.token')} is empty\n`,
    );
    expect(r.out + r.err).not.toContain(TOKEN);
    if (token) expect(r.out + r.err).not.toContain(token);
    expect(grafana.dashboards.size).toBe(0);
  });

  it('names the URL when nothing answers there', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const r = await vigil(dir, 'apply', 'grafana', '--url', url, '--token-file', 'grafana.token');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`^vigil apply grafana: cannot reach Grafana at ${url.replace(/[.:/]/g, '\\$&')}: connect ECONNREFUSED 127\\.0\\.0\\.1:\\d+\\n$`));
  });
});

describe('the fake Grafana refuses what Grafana refuses', () => {
  const save = (body: unknown, token = TOKEN) =>
    fetch(`${grafana.url}/api/dashboards/db`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  beforeEach(() => {
    grafana.folders.set('f', { id: 1, uid: 'f', title: 'F' });
    grafana.dashboards.set('d', { folderUid: 'f', dashboard: { uid: 'd', title: 'D', id: 7, version: 3 } });
  });

  it.each([
    ['a dashboard without uid', { dashboard: { title: 'X' }, folderUid: 'f', overwrite: true }, 400, 'bad-uid'],
    ['a dashboard without title', { dashboard: { uid: 'x' }, folderUid: 'f', overwrite: true }, 400, 'empty-name'],
    ['an unknown folderUid', { dashboard: { uid: 'x', title: 'X' }, folderUid: 'nope', overwrite: true }, 400, 'not-found'],
    ['no overwrite flag', { dashboard: { uid: 'x', title: 'X' }, folderUid: 'f' }, 400, undefined],
    ['an older version without overwrite', { dashboard: { uid: 'd', title: 'D', version: 1 }, folderUid: 'f', overwrite: false }, 412, 'version-mismatch'],
  ])('refuses %s', async (_case, body, status, code) => {
    const res = await save(body);
    expect(res.status).toBe(status);
    const answer = (await res.json()) as { message: string; status?: string };
    expect(typeof answer.message).toBe('string');
    expect(answer.status).toBe(code);
  });

  it('answers 401 with a JSON message without the right Bearer token', async () => {
    const res = await save({}, 'wrong');
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message: 'invalid API key' });
  });
});
