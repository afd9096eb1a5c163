import { parse } from 'yaml';
import { compile } from '../../src/core/compile.js';
import type { SpecInput } from '../../src/core/definitions/load-specs.js';
import { formatDiagnostic } from '../../src/core/diagnostics.js';
import { absentExpr, watchedSeries } from '../../src/core/generate/absent-alert.js';
import type { Sli } from '../../src/core/model/slo.js';
import { describeRun, runPromtool } from '../support/promtool.js';

/**
 * The absent-data alert (docs/slo-spec.md, "Missing data") in every format: which series it
 * watches, the fleet's default (kind: Outputs, `absentAlerts`) and what a native SLO sets over it.
 * When it fires is played by promtool in test/promtool/absent-data.spec.ts.
 */
type Rule = { alert?: string; expr: string; for?: string; labels?: Record<string, string>; annotations?: Record<string, string> };

function absentRules(inputs: SpecInput[], service = 'checkout'): Rule[] {
  const { files, diagnostics } = compile(inputs);
  expect(diagnostics.map(formatDiagnostic)).toEqual([]);
  const file = files.find((f) => f.path === `rules/${service}.rules.yaml`)!;
  return (parse(file.content) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules).filter((r) => r.alert === 'SLIDataAbsent');
}

const native = (alerting = '', extra = ''): SpecInput => ({
  path: 'slos/checkout.yaml',
  text: `apiVersion: vigil/v1
service: checkout
slos:
  - name: availability
    objective: 99.9
    annotations: { dashboard: "https://grafana.example.com/d/checkout", description: "written for the burn-rate alerts" }
    sli:
      events:
        errorQuery: http_requests_total{job="checkout",code=~"5.."}
        totalQuery: http_requests_total{job="checkout"}
${alerting ? `    alerting:\n${alerting}` : ''}${extra}`,
});

const sloth: SpecInput = {
  path: 'slos/search.yaml',
  text: `version: prometheus/v1
service: search
slos:
  - name: queries
    objective: 99.5
    sli:
      events:
        error_query: sum(rate(search_queries_total{code=~"5.."}[{{.window}}]))
        total_query: sum(rate(search_queries_total[{{.window}}]))
    alerting:
      annotations: { runbook_url: https://runbooks.example.com/search }
`,
};

const openslo: SpecInput = {
  path: 'slos/inventory.yaml',
  text: `apiVersion: openslo/v1
kind: SLO
metadata:
  name: lookups
spec:
  service: inventory
  indicator:
    metadata:
      name: lookups
    spec:
      ratioMetric:
        good:
          metricSource:
            spec:
              query: inventory_lookups_total{result="hit"}
        total:
          metricSource:
            spec:
              query: inventory_lookups_total
  objectives:
    - target: 0.99
`,
};

const outputs = (body: string): SpecInput => ({ path: 'slos/outputs.yaml', text: `apiVersion: vigil/v1\nkind: Outputs\n${body}` });

describe('which series an SLI’s absent-data alert watches', () => {
  const q = (text: string) => ({ text, field: 'q', at: { file: 'f', line: 1, col: 1 }, locate: () => ({ file: 'f', line: 1, col: 1 }) });
  const expr = (sli: Sli) => absentExpr(watchedSeries(sli));

  it('events: every selector of the total query, each required; never the error or good side', () => {
    expect(expr({ kind: 'events', errorQuery: q('x_total{code=~"5.."}'), totalQuery: q('x_total{job="a"}') })).toBe('absent(x_total{job="a"})');
    expect(
      expr({
        kind: 'events',
        goodQuery: q('sum(rate(x_total{code="200"}[{{.window}}]))'),
        totalQuery: q('sum(rate(x_total{ job = "a" }[{{.window}}] offset 1m)) + sum(rate(y_total{job="a"}[{{.window}}]))'),
      }),
    ).toBe('absent(x_total{job="a"}) or absent(y_total{job="a"})');
  });

  it('latency: _count and the threshold bucket with the SLI’s selector, the bucket’s le as a regex', () => {
    const latency = (thresholdSeconds: number, selector: string): Sli => ({
      kind: 'latency',
      metric: 'h_seconds',
      selector,
      thresholdSeconds,
      at: { metric: q('').at, selector: q('').at, threshold: q('').at },
      selectorQuery: q(selector),
    });
    expect(expr(latency(1, 'job="a"'))).toBe('absent(h_seconds_count{job="a"}) or absent(h_seconds_bucket{job="a",le=~"1|1\\\\.0"})');
    expect(expr(latency(0.25, ''))).toBe('absent(h_seconds_count) or absent(h_seconds_bucket{le=~"0\\\\.25"})');
  });

  it('raw: the selectors together, alerting only when none has a series; none at all, no alert', () => {
    expect(expr({ kind: 'raw', errorRatioQuery: q('1 - avg(avg_over_time(up{job="a"}[{{.window}}]))') })).toBe('absent(up{job="a"})');
    expect(expr({ kind: 'raw', errorRatioQuery: q('sum(rate(e{job="a"}[{{.window}}])) / sum(rate(t{job="a"}[{{.window}}]))') })).toBe(
      'absent(e{job="a"} or t{job="a"})',
    );
    expect(expr({ kind: 'raw', errorRatioQuery: q('vector(0.001) * count_over_time(vector(1)[{{.window}}:])') })).toBeUndefined();
  });
});

