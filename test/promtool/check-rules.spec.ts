import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { readSpecDir } from '../../src/adapters/files/spec-files.js';
import { compile, type Compilation } from '../../src/core/compile.js';
import { formatDiagnostic } from '../../src/core/diagnostics.js';
import type { GeneratedFile } from '../../src/core/generate/rule-files.js';
import { isVectorSelector } from '../../src/core/promql/promql.js';
import { describeRun, runPromtool } from '../support/promtool.js';

/**
 * promtool, the tool Prometheus itself uses to load rule files, judges every rule file Vigil
 * generates: the fixture fleet in test/promtool/fixtures (every SLI kind, window and alerting
 * option, in every spec format Vigil reads, with Sloth's and Pyrra's own examples among them) and
 * whatever the repository's own slos/ folder holds.
 * Both files of a service are checked: the plain rule file and the `spec.groups` of the
 * PrometheusRule, which must be the very same groups.
 */
const FIXTURES = 'test/promtool/fixtures';

interface RuleGroupYaml {
  name: string;
  rules: Record<string, unknown>[];
}

async function loadFixtures() {
  const names = (await readdir(FIXTURES)).filter((n) => /\.ya?ml$/.test(n)).sort();
  return Promise.all(names.map(async (n) => ({ path: join(FIXTURES, n), text: await readFile(join(FIXTURES, n), 'utf8') })));
}

function ruleCount(groups: readonly RuleGroupYaml[]): number {
  return groups.reduce((n, g) => n + g.rules.length, 0);
}

/** The `spec.groups` of a generated PrometheusRule, as a plain Prometheus rule file. */
function groupsOfPrometheusRule(content: string): RuleGroupYaml[] {
  const obj = parse(content) as { apiVersion?: string; kind?: string; spec?: { groups?: RuleGroupYaml[] } };
  expect(obj.apiVersion).toBe('monitoring.coreos.com/v1');
  expect(obj.kind).toBe('PrometheusRule');
  expect(obj.spec?.groups?.length).toBeGreaterThan(0);
  return obj.spec!.groups!;
}

/**
 * Runs `promtool check rules` (duplicate-rule lint made fatal) on the given rule files and
 * expects each to load with exactly the number of rules its YAML holds.
 */
async function expectPromtoolAccepts(files: readonly { path: string; content: string }[]): Promise<void> {
  const run = await runPromtool(
    ['check', 'rules', '--lint=all', '--lint-fatal', ...files.map((f) => f.path)],
    Object.fromEntries(files.map((f) => [f.path, f.content])),
  );
  expect({ code: run.code, output: describeRun(run) }).toEqual({ code: 0, output: expect.any(String) });
  for (const f of files) {
    const groups = (parse(f.content) as { groups: RuleGroupYaml[] }).groups;
    expect(run.stdout).toContain(`Checking ${f.path}\n  SUCCESS: ${ruleCount(groups)} rules found\n`);
  }
  expect(run.stderr).not.toMatch(/duplicate|FAILED/i);
}

/** Every file of a compilation, paired up: plain rule file and the rule file extracted from the PrometheusRule. */
function ruleFilesOf(files: readonly GeneratedFile[]) {
  const plain = files.filter((f) => f.path.endsWith('.rules.yaml'));
  return plain.map((f) => {
    const crd = files.find((c) => c.path === f.path.replace(/\.rules\.yaml$/, '.prometheusrule.yaml'));
    return { plain: f, crd };
  });
}

const fixtures = compile(await loadFixtures());
const fixtureFiles = ruleFilesOf(fixtures.files);

