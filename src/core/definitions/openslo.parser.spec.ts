import { loadSpecs } from './load-specs.js';

// An OpenSLO v1 SLO as the OpenSLO examples write one: no timeWindow (optional in the spec), alertPolicies left empty.
const SLO = `apiVersion: openslo/v1
kind: SLO
metadata:
  name: web-availability
spec:
  service: web
  indicator:
    metadata:
      name: web-good
    spec:
      ratioMetric:
        counter: true
        good:
          metricSource:
            type: Prometheus
            spec:
              query: http_requests_total{job="web",code!~"5.."}
        total:
          metricSource:
            type: Prometheus
            spec:
              query: http_requests_total{job="web"}
  objectives:
    - target: 0.995
  alertPolicies:
`;

describe('OpenSLO v1 as its examples write it', () => {
  it('takes an SLO without timeWindow (Vigil’s default window, 30d) and with alertPolicies left empty', () => {
    const loaded = loadSpecs([{ path: 'slos/web.yaml', text: SLO }]);
    expect(loaded.diagnostics).toEqual([]);
    const slo = loaded.documents.flatMap((d) => d.slos)[0]!;
    expect(slo).toMatchObject({ service: 'web', name: 'web-availability', objective: '99.5', windowSeconds: 30 * 86400 });
  });

  it('still reads a window it is given', () => {
    const loaded = loadSpecs([{ path: 'slos/web.yaml', text: SLO.replace('  objectives:', '  timeWindow:\n    - { duration: 28d, isRolling: true }\n  objectives:') }]);
    expect(loaded.documents.flatMap((d) => d.slos)[0]).toMatchObject({ windowSeconds: 28 * 86400 });
  });
});
