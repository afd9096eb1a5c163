import { readdir, readFile } from 'node:fs/promises';
import { compile } from '../../src/core/compile.js';
import { formatDiagnostic } from '../../src/core/diagnostics.js';
import { golden } from '../support/golden.js';

/**
 * Every bad spec in test/fixtures/bad sits beside the exact errors it must produce
 * (`x.bad.yaml` → `x.bad.errors`), in the `file:line:col: message` form users see.
 */
const DIR = 'test/fixtures/bad';
const fixtures = (await readdir(DIR)).filter((f) => f.endsWith('.bad.yaml')).sort();

describe('bad specs', () => {
  it('has fixtures to check', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(7);
  });

  it.each(fixtures)('%s produces exactly its expected errors and no output', async (name) => {
    const path = `${DIR}/${name}`;
    const result = compile([{ path, text: await readFile(path, 'utf8') }]);
    const actual = result.diagnostics.map(formatDiagnostic).join('\n') + '\n';
    expect(actual).toBe(await golden(path.replace(/\.yaml$/, '.errors'), actual));
    expect(result.diagnostics.length).toBeGreaterThan(0);
    expect(result.files).toEqual([]);
  });

  it('reports the problems of every file in one run, plus duplicates across files', async () => {
    const inputs = await Promise.all(fixtures.map(async (f) => ({ path: `${DIR}/${f}`, text: await readFile(`${DIR}/${f}`, 'utf8') })));
    const together = compile(inputs).diagnostics.map(formatDiagnostic);
    const separately = inputs.flatMap((i) => compile([i]).diagnostics.map(formatDiagnostic));
    expect(together).toEqual(expect.arrayContaining(separately));
    // checkout/availability is defined in two fixtures: only a run over both can see it.
    expect(together.filter((d) => !separately.includes(d))).toEqual([
      'test/fixtures/bad/promql-syntax.bad.yaml:4:11: SLO "availability" of service checkout is already defined at test/fixtures/bad/duplicate-slo.bad.yaml:4:11',
    ]);
  });
});
