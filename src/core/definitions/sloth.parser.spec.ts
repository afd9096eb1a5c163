import { compile } from '../compile.js';
import { isAlertingRule, type AlertingRule } from '../generate/rule-model.js';
import { parse } from 'yaml';
import { loadSpecs } from './load-specs.js';

/** Sloth's getting-started SLO, in both of Sloth's spellings. */
const PROMETHEUS_V1 = `version: prometheus/v1
service: myservice
labels:
  owner: myteam
slos:
  - name: requests-availability
    objective: 99.9
    sli:
      events:
        error_query: sum(rate(http_requests_total{job="myservice",code=~"5.."}[{{.window}}]))
        total_query: sum(rate(http_requests_total{job="myservice"}[{{.window}}]))
    alerting:
      name: MyServiceHighErrorRate
      labels:
        category: availability
      annotations:
        summary: High error rate on 'myservice' requests responses
      page_alert:
        labels:
          severity: pageteam
          routing_key: myteam
      ticket_alert:
        labels:
          severity: slack
        annotations:
          title: Slow burn on myservice
`;

/** The same SLO as a PrometheusServiceLevel: the file's content under spec:, keys in camelCase. */
const CAMEL: Readonly<Record<string, string>> = { error_query: 'errorQuery', total_query: 'totalQuery', page_alert: 'pageAlert', ticket_alert: 'ticketAlert' };
const KUBERNETES =
  'apiVersion: sloth.slok.dev/v1\nkind: PrometheusServiceLevel\nmetadata:\n  name: sloth-slo-my-service\n  namespace: monitoring\nspec:\n' +
  PROMETHEUS_V1.split('\n')
    .slice(1)
    .map((line) => (line ? `  ${line.replace(/^(\s*)(\w+):/, (m, indent: string, key: string) => `${indent}${CAMEL[key] ?? key}:`)}` : line))
    .join('\n');

function alertsOf(text: string, path: string): AlertingRule[] {
  const c = compile([{ path, text }]);
  expect(c.diagnostics).toEqual([]);
  const file = c.files.find((f) => f.path === 'rules/myservice.rules.yaml')!;
  return (parse(file.content) as { groups: { rules: AlertingRule[] }[] }).groups.flatMap((g) => g.rules).filter(isAlertingRule);
}

describe('Sloth input keeps the labels and annotations Sloth puts on its alerts', () => {
  it.each([
    ['prometheus/v1', PROMETHEUS_V1, 'slos/myservice.yaml'],
    ['sloth.slok.dev/v1 PrometheusServiceLevel', KUBERNETES, 'slos/myservice-k8s.yaml'],
  ])('%s: each tier carries sloth_severity page/ticket, the sloth_id/service/slo labels and Sloth’s title and summary', (_form, text, path) => {
    const alerts = alertsOf(text, path);
    const page = alerts.filter((a) => a.labels.alert_tier === 'page');
    const ticket = alerts.filter((a) => a.labels.alert_tier === 'ticket');
    expect(page).toHaveLength(2);
    expect(ticket).toHaveLength(2);
    const sloth = { sloth_id: 'myservice-requests-availability', sloth_service: 'myservice', sloth_slo: 'requests-availability', category: 'availability', owner: 'myteam' };
    for (const a of page) {
      expect(a.labels).toMatchObject({ ...sloth, sloth_severity: 'page', routing_key: 'myteam', severity: 'pageteam' });
      expect(a.labels).not.toHaveProperty('sloth_spec_severity');
      expect(a.annotations).toMatchObject({
        // The SLO's own summary wins over Sloth's default, as in Sloth.
        summary: "High error rate on 'myservice' requests responses",
        title: '(page) {{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget burn rate is too fast.',
      });
    }
    for (const a of ticket) {
      expect(a.labels).toMatchObject({ ...sloth, sloth_severity: 'ticket', severity: 'slack' });
      expect(a.annotations).toMatchObject({ summary: "High error rate on 'myservice' requests responses", title: 'Slow burn on myservice' });
    }
  });

  it('uses Sloth’s own summary when the spec sets none', () => {
    const [alert] = alertsOf(PROMETHEUS_V1.replace(/ {6}annotations:\n {8}summary: .*\n/, ''), 'slos/myservice.yaml');
    expect(alert!.annotations.summary).toBe('{{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget burn rate is over expected.');
  });

  it('reads both spellings into the same SLO', () => {
    const strip = (text: string, path: string) => {
      const slo = loadSpecs([{ path, text }]).documents[0]!.slos[0]!;
      return JSON.parse(JSON.stringify({ ...slo, at: undefined, alerting: { ...slo.alerting, at: undefined }, format: undefined, sli: undefined }));
    };
    expect(strip(KUBERNETES, 'k.yaml')).toEqual(strip(PROMETHEUS_V1, 'p.yaml'));
  });
});
