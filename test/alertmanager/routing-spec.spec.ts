import { formatDiagnostic } from '../../src/core/diagnostics.js';
import { checkRouting, parseRoutingDocument } from '../../src/core/definitions/routing.parser.js';
import type { RoutingSpec } from '../../src/core/model/routing.js';
import { parseYamlFile } from '../../src/core/definitions/yaml-source.js';
import type { Fleet, Service } from '../../src/core/model/slo.js';

/** Parsing and validating `kind: Routing`; every problem is a `file:line:col: message`. */
const FILE = 'slos/routing.yaml';

const HEAD = `apiVersion: vigil/v1
kind: Routing
defaultReceiver: slack-warning
`;
const SLACK = `  - name: slack-warning
    slack:
      channel: '#alerts-warning'
      apiUrlFile: /etc/alertmanager/secrets/slack-warning-url
`;

function parse(text: string) {
  const parsed = parseYamlFile(FILE, text);
  expect(parsed.diagnostics).toEqual([]);
  const r = parseRoutingDocument(parsed.documents[0]!);
  return { spec: r.spec, errors: r.diagnostics.map(formatDiagnostic) };
}

function fleetOf(...names: string[]): Fleet {
  return { services: names.map((name) => ({ name, labels: {}, files: [], slos: [], alerts: [] }) as Service) };
}

