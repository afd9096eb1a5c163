import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { vigil } from '../support/cli.js';

const run = promisify(execFile);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-cli-'));
  await cp('test/golden/native-ratio/slos', join(dir, 'slos'), { recursive: true });
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const SPEC = 'slos/checkout.yaml';

describe('vigil validate', () => {
  it('exits 0 and summarises a valid folder', async () => {
    const r = await vigil(dir, 'validate');
    expect(r).toEqual({ code: 0, out: '1 file(s) valid: 1 service(s), 1 SLO(s), 0 alert(s), 0 drill(s)\n', err: '' });
  });

  it('exits 1 with file:line:col for every problem', async () => {
    const text = await readFile(join(dir, SPEC), 'utf8');
    await writeFile(join(dir, SPEC), text.replace('objective: 99.9', 'objective: 100').replace('errorQuery', 'errrorQuery'));
    const r = await vigil(dir, 'validate');
    expect(r.code).toBe(1);
    // The typo's consequence first, then the typo itself (shape-check.ts, sortDiagnostics).
    expect(r.err.split('\n').filter(Boolean)).toEqual([
      'slos/checkout.yaml:13:9: events must have exactly one of errorQuery, goodQuery',
      'slos/checkout.yaml:13:9: unknown field "errrorQuery", did you mean "errorQuery"?',
      '2 problem(s) in 1 file(s)',
    ]);
  });

  it('refuses durations longer than Prometheus reads, located, instead of writing rules promtool rejects', async () => {
    const text = await readFile(join(dir, SPEC), 'utf8');
    await writeFile(join(dir, SPEC), text.replace('    objective: 99.9\n', '    objective: 99.9\n    window: 1000000y\n'));
    const r = await vigil(dir, 'validate');
    expect(r.code).toBe(1);
    expect(r.err.split('\n').filter(Boolean)[0]).toBe('slos/checkout.yaml:11:13: "1000000y" is longer than the longest duration Prometheus reads (106751d23h47m16s, about 292 years)');
  });

  it('prints a user value holding a newline escaped: one line per problem, no forged location', async () => {
    const text = await readFile(join(dir, SPEC), 'utf8');
    await writeFile(join(dir, SPEC), text.replace('errorQuery', '"errorQuery\\nslos/forged.yaml:1:1: all good"'));
    const r = await vigil(dir, 'validate');
    expect(r.code).toBe(1);
    const lines = r.err.split('\n').filter(Boolean);
    expect(lines.filter((l) => /^slos\/forged\.yaml/.test(l))).toEqual([]);
    expect(lines.filter((l) => l.includes('forged'))).toEqual([expect.stringMatching(/^slos\/checkout\.yaml:13:9: unknown field "errorQuery\\nslos\/forged\.yaml:1:1: all good"/)]);
  });

  it.each([
    [['validate', '--no-such-flag']],
    [['frobnicate']],
    [['validate', '--slos', 'missing-folder']],
    // Without --drills a fleet need not have drills/; a folder named on the command line must exist.
    [['validate', '--drills', 'missing-folder']],
  ])('exits 2 on usage errors: %j', async (argv) => {
    expect((await vigil(dir, ...argv)).code).toBe(2);
  });
});

