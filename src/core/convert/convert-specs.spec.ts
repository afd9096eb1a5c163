import { parse } from 'yaml';
import { check } from '../check.js';
import { formatDiagnostic } from '../diagnostics.js';
import { convertedName, convertSpecs } from './convert-specs.js';

const SPEC = `apiVersion: vigil/v1
service: shop
slos:
  - name: checkout-latency
    objective: 99.5
    window: month
    sli:
      latency:
        metric: http_request_duration_seconds
        selector: '{job="shop"}'
        threshold: 1
        buckets: [0.5, 1, 2]
    alerting:
      page:
        severity: pager
`;

describe('convertSpecs', () => {
  it.each([
    ['slos/checkout.yaml', 'vigil', 'checkout.vigil.yaml'],
    ['slos/team/search.sloth.yml', 'vigil', 'search.sloth.vigil.yaml'],
    ['edge.vigil.yaml', 'vigil', 'edge.vigil.yaml'],
    ['inventory.openslo.yaml', 'vigil', 'inventory.vigil.yaml'],
    ['slos/checkout.yaml', 'openslo', 'checkout.openslo.yaml'],
  ] as const)('names the output of %s as %s: %s', (path, to, name) => {
    expect(convertedName(path, to)).toBe(name);
  });

  it('writes a tier severity into vigil/v1, which reads it back', () => {
    const out = convertSpecs([{ path: 'shop.yaml', text: SPEC }], 'vigil').files[0]!.content;
    expect(out.split('\n')[0]).toBe('# Converted by vigil from shop.yaml (vigil/v1)');
    const slo = check([{ path: 'shop.yaml', text: out }]).fleet.services[0]!.slos[0]!;
    expect([slo.alerting.page.severity, slo.alerting.ticket.severity, slo.calendar]).toEqual(['pager', undefined, 'month']);
  });

  it('writes a latency SLI to OpenSLO as bucket over count and a calendar month as a 1M window, noting the tier severity', () => {
    const r = convertSpecs([{ path: 'shop.yaml', text: SPEC }], 'openslo');
    const spec = parse(r.files[0]!.content).spec;
    expect(spec.indicator.spec.ratioMetric).toEqual({
      counter: true,
      good: { metricSource: { type: 'Prometheus', spec: { query: 'http_request_duration_seconds_bucket{job="shop",le=~"1|1\\\\.0"}' } } },
      total: { metricSource: { type: 'Prometheus', spec: { query: 'http_request_duration_seconds_count{job="shop"}' } } },
    });
    expect([spec.timeWindow, spec.objectives]).toEqual([[{ duration: '1M', isRolling: false, calendar: { startTime: '2020-01-01 00:00:00', timeZone: 'UTC' } }], [{ target: 0.995 }]]);
    expect(r.notes.map(formatDiagnostic)).toEqual([
      "shop.yaml:4:5: SLO checkout-latency: the absent-data alert's watch of the http_request_duration_seconds_bucket series at the threshold left out: Vigil reads no alert settings from OpenSLO",
      'shop.yaml:9:17: SLO checkout-latency: histogram buckets left out: OpenSLO has no place for them, so the threshold is no longer checked against them',
      'shop.yaml:14:7: SLO checkout-latency: page tier severity pager left out: Vigil reads no alert settings from OpenSLO',
    ]);
    expect(r.complete).toEqual([]);
  });

  it('converts nothing from input with problems, returning them as validate does', () => {
    const r = convertSpecs([{ path: 'shop.yaml', text: SPEC.replace('objective: 99.5', 'objective: 100') }], 'vigil');
    expect([r.files, r.diagnostics.map(formatDiagnostic)]).toEqual([[], [expect.stringMatching(/^shop\.yaml:5:16: objective 100 leaves no error budget/)]]);
  });
});
