import { alertmanagerConfig, matcherText } from '../../src/core/generate/alertmanager/alertmanager-config.js';
import { alertmanagerFiles } from '../../src/core/generate/alertmanager/alertmanager-files.js';
import type { Matcher, RoutingSpec } from '../../src/core/model/routing.js';

/** From routing spec to Alertmanager's configuration object. */
const AT = { file: 'routing.yaml', line: 1, col: 1 };
const m = (label: string, ...values: string[]): Matcher => ({ label, values, at: values.map(() => AT) });

const base: RoutingSpec = {
  file: 'slos/routing.yaml',
  defaultReceiver: 'slack-warning',
  groupBy: ['alertname', 'service'],
  groupWaitSeconds: 30,
  groupIntervalSeconds: 300,
  repeatIntervalSeconds: 14400,
  receivers: [
    { name: 'slack-warning', slack: { channel: '#alerts-warning', apiUrlFile: '/s/w', sendResolved: true }, at: AT },
    { name: 'pd', pagerduty: { routingKeyFile: '/s/pd', sendResolved: true }, at: AT },
    { name: 'vigil', webhook: { url: 'http://vigil:3000/api/alerts/alertmanager', sendResolved: true }, at: AT },
  ],
  routes: [],
  inhibit: [],
};

describe('Alertmanager configuration', () => {
  it('puts grouping and timing on the root route, as Alertmanager durations', () => {
    expect(alertmanagerConfig(base).route).toEqual({
      receiver: 'slack-warning',
      group_by: ['alertname', 'service'],
      group_wait: '30s',
      group_interval: '5m',
      repeat_interval: '4h',
    });
  });

  it('fans a route with several receivers out into sibling routes that continue, except the last', () => {
    const cfg = alertmanagerConfig({ ...base, routes: [{ match: [m('severity', 'critical')], receivers: ['pd', 'slack-warning'], continue: false, at: AT }] });
    expect(cfg.route.routes).toEqual([
      { receiver: 'pd', matchers: ['severity="critical"'], continue: true },
      { receiver: 'slack-warning', matchers: ['severity="critical"'] },
    ]);
  });

  it('adds a catch-all for the default receiver after a continue route, which would otherwise swallow unrouted alerts', () => {
    const cfg = alertmanagerConfig({
      ...base,
      routes: [
        { match: [], receivers: ['vigil'], continue: true, at: AT },
        { match: [m('severity', 'critical')], receivers: ['pd'], continue: false, at: AT },
      ],
    });
    expect(cfg.route.routes).toEqual([
      { receiver: 'vigil', continue: true },
      { receiver: 'pd', matchers: ['severity="critical"'] },
      { receiver: 'slack-warning' },
    ]);
  });

  it('writes inhibit rules with matchers and equal labels', () => {
    const cfg = alertmanagerConfig({ ...base, inhibit: [{ source: [m('alert_tier', 'page')], target: [m('alert_tier', 'ticket')], equal: ['service', 'slo'] }] });
    expect(cfg.inhibit_rules).toEqual([{ source_matchers: ['alert_tier="page"'], target_matchers: ['alert_tier="ticket"'], equal: ['service', 'slo'] }]);
  });

  it('refers to secrets by file only', () => {
    expect(alertmanagerConfig(base).receivers).toEqual([
      { name: 'slack-warning', slack_configs: [{ send_resolved: true, api_url_file: '/s/w', channel: '#alerts-warning' }] },
      { name: 'pd', pagerduty_configs: [{ send_resolved: true, routing_key_file: '/s/pd' }] },
      { name: 'vigil', webhook_configs: [{ send_resolved: true, url: 'http://vigil:3000/api/alerts/alertmanager' }] },
    ]);
  });

  it('sends a webhook bearer token from a file, and caps alerts per notification only when asked', () => {
    const cfg = alertmanagerConfig({
      ...base,
      receivers: [
        { name: 'vigil', webhook: { url: 'http://vigil:3000/api/alerts/alertmanager', credentialsFile: '/s/vigil', sendResolved: true }, at: AT },
        { name: 'relay', webhook: { url: 'https://relay.example.com/alerts', maxAlerts: 50, sendResolved: false }, at: AT },
      ],
    });
    expect(cfg.receivers).toEqual([
      {
        name: 'vigil',
        webhook_configs: [
          {
            send_resolved: true,
            url: 'http://vigil:3000/api/alerts/alertmanager',
            http_config: { authorization: { type: 'Bearer', credentials_file: '/s/vigil' } },
          },
        ],
      },
      { name: 'relay', webhook_configs: [{ send_resolved: false, url: 'https://relay.example.com/alerts', max_alerts: 50 }] },
    ]);
  });

  it.each([
    ['one value is an equality', m('service', 'redis'), 'service="redis"'],
    ['several values are an anchored alternative', m('service', 'redis', 'postgres'), 'service=~"redis|postgres"'],
    ['regex characters in values are escaped', m('team', 'a.b', 'c+d'), 'team=~"a\\\\.b|c\\\\+d"'],
    ['quotes and backslashes are escaped', m('team', 'say "hi"\\'), 'team="say \\"hi\\"\\\\"'],
  ])('matcher: %s', (_case, matcher, text) => {
    expect(matcherText(matcher)).toBe(text);
  });

  it('writes nothing without a routing spec', () => {
    expect(alertmanagerFiles(undefined)).toEqual([]);
  });

  it('writes one file that starts with the generated-by marker and is the same on every run', () => {
    const files = alertmanagerFiles(base);
    expect(files.map((f) => f.path)).toEqual(['deploy/alertmanager/alertmanager.yml']);
    expect(files[0]!.content.split('\n')[0]).toBe(
      '# Generated by vigil from slos/routing.yaml. Do not edit: change the spec and run `vigil generate`.',
    );
    expect(alertmanagerFiles(base)).toEqual(files);
  });
});