describe('routing spec', () => {
  it('fills in the seed defaults: group by alertname and service, 30s wait, 5m interval, 4h repeat', () => {
    const { spec, errors } = parse(`${HEAD}receivers:\n${SLACK}`);
    expect(errors).toEqual([]);
    expect(spec).toEqual<RoutingSpec>({
      file: FILE,
      defaultReceiver: 'slack-warning',
      groupBy: ['alertname', 'service'],
      groupWaitSeconds: 30,
      groupIntervalSeconds: 300,
      repeatIntervalSeconds: 14400,
      receivers: [
        {
          name: 'slack-warning',
          slack: { channel: '#alerts-warning', apiUrlFile: '/etc/alertmanager/secrets/slack-warning-url', sendResolved: true },
          at: { file: FILE, line: 5, col: 5 },
        },
      ],
      routes: [],
      inhibit: [],
    });
  });

  it('keeps routes in order, with several values of a label as alternatives', () => {
    const { spec, errors } = parse(`${HEAD}receivers:
${SLACK}routes:
  - match: { service: [eudr-compliance, fuel-analyzer], severity: critical }
    receivers: [slack-warning]
    continue: true
`);
    expect(errors).toEqual([]);
    expect(spec!.routes).toEqual([
      {
        match: [
          { label: 'service', values: ['eudr-compliance', 'fuel-analyzer'], at: [{ file: FILE, line: 10, col: 24 }, { file: FILE, line: 10, col: 41 }] },
          { label: 'severity', values: ['critical'], at: [{ file: FILE, line: 10, col: 67 }] },
        ],
        receivers: ['slack-warning'],
        continue: true,
        at: { file: FILE, line: 10, col: 5 },
      },
    ]);
  });

  it.each([
    [
      'an inline Slack webhook URL is refused and the file field is not reported missing too',
      `receivers:\n  - name: s\n    slack:\n      channel: '#x'\n      apiUrl: https://hooks.slack.com/services/T/B/X\n`,
      [`${FILE}:8:7: "apiUrl" would put a secret in the spec, which is committed: store it in a file and set apiUrlFile to the file's path`],
    ],
    [
      'a Slack webhook URL in the file field is an inline secret',
      `receivers:\n  - name: s\n    slack:\n      channel: '#x'\n      apiUrlFile: https://hooks.slack.com/services/T/B/X\n`,
      [`${FILE}:8:19: apiUrlFile looks like an inline secret: put the secret in a file (e.g. a mounted Kubernetes Secret) and give its absolute path`],
    ],
    [
      'a PagerDuty integration key in the file field is an inline secret',
      `receivers:\n  - name: p\n    pagerduty:\n      routingKeyFile: R0123456789ABCDEF0123456789ABCDE\n`,
      [`${FILE}:7:23: routingKeyFile looks like an inline secret: put the secret in a file (e.g. a mounted Kubernetes Secret) and give its absolute path`],
    ],
    [
      'a relative secret file path is refused: Alertmanager would resolve it against its own working directory',
      `receivers:\n  - name: p\n    pagerduty:\n      routingKeyFile: secrets/pd\n`,
      [`${FILE}:7:23: routingKeyFile "secrets/pd" must be an absolute file path`],
    ],
    [
      'a webhook URL with a token in its query is refused',
      `receivers:\n  - name: w\n    webhook:\n      url: https://relay.example.com/hook?token=abc\n`,
      [`${FILE}:7:12: webhook URL looks like it carries a secret; put a bearer token in a file and set webhook.credentialsFile, or use a slack or pagerduty receiver with a secret file`],
    ],
    [
      'a Slack incoming-webhook URL given as a generic webhook is refused',
      `receivers:\n  - name: w\n    webhook:\n      url: https://hooks.slack.com/services/T/B/X\n`,
      [`${FILE}:7:12: webhook URL looks like it carries a secret; put a bearer token in a file and set webhook.credentialsFile, or use a slack or pagerduty receiver with a secret file`],
    ],
    [
      'an SMTP password is refused',
      `receivers:\n  - name: e\n    email: { to: a@example.com, from: b@example.com, smarthost: 'smtp.example.com:587', password: x }\n`,
      [`${FILE}:6:89: "password" would put a secret in the spec, which is committed: store it in a file and set authPasswordFile to the file's path`],
    ],
  ])('%s', (_case, body, expected) => {
    const { spec, errors } = parse(`apiVersion: vigil/v1\nkind: Routing\ndefaultReceiver: ${/name: (\w+)/.exec(body)![1]}\n${body}`);
    expect(errors).toEqual(expected);
    expect(spec).toBeUndefined();
  });

  it.each([
    ['a misspelt top-level field gets a did-you-mean', `groupWiat: 1m\nreceivers:\n${SLACK}`, [`${FILE}:4:1: unknown field "groupWiat", did you mean "groupWait"?`]],
    ['a misspelt receiver field gets a did-you-mean', `receivers:\n${SLACK}      sendResolve: false\n`, [`${FILE}:9:7: unknown field "sendResolve", did you mean "sendResolved"?`]],
    [
      'a route naming a missing receiver gets the nearest name',
      `receivers:\n${SLACK}routes:\n  - receivers: [slack-warnings]\n`,
      [`${FILE}:10:17: no receiver named "slack-warnings", did you mean "slack-warning"?`],
    ],
    ['the default receiver must exist', `receivers:\n  - name: vigil\n    webhook: { url: 'http://vigil:3000/api/alerts/alertmanager' }\n`, [`${FILE}:3:18: no receiver named "slack-warning"`]],
    ['receiver names are unique', `receivers:\n${SLACK}${SLACK}`, [`${FILE}:9:11: receiver "slack-warning" is already defined at line 5`]],
    ['durations are checked', `repeatInterval: four hours\nreceivers:\n${SLACK}`, [`${FILE}:4:17: "four hours" is not a duration (use e.g. 30s, 5m, 1h30m, 30d)`]],
    ['a zero repeat interval is refused, as Alertmanager does', `repeatInterval: 0s\nreceivers:\n${SLACK}`, [`${FILE}:4:17: repeatInterval must be longer than 0s`]],
    [
      'a severity no alert carries would never match',
      `receivers:\n${SLACK}routes:\n  - match: { severity: page }\n    receivers: [slack-warning]\n`,
      [`${FILE}:10:24: severity "page" never occurs on Vigil's alerts, use one of critical, warning, info`],
    ],
    [
      'a near miss of a Vigil label is a typo',
      `receivers:\n${SLACK}inhibit:\n  - source: { alert_teir: page }\n    target: { alert_tier: ticket }\n    equal: [service]\n`,
      [`${FILE}:10:15: label "alert_teir" is not on Vigil's alerts, did you mean "alert_tier"?`],
    ],
  ])('%s', (_case, body, expected) => {
    const { spec, errors } = parse(HEAD + body);
    expect(errors).toEqual(expected);
    expect(spec).toBeUndefined();
  });

  it('reads a webhook bearer credentials file and a cap on alerts per notification', () => {
    const { spec, errors } = parse(`apiVersion: vigil/v1
kind: Routing
defaultReceiver: vigil
receivers:
  - name: vigil
    webhook:
      url: http://vigil:3000/api/alerts/alertmanager
      credentialsFile: /etc/alertmanager/secrets/vigil-ingest-token
      maxAlerts: 0
`);
    expect(errors).toEqual([]);
    expect(spec!.receivers[0]!.webhook).toEqual({
      url: 'http://vigil:3000/api/alerts/alertmanager',
      credentialsFile: '/etc/alertmanager/secrets/vigil-ingest-token',
      maxAlerts: 0,
      sendResolved: true,
    });
  });

  it.each([
    [
      'an inline bearer token is refused, pointing at credentialsFile',
      `    webhook:\n      url: http://vigil:3000/api/alerts/alertmanager\n      bearerToken: vgl_abc\n`,
      [`${FILE}:8:7: "bearerToken" would put a secret in the spec, which is committed: store it in a file and set credentialsFile to the file's path`],
    ],
    [
      'a token in the credentials file field is an inline secret',
      `    webhook:\n      url: http://vigil:3000/api/alerts/alertmanager\n      credentialsFile: vgl_0123456789abcdef0123\n`,
      [`${FILE}:8:24: credentialsFile looks like an inline secret: put the secret in a file (e.g. a mounted Kubernetes Secret) and give its absolute path`],
    ],
    [
      'an access_token in the URL is refused',
      `    webhook:\n      url: http://vigil:3000/api/alerts/alertmanager?access_token=vgl_abc\n`,
      [`${FILE}:7:12: webhook URL looks like it carries a secret; put a bearer token in a file and set webhook.credentialsFile, or use a slack or pagerduty receiver with a secret file`],
    ],
    [
      'a negative maxAlerts is refused',
      `    webhook:\n      url: http://vigil:3000/api/alerts/alertmanager\n      maxAlerts: -1\n`,
      [expect.stringMatching(new RegExp(`^${FILE}:8:18: .*>=0`))],
    ],
  ])('webhook: %s', (_case, body, expected) => {
    const { spec, errors } = parse(`apiVersion: vigil/v1\nkind: Routing\ndefaultReceiver: w\nreceivers:\n  - name: w\n${body}`);
    expect(errors).toEqual(expected);
    expect(spec).toBeUndefined();
  });

  it('matches on labels of its own (team, env) without complaint', () => {
    const { errors } = parse(`${HEAD}receivers:\n${SLACK}routes:\n  - match: { team: agents, env: prod }\n    receivers: [slack-warning]\n`);
    expect(errors).toEqual([]);
  });
});

describe('routing checked against the fleet', () => {
  const spec = parse(`${HEAD}receivers:
${SLACK}routes:
  - match: { service: [eudr-compliance, eudr-complaince] }
    receivers: [slack-warning]
inhibit:
  - source: { service: redis }
    target: { service: postgress }
    equal: [alertname]
`).spec!;

  it('reports each service a route or inhibit rule names that the fleet lacks, at the value', () => {
    expect(checkRouting(spec, fleetOf('eudr-compliance', 'postgres', 'redis')).map(formatDiagnostic)).toEqual([
      `${FILE}:10:41: no service named "eudr-complaince" in the fleet, did you mean "eudr-compliance"?`,
      `${FILE}:14:24: no service named "postgress" in the fleet, did you mean "postgres"?`,
    ]);
  });

  it('is quiet when every service exists', () => {
    expect(checkRouting(spec, fleetOf('eudr-compliance', 'eudr-complaince', 'postgres', 'postgress', 'redis'))).toEqual([]);
  });
});
