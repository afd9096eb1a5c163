import { readFile } from 'node:fs/promises';
import { compile } from '../../src/core/compile.js';
import { ruleFiles } from '../../src/core/generate/rule-files.js';
import type { Fleet, Service } from '../../src/core/model/slo.js';
import { promqlError } from '../../src/core/promql/promql.js';
import { describeRun, runPromtool } from '../support/promtool.js';

/**
 * The PromQL that `vigil validate` refuses beyond syntax (types, comments, misplaced {{.window}},
 * selectors that leave their braces, unterminated strings; test/fixtures/bad, where each error's
 * exact text and position is checked) is PromQL promtool refuses too: each SLO and alert of these
 * fixtures gets a located error of its own, and the rule file Vigil would otherwise have written
 * for it fails `promtool check rules`. The one alert validate accepts, promtool accepts.
 */
const FIXTURES = ['promql-types', 'promql-comment', 'promql-window', 'latency-selector', 'promql-strings'].map(
  (n) => `test/fixtures/bad/${n}.bad.yaml`,
);
/**
 * Accepted by both: alert expressions are written as they are, and a comment that a line break
 * ends hides nothing.
 */
const ACCEPTED = new Set(['CommentsAreFineHere', 'comment-on-its-own-line']);
/**
 * Refused by validate although promtool would load the rule file: the PromQL is valid but is not
 * what the spec says. Each with the text that shows it in the rule file Vigil would have written.
 */
const VALID_BUT_WRONG: Readonly<Record<string, { why: string; shows: RegExp }>> = {
  'trailing-comment': { why: 'the comment swallows the `or vector(0)`, so no errors means no ratio instead of 0', shows: /# server errors only or vector\(0\)/ },
  'in-a-label': { why: 'the window becomes a label value that no series has', shows: /window="5m"/ },
};

interface Item {
  readonly fixture: string;
  readonly name: string;
  readonly line: number;
  /** A fleet of this SLO or alert alone, to generate its rule file from despite the errors. */
  readonly fleet: Fleet;
}

const compiled = await Promise.all(
  FIXTURES.map(async (path) => ({ path, result: compile([{ path, text: await readFile(path, 'utf8') }]) })),
);

const items: Item[] = compiled.flatMap(({ path, result }) =>
  result.fleet.services.flatMap((s) => {
    const alone = (part: Partial<Service>): Fleet => ({ services: [{ ...s, slos: [], alerts: [], ...part }] });
    return [
      ...s.slos.map((slo) => ({ fixture: path, name: slo.name, line: slo.at.slo.line, fleet: alone({ slos: [slo] }) })),
      ...s.alerts.map((a) => ({ fixture: path, name: a.name, line: a.at.line, fleet: alone({ alerts: [a] }) })),
    ];
  }),
);

/** Diagnostics of a fixture grouped by the SLO or alert whose lines they fall in. */
function diagnosticsOf(item: Item): string[] {
  const { result } = compiled.find((c) => c.path === item.fixture)!;
  const starts = items.filter((i) => i.fixture === item.fixture).map((i) => i.line);
  const end = Math.min(...starts.filter((l) => l > item.line), Infinity);
  return result.diagnostics.filter((d) => d.line >= item.line && d.line < end).map((d) => `${d.line}:${d.col}: ${d.message}`);
}

async function promtoolCheck(item: Item) {
  const file = ruleFiles(item.fleet).find((f) => f.path.endsWith('.rules.yaml'))!;
  return runPromtool(['check', 'rules', file.path], { [file.path]: file.content });
}

describe('PromQL that validate refuses, promtool refuses', () => {
  it('covers every SLO and alert of the fixtures', () => {
    expect(items.length).toBe(22);
    expect(items.filter((i) => ACCEPTED.has(i.name) || VALID_BUT_WRONG[i.name]).length).toBe(4);
    for (const { result } of compiled) expect(result.files).toEqual([]);
  });

  const refused = items.filter((i) => !ACCEPTED.has(i.name) && !VALID_BUT_WRONG[i.name]);
  it.each(refused.map((i) => [`${i.fixture}: ${i.name}`, i] as const))(
    '%s: validate gives one located error, and promtool rejects the rule file it would have generated',
    async (_title, item) => {
      expect(diagnosticsOf(item)).toHaveLength(1);
      const run = await promtoolCheck(item);
      expect({ code: run.code, output: describeRun(run) }).toEqual({ code: 1, output: expect.stringContaining('FAILED') });
    },
  );

  it.each(Object.entries(VALID_BUT_WRONG).map(([name, c]) => [name, c.why, c.shows] as const))('%s: validate refuses it; promtool loads it, but %s', async (name, _why, shows) => {
    const item = items.find((i) => i.name === name)!;
    expect(diagnosticsOf(item)).toHaveLength(1);
    const run = await promtoolCheck(item);
    expect({ code: run.code, output: describeRun(run) }).toEqual({ code: 0, output: expect.stringContaining('SUCCESS') });
    expect(ruleFiles(item.fleet).find((f) => f.path.endsWith('.rules.yaml'))!.content).toMatch(shows);
  });

  it.each([...ACCEPTED])('%s: validate and promtool both accept it', async (name) => {
    const item = items.find((i) => i.name === name)!;
    expect(diagnosticsOf(item)).toEqual([]);
    const run = await promtoolCheck(item);
    expect({ code: run.code, output: describeRun(run) }).toEqual({ code: 0, output: expect.stringContaining('SUCCESS') });
  });
});

/** The type checker against promtool itself, one query per rule file: what one refuses, the other refuses. */
const PARITY: readonly (readonly [string, boolean])[] = [
  ['sum by (code) (rate(x{code=~"5.."}[5m]))', true],
  ['histogram_quantile(0.9, sum by (le) (rate(h_bucket[5m])))', true],
  ['label_join(x, "a", ",", "b", "c")', true],
  ['scalar(sum(x)) * 2', true],
  ['1 > bool 2', true],
  ['max_over_time(rate(x[5m])[1h:5m])', true],
  ['x offset 5m', true],
  ['round(x, 0.5)', true],
  ['sum(x[5m])', false],
  ['rate(x)', false],
  ['histogram_quantile("0.9", x)', false],
  ['count_values(1, x)', false],
  ['clamp_min(x)', false],
  ['x[5m] / y', false],
  ['x and 1', false],
  ['-(x[5m])', false],
  ['x[5m][10m:]', false],
  ['(x)[5m]', false],
  ['{a=""}', false],
  ['sum(x) offset 5m', false],
  ['first_over_time(x[5m])', false],
];

describe('the PromQL type checker agrees with promtool', () => {
  it('on every query of its table', async () => {
    const files = Object.fromEntries(
      PARITY.map(([q], i) => [`q${i}.yaml`, `groups:\n  - name: q\n    rules:\n      - record: q\n        expr: ${JSON.stringify(q)}\n`]),
    );
    const run = await runPromtool(['check', 'rules', ...Object.keys(files)], files);
    const promtoolAccepts = PARITY.map((_, i) => run.stdout.includes(`Checking q${i}.yaml\n  SUCCESS`));
    expect(PARITY.map(([q], i) => [q, promtoolAccepts[i]])).toEqual(PARITY.map(([q, ok]) => [q, ok]));
    expect(PARITY.map(([q]) => [q, promqlError(q) === undefined])).toEqual(PARITY.map(([q, ok]) => [q, ok]));
  });
});
