import { parse, stringify } from 'yaml';
import { readSpecDir } from '../../src/adapters/files/spec-files.js';
import { compile } from '../../src/core/compile.js';
import { formatDiagnostic } from '../../src/core/diagnostics.js';
import { describeRun, runPromtool } from '../support/promtool.js';

/**
 * Vigil's own alert, generated from the committed slos/ (rules/vigil-self.rules.yaml), played by
 * `promtool test rules`: VigilDown pages when no replica is up or none is scraped, after its 2m
 * `for`, and not while one replica still takes the webhooks. Rules are evaluated every minute.
 */
const RULES_PATH = 'rules/vigil-self.rules.yaml';
const compiled = compile(await readSpecDir('slos'));
const rulesFile = compiled.files.find((f) => f.path === RULES_PATH);
const rule = (parse(rulesFile?.content ?? 'groups: []') as { groups: { rules: { alert?: string; labels: object; annotations: object }[] }[] }).groups
  .flatMap((g) => g.rules)
  .find((r) => r.alert === 'VigilDown');

const up = (instance: string, values: string) => ({ series: `up{job="vigil",instance="${instance}"}`, values });
const firing = (m: number) => ({
  eval_time: `${m}m`,
  alertname: 'VigilDown',
  // The labels of both arms of the expression: `max by (job)` and `absent(up{job="vigil"})`.
  exp_alerts: [{ exp_labels: { job: 'vigil', ...rule?.labels }, exp_annotations: rule?.annotations }],
});
const quiet = (m: number) => ({ eval_time: `${m}m`, alertname: 'VigilDown', exp_alerts: [] });

const scenarios: [string, object[], object[]][] = [
  ['one of two replicas down: the other takes every webhook, no page', [up('a', '1x10'), up('b', '1 1 0x8')], [quiet(5), quiet(10)]],
  ['every replica down: pending for 2m, then a page', [up('a', '1 1 0x8'), up('b', '1 1 0x8')], [quiet(3), firing(4), firing(10)]],
  ['never scraped at all: pages like down', [{ series: 'up{job="prometheus",instance="p"}', values: '1x10' }], [quiet(1), firing(2), firing(10)]],
  // The down targets then vanish from service discovery: `absent` takes over with the same labels,
  // so the alert keeps its pending time (1m) and fires at 3m, not 2m after the vanishing.
  ['down, then not scraped any more: one alert, no reset of its pending time', [up('a', '1 0 0 stale'), up('b', '1 0 0 stale')], [quiet(2), firing(3), firing(8)]],
];

describe('VigilDown (rules/vigil-self.rules.yaml) in promtool test rules', () => {
  it('is generated from the committed slos/ with the routing spec', () => {
    expect(compiled.diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(rule).toMatchObject({ labels: { severity: 'critical', service: 'vigil' }, annotations: { runbook_url: 'runbooks/vigil.md#vigildown' } });
  });

  it('fires exactly when no replica is up or scraped, after 2m', async () => {
    const tests = scenarios.map(([name, input_series, alert_rule_test]) => ({ name, interval: '1m', input_series, alert_rule_test }));
    const testFile = stringify({ rule_files: [RULES_PATH], evaluation_interval: '1m', tests }, { lineWidth: 0 });
    const r = await runPromtool(['test', 'rules', 'test.yaml'], { [RULES_PATH]: rulesFile!.content, 'test.yaml': testFile });
    expect({ code: r.code, output: describeRun(r) }).toEqual({ code: 0, output: expect.stringContaining('SUCCESS') });
  });

  it('is judged for real: the same test fails when the page comes a minute early', async () => {
    const tests = [{ name: 'early', interval: '1m', input_series: [up('a', '1 1 0x8')], alert_rule_test: [firing(3)] }];
    const testFile = stringify({ rule_files: [RULES_PATH], evaluation_interval: '1m', tests }, { lineWidth: 0 });
    const r = await runPromtool(['test', 'rules', 'test.yaml'], { [RULES_PATH]: rulesFile!.content, 'test.yaml': testFile });
    expect(r.code).toBe(1);
    expect(describeRun(r)).toContain('alertname: VigilDown, time: 3m');
  });
});
