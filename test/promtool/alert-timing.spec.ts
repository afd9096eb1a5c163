import { parse, stringify } from 'yaml';
import { compile } from '../../src/core/compile.js';
import { formatDiagnostic } from '../../src/core/diagnostics.js';
import { promtoolScenarios } from '../support/promtool.js';
import {
  alertLabels,
  counterValues,
  expectedAlert,
  FAULT,
  labelsText,
  minutes,
  tierRule,
  TIERS,
  type RuleFile,
  type TierName,
  type Traffic,
} from './timing-model.js';

/**
 * `promtool test rules` plays synthetic traffic through the generated rules of a 99.9 % / 30d
 * request SLO and checks *when* the multi-window multi-burn-rate alerts fire (SRE Workbook
 * table 5-8): a fast burn pages at once, a slower one pages later, a slow one only opens a
 * ticket, and no traffic never alerts.
 *
 * Every scenario: 100 req/s sampled every minute, rules evaluated every minute, 3 days of clean
 * traffic (the longest alert window) before the fault starts at FAULT = 3d. The bounds come from
 * the burn-rate arithmetic, not from the generated rules, so a wrong threshold or window fails:
 *   100 % errors: the 1h/5m page (threshold 14.4 × 0.1 % = 1.44 %) is crossed within minutes;
 *   2 % errors: the 1h ratio is 2 % × t/60m, over 1.44 % once t > 43.2m; the derived windows lag
 *     the raw rate by ~2.5m (see slo-rules.ts), so the first page is due between 38m and 47m;
 *   0.5 % errors: under both page thresholds (1.44 %, 0.6 %) for good; the 1d ratio
 *     0.5 % × t/24h passes 0.3 % and the 3d ratio 0.5 % × t/72h passes 0.1 % after t = 14.4h.
 * Firing alerts are compared with their labels and annotations: the generated rule of each tier
 * is found by severity, windows and burn rate, and `{{ $value | humanizePercentage }}` is filled
 * in from timing-model.ts, which recomputes the long-window ratio from the synthetic counters.
 */
const SPEC = `apiVersion: vigil/v1
service: checkout
labels:
  team: payments
slos:
  - name: availability
    objective: 99.9
    sli:
      events:
        errorQuery: http_requests_total{job="checkout",code=~"5.."}
        totalQuery: http_requests_total{job="checkout"}
`;
const ALERT = 'AvailabilityBudgetBurn';
const SLO_LABELS = { service: 'checkout', slo: 'availability', team: 'payments' };
const SEL = '{service="checkout",slo="availability"}';
const RULES_PATH = 'rules/checkout.rules.yaml';
/** Requests per minute at 100 req/s. */
const RPM = 6000;

const compiled = compile([{ path: 'slos/checkout.yaml', text: SPEC }]);
const rulesFile = compiled.files.find((f) => f.path === RULES_PATH);
const rules = parse(rulesFile?.content ?? 'groups: []') as RuleFile;

/** Clean for FAULT minutes, then `errorRatio` of all requests fail for `faultMinutes`. */
function traffic(errorRatio: number, faultMinutes: number): Traffic {
  const errorsPerMinute = RPM * errorRatio;
  return {
    ok: [
      [FAULT, RPM],
      [faultMinutes, RPM - errorsPerMinute],
    ],
    errors: [
      [FAULT, 0],
      [faultMinutes, errorsPerMinute],
    ],
  };
}

const inputSeries = (t: Traffic) => [
  { series: 'http_requests_total{job="checkout",code="200"}', values: counterValues(t.ok) },
  { series: 'http_requests_total{job="checkout",code="500"}', values: counterValues(t.errors) },
];

const at = (m: number) => `${m}m`;

/** alert_rule_test: exactly these tiers firing at minute `t`, with labels and annotations. */
const alertsAt = (t: number, traffic: Traffic, tiers: readonly TierName[]) => ({
  eval_time: at(t),
  alertname: ALERT,
  exp_alerts: tiers.map((name) => expectedAlert(rules, ALERT, TIERS[name], traffic, t)),
});

/** No alert of this SLO firing at any evaluation from the start of the test up to minute `t`. */
const neverFiredBy = (t: number, matchers = '') => ({
  expr: `count_over_time(ALERTS{alertname="${ALERT}",alertstate="firing"${matchers}}[${at(t + 1)}])`,
  eval_time: at(t),
  exp_samples: [],
});

const alertsSeries = (tier: TierName) =>
  labelsText('ALERTS', { ...alertLabels(tierRule(rules, ALERT, TIERS[tier])), alertname: ALERT, alertstate: 'firing' });

/** Exactly these tiers firing at minute `t`, judged on the ALERTS series (labels, no $value). */
const onlyTiersFiring = (t: number, tiers: readonly TierName[]) => ({
  expr: `ALERTS{alertname="${ALERT}",alertstate="firing"}`,
  eval_time: at(t),
  exp_samples: tiers.map((tier) => ({ labels: alertsSeries(tier), value: 1 })),
});

/** This tier firing at minute `t`, whatever the others do. */
const tierFiring = (t: number, tier: TierName) => {
  const { severity, longWindow, shortWindow, burnRate } = TIERS[tier];
  return {
    expr: `ALERTS{alertname="${ALERT}",alertstate="firing",severity="${severity}",long_window="${longWindow}",short_window="${shortWindow}",burn_rate="${burnRate}"}`,
    eval_time: at(t),
    exp_samples: [{ labels: alertsSeries(tier), value: 1 }],
  };
};

/** A recorded series of the SLO has exactly this value at minute `t`. */
const recorded = (metric: string, t: number, value: number) => ({
  expr: `${metric}${SEL}`,
  eval_time: at(t),
  exp_samples: [{ labels: labelsText(metric, SLO_LABELS), value }],
});