describe('promtool check rules: fixture fleet (native, Sloth, OpenSLO, Pyrra)', () => {
  it('compiles without diagnostics into a rule file and a PrometheusRule per service', () => {
    expect(fixtures.diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(fixtures.files.map((f) => f.path).filter((p) => p.startsWith('rules/') && p.endsWith('.yaml')).sort()).toEqual(
      ['edge-proxy', 'home-wifi', 'inventory', 'monitoring', 'myservice', 'payments', 'probes', 'search'].flatMap((s) => [`rules/${s}.prometheusrule.yaml`, `rules/${s}.rules.yaml`]),
    );
  });

  it('covers every SLI kind, window and alerting option it claims to', () => {
    expect(coverage(fixtures)).toEqual({
      formats: ['openslo/v1', 'pyrra.dev/v1alpha1', 'sloth.slok.dev/v1', 'sloth/prometheus/v1', 'vigil/v1'],
      sliKinds: ['events bare selector', 'events error/total', 'events good/total', 'latency', 'raw'],
      windows: ['14d', '28d', '30d', '7d'],
      pageDisabled: true,
      ticketDisabled: true,
      customWindows: true,
      forOnTier: true,
      thresholdAlerts: 4,
      serviceWithoutSlos: true,
    });
  });

  it.each(fixtureFiles.map((f) => [f.plain.path, f]))('%s passes promtool check rules', async (_path, f) => {
    await expectPromtoolAccepts([f.plain]);
  });

  it.each(fixtureFiles.map((f) => [f.crd?.path ?? '(missing PrometheusRule)', f]))(
    '%s carries the same groups as the rule file, and they pass promtool check rules',
    async (_path, f) => {
      expect(f.crd).toBeDefined();
      const groups = groupsOfPrometheusRule(f.crd!.content);
      expect(groups).toEqual((parse(f.plain.content) as { groups: RuleGroupYaml[] }).groups);
      await expectPromtoolAccepts([{ path: f.crd!.path.replace(/\.yaml$/, '.groups.yaml'), content: stringify({ groups }, { lineWidth: 0 }) }]);
    },
  );
});

describe('promtool check rules: the repository slos/ and drills/ folders', () => {
  it('compiles without diagnostics, and every file it generates passes promtool check rules', async () => {
    const inputs = await readSpecDir('slos');
    const result = compile(inputs, await readSpecDir('drills', process.cwd(), { missingOk: true }));
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([]);
    if (inputs.length > 0) expect(result.files.length).toBeGreaterThan(0);
    // The drill and backup alerts (rules/vigil-drills.rules.yaml) are checked with the services' rules.
    expect(result.files.map((f) => f.path)).toEqual(expect.arrayContaining(['rules/vigil-drills.rules.yaml', 'rules/vigil-drills.prometheusrule.yaml']));
    const pairs = ruleFilesOf(result.files);
    expect(pairs.length * 2).toBe(result.files.filter((f) => f.path.startsWith('rules/') && f.path.endsWith('.yaml')).length);
    if (pairs.length === 0) return;
    await expectPromtoolAccepts([
      ...pairs.map((p) => p.plain),
      ...pairs.map((p) => {
        expect(p.crd).toBeDefined();
        const groups = groupsOfPrometheusRule(p.crd!.content);
        expect(groups).toEqual((parse(p.plain.content) as { groups: RuleGroupYaml[] }).groups);
        return { path: p.crd!.path.replace(/\.yaml$/, '.groups.yaml'), content: stringify({ groups }, { lineWidth: 0 }) };
      }),
    ]);
  });
});

/** What the fixture fleet exercises, so a fixture edit cannot silently drop a case. */
function coverage(c: Compilation) {
  const slos = c.fleet.services.flatMap((s) => s.slos);
  const kinds = new Set<string>();
  for (const slo of slos) {
    const sli = slo.sli;
    if (sli.kind === 'events') {
      kinds.add(sli.goodQuery ? 'events good/total' : 'events error/total');
      if (isVectorSelector(sli.totalQuery.text)) kinds.add('events bare selector');
    } else kinds.add(sli.kind);
  }
  const days = (s: number) => `${s / 86400}d`;
  return {
    formats: [...new Set(slos.map((s) => s.format))].sort(),
    sliKinds: [...kinds].sort(),
    windows: [...new Set(slos.map((s) => days(s.windowSeconds)))].sort(),
    pageDisabled: slos.some((s) => s.alerting.page.disabled),
    ticketDisabled: slos.some((s) => s.alerting.ticket.disabled),
    customWindows: slos.some((s) => s.alerting.windows !== undefined),
    forOnTier: slos.some((s) => s.alerting.page.forSeconds > 0 || s.alerting.ticket.forSeconds > 0),
    thresholdAlerts: c.fleet.services.reduce((n, s) => n + s.alerts.length, 0),
    serviceWithoutSlos: c.fleet.services.some((s) => s.slos.length === 0),
  };
}
