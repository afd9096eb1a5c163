import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compile } from '../../src/core/compile.js';
import { formatDiagnostic } from '../../src/core/diagnostics.js';
import { golden, UPDATE_GOLDEN } from '../support/golden.js';

/**
 * test/golden/<case>/slos and test/golden/<case>/drills hold input specs, test/golden/<case>/rules
 * the exact files they must generate. UPDATE_GOLDEN=1 npm test rewrites the expected files
 * (review the diff before committing).
 */
const ROOT = 'test/golden';
// A case is a folder with slos/ or drills/ (reports/ holds the monthly report's goldens, not a case).
const cases = (await readdir(ROOT)).filter((n) => existsSync(join(ROOT, n, 'slos')) || existsSync(join(ROOT, n, 'drills'))).sort();

async function load(dir: string) {
  if (!existsSync(dir)) return [];
  const names = (await readdir(dir)).filter((n) => n.endsWith('.yaml')).sort();
  return Promise.all(names.map(async (n) => ({ path: join(dir, n), text: await readFile(join(dir, n), 'utf8') })));
}

async function compileCase(name: string) {
  return compile(await load(join(ROOT, name, 'slos')), await load(join(ROOT, name, 'drills')));
}

describe.each(cases)('golden case %s', (name) => {
  it('compiles without problems', async () => {
    const result = await compileCase(name);
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([]);
  });

  it('generates exactly the expected files', async () => {
    // Rule files only: dashboards and deploy/ files have golden tests of their own.
    const files = (await compileCase(name)).files.filter((f) => f.path.startsWith('rules/'));
    for (const file of files) {
      expect(file.content).toBe(await golden(join(ROOT, name, file.path), file.content));
    }
    if (!UPDATE_GOLDEN) {
      const expected = (await readdir(join(ROOT, name, 'rules'))).sort();
      expect(files.map((f) => f.path.replace(/^rules\//, '')).sort()).toEqual(expected);
    }
  });

  it('is deterministic: a second run is byte-identical', async () => {
    const inputs = await load(join(ROOT, name, 'slos'));
    const drills = await load(join(ROOT, name, 'drills'));
    expect(compile(inputs, drills).files).toEqual(compile(inputs, drills).files);
  });
});