describe('the absent-data alert’s settings', () => {
  it('default in every format: 10m, a ticket (warning), its own runbook, alert_tier absent', () => {
    for (const [input, service, slo] of [
      [native(), 'checkout', 'availability'],
      [sloth, 'search', 'queries'],
      [openslo, 'inventory', 'lookups'],
    ] as const) {
      const [rule, ...more] = absentRules([input], service);
      expect(more).toEqual([]);
      expect(rule).toMatchObject({
        for: '10m',
        labels: { service, slo, severity: 'warning', alert_tier: 'absent' },
        annotations: { summary: `${service} ${slo}: no SLI data for 10m`, runbook_url: 'runbooks/slo-data-absent.md' },
      });
    }
    expect(absentRules([sloth], 'search')[0]!.expr).toBe('absent(search_queries_total)');
    expect(absentRules([openslo], 'inventory')[0]!.expr).toBe('absent(inventory_lookups_total)');
  });

  it('the SLO’s annotations reach it, except the summary, description and runbook written for its burn-rate alerts', () => {
    const [rule] = absentRules([native()]);
    expect(rule!.annotations).toMatchObject({ dashboard: 'https://grafana.example.com/d/checkout', runbook_url: 'runbooks/slo-data-absent.md' });
    expect(rule!.annotations!.description).toMatch(/^Prometheus has had no series matching `http_requests_total\{job="checkout"\}` for 10m\./);
  });

  it('a native SLO sets for, severity, labels and annotations, or switches it off', () => {
    const [rule] = absentRules([
      native('      labels: { component: api }\n      absent:\n        for: 30m\n        severity: page\n        labels: { channel: sre }\n        annotations: { runbook_url: runbooks/checkout.md#no-data }\n'),
    ]);
    expect(rule).toMatchObject({
      for: '30m',
      labels: { component: 'api', channel: 'sre', severity: 'critical', alert_tier: 'absent' },
      annotations: { summary: 'checkout availability: no SLI data for 30m', runbook_url: 'runbooks/checkout.md#no-data' },
    });
    expect(absentRules([native('      absent: { disabled: true }\n')])).toEqual([]);
  });

  it('the Outputs spec sets the fleet’s default; an SLO may still override it', () => {
    const fleet = outputs('absentAlerts:\n  for: 20m\n  severity: page\n');
    expect(absentRules([native(), fleet])[0]).toMatchObject({ for: '20m', labels: { severity: 'critical' } });
    expect(absentRules([sloth, fleet], 'search')[0]).toMatchObject({ for: '20m', labels: { severity: 'critical' } });
    expect(absentRules([native('      absent: { severity: ticket }\n'), fleet])[0]).toMatchObject({ for: '20m', labels: { severity: 'warning' } });
    const off = outputs('absentAlerts: { disabled: true }\n');
    expect(absentRules([native(), off])).toEqual([]);
    expect(absentRules([openslo, off], 'inventory')).toEqual([]);
    expect(absentRules([native('      absent: { disabled: false }\n'), off])).toHaveLength(1);
  });

  it('is styled with the fleet’s severity values and runbook base URL, and promtool loads it', async () => {
    const fleet = outputs('severities: { critical: P1, warning: P3 }\nrunbooks:\n  baseUrl: https://github.com/acme/fleet/blob/main\n');
    expect(absentRules([native(), fleet])[0]).toMatchObject({
      labels: { severity: 'P3' },
      annotations: { runbook_url: 'https://github.com/acme/fleet/blob/main/runbooks/slo-data-absent.md' },
    });
    const content = compile([native(), fleet]).files.find((f) => f.path === 'rules/checkout.rules.yaml')!.content;
    const r = await runPromtool(['check', 'rules', '--lint=all', '--lint-fatal', 'checkout.rules.yaml'], { 'checkout.rules.yaml': content });
    expect({ code: r.code, out: describeRun(r) }).toEqual({ code: 0, out: expect.stringContaining('SUCCESS') });
  });

  it('keeps a {{ from a label value out of Prometheus’s template expansion', () => {
    const spec = native().text.replace('totalQuery: http_requests_total{job="checkout"}', `totalQuery: 'http_requests_total{job="{{x}}"}'`);
    const [rule] = absentRules([{ path: 'slos/checkout.yaml', text: spec }]);
    expect(rule!.expr).toBe('absent(http_requests_total{job="{{x}}"})');
    expect(rule!.annotations!.description).toContain('`http_requests_total{job="{{ "{{" }}x}}"}`');
  });
});
