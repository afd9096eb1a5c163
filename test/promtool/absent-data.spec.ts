import { parse, stringify } from 'yaml';
import { compile } from '../../src/core/compile.js';
import { formatDiagnostic } from '../../src/core/diagnostics.js';
import { describeRun, promtoolScenarios, runPromtool } from '../support/promtool.js';
import { labelsText, type AlertingRuleYaml, type RuleFile } from './timing-model.js';

/**
 * Missing data must not read as healthy (docs/slo-spec.md, "Missing data"): `promtool test rules`
 * plays the generated rules of four SLOs, one of each way an SLI reads its series, against inputs
 * that are there, that are there but flat (no traffic), that vanish, and one bucket that vanishes.
 *
 * Every input comes from a scrape: a vanished series gets a staleness marker (`stale`) as
 * Prometheus writes one when a scrape fails or a target or series disappears, so `absent()` is
 * true from that minute on and the alert fires its `for:` later. Samples and rule evaluations
 * every minute. The expected labels are written out here, not read from the generator, so a
 * generator with a wrong label cannot agree with itself; the annotations are the rule's own.
 */
const SPEC = `apiVersion: vigil/v1
service: checkout
labels:
  team: payments
histograms:
  http_request_duration_seconds: [0.1, 0.25, 0.5, 1]
slos:
  # Events: the total counter is watched (default: 10m, ticket). The 5xx series is not: it
  # legitimately does not exist until the first error.
  - name: availability
    objective: 99.9
    sli:
      events:
        errorQuery: http_requests_total{job="checkout",code=~"5.."}
        totalQuery: http_requests_total{job="checkout"}
  # Latency: _count and the threshold's _bucket are watched; this one pages after 15 minutes.
  - name: latency
    objective: 99
    sli:
      latency:
        metric: http_request_duration_seconds
        selector: '{job="checkout"}'
        threshold: 250ms
    alerting:
      absent: { for: 15m, severity: page }
  # Raw, one selector.
  - name: psp-probe
    objective: 99.5
    sli:
      raw:
        errorRatioQuery: 1 - avg(avg_over_time(probe_success{job="blackbox",target="psp"}[{{.window}}]))
    alerting:
      absent: { for: 5m }
  # Raw, two selectors: only all of them missing fires (the failed series may never exist).
  - name: payments
    objective: 99
    sli:
      raw:
        errorRatioQuery: |
          sum(rate(payments_total{job="checkout",result="failed"}[{{.window}}]))
            / sum(rate(payments_total{job="checkout"}[{{.window}}]))
`;
const RULES_PATH = 'rules/checkout.rules.yaml';
const ALERT = 'SLIDataAbsent';
const compiled = compile([{ path: 'slos/checkout.yaml', text: SPEC }]);
const rulesFile = compiled.files.find((f) => f.path === RULES_PATH);
const rules = parse(rulesFile?.content ?? 'groups: []') as RuleFile;

type SloName = 'availability' | 'latency' | 'psp-probe' | 'payments';
const SLOS: readonly SloName[] = ['availability', 'latency', 'psp-probe', 'payments'];

/** What each SLO's absent-data alert must carry, and its `for:` in minutes. */
const EXPECTED: Record<SloName, { forMinutes: number; labels: Record<string, string> }> = {
  // absent() adds the selector's equality matchers: job="checkout".
  availability: { forMinutes: 10, labels: { team: 'payments', service: 'checkout', slo: 'availability', severity: 'warning', alert_tier: 'absent', job: 'checkout' } },
  latency: { forMinutes: 15, labels: { team: 'payments', service: 'checkout', slo: 'latency', severity: 'critical', alert_tier: 'absent', job: 'checkout' } },
  'psp-probe': { forMinutes: 5, labels: { team: 'payments', service: 'checkout', slo: 'psp-probe', severity: 'warning', alert_tier: 'absent', job: 'blackbox', target: 'psp' } },
  // absent(a or b) has no selector to take labels from.
  payments: { forMinutes: 10, labels: { team: 'payments', service: 'checkout', slo: 'payments', severity: 'warning', alert_tier: 'absent' } },
};

function absentRule(slo: SloName): AlertingRuleYaml {
  const found = rules.groups.flatMap((g) => g.rules).filter((r) => r.alert === ALERT && r.labels?.slo === slo);
  if (found.length !== 1) throw new Error(`expected one ${ALERT} rule of SLO ${slo}, found ${found.length}`);
  return found[0]!;
}

/** The alert as alert_rule_test expects it: the labels above, the rule's annotations (they hold no templates). */
const expected = (slo: SloName) => ({ exp_labels: EXPECTED[slo].labels, exp_annotations: absentRule(slo).annotations ?? {} });