describe('vigil validate with drills', () => {
  beforeEach(async () => {
    // The committed drills notify people and schedules of the committed OnCall spec.
    await cp('drills', join(dir, 'drills'), { recursive: true });
    await cp('slos/oncall.yaml', join(dir, 'slos/oncall.yaml'));
  });

  it('passes on the committed examples, skipping drills/README.md', async () => {
    const r = await vigil(dir, 'validate');
    expect(r).toEqual({ code: 0, out: '5 file(s) valid: 1 service(s), 1 SLO(s), 0 alert(s), 3 drill(s)\n', err: '' });
  });

  it('exits 1 with file:line:col for a bad drill, never echoing an inline connection URL', async () => {
    const text = await readFile(join(dir, 'drills/postgres-restore.yaml'), 'utf8');
    await writeFile(
      join(dir, 'drills/postgres-restore.yaml'),
      text.replace('primary: { env: VIGIL_DRILL_PRIMARY_URL }', 'primary: postgresql://drill:s3cret@db1/greenlang').replace('maxDuration: 2h', 'maxDuration: 45m'),
    );
    await writeFile(join(dir, 'drills/typo.yml'), 'apiVersion: vigil/v1\nkind: Drill\nname: typo\nowner: platform\ntype: pitr\ntarget: { backup: { pgbackrest: { stanza: main } } }\nrecoveryTarget: { ago: 10m }\nchecks: [{ name: agents, rowCount: agents, atLeast: 1 }]\nnotfy: [{ person: ana }]\n');
    const r = await vigil(dir, 'validate');
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err.split('\n').filter(Boolean)).toEqual([
      'drills/postgres-restore.yaml:13:12: primary would put a connection URL (and its password) in the spec, which is committed: write primary: { file: /path/to/secret } or primary: { env: VARIABLE }',
      'drills/postgres-restore.yaml:39:16: maxDuration 45m must be longer than the RTO objective (1h), or a slow recovery is aborted before it can be measured against it',
      'drills/typo.yml:9:1: unknown field "notfy", did you mean "notify"?',
      '3 problem(s) in 2 file(s)',
    ]);
    expect(r.err).not.toContain('s3cret');
  });

  it('passes on the examples in docs/drill-spec.md, one per type', async () => {
    const doc = await readFile('docs/drill-spec.md', 'utf8');
    const examples = [...doc.matchAll(/```yaml\n(apiVersion: vigil\/v1\nkind: Drill\n[\s\S]*?)```/g)].map((m) => m[1]);
    await rm(join(dir, 'drills'), { recursive: true });
    await mkdir(join(dir, 'drills'));
    await writeFile(join(dir, 'drills/doc.yaml'), examples.join('---\n'));
    expect(await vigil(dir, 'validate')).toEqual({ code: 0, out: '3 file(s) valid: 1 service(s), 1 SLO(s), 0 alert(s), 4 drill(s)\n', err: '' });
  });

  it('reads the folder --drills names', async () => {
    await cp(join(dir, 'drills'), join(dir, 'dr'), { recursive: true });
    await rm(join(dir, 'drills'), { recursive: true });
    expect((await vigil(dir, 'validate')).out).toContain(', 0 drill(s)');
    expect((await vigil(dir, 'validate', '--drills', 'dr')).out).toContain(', 3 drill(s)');
  });
});

