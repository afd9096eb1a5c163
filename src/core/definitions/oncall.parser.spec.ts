import { formatDiagnostic } from '../diagnostics.js';
import type { Fleet, Service } from '../model/slo.js';
import { loadSpecs } from './load-specs.js';
import type { RoutingSpec } from '../model/routing.js';
import { checkOnCall, checkOnCallAgainstRouting, parseOnCallDocument } from './oncall.parser.js';
import { parseYamlFile } from './yaml-source.js';

/** Parsing and validating `kind: OnCall`; every problem is a `file:line:col: message`. */
const FILE = 'slos/oncall.yaml';

// Line numbers in the cases below count from this document: people start on line 3.
const BASE = `apiVersion: vigil/v1
kind: OnCall
people:
  - name: alice
    email: alice@example.com
    slackUser: U012ABCDEF
    pagerduty: { routingKey: { file: /etc/vigil/secrets/pd-alice } }
  - name: bob
    email: bob@example.com
schedules:
  - name: primary
    timeZone: Europe/Berlin
    rotations:
      - name: weekly
        type: weekly
        start: 2026-10-05T09:00
        participants: [alice, bob]
    overrides:
      - { person: bob, from: 2026-10-24T00:00:00Z, to: 2026-10-26T00:00:00Z }
policies:
  - name: payments
    levels:
      - targets: [{ schedule: primary }, { slackChannel: '#payments-oncall' }]
      - targets: [{ person: bob }]
    ackTimeout: 30m
    fallback: [{ email: devops@example.com }]
routes:
  - name: payments-critical
    matchers: ['service="payments"', 'severity=~"critical|error"']
    policy: payments
defaultPolicy: payments
`;

function parse(text: string) {
  const parsed = parseYamlFile(FILE, text);
  expect(parsed.diagnostics.map(formatDiagnostic)).toEqual([]);
  const r = parseOnCallDocument(parsed.documents[0]!);
  return { spec: r.spec, errors: r.diagnostics.map(formatDiagnostic) };
}

const at = (line: number, col: number) => ({ file: FILE, line, col });