/** Exactly these SLOs' absent-data alerts firing at minute `t`. */
const firing = (t: number, slos: readonly SloName[]) => ({ eval_time: `${t}m`, alertname: ALERT, exp_alerts: slos.map(expected) });

/** No alert matching `matchers` pending or firing at any evaluation from 0 to minute `t`. */
const neverActive = (t: number, matchers: string) => ({ expr: `count_over_time(ALERTS{${matchers}}[${t + 1}m])`, eval_time: `${t}m`, exp_samples: [] });

const END = 120;
/** A counter growing by `perMinute` from minute 0 to END. */
const counter = (perMinute: number, start = 0) => `${start}+${perMinute}x${END}`;
/** A counter scraped until minute `gone` (a staleness marker then), back from minute `back` on (a fresh process: from 0). */
const vanishing = (perMinute: number, gone: number, back = END + 1) =>
  `0+${perMinute}x${gone - 1} stale` + (back <= END ? ` _x${back - gone - 1} 0+${perMinute}x${END - back}` : '');

interface Inputs {
  requests?: string;
  errors?: string;
  count?: string;
  fastBucket?: string;
  slowBucket?: string;
  probe?: string;
  payments?: string;
  failedPayments?: string;
}

/** The scraped series; one left undefined does not exist at all. */
function series(i: Inputs) {
  const s: [string, string | undefined][] = [
    ['http_requests_total{job="checkout",code="200"}', i.requests],
    ['http_requests_total{job="checkout",code="500"}', i.errors],
    ['http_request_duration_seconds_count{job="checkout"}', i.count],
    ['http_request_duration_seconds_bucket{job="checkout",le="0.25"}', i.fastBucket],
    ['http_request_duration_seconds_bucket{job="checkout",le="+Inf"}', i.count],
    ['http_request_duration_seconds_bucket{job="checkout",le="0.3"}', i.slowBucket],
    ['probe_success{job="blackbox",target="psp",instance="https://psp.example.com/health"}', i.probe],
    ['payments_total{job="checkout",result="ok"}', i.payments],
    ['payments_total{job="checkout",result="failed"}', i.failedPayments],
  ];
  return s.filter((e): e is [string, string] => e[1] !== undefined).map(([name, values]) => ({ series: name, values }));
}

const healthy: Inputs = {
  requests: counter(6000),
  errors: counter(0, 3),
  count: counter(6000),
  fastBucket: counter(6000),
  probe: `1x${END}`,
  payments: counter(100),
  failedPayments: counter(0, 1),
};

function testFile(name: string, inputs: Inputs, alertTests: object[], exprTests: object[]): string {
  return stringify(
    {
      rule_files: [RULES_PATH],
      evaluation_interval: '1m',
      group_eval_order: rules.groups.map((g) => g.name),
      tests: [{ name, interval: '1m', input_series: series(inputs), alert_rule_test: alertTests, promql_expr_test: exprTests }],
    },
    { lineWidth: 0 },
  );
}

const budgetIntact = (t: number) =>
  SLOS.map((slo) => ({
    expr: `slo:error_budget_remaining:ratio{service="checkout",slo="${slo}"}`,
    eval_time: `${t}m`,
    exp_samples: [{ labels: labelsText('slo:error_budget_remaining:ratio', { service: 'checkout', slo, team: 'payments' }), value: 1 }],
  }));