describe('vigil generate', () => {
  it('writes a plain rule file and a PrometheusRule per service, byte-identical on a re-run', async () => {
    const first = await vigil(dir, 'generate');
    expect(first.code).toBe(0);
    expect((await readdir(join(dir, 'rules'))).sort()).toEqual(['Kustomization', 'checkout.prometheusrule.yaml', 'checkout.rules.yaml']);
    const before = await readFile(join(dir, 'rules/checkout.rules.yaml'), 'utf8');
    const second = await vigil(dir, 'generate');
    expect(second.out).toMatch(/^\d+ file\(s\) generated, 0 changed\n$/);
    expect(await readFile(join(dir, 'rules/checkout.rules.yaml'), 'utf8')).toBe(before);
  });

  it.each([
    [128, 0],
    [129, 1],
  ])('a service name of %i characters: validate and generate agree (exit %i), and what validate passes is written', async (length, code) => {
    const name = 'x'.repeat(length);
    const text = await readFile(join(dir, SPEC), 'utf8');
    await writeFile(join(dir, SPEC), text.replace('service: checkout', `service: ${name}`));
    const validate = await vigil(dir, 'validate');
    const generate = await vigil(dir, 'generate');
    expect([validate.code, generate.code]).toEqual([code, code]);
    const written = await readdir(join(dir, 'rules')).catch(() => []);
    expect(written.sort()).toEqual(code === 0 ? ['Kustomization', `${name}.prometheusrule.yaml`, `${name}.rules.yaml`] : []);
  });

  it('--check exits 0 when up to date and 1 listing drift, writing nothing', async () => {
    await vigil(dir, 'generate');
    expect((await vigil(dir, 'generate', '--check')).code).toBe(0);
    const text = await readFile(join(dir, SPEC), 'utf8');
    await writeFile(join(dir, SPEC), text.replace('objective: 99.9', 'objective: 99.5'));
    const before = await readFile(join(dir, 'rules/checkout.rules.yaml'), 'utf8');
    const r = await vigil(dir, 'generate', '--check');
    expect(r.code).toBe(1);
    expect(r.err).toContain('would update rules/checkout.rules.yaml\n');
    expect(r.err).toContain('would update rules/checkout.prometheusrule.yaml\n');
    expect(await readFile(join(dir, 'rules/checkout.rules.yaml'), 'utf8')).toBe(before);
  });

  it('writes nothing at all when any spec has a problem', async () => {
    await vigil(dir, 'generate');
    const before = await readFile(join(dir, 'rules/checkout.rules.yaml'), 'utf8');
    const text = await readFile(join(dir, SPEC), 'utf8');
    // One good change and one bad file: neither may reach rules/.
    await writeFile(join(dir, SPEC), text.replace('objective: 99.9', 'objective: 99.5'));
    await writeFile(join(dir, 'slos/broken.yaml'), 'apiVersion: vigil/v1\nservice: broken\nslos:\n  - name: x\n    objective: 100\n    sli: { events: { errorQuery: e_total, totalQuery: t_total } }\n');
    const r = await vigil(dir, 'generate');
    expect(r.code).toBe(1);
    expect(r.err).toContain('slos/broken.yaml:5:16: objective 100 leaves no error budget');
    expect(r.err).toContain('nothing was written');
    expect(await readFile(join(dir, 'rules/checkout.rules.yaml'), 'utf8')).toBe(before);
    expect((await readdir(join(dir, 'rules'))).sort()).toEqual(['Kustomization', 'checkout.prometheusrule.yaml', 'checkout.rules.yaml']);
  });

  it('removes files it generated for a service that is gone, and never a hand-written file', async () => {
    await writeFile(join(dir, 'slos/extra.yaml'), (await readFile(join(dir, SPEC), 'utf8')).replace('service: checkout', 'service: extra'));
    await vigil(dir, 'generate');
    await writeFile(join(dir, 'rules/hand-written.rules.yaml'), 'groups: []\n');
    await rm(join(dir, 'slos/extra.yaml'));
    const r = await vigil(dir, 'generate');
    expect(r.out).toContain('remove rules/extra.rules.yaml\n');
    expect((await readdir(join(dir, 'rules'))).sort()).toEqual([
      'Kustomization',
      'checkout.prometheusrule.yaml',
      'checkout.rules.yaml',
      'hand-written.rules.yaml',
    ]);
    expect(await readFile(join(dir, 'rules/Kustomization'), 'utf8')).not.toContain('extra');
  });

  it('on a filesystem fault midway writes nothing: files already moved into place are put back, and no temporary file is left', async () => {
    const spec = await readFile(join(dir, SPEC), 'utf8');
    await writeFile(join(dir, 'slos/extra.yaml'), spec.replace('service: checkout', 'service: extra'));
    expect((await vigil(dir, 'generate')).code).toBe(0);
    const snapshot = async () => Object.fromEntries(await Promise.all((await readdir(join(dir, 'rules'), { recursive: true })).sort().map(async (p) => [p, await readFile(join(dir, 'rules', p), 'utf8').catch(() => 'a folder')])));
    // checkout's files are updated before newsvc's (services in name order); extra's would be removed last.
    await writeFile(join(dir, SPEC), spec.replace('objective: 99.9', 'objective: 99.5'));
    await writeFile(join(dir, 'slos/newsvc.yaml'), spec.replace('service: checkout', 'service: newsvc'));
    await rm(join(dir, 'slos/extra.yaml'));
    await mkdir(join(dir, 'rules/newsvc.rules.yaml/in-the-way'), { recursive: true });
    const before = await snapshot();
    const r = await vigil(dir, 'generate');
    expect(r.code).not.toBe(0);
    expect(r.err).toContain('rules/newsvc.rules.yaml is a folder; Vigil writes a file there');
    expect(await snapshot()).toEqual(before);
    expect(Object.keys(before).filter((p) => p.includes('vigil-tmp'))).toEqual([]);
  });

  it('honours --slos and --out', async () => {
    const r = await vigil(dir, 'generate', '--slos', 'slos', '--out', 'build');
    expect(r.code).toBe(0);
    expect((await readdir(join(dir, 'build/rules'))).length).toBe(3);
  });
});

