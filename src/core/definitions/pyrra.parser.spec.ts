import { formatDiagnostic } from '../diagnostics.js';
import { loadSpecs } from './load-specs.js';

function pyrra(indicator: string, extra = ''): string {
  return `apiVersion: pyrra.dev/v1alpha1
kind: ServiceLevelObjective
metadata:
  name: api-slo
  namespace: monitoring
  labels:
    prometheus: k8s
    pyrra.dev/team: platform
  annotations:
    pyrra.dev/runbook_url: https://runbooks.example/api
    kubectl.kubernetes.io/last-applied-configuration: "{}"
  resourceVersion: "42"
spec:
  target: "99.50"
  window: 2w
  description: API requests
  indicator:
${indicator}${extra}
status:
  type: PrometheusRule
`;
}

function load(text: string) {
  const loaded = loadSpecs([{ path: 'slos/api.yaml', text }]);
  expect(loaded.diagnostics.map(formatDiagnostic)).toEqual([]);
  return loaded.documents[0]!.slos[0]!;
}

describe('Pyrra ServiceLevelObjective', () => {
  it('maps metadata and spec: namespace as service, pyrra.dev/ labels and annotations, target and window', () => {
    const slo = load(pyrra('    ratio:\n      errors: { metric: "http_requests_total{job=\\"api\\",code=~\\"5..\\"}" }\n      total: { metric: "http_requests_total{job=\\"api\\"}" }'));
    expect(slo).toMatchObject({
      service: 'monitoring',
      name: 'api-slo',
      objective: '99.5',
      windowSeconds: 14 * 86400,
      description: 'API requests',
      labels: { team: 'platform' },
      annotations: { runbook_url: 'https://runbooks.example/api' },
      runbook: 'https://runbooks.example/api',
      format: 'pyrra.dev/v1alpha1',
      alerting: { name: 'ErrorBudgetBurn', page: { disabled: false }, ticket: { disabled: false } },
    });
  });

  it.each([
    ['ratio: errors over total', '    ratio:\n      errors: { metric: "e_total{code=~\\"5..\\"}" }\n      total: { metric: e_total }', { kind: 'events', errorQuery: { text: 'e_total{code=~"5.."}' }, totalQuery: { text: 'e_total' } }],
    ['latency: the bucket is good events, _count the total', '    latency:\n      success: { metric: "d_bucket{le=\\"0.1\\"}" }\n      total: { metric: d_count }', { kind: 'events', goodQuery: { text: 'd_bucket{le="0.1"}' }, totalQuery: { text: 'd_count' } }],
    ['latencyNative: the fraction slower than the threshold', '    latencyNative:\n      latency: 200ms\n      total: { metric: "d{job=\\"a\\"}" }', { kind: 'raw', errorRatioQuery: { text: '1 - histogram_fraction(0, 0.2, sum(rate(d{job="a"}[{{.window}}])))' } }],
    ['bool_gauge: samples at 0 are errors', '    bool_gauge:\n      metric: probe_success', { kind: 'events', errorQuery: { text: 'sum(count_over_time(probe_success[{{.window}}])) - sum(sum_over_time(probe_success[{{.window}}]))' }, totalQuery: { text: 'sum(count_over_time(probe_success[{{.window}}]))' } }],
  ])('%s', (_case, indicator, sli) => {
    expect(load(pyrra(indicator)).sli).toMatchObject(sli);
  });

  it.each([
    ['burnrates: false', '  alerting:\n    burnrates: false\n', true],
    ['disabled: true (deprecated)', '  alerting:\n    disabled: true\n', true],
    ['default severities spelled out', '  alerting:\n    name: ApiBurn\n    severities: { fastBurn: critical, slowBurn: warning, absent: critical }\n', false],
  ])('alerting %s', (_case, alerting, disabled) => {
    const slo = load(pyrra('    bool_gauge:\n      metric: probe_success\n', alerting));
    expect(slo.alerting.page.disabled).toBe(disabled);
    expect(slo.alerting.ticket.disabled).toBe(disabled);
  });

  it('takes the service from the pyrra.dev/service label before the namespace', () => {
    const text = pyrra('    bool_gauge:\n      metric: probe_success').replace('    pyrra.dev/team', '    pyrra.dev/service: api\n    pyrra.dev/team');
    expect(load(text)).toMatchObject({ service: 'api', labels: { team: 'platform' } });
  });
});
