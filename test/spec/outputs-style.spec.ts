import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { compile } from '../../src/core/compile.js';
import { loadSpecs, type SpecInput } from '../../src/core/definitions/load-specs.js';
import { formatDiagnostic } from '../../src/core/diagnostics.js';
import { urgencyFor } from '../../src/core/oncall/route-decision.js';
import { describeRun, runPromtool } from '../support/promtool.js';

/**
 * A fleet's own severity values and absolute runbook links (kind: Outputs) on every generated
 * alert, judged by promtool, and what the routing and on-call specs then expect.
 */

const SERVICE: SpecInput = {
  path: 'slos/checkout.yaml',
  text: `apiVersion: vigil/v1
service: checkout
runbook: runbooks/checkout.md
slos:
  - name: availability
    objective: 99.9
    sli:
      events:
        errorQuery: http_requests_total{service="checkout",code=~"5.."}
        totalQuery: http_requests_total{service="checkout"}
  - name: payments
    objective: 99
    runbook: https://wiki.example.com/checkout/payments
    sli:
      events:
        errorQuery: payments_total{service="checkout",result="error"}
        totalQuery: payments_total{service="checkout"}
alerts:
  - name: CheckoutQueueStuck
    expr: checkout_queue_oldest_seconds > 600
    severity: info
    summary: the checkout queue is stuck
    runbook: ./runbooks/checkout.md#queue
`,
};

const outputs = (body: string): SpecInput => ({ path: 'slos/outputs.yaml', text: `apiVersion: vigil/v1\nkind: Outputs\n${body}` });
const P1_P3 = outputs('severities:\n  critical: P1\n  warning: P3\nrunbooks:\n  baseUrl: https://github.com/acme/fleet/blob/main\n');

type Alert = { alert?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
function alerts(inputs: SpecInput[]): Alert[] {
  const { files, diagnostics } = compile(inputs);
  expect(diagnostics.map(formatDiagnostic)).toEqual([]);
  const file = files.find((f) => f.path === 'rules/checkout.rules.yaml')!;
  return (parse(file.content) as { groups: { rules: Alert[] }[] }).groups.flatMap((g) => g.rules).filter((r) => r.alert);
}

it('puts the fleet’s severity values and absolute runbook links on every alert, and promtool loads the file', async () => {
  const rules = alerts([SERVICE, P1_P3]);
  const seen = rules.map((r) => [r.alert, r.labels?.alert_tier ?? '-', r.labels?.severity, r.annotations?.runbook_url]);
  expect(seen).toEqual(
    expect.arrayContaining([
      ['AvailabilityBudgetBurn', 'page', 'P1', 'https://github.com/acme/fleet/blob/main/runbooks/checkout.md'],
      ['AvailabilityBudgetBurn', 'ticket', 'P3', 'https://github.com/acme/fleet/blob/main/runbooks/checkout.md'],
      ['PaymentsBudgetBurn', 'page', 'P1', 'https://wiki.example.com/checkout/payments'],
      ['CheckoutQueueStuck', '-', 'info', 'https://github.com/acme/fleet/blob/main/runbooks/checkout.md#queue'],
      ['SLIDataAbsent', 'absent', 'P3', 'https://github.com/acme/fleet/blob/main/runbooks/slo-data-absent.md'],
    ]),
  );
  const { files } = compile([SERVICE, P1_P3]);
  const r = await runPromtool(['check', 'rules', 'checkout.rules.yaml'], { 'checkout.rules.yaml': files.find((f) => f.path === 'rules/checkout.rules.yaml')!.content });
  expect(r.code).toBe(0);
  expect(describeRun(r)).toMatch(/SUCCESS/);
});

it('without an Outputs spec, Vigil’s own levels and the paths as written', () => {
  const rules = alerts([SERVICE]);
  expect(new Set(rules.map((r) => r.labels?.severity))).toEqual(new Set(['critical', 'warning', 'info']));
  expect(rules.find((r) => r.alert === 'CheckoutQueueStuck')?.annotations?.runbook_url).toBe('./runbooks/checkout.md#queue');
});

it('routing matchers are checked against the fleet’s values, and the on-call default urgency follows them', () => {
  const routing = (severity: string): SpecInput => ({
    path: 'slos/routing.yaml',
    text: `apiVersion: vigil/v1\nkind: Routing\ndefaultReceiver: vigil\nreceivers:\n  - name: vigil\n    webhook:\n      url: http://vigil:3000/api/alerts/alertmanager\nroutes:\n  - match: { severity: ${severity} }\n    receivers: [vigil]\n`,
  });
  // The Outputs spec may come after the routing spec: it is read first either way.
  expect(loadSpecs([routing('critical'), P1_P3]).diagnostics.map(formatDiagnostic)).toEqual([
    `slos/routing.yaml:9:24: severity "critical" never occurs on Vigil's alerts, use one of P1, P3, info`,
  ]);
  expect(loadSpecs([routing('P1'), P1_P3]).diagnostics).toEqual([]);

  // The repository's own on-call spec leaves lowUrgencySeverities at its default.
  const oncall: SpecInput = { path: 'slos/oncall.yaml', text: readFileSync('slos/oncall.yaml', 'utf8').replace(/^  lowUrgencySeverities:.*\n/m, '') };
  const loaded = loadSpecs([oncall, P1_P3]);
  expect(loaded.diagnostics.map(formatDiagnostic)).toEqual([]);
  const spec = loaded.oncall[0]!;
  expect(spec.incidents.lowUrgencySeverities).toEqual(['P3', 'info']);
  expect([urgencyFor(spec, { severity: 'P1' }), urgencyFor(spec, { severity: 'P3' })]).toEqual(['high', 'low']);
});

it('an SLO without a runbook links Vigil’s generic one under the base URL, and carries none without a base URL', () => {
  const bare: SpecInput = { path: SERVICE.path, text: SERVICE.text.replace('runbook: runbooks/checkout.md\n', '') };
  const url = (inputs: SpecInput[]) => alerts(inputs).find((r) => r.alert === 'AvailabilityBudgetBurn')?.annotations?.runbook_url;
  expect(url([bare, P1_P3])).toBe('https://github.com/acme/fleet/blob/main/runbooks/slo-error-budget-burn.md');
  expect(url([bare])).toBeUndefined();
});
