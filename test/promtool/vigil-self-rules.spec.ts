import { readFile } from 'node:fs/promises';
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
const selfRules = (parse(rulesFile?.content ?? 'groups: []') as { groups: { rules: { alert?: string; labels: Record<string, string>; annotations: object }[] }[] }).groups.flatMap((g) => g.rules);
const vigilRule = (alert: string) => selfRules.find((r) => r.alert === alert);
const rule = vigilRule('VigilDown');

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

/**
 * Vigil's other health alerts, each played twice by promtool: a series that must fire it (checked
 * a minute before and at the minute it fires, through ALERTS, whose labels are the alert's), and
 * one that must not. Their annotation templates are checked by `vigil validate` and promtool.
 */
const series = (name: string, labels: string, values: string) => ({ series: `${name}{job="vigil",instance="a"${labels}}`, values });
const alerts = (alert: string, minute: number, extra: Record<string, string>, fires: boolean) => ({
  expr: `ALERTS{alertname="${alert}",alertstate="firing"}`,
  eval_time: `${minute}m`,
  exp_samples: fires ? [{ labels: `ALERTS${labelText({ alertname: alert, alertstate: 'firing', ...extra, ...vigilRule(alert)?.labels })}`, value: 1 }] : [],
});
const labelText = (labels: Record<string, string>) => `{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(',')}}`;

const health: [string, { series: string; values: string }[], minute: number, extra: Record<string, string>, quiet: { series: string; values: string }[]][] = [
  // Quiet: one replica still reaches the database.
  ['VigilDatabaseUnreachable', [series('vigil_database_up', '', '1 1 0x20')], 4, { job: 'vigil' }, [series('vigil_database_up', '', '1 1 0x20'), { series: 'vigil_database_up{job="vigil",instance="b"}', values: '1x20' }]],
  ['VigilNotificationsFailing', [series('vigil_notifications_total', ',sink="pagerduty",result="failed"', '0x5 1x20')], 6, { job: 'vigil', sink: 'pagerduty' }, [series('vigil_notifications_total', ',sink="pagerduty",result="delivered"', '0x5 1x20')]],
  ['VigilNotificationsStuck', [series('vigil_notification_outbox_age_seconds', ',sink="slack"', '0+60x20')], 8, { job: 'vigil', sink: 'slack' }, [series('vigil_notification_outbox_age_seconds', ',sink="slack"', '0+60x5 0x15')]],
  ['VigilWebhookFailing', [{ series: 'alertmanager_notifications_failed_total{job="alertmanager",integration="webhook"}', values: '0x5 1x20' }], 6, {}, [{ series: 'alertmanager_notifications_failed_total{job="alertmanager",integration="webhook"}', values: '0x25' }]],
  ['VigilBudgetCycleStale', [series('vigil_budget_last_success_timestamp_seconds', '', '0x30')], 21, { job: 'vigil' }, [series('vigil_budget_last_success_timestamp_seconds', '', '0+60x30')]],
  ['VigilBudgetCycleFailing', [series('vigil_budget_cycle_failures_total', '', '0x5 10x20')], 6, { job: 'vigil' }, [series('vigil_budget_cycle_failures_total', '', '0x5 1x20')]],
  ['VigilJobsLate', [series('vigil_jobs_queue_age_seconds', ',kind="page-delivery"', '400x20')], 5, { job: 'vigil', kind: 'page-delivery' }, [series('vigil_jobs_queue_age_seconds', ',kind="page-delivery"', '200x20')]],
  ['VigilJobsMissed', [series('vigil_jobs_missed_total', ',kind="budget-cycle"', '0x5 1x20')], 6, { job: 'vigil', kind: 'budget-cycle' }, [series('vigil_jobs_missed_total', ',kind="budget-cycle"', '0x25')]],
  ['VigilSpecProblems', [series('vigil_spec_problems', '', '2x30')], 15, { job: 'vigil' }, [series('vigil_spec_problems', '', '2x10 0x20')]],
];

describe("Vigil's health alerts (rules/vigil-self.rules.yaml) in promtool test rules", () => {
  it('generates one alert per health signal, each with its runbook section, and marks those Vigil cannot page about itself', async () => {
    const runbook = await readFile('runbooks/vigil.md', 'utf8');
    for (const [alert] of health) {
      const r = vigilRule(alert);
      expect(r?.labels.service).toBe('vigil');
      expect(runbook).toContain(`## ${alert}\n`);
    }
    const bypass = selfRules.filter((r) => r.labels.vigil_bypass === 'true').map((r) => r.alert);
    expect(bypass).toEqual(['VigilDown', 'VigilDatabaseUnreachable', 'VigilNotificationsFailing', 'VigilNotificationsStuck', 'VigilWebhookFailing']);
  });

  it.each(health)('%s fires when it should, not a minute earlier, and stays quiet otherwise', async (alert, input, minute, extra, quietInput) => {
    const tests = [
      { name: `${alert} fires`, interval: '1m', input_series: input, promql_expr_test: [alerts(alert, minute - 1, extra, false), alerts(alert, minute, extra, true)] },
      { name: `${alert} quiet`, interval: '1m', input_series: quietInput, promql_expr_test: [alerts(alert, minute, extra, false), alerts(alert, minute + 5, extra, false)] },
    ];
    const testFile = stringify({ rule_files: [RULES_PATH], evaluation_interval: '1m', tests }, { lineWidth: 0 });
    const r = await runPromtool(['test', 'rules', 'test.yaml'], { [RULES_PATH]: rulesFile!.content, 'test.yaml': testFile });
    expect({ code: r.code, output: describeRun(r) }).toEqual({ code: 0, output: expect.stringContaining('SUCCESS') });
  });
});