describe('OnCall spec', () => {
  it('reads a spec, filling in the defaults: level 2 15 min after level 1, repeat 0, repeatAfter 15m, no sinks', () => {
    const { spec, errors } = parse(BASE);
    expect(errors).toEqual([]);
    expect(spec).toEqual({
      file: FILE,
      people: [
        {
          name: 'alice',
          displayName: 'alice',
          contacts: { email: 'alice@example.com', slackUser: 'U012ABCDEF', pagerduty: { routingKey: { file: '/etc/vigil/secrets/pd-alice' } } },
          at: at(4, 5),
        },
        { name: 'bob', displayName: 'bob', contacts: { email: 'bob@example.com' }, at: at(8, 5) },
      ],
      schedules: [
        {
          name: 'primary',
          timeZone: 'Europe/Berlin',
          rotations: [{ name: 'weekly', participants: ['alice', 'bob'], start: '2026-10-05T09:00', turn: { days: 7 }, at: at(14, 9) }],
          overrides: [{ person: 'bob', from: new Date('2026-10-24T00:00:00Z'), to: new Date('2026-10-26T00:00:00Z'), at: at(19, 9) }],
          at: at(11, 5),
        },
      ],
      policies: [
        {
          name: 'payments',
          levels: [
            { afterSeconds: 0, targets: [{ kind: 'schedule', schedule: 'primary' }, { kind: 'slackChannel', channel: '#payments-oncall' }], at: at(23, 9) },
            { afterSeconds: 900, targets: [{ kind: 'person', person: 'bob' }], at: at(24, 9) },
          ],
          repeat: 0,
          repeatAfterSeconds: 900,
          ackTimeoutSeconds: 1800,
          fallback: [{ kind: 'email', address: 'devops@example.com' }],
          at: at(21, 5),
        },
      ],
      routes: [
        {
          name: 'payments-critical',
          matchers: [
            { label: 'service', op: '=', value: 'payments' },
            { label: 'severity', op: '=~', value: 'critical|error' },
          ],
          policy: 'payments',
          at: at(28, 5),
        },
      ],
      defaultPolicy: 'payments',
      maintenance: [],
      sinks: {},
      incidents: { flapWindowSeconds: 1800, staleAfterSeconds: 18000, lowUrgencySeverities: ['warning', 'info'], alertmanagers: [], silenceCheckAfterSeconds: 600, staleAfterAt: at(1, 1) },
    });
  });

  it('reads the short match form, custom turns, local override times, maintenance, sinks and incident settings', () => {
    const { spec, errors } = parse(`${BASE}maintenance:
  - { name: db-upgrade, match: { service: [postgres, pgbouncer] }, from: 2026-11-14T22:00:00Z, to: 2026-11-15T02:00:00+01:00 }
sinks:
  pagerduty: { webhookSecret: { env: VIGIL_PAGERDUTY_WEBHOOK_SECRET } }
  slack: { token: { file: /run/secrets/slack-token } }
  email: { host: smtp.example.com, port: 465, from: vigil@example.com, username: vigil, password: { env: SMTP_PASSWORD } }
  webhook: { secret: { env: VIGIL_WEBHOOK_SECRET } }
incidents: { flapWindow: 10m, staleAfter: 6h, lowUrgencySeverities: [warning], publicUrl: https://vigil.example.com }
`.replace('type: weekly', 'type: custom\n        turn: 12h').replace('from: 2026-10-24T00:00:00Z', 'from: 2026-10-24T09:00'));
    expect(errors).toEqual([]);
    expect(spec!.schedules[0]!.rotations[0]!.turn).toEqual({ hours: 12 });
    expect(spec!.schedules[0]!.overrides[0]!.from).toEqual(new Date('2026-10-24T07:00:00Z'));
    expect(spec!.maintenance).toEqual([
      {
        name: 'db-upgrade',
        matchers: [{ label: 'service', op: '=~', value: 'postgres|pgbouncer' }],
        from: new Date('2026-11-14T22:00:00Z'),
        to: new Date('2026-11-15T01:00:00Z'),
        at: at(34, 5),
      },
    ]);
    expect(spec!.sinks).toEqual({
      pagerduty: { eventsUrl: 'https://events.pagerduty.com/v2/enqueue', webhookSecret: { env: 'VIGIL_PAGERDUTY_WEBHOOK_SECRET' } },
      slack: { apiUrl: 'https://slack.com/api/', token: { file: '/run/secrets/slack-token' } },
      email: { host: 'smtp.example.com', port: 465, secure: true, requireTls: true, from: 'vigil@example.com', username: 'vigil', password: { env: 'SMTP_PASSWORD' } },
      webhook: { secret: { env: 'VIGIL_WEBHOOK_SECRET' } },
    });
    expect(spec!.incidents).toEqual({ flapWindowSeconds: 600, staleAfterSeconds: 21600, lowUrgencySeverities: ['warning'], publicUrl: 'https://vigil.example.com', alertmanagers: [], silenceCheckAfterSeconds: 600, staleAfterAt: at(40, 43) });
  });

  it.each<[string, (base: string) => string, string[]]>([
    [
      'an unknown person, schedule and policy, each with a did-you-mean',
      (b) => b.replace('participants: [alice, bob]', 'participants: [alcie, bob]').replace('{ schedule: primary }', '{ schedule: primray }').replace('defaultPolicy: payments', 'defaultPolicy: paymnts'),
      [
        `${FILE}:17:24: no person named "alcie", did you mean "alice"?`,
        `${FILE}:23:31: no schedule named "primray", did you mean "primary"?`,
        `${FILE}:31:16: no policy named "paymnts", did you mean "payments"?`,
      ],
    ],
    [
      'a person defined twice is reported against the first',
      (b) => b.replace('  - name: bob\n', '  - name: alice\n'),
      [`${FILE}:8:11: person "alice" is already defined at 4:11`, `${FILE}:17:31: no person named "bob"`, `${FILE}:19:19: no person named "bob"`, `${FILE}:24:29: no person named "bob"`],
    ],
    [
      'a rotation without participants',
      (b) => b.replace('participants: [alice, bob]', 'participants: []'),
      [`${FILE}:17:23: schedules[0].rotations[0].participants: must name at least one participant`],
    ],
    [
      'a time zone that is not an IANA zone',
      (b) => b.replace('timeZone: Europe/Berlin', 'timeZone: Europe/Berln'),
      [`${FILE}:12:15: time zone "Europe/Berln" is not an IANA zone, did you mean "Europe/Berlin"?`],
    ],
    [
      'a start with an offset, and one that is not a date-time',
      (b) => b.replace('start: 2026-10-05T09:00', 'start: 2026-10-05T09:00Z'),
      [`${FILE}:16:16: start is a wall-clock time in Europe/Berlin: drop the offset, e.g. 2026-10-05T09:00`],
    ],
    [
      'a start that does not exist (the clocks skip it)',
      (b) => b.replace('start: 2026-10-05T09:00', 'start: 2026-03-29T02:30'),
      [`${FILE}:16:16: start 2026-03-29T02:30 does not exist in Europe/Berlin: the clocks skip it`],
    ],
    [
      'a start that is no date',
      (b) => b.replace('start: 2026-10-05T09:00', 'start: 2026-02-30T09:00'),
      [`${FILE}:16:16: start "2026-02-30T09:00" is not a local date-time such as 2026-10-05T09:00 (read in Europe/Berlin)`],
    ],
    [
      'a custom rotation without turn, and a turn that is neither days nor hours',
      (b) => b.replace('type: weekly', 'type: custom').replace('policies:\n', '  - name: second\n    timeZone: UTC\n    rotations:\n      - { name: r, type: custom, turn: 90m, start: 2026-10-05T09:00, participants: [bob] }\npolicies:\n'),
      [
        `${FILE}:15:15: a custom rotation needs turn, e.g. turn: 12h (elapsed hours) or turn: 3d (calendar days)`,
        `${FILE}:23:40: turn "90m" must be whole days (e.g. 3d, 2w) or whole hours (e.g. 12h), longer than 0`,
      ],
    ],
    [
      'an override that ends before it starts',
      (b) => b.replace('to: 2026-10-26T00:00:00Z', 'to: 2026-10-23T00:00:00Z'),
      [`${FILE}:19:56: to 2026-10-23T00:00:00Z must be later than from 2026-10-24T00:00:00Z`],
    ],
    [
      'a policy without levels',
      (b) => b.replace("      - targets: [{ schedule: primary }, { slackChannel: '#payments-oncall' }]\n      - targets: [{ person: bob }]\n", '').replace('levels:', 'levels: []'),
      [`${FILE}:22:13: policies[0].levels: must have at least one level`],
    ],
    [
      'levels whose after does not grow',
      (b) => b.replace('      - targets: [{ person: bob }]', '      - { after: 0s, targets: [{ person: bob }] }'),
      [`${FILE}:24:18: level 2 after 0s must be later than level 1 (0s)`],
    ],
    [
      'a missing defaultPolicy',
      (b) => b.replace('defaultPolicy: payments\n', ''),
      [`${FILE}:1:1: missing required field "defaultPolicy"`],
    ],
    [
      'a matcher that does not parse, and one whose regex does not compile',
      (b) => b.replace(`'service="payments"'`, `'service=="payments'`).replace('critical|error', 'critical|(error'),
      [
        `${FILE}:29:16: matcher "service==\\"payments": matcher value contains unescaped double quote: ="payments`,
        `${FILE}:29:38: matcher "severity=~\\"critical|(error\\"": error parsing regexp: Unterminated group`,
      ],
    ],
    [
      'an inline secret, refused without repeating it',
      (b) => b.replace('pagerduty: { routingKey: { file: /etc/vigil/secrets/pd-alice } }', 'pagerduty: { routingKey: R0UT1NGKEY0123456789 }'),
      [`${FILE}:7:30: routingKey would put a secret in the spec, which is committed: write routingKey: { file: /path/to/secret } or routingKey: { env: VARIABLE }`],
    ],
    [
      'inline secrets in the sinks, and a reference that is neither file nor env',
      (b) => `${b}sinks:\n  slack: { token: xoxb-123-456 }\n  email: { host: smtp.example.com, port: 587, from: v@example.com, username: v, password: { file: smtp-password } }\n  webhook: { secret: { path: /x } }\n`,
      [
        `${FILE}:33:19: token would put a secret in the spec, which is committed: write token: { file: /path/to/secret } or token: { env: VARIABLE }`,
        `${FILE}:34:99: file "smtp-password" must be an absolute path`,
        `${FILE}:35:24: unknown field "path"`,
        // "path" is not read, which leaves the secret with neither.
        `${FILE}:35:22: secret needs exactly one of file, env`,
      ],
    ],
    [
      'a person nobody can reach, a bad e-mail and a Slack user that is a name, not an id',
      (b) => b.replace('    email: bob@example.com\n', '').replace('email: alice@example.com', 'email: alice').replace('slackUser: U012ABCDEF', 'slackUser: "@alice"'),
      [
        `${FILE}:5:12: "alice" is not an e-mail address`,
        `${FILE}:6:16: slackUser "@alice" must be a Slack member id such as U012ABCDEF (profile → ⋮ → Copy member ID)`,
        `${FILE}:8:5: person "bob" has no contact point: give at least one of email, slackUser, pagerduty`,
      ],
    ],
    [
      'a target with two kinds, a typo in a field, and a route named default',
      (b) => b.replace('[{ person: bob }]', '[{ person: bob, email: bob@example.com }, { shedule: primary }]').replace('name: payments-critical', 'name: default'),
      [
        `${FILE}:24:19: a target is one of person, schedule, slackChannel, email, webhook, pagerduty, not both person and email: write two targets`,
        `${FILE}:24:62: unknown field "shedule", did you mean "schedule"?`,
        `${FILE}:24:60: a target is one of person, schedule, slackChannel, email, webhook, pagerduty`,
        `${FILE}:28:11: route name "default" is kept for alerts no route matches; choose another`,
      ],
    ],
    [
      'a typo at the top does not hide the problems of the items',
      (b) => b.replace('defaultPolicy:', 'defaultPolicyy:').replace('participants: [alice, bob]', 'participants: [alice, eve]'),
      [`${FILE}:1:1: missing required field "defaultPolicy"`, `${FILE}:31:1: unknown field "defaultPolicyy", did you mean "defaultPolicy"?`, `${FILE}:17:31: no person named "eve"`],
    ],
  ])('%s', (_, edit, expected) => {
    const { spec, errors } = parse(edit(BASE));
    expect(errors).toEqual(expected);
    expect(spec).toBeUndefined();
  });
});

