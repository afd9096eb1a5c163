import { formatDiagnostic } from '../diagnostics.js';
import { loadSpecs } from './load-specs.js';
import { parseYamlFile } from './yaml-source.js';

const FILE = 'slos/x.yaml';

describe('YAML aliases', () => {
  it('resolves hundreds of uses of one anchor', () => {
    const uses = Array.from({ length: 300 }, (_, i) => `  - { name: s${i}, labels: *common }`).join('\n');
    const parsed = parseYamlFile(FILE, `common: &common { team: payments, tier: gold }\nslos:\n${uses}\n`);
    expect(parsed.diagnostics).toEqual([]);
    const js = parsed.documents[0]!.toJS() as { slos: { labels: unknown }[] };
    expect(js.slos).toHaveLength(300);
    expect(js.slos[299]!.labels).toEqual({ team: 'payments', tier: 'gold' });
  });

  it('refuses an alias bomb at its first alias, and drops only that document', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (const [i, name] of ['b', 'c', 'd', 'e', 'f'].entries()) {
      const prev = 'abcde'[i]!;
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`);
    }
    const parsed = parseYamlFile(FILE, `${levels.join('\n')}\n---\nok: 1\n`);
    expect(parsed.diagnostics.map(formatDiagnostic)).toEqual([`${FILE}:2:8: YAML aliases in this document expand to more than 10000 values (an alias bomb?): write the values out, or alias fewer times`]);
    expect(parsed.documents.map((d) => d.toJS())).toEqual([{ ok: 1 }]);
  });

  it('locates an alias that names no anchor', () => {
    const parsed = parseYamlFile(FILE, `service: checkout\nlabels: *missing\n`);
    expect(parsed.diagnostics.map(formatDiagnostic)).toEqual([`${FILE}:2:9: YAML alias *missing names no anchor defined before it (&missing)`]);
    expect(parsed.documents).toEqual([]);
  });

  it('lets every other file report its own problems', () => {
    const loaded = loadSpecs([
      { path: 'slos/a.yaml', text: 'apiVersion: vigil/v1\nservice: a\nlabels: *nope\n' },
      { path: 'slos/b.yaml', text: 'apiVersion: vigil/v1\nservice: b\nslos: []\nbogus: 1\n' },
    ]);
    const files = new Set(loaded.diagnostics.map((d) => d.file));
    expect(files).toEqual(new Set(['slos/a.yaml', 'slos/b.yaml']));
  });
});