function testFile(tests: object[]): string {
  return stringify(
    {
      rule_files: [RULES_PATH],
      evaluation_interval: '1m',
      // Without this promtool evaluates the groups of one timestamp in random order (real
      // Prometheus runs them independently, so there an alert may trail its series by a minute).
      group_eval_order: rules.groups.map((g) => g.name),
      tests,
    },
    { lineWidth: 0 },
  );
}

const outage = traffic(1, 30);
const twoPercent = traffic(0.02, 70);
const halfPercent = traffic(0.005, minutes('15h'));

const scenarios = {
  outage: testFile([
    {
      name: 'all requests fail from 3d',
      interval: '1m',
      input_series: inputSeries(outage),
      alert_rule_test: [
        { eval_time: at(FAULT), alertname: ALERT, exp_alerts: [] },
        alertsAt(FAULT + 30, outage, ['page1h', 'page6h', 'ticket1d', 'ticket3d']),
      ],
      promql_expr_test: [
        // The window model behind $value: in Prometheus 2.x a [1h] range over 1m samples holds 61.
        { expr: `count_over_time(slo:sli_total:rate5m${SEL}[1h])`, eval_time: at(FAULT), exp_samples: [{ labels: labelsText('', SLO_LABELS), value: 61 }] },
        neverFiredBy(FAULT),
        recorded('slo:error_budget_remaining:ratio', FAULT, 1),
        recorded('slo:sli_error:ratio_rate30d', FAULT, 0),
        tierFiring(FAULT + 5, 'page1h'),
      ],
    },
  ]),
  twoPercent: testFile([
    {
      name: '2 % of requests fail from 3d',
      interval: '1m',
      input_series: inputSeries(twoPercent),
      alert_rule_test: [
        { eval_time: at(FAULT + 37), alertname: ALERT, exp_alerts: [] },
        // The 1h window is all 2 % by now; the 6h page needs 1h51m, the tickets hours more.
        alertsAt(FAULT + 70, twoPercent, ['page1h']),
      ],
      promql_expr_test: [
        recorded('slo:error_budget_remaining:ratio', FAULT, 1),
        neverFiredBy(FAULT + 37),
        onlyTiersFiring(FAULT + 47, ['page1h']),
      ],
    },
  ]),
  halfPercent: testFile([
    {
      name: '0.5 % of requests fail from 3d',
      interval: '1m',
      input_series: inputSeries(halfPercent),
      alert_rule_test: [
        ...['1h', '6h', '13h'].map((t) => ({ eval_time: at(FAULT + minutes(t)), alertname: ALERT, exp_alerts: [] })),
        alertsAt(FAULT + minutes('15h'), halfPercent, ['ticket1d', 'ticket3d']),
      ],
      promql_expr_test: [
        neverFiredBy(FAULT + minutes('13h')),
        onlyTiersFiring(FAULT + minutes('15h'), ['ticket1d', 'ticket3d']),
        // Both page windows hold 0.5 % from 6h5m on: no page at any evaluation.
        neverFiredBy(FAULT + minutes('15h'), ',severity="critical"'),
      ],
    },
  ]),
  noTraffic: testFile(
    (
      [
        [
          'flat counters',
          [
            { series: 'http_requests_total{job="checkout",code="200"}', values: '123456+0x480' },
            { series: 'http_requests_total{job="checkout",code="500"}', values: '42+0x480' },
          ],
        ],
        ['no series at all', []],
      ] as const
    ).map(([name, series]) => ({
      name: `no traffic: ${name}`,
      interval: '1m',
      input_series: series,
      alert_rule_test: ['5m', '1h', '8h'].map((t) => ({ eval_time: t, alertname: ALERT, exp_alerts: [] })),
      promql_expr_test: [
        neverFiredBy(minutes('8h')),
        ...['1h', '8h'].flatMap((t) =>
          ['slo:sli_error:ratio_rate5m', 'slo:sli_error:ratio_rate1h', 'slo:sli_error:ratio_rate3d', 'slo:sli_error:ratio_rate30d']
            .map((m) => recorded(m, minutes(t), 0))
            .concat(recorded('slo:error_budget_remaining:ratio', minutes(t), 1)),
        ),
      ],
    })),
  ),
};

const expectPromtoolPasses = promtoolScenarios(scenarios, 'timing.test.yaml', () => ({ [RULES_PATH]: rulesFile!.content }));

const SLOW = 300_000;

describe('promtool test rules: burn-rate alert timing of a 99.9 % / 30d SLO', () => {
  it('the SLO compiles, with one alerting rule per workbook tier', () => {
    expect(compiled.diagnostics.map(formatDiagnostic)).toEqual([]);
    for (const tier of Object.values(TIERS)) expect(() => tierRule(rules, ALERT, tier)).not.toThrow();
  });

  it(
    'total outage: no alert in 3 clean days, the 1h/5m page by 5 minutes, all four tiers at 30 minutes',
    () => expectPromtoolPasses('outage'),
    SLOW,
  );

  it(
    '2 % errors: no alert at any minute up to 37m, the 1h/5m page alone at 47m and at 70m',
    () => expectPromtoolPasses('twoPercent'),
    SLOW,
  );

  it(
    '0.5 % errors: no alert at any minute up to 13h, both tickets (1d/2h, 3d/6h) at 15h, never a page',
    () => expectPromtoolPasses('halfPercent'),
    SLOW,
  );

  it(
    'no traffic (flat counters, or no series at all): never an alert, ratios 0 (not NaN), budget remaining 1',
    () => expectPromtoolPasses('noTraffic'),
    SLOW,
  );
});