describe('OnCall in a fleet', () => {
  it('allows one OnCall document per fleet, pointing at the second', () => {
    const r = loadSpecs([
      { path: 'slos/oncall.yaml', text: BASE },
      { path: 'slos/more.yaml', text: BASE },
    ]);
    expect(r.oncall).toHaveLength(1);
    expect(r.diagnostics.map(formatDiagnostic)).toEqual(['slos/more.yaml:2:7: a fleet has one OnCall spec; slos/oncall.yaml already defines it']);
  });

  it('reports a route for a service the fleet does not have', () => {
    const spec = parse(BASE.replace('service="payments"', 'service="paymnts"')).spec!;
    const fleet: Fleet = { services: [{ name: 'payments', labels: {}, files: [], slos: [], alerts: [] } as unknown as Service] };
    expect(checkOnCall(spec, fleet).map(formatDiagnostic)).toEqual([`${FILE}:28:5: route "payments-critical": no service named "paymnts" in the fleet, did you mean "payments"?`]);
  });
});

describe('OnCall spec against the routing spec', () => {
  const routing = (repeatIntervalSeconds: number): RoutingSpec => ({
    file: 'slos/routing.yaml', defaultReceiver: 'vigil', groupBy: ['alertname'], groupWaitSeconds: 30, groupIntervalSeconds: 300, repeatIntervalSeconds, receivers: [], routes: [], inhibit: [],
  });

  it.each([
    // 5h against 4h + 5m: an alert Alertmanager still sends is never quiet that long.
    [`${BASE}incidents:\n  staleAfter: 5h\n`, 4 * 3600, []],
    [`${BASE}incidents:\n  staleAfter: 4h\n`, 4 * 3600, ["slos/oncall.yaml:33:15: staleAfter 4h must be longer than slos/routing.yaml's repeatInterval plus groupInterval (4h5m): Alertmanager re-sends a firing alert only that often, so it would be marked stale while still firing"]],
    // The default (5h) against a 6h repeat interval: reported at the document, where staleAfter would go.
    [BASE, 6 * 3600, ["slos/oncall.yaml:1:1: staleAfter 5h must be longer than slos/routing.yaml's repeatInterval plus groupInterval (6h5m): Alertmanager re-sends a firing alert only that often, so it would be marked stale while still firing"]],
  ])('staleAfter must outlast Alertmanager re-sending a firing group (%#)', (text, repeat, expected) => {
    const { spec } = parse(text);
    expect(checkOnCallAgainstRouting(spec!, routing(repeat)).map(formatDiagnostic)).toEqual(expected);
  });
});
