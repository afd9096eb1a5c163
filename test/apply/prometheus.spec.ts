import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/adapters/postgres/embedded-postgres.js';
import { vigil } from '../support/cli.js';
import { startTestPrometheus, type TestPrometheus } from '../support/prometheus-server.js';

interface Group {
  name: string;
  file: string;
  rules: { name: string; query: string }[];
}

async function loadedGroups(p: TestPrometheus): Promise<Group[]> {
  const body = (await (await fetch(`${p.url}/api/v1/rules`)).json()) as { data: { groups: Group[] } };
  return body.data.groups;
}

/** Reload requests Prometheus has served, from its own HTTP metrics (any status code). */
async function reloads(p: TestPrometheus): Promise<number> {
  const text = await (await fetch(`${p.url}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith('prometheus_http_requests_total{') && l.includes('handler="/-/reload"'))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}

const SPEC = 'slos/checkout.yaml';
const GROUPS = ['vigil-checkout-requests-availability-alerts', 'vigil-checkout-requests-availability-sli', 'vigil-checkout-requests-availability-sli-tiles'];

// One Prometheus for the whole story: each step starts from the state the one before left.
describe('vigil apply prometheus against a real Prometheus', () => {
  let prom: TestPrometheus;
  let dir: string;
  const apply = (...extra: string[]) => vigil(dir, 'apply', 'prometheus', '--url', prom.url, '--rules-dir', prom.rulesDir, '--out', 'gen', ...extra);
  const generate = async () => expect((await vigil(dir, 'generate', '--out', 'gen')).code).toBe(0);

  beforeAll(async () => {
    prom = await startTestPrometheus();
    dir = await mkdtemp(join(tmpdir(), 'vigil-apply-prom-'));
    await cp('test/golden/native-ratio/slos', join(dir, 'slos'), { recursive: true });
    await generate();
  });
  afterAll(async () => {
    await prom?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('--dry-run prints what it would create, writes nothing and does not reload', async () => {
    const r = await apply('--dry-run');
    expect(r).toEqual({
      code: 0,
      out: 'would create rule-file checkout.rules.yaml\nprometheus: 1 would create, 0 would update, 0 unchanged (dry run: nothing was changed)\n',
      err: '',
    });
    expect(await readdir(prom.rulesDir)).toEqual([]);
    expect(await reloads(prom)).toBe(0);
  });

  it('creates the rule file, reloads once, and Prometheus loads the generated groups', async () => {
    const r = await apply();
    expect(r).toEqual({ code: 0, out: 'created rule-file checkout.rules.yaml\nprometheus: 1 created, 0 updated, 0 unchanged\n', err: '' });
    expect(await readdir(prom.rulesDir)).toEqual(['checkout.rules.yaml']);
    expect(await readFile(join(prom.rulesDir, 'checkout.rules.yaml'), 'utf8')).toBe(await readFile(join(dir, 'gen/rules/checkout.rules.yaml'), 'utf8'));
    expect((await loadedGroups(prom)).map((g) => g.name).sort()).toEqual(GROUPS);
    expect(await reloads(prom)).toBe(1);
  });

  it('a second apply changes nothing and does not reload', async () => {
    const r = await apply();
    expect(r).toEqual({ code: 0, out: 'unchanged rule-file checkout.rules.yaml\nprometheus: 0 created, 0 updated, 1 unchanged\n', err: '' });
    expect(await reloads(prom)).toBe(1);
  });

  it('after the objective changes, updates the file and Prometheus evaluates the new threshold', async () => {
    const spec = await readFile(join(dir, SPEC), 'utf8');
    await writeFile(join(dir, SPEC), spec.replace('objective: 99.9', 'objective: 99.5'));
    await generate();
    const r = await apply();
    expect(r).toEqual({ code: 0, out: 'updated rule-file checkout.rules.yaml\nprometheus: 0 created, 1 updated, 0 unchanged\n', err: '' });
    expect(await reloads(prom)).toBe(2);
    const alerts = (await loadedGroups(prom)).find((g) => g.name === 'vigil-checkout-requests-availability-alerts')!;
    // Page at 14.4 × the budget: 14.4 × 0.005 = 0.072 (it was 0.0144 at 99.9 %).
    expect(alerts.rules[0]!.query).toContain('> 0.072');
    expect(alerts.rules.map((x) => x.query).join('\n')).not.toContain('0.0144');
  });

  it('removes a rule file it generated earlier once its spec is gone, and Prometheus drops its groups', async () => {
    const spec = await readFile(join(dir, SPEC), 'utf8');
    await writeFile(join(dir, 'slos/search.yaml'), spec.replace('service: checkout', 'service: search').replaceAll('job="checkout"', 'job="search"'));
    await generate();
    expect((await apply()).out).toBe('unchanged rule-file checkout.rules.yaml\ncreated rule-file search.rules.yaml\nprometheus: 1 created, 0 updated, 1 unchanged\n');
    expect((await loadedGroups(prom)).map((g) => g.name)).toContain('vigil-search-requests-availability-sli');
    // A hand-written file in the same folder has no marker: never Vigil's to remove.
    await writeFile(join(prom.rulesDir, 'hand.yaml'), 'groups: []\n');

    await rm(join(dir, 'slos/search.yaml'));
    await generate();
    expect((await apply('--dry-run')).out).toBe(
      'unchanged rule-file checkout.rules.yaml\nprometheus: 0 would create, 0 would update, 1 unchanged (dry run: nothing was changed)\nwould remove rule-file search.rules.yaml\n',
    );
    expect(await readdir(prom.rulesDir)).toContain('search.rules.yaml');
    const r = await apply();
    expect(r).toEqual({
      code: 0,
      out: 'unchanged rule-file checkout.rules.yaml\nprometheus: 0 created, 0 updated, 1 unchanged\nremoved rule-file search.rules.yaml\n',
      err: '',
    });
    expect((await readdir(prom.rulesDir)).sort()).toEqual(['checkout.rules.yaml', 'hand.yaml']);
    expect((await loadedGroups(prom)).map((g) => g.name).sort()).toEqual(GROUPS);
  });

  it('a rule file Prometheus rejects: exit 1 with its error, the previous file put back and still loaded', async () => {
    const before = await readFile(join(prom.rulesDir, 'checkout.rules.yaml'), 'utf8');
    const reloadsBefore = await reloads(prom);
    await writeFile(
      join(dir, 'gen/rules/checkout.rules.yaml'),
      '# Generated by vigil (broken by hand)\ngroups:\n  - name: vigil-checkout-broken\n    rules:\n      - record: broken\n        expr: sum(rate(\n',
    );
    const r = await apply();
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toContain('Prometheus rejected the reload (HTTP 500): failed to reload config: one or more errors occurred while applying the new configuration');
    expect(r.err).toContain(`restored the previous files in ${prom.rulesDir}`);
    expect(await reloads(prom)).toBe(reloadsBefore + 1);
    expect(await prom.log()).toContain('could not parse expression');
    expect(await readFile(join(prom.rulesDir, 'checkout.rules.yaml'), 'utf8')).toBe(before);
    expect((await loadedGroups(prom)).map((g) => g.name).sort()).toEqual(GROUPS);
  });

  it('exits 1 naming each group Prometheus did not load when it reads another folder', async () => {
    const spec = await readFile(join(dir, SPEC), 'utf8');
    await writeFile(join(dir, 'slos/search.yaml'), spec.replace('service: checkout', 'service: search').replaceAll('job="checkout"', 'job="search"'));
    await generate();
    const elsewhere = join(dir, 'not-in-rule-files');
    const r = await vigil(dir, 'apply', 'prometheus', '--url', prom.url, '--rules-dir', elsewhere, '--out', 'gen');
    expect(r.code).toBe(1);
    expect(r.out).toBe('created rule-file checkout.rules.yaml\ncreated rule-file search.rules.yaml\nprometheus: 2 created, 0 updated, 0 unchanged\n');
    expect(r.err).toBe(
      'group vigil-search-requests-availability-sli from search.rules.yaml is not loaded\n' +
        'group vigil-search-requests-availability-sli-tiles from search.rules.yaml is not loaded\n' +
        'group vigil-search-requests-availability-alerts from search.rules.yaml is not loaded\n' +
        `3 problem(s): Prometheus does not run the generated rules; is --rules-dir ${elsewhere} in its rule_files?\n`,
    );
  });
});

describe('vigil apply prometheus when Prometheus cannot take the rules', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-apply-prom-'));
    await cp('test/golden/native-ratio/slos', join(dir, 'slos'), { recursive: true });
    expect((await vigil(dir, 'generate')).code).toBe(0);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('names the URL and writes nothing when Prometheus is unreachable', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const r = await vigil(dir, 'apply', 'prometheus', '--url', url, '--rules-dir', 'target');
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toBe(`vigil apply prometheus: cannot reach Prometheus: GET ${url}/-/ready: connect ECONNREFUSED ${url.slice('http://'.length)}\n`);
    await expect(readdir(join(dir, 'target'))).rejects.toThrow();
  });

  it('without --web.enable-lifecycle: exits 1 with Prometheus\' answer and how to fix it, the folder as before', async () => {
    const prom = await startTestPrometheus({ lifecycle: false });
    try {
      const r = await vigil(dir, 'apply', 'prometheus', '--url', prom.url, '--rules-dir', prom.rulesDir);
      expect(r.code).toBe(1);
      expect(r.err).toBe(
        'vigil apply prometheus: Prometheus rejected the reload (HTTP 403): Lifecycle API is not enabled.\n' +
          'start Prometheus with --web.enable-lifecycle to allow POST /-/reload\n' +
          `restored the previous files in ${prom.rulesDir}\n`,
      );
      expect(await readdir(prom.rulesDir)).toEqual([]);
    } finally {
      await prom.stop();
    }
  });

  it('exits 1 when there is nothing generated to apply', async () => {
    const r = await vigil(dir, 'apply', 'prometheus', '--url', 'http://127.0.0.1:1', '--rules-dir', 'target', '--out', 'empty', '--dry-run');
    expect(r.code).toBe(1);
    expect(r.err).toBe(`no generated rule files (*.rules.yaml) in ${join(dir, 'empty/rules')}; run vigil generate first\n`);
  });
});
