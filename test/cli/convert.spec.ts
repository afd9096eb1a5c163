import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vigil } from '../support/cli.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-convert-'));
  await mkdir(join(dir, 'slos'));
  await cp('test/golden/sloth/slos/myservice.yaml', join(dir, 'slos/myservice.yaml'));
  await cp('test/golden/openslo/slos/web.yaml', join(dir, 'slos/web.yaml'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('vigil convert', () => {
  it('prints the specs folder as vigil/v1 on stdout, which validates', async () => {
    const r = await vigil(dir, 'convert', '--to', 'vigil');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^# Converted by vigil from slos\/myservice\.yaml \(sloth\/prometheus\/v1\)\napiVersion: vigil\/v1\nservice: myservice\n/);
    expect(r.out).toContain('---\n# Converted by vigil from slos/web.yaml (openslo/v1)\napiVersion: vigil/v1\nservice: web\n');
    expect(r.err.split('\n').filter(Boolean)).toEqual([
      'slos/web.yaml:2:7: warning: kind: Service is not converted: Vigil reads nothing from it',
      'slos/web.yaml:10:7: warning: kind: SLI is not converted on its own; its queries are written into the SLOs that use it',
    ]);
    await mkdir(join(dir, 'back'));
    await writeFile(join(dir, 'back/all.yaml'), r.out);
    expect(await vigil(dir, 'validate', '--slos', 'back')).toEqual({ code: 0, out: '1 file(s) valid: 2 service(s), 4 SLO(s), 0 alert(s), 0 drill(s)\n', err: '' });
  });

  it('converts the files named, and prints what OpenSLO cannot hold as located warnings', async () => {
    const r = await vigil(dir, 'convert', 'slos/myservice.yaml', '--to', 'openslo');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^# Converted by vigil from slos\/myservice\.yaml \(sloth\/prometheus\/v1\)\napiVersion: openslo\/v1\nkind: SLO\n/);
    expect(r.err.split('\n').filter(Boolean)).toEqual([
      'slos/myservice.yaml:20:7: warning: SLO requests-availability: alert annotations summary left out: Vigil reads no alert settings from OpenSLO',
      'slos/myservice.yaml:20:7: warning: SLO requests-availability: alert labels sloth_id, sloth_service, sloth_slo, category left out: Vigil reads no alert settings from OpenSLO',
      'slos/myservice.yaml:20:7: warning: SLO requests-availability: alert name MyServiceHighErrorRate (OpenSLO SLOs alert as RequestsAvailabilityBudgetBurn) left out: Vigil reads no alert settings from OpenSLO',
      'slos/myservice.yaml:20:7: warning: SLO requests-availability: page tier severity pageteam; labels sloth_severity, routing_key; annotations title, summary left out: Vigil reads no alert settings from OpenSLO',
      'slos/myservice.yaml:20:7: warning: SLO requests-availability: ticket tier severity slack; labels sloth_severity, slack_channel; annotations title, summary left out: Vigil reads no alert settings from OpenSLO',
      'slos/myservice.yaml:38:28: warning: SLO requests-ratio not converted: its raw error-ratio query has no OpenSLO form Vigil reads (a ratioMetric of good or bad and total counters); keep it in vigil/v1',
    ]);
  });

  it('--out writes one file per input file, all valid, and a re-run changes nothing', async () => {
    const first = await vigil(dir, 'convert', 'slos', '--to', 'vigil', '--out', 'converted');
    expect(first.code).toBe(0);
    expect(first.out).toBe('create myservice.vigil.yaml\ncreate web.vigil.yaml\n2 file(s) converted to vigil, 2 changed\n');
    expect((await readdir(join(dir, 'converted'))).sort()).toEqual(['myservice.vigil.yaml', 'web.vigil.yaml']);
    expect((await vigil(dir, 'validate', '--slos', 'converted')).code).toBe(0);
    expect((await vigil(dir, 'convert', '--to', 'vigil', '--out', 'converted')).out).toBe('2 file(s) converted to vigil, 0 changed\n');
    const openslo = await vigil(dir, 'convert', '--to', 'openslo', '--out', 'openslo');
    expect(openslo.out).toBe('create myservice.openslo.yaml\ncreate web.openslo.yaml\n2 file(s) converted to openslo, 2 changed\n');
    expect((await vigil(dir, 'validate', '--slos', 'openslo')).out).toBe('2 file(s) valid: 2 service(s), 3 SLO(s), 0 alert(s), 0 drill(s)\n');
  });

  it('prints the problems of the input like validate and writes nothing', async () => {
    const text = await readFile(join(dir, 'slos/myservice.yaml'), 'utf8');
    await writeFile(join(dir, 'slos/myservice.yaml'), text.replace('objective: 99.9', 'objective: 100'));
    const r = await vigil(dir, 'convert', '--to', 'vigil', '--out', 'converted');
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err.split('\n').filter(Boolean)).toEqual([
      'slos/myservice.yaml:11:16: objective 100 leaves no error budget: every failure breaks it and burn rates are undefined; use e.g. 99.99',
      '1 problem(s) in 1 file(s); nothing was converted',
    ]);
    expect(await readdir(dir)).toEqual(['slos']);
  });

  it('refuses to write two inputs to one name, or over an input, writing nothing', async () => {
    await mkdir(join(dir, 'more'));
    await cp('test/golden/native-kinds/slos/search.yaml', join(dir, 'more/web.yaml'));
    const twice = await vigil(dir, 'convert', 'slos', 'more', '--to', 'vigil', '--out', 'converted');
    expect(twice).toEqual({ code: 2, out: '', err: 'vigil: slos/web.yaml and more/web.yaml would both be written to web.vigil.yaml: convert them into different --out folders; nothing was written\n' });
    await cp('test/golden/native-ratio/slos/checkout.yaml', join(dir, 'more/checkout.vigil.yaml'));
    const over = await vigil(dir, 'convert', 'more/checkout.vigil.yaml', '--to', 'vigil', '--out', 'more');
    expect(over.code).toBe(2);
    expect(over.err).toMatch(/^vigil: checkout\.vigil\.yaml in .*more is an input; choose another --out folder; nothing was written\n$/);
    expect(await readdir(dir)).toEqual(expect.not.arrayContaining(['converted']));
  });

  it.each([
    [['convert']],
    [['convert', '--to', 'yaml']],
    [['convert', 'missing-folder', '--to', 'vigil']],
  ])('exits 2 on usage errors: %j', async (argv) => {
    expect((await vigil(dir, ...argv)).code).toBe(2);
  });
});
