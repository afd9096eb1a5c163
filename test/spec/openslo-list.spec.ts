import { readFileSync } from 'node:fs';
import { parseAllDocuments, stringify } from 'yaml';
import { compile } from '../../src/core/compile.js';
import { formatDiagnostic } from '../../src/core/diagnostics.js';

/**
 * OpenSLO's Go SDK and oslo write a file's specs as one YAML sequence (`- apiVersion: openslo/v1`)
 * rather than as `---` documents: both forms are read the same, and a problem in an item is
 * located in the file as written.
 */
const PATH = 'slos/inventory.openslo.yaml';
const asDocuments = readFileSync('test/promtool/fixtures/inventory.openslo.yaml', 'utf8');
const asList = stringify(parseAllDocuments(asDocuments).map((d) => d.toJS()));

it('reads a sequence of OpenSLO documents as it reads the same documents separated by ---', () => {
  expect(asList.startsWith('- apiVersion: openslo/v1')).toBe(true);
  const fromList = compile([{ path: PATH, text: asList }]);
  const fromDocuments = compile([{ path: PATH, text: asDocuments }]);
  expect(fromList.diagnostics.map(formatDiagnostic)).toEqual([]);
  expect(fromList.files.length).toBeGreaterThan(0);
  expect(fromList.files).toEqual(fromDocuments.files);
});

it('locates a problem of one item at its line in the list', () => {
  const text = asList.replace('target: 0.995', 'target: 1.5');
  // The objective is located at its item, as in the --- form.
  const line = text.split('\n').findIndex((l) => l.includes('displayName: Reads succeed')) + 1;
  const col = text.split('\n')[line - 1]!.indexOf('displayName') + 1;
  const problems = compile([{ path: PATH, text }]).diagnostics.map(formatDiagnostic);
  expect(problems).toHaveLength(1);
  expect(problems[0]).toMatch(new RegExp(`^${PATH}:${line}:${col}: `));
});

it('a list of anything else is still refused, located at its start', () => {
  expect(compile([{ path: PATH, text: '- just\n- words\n' }]).diagnostics.map(formatDiagnostic)).toEqual([
    `${PATH}:1:1: a spec document must be a mapping with apiVersion: vigil/v1, openslo/v1, sloth.slok.dev/v1 (Sloth) or pyrra.dev/v1alpha1 (Pyrra), or version: prometheus/v1 (Sloth)`,
  ]);
});