const scenarios = {
  present: testFile(
    'every input scraped: nothing',
    healthy,
    [15, 60, END].map((t) => firing(t, [])),
    [neverActive(END, `alertname="${ALERT}"`)],
  ),
  noTraffic: testFile(
    'no traffic: every total counter there but flat, the error and failed series never created: no absent alert, no burn alert, budgets whole',
    { requests: `5000x${END}`, count: `5000x${END}`, fastBucket: `4990x${END}`, probe: `1x${END}`, payments: `70x${END}` },
    [15, 60, END].map((t) => firing(t, [])),
    [neverActive(END, `alertstate=~"pending|firing"`), ...budgetIntact(END)],
  ),
  vanish: testFile(
    'every input gone at 30m (staleness markers), back at 60m: each SLO fires its for: later, and stops when they are back',
    {
      requests: vanishing(6000, 30, 60),
      errors: vanishing(0, 30, 60),
      count: vanishing(6000, 30, 60),
      fastBucket: vanishing(6000, 30, 60),
      probe: `1x29 stale _x29 1x${END - 60}`,
      payments: vanishing(100, 30, 60),
      failedPayments: vanishing(0, 30, 60),
    },
    [
      firing(29, []),
      // psp-probe 5m, availability and payments 10m (the default), latency 15m.
      firing(34, []),
      firing(35, ['psp-probe']),
      firing(39, ['psp-probe']),
      firing(40, ['availability', 'psp-probe', 'payments']),
      firing(44, ['availability', 'psp-probe', 'payments']),
      firing(45, ['availability', 'latency', 'psp-probe', 'payments']),
      firing(59, ['availability', 'latency', 'psp-probe', 'payments']),
      firing(60, []),
      firing(END, []),
    ],
    [
      // Pending from the first evaluation without the series: the alert's clock starts at once.
      {
        expr: `ALERTS{alertname="${ALERT}",slo="availability"}`,
        eval_time: '30m',
        exp_samples: [{ labels: labelsText('ALERTS', { ...EXPECTED.availability.labels, alertname: ALERT, alertstate: 'pending' }), value: 1 }],
      },
      // Why the alert is needed: with the inputs gone the SLIs read 0 errors and no burn-rate alert stirs.
      neverActive(END, `alertname=~".*BudgetBurn"`),
      ...budgetIntact(59),
    ],
  ),
  bucketGone: testFile(
    'the threshold bucket gone at 30m (the histogram re-bucketed): only the latency SLO fires, 15m later',
    { ...healthy, fastBucket: vanishing(6000, 30), slowBucket: `_x30 0+6000x${END - 30}` },
    [firing(44, []), firing(45, ['latency']), firing(END, ['latency'])],
    [neverActive(END, `alertname="${ALERT}",slo!="latency"`)],
  ),
  failedOnly: testFile(
    'a raw ratio SLI whose error series never existed and whose total is there: no alert; the total gone too: it fires',
    { ...healthy, failedPayments: undefined, payments: vanishing(100, 60) },
    [firing(69, []), firing(70, ['payments'])],
    [neverActive(69, `alertname="${ALERT}",alertstate="firing"`)],
  ),
  notScraped: testFile(
    'a series that just stops (no staleness marker: federated or remote-written) counts as there for the 5m lookback',
    { ...healthy, probe: '1x29' },
    [firing(39, []), firing(40, ['psp-probe'])],
    [],
  ),
};

const expectPromtoolPasses = promtoolScenarios(scenarios, 'absent.test.yaml', () => ({ [RULES_PATH]: rulesFile!.content }));

describe('promtool test rules: absent-data alerts (SLIDataAbsent)', () => {
  it('the SLOs compile, each with one absent-data alert watching the raw series its SLI reads', () => {
    expect(compiled.diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(Object.fromEntries(SLOS.map((slo) => [slo, [absentRule(slo).expr, absentRule(slo).for]]))).toEqual({
      availability: ['absent(http_requests_total{job="checkout"})', '10m'],
      // The bucket's le as a regex: absent() then adds the same labels for either input.
      latency: [String.raw`absent(http_request_duration_seconds_count{job="checkout"}) or absent(http_request_duration_seconds_bucket{job="checkout",le=~"0\\.25"})`, '15m'],
      'psp-probe': ['absent(probe_success{job="blackbox",target="psp"})', '5m'],
      payments: ['absent(payments_total{job="checkout",result="failed"} or payments_total{job="checkout"})', '10m'],
    });
    expect(absentRule('availability').annotations).toEqual({
      summary: 'checkout availability: no SLI data for 10m',
      description: expect.stringContaining('Prometheus has had no series matching `http_requests_total{job="checkout"}` for 10m.'),
      runbook_url: 'runbooks/slo-data-absent.md',
    });
  });

  it('inputs there: no absent-data alert, not even pending', () => expectPromtoolPasses('present'));

  it('no traffic (flat counters; error series never created): no absent-data alert, no burn alert, every budget whole', () => expectPromtoolPasses('noTraffic'));

  it('inputs gone: each SLO alerts after its own for: (5m, 10m, 15m) with its labels, while the SLIs read 0 errors; back: resolved', () =>
    expectPromtoolPasses('vanish'));

  it('a latency SLI whose threshold bucket vanishes alerts though _count is still there', () => expectPromtoolPasses('bucketGone'));

  it('a raw SLI with several selectors alerts only when none of them has a series', () => expectPromtoolPasses('failedOnly'));

  it('a series that stops without a staleness marker is absent 5m later (the lookback), then the for: runs', () => expectPromtoolPasses('notScraped'));

  it('is judged for real: the same scenario fails when the alert is expected a minute early', async () => {
    const early = testFile('early', { ...healthy, probe: `1x29 stale` }, [firing(34, ['psp-probe'])], []);
    const r = await runPromtool(['test', 'rules', 'absent.test.yaml'], { [RULES_PATH]: rulesFile!.content, 'absent.test.yaml': early });
    expect(r.code).toBe(1);
    expect(describeRun(r)).toContain(`alertname: ${ALERT}, time: 34m`);
  });
});