describe('vigil generate with drills', () => {
  beforeEach(async () => {
    await cp('drills', join(dir, 'drills'), { recursive: true });
    await cp('slos/oncall.yaml', join(dir, 'slos/oncall.yaml'));
  });

  it('writes the drill and backup alerts from drills/, and removes them with the last drill', async () => {
    expect((await vigil(dir, 'generate')).code).toBe(0);
    expect((await readdir(join(dir, 'rules'))).sort()).toEqual([
      'Kustomization',
      'checkout.prometheusrule.yaml',
      'checkout.rules.yaml',
      'vigil-drills.prometheusrule.yaml',
      'vigil-drills.rules.yaml',
    ]);
    await rm(join(dir, 'drills'), { recursive: true });
    const r = await vigil(dir, 'generate');
    expect(r.out).toContain('remove rules/vigil-drills.rules.yaml\n');
    expect(r.out).toContain('remove rules/vigil-drills.prometheusrule.yaml\n');
  });

  it('reads the folder --drills names, which must exist', async () => {
    await cp(join(dir, 'drills'), join(dir, 'dr'), { recursive: true });
    await rm(join(dir, 'drills'), { recursive: true });
    expect((await vigil(dir, 'generate', '--drills', 'dr')).code).toBe(0);
    expect(await readFile(join(dir, 'rules/vigil-drills.rules.yaml'), 'utf8')).toMatch(/^# Generated by vigil from dr\/postgres-failover\.yaml, dr\/postgres-pitr\.yaml, dr\/postgres-restore\.yaml\./);
    const missing = await vigil(dir, 'generate', '--drills', 'missing-folder');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('cannot read drills: spec folder missing-folder does not exist');
  });

  it('writes nothing at all when a drill has a problem', async () => {
    const text = await readFile(join(dir, 'drills/postgres-restore.yaml'), 'utf8');
    await writeFile(join(dir, 'drills/postgres-restore.yaml'), text.replace('cron: "0 3 1 * *"', 'cron: "0 3 31 2 *"'));
    const r = await vigil(dir, 'generate');
    expect(r.code).toBe(1);
    expect(r.err).toContain('drills/postgres-restore.yaml:18:19: cron expression "0 3 31 2 *" never fires: no date matches it\n');
    expect(r.err).toContain('nothing was written');
    await expect(readdir(join(dir, 'rules'))).rejects.toThrow();
  });
});

describe('the installed bin', () => {
  const bin = join(process.cwd(), 'bin/vigil.js');

  it('runs validate and reports exit codes as a shell sees them', async () => {
    const ok = await run('node', [bin, 'validate'], { cwd: dir });
    expect(ok.stdout).toContain('1 file(s) valid');
    await writeFile(join(dir, 'slos/bad.yaml'), 'apiVersion: vigil/v1\nservice: [\n');
    await expect(run('node', [bin, 'validate'], { cwd: dir })).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/^slos\/bad\.yaml:\d+:\d+: YAML syntax error/) });
    await expect(run('node', [bin, 'generate', '--bogus'], { cwd: dir })).rejects.toMatchObject({ code: 2 });
  });
});
