import { parseOnCallDocument } from '../definitions/oncall.parser.js';
import { parseYamlFile } from '../definitions/yaml-source.js';
import type { OnCallSpec } from '../model/oncall.js';
import { maintenanceFor, routeFor, urgencyFor } from './route-decision.js';

const SPEC = `apiVersion: vigil/v1
kind: OnCall
people: [{ name: alice, email: alice@example.com }]
policies:
  - { name: payments, levels: [{ targets: [{ person: alice }] }] }
  - { name: database, levels: [{ targets: [{ person: alice }] }] }
  - { name: fleet, levels: [{ targets: [{ slackChannel: '#alerts-warning' }] }] }
routes:
  - name: payments-critical
    matchers: ['service="payments"', 'severity=~"critical|error"']
    policy: payments
  - name: payments-other
    match: { service: payments }
    policy: fleet
  - name: databases
    match: { service: [postgres, redis] }
    matchers: ['team!="sandbox"']
    policy: database
defaultPolicy: fleet
maintenance:
  - { name: db-upgrade, matchers: ['service="postgres"'], from: 2026-11-14T22:00:00Z, to: 2026-11-15T02:00:00Z }
  - { name: freeze, from: 2026-11-14T23:00:00Z, to: 2026-11-15T00:00:00Z }
`;

function specOf(text: string): OnCallSpec {
  const r = parseOnCallDocument(parseYamlFile('slos/oncall.yaml', text).documents[0]!);
  expect(r.diagnostics).toEqual([]);
  return r.spec!;
}
const spec = specOf(SPEC);

describe('routeFor', () => {
  it.each<[string, Record<string, string>, string, string, string[]]>([
    ['a critical payments alert takes the first route', { service: 'payments', severity: 'critical' }, 'payments-critical', 'payments', ['service="payments"', 'severity=~"critical|error"']],
    ['an error matches the regex alternative', { service: 'payments', severity: 'error' }, 'payments-critical', 'payments', ['service="payments"', 'severity=~"critical|error"']],
    ['a payments warning falls through to the next route: first match wins', { service: 'payments', severity: 'warning' }, 'payments-other', 'fleet', ['service="payments"']],
    ['a value list matches any of its values', { service: 'redis' }, 'databases', 'database', ['team!="sandbox"', 'service=~"postgres|redis"']],
    ['an absent label is "", so != holds', { service: 'postgres', team: 'sandbox' }, 'default', 'fleet', []],
    ['an alert no route takes goes to the default policy under the route name default', { service: 'api-gateway' }, 'default', 'fleet', []],
    ['no labels at all', {}, 'default', 'fleet', []],
  ])('%s', (_, labels, route, policy, matchedBy) => {
    expect(routeFor(spec, labels)).toEqual({ route, policy, matchedBy });
  });
});

describe('maintenanceFor', () => {
  it.each<[string, Record<string, string>, string, string | undefined]>([
    ['inside the window, for a matching alert', { service: 'postgres' }, '2026-11-14T22:30:00Z', 'db-upgrade'],
    ['from is inclusive', { service: 'postgres' }, '2026-11-14T22:00:00Z', 'db-upgrade'],
    ['to is exclusive', { service: 'postgres' }, '2026-11-15T02:00:00Z', undefined],
    ['not for another service', { service: 'redis' }, '2026-11-14T22:30:00Z', undefined],
    ['a window without matchers covers every alert', { service: 'redis' }, '2026-11-14T23:30:00Z', 'freeze'],
    ['the first covering window in spec order is the reason', { service: 'postgres' }, '2026-11-14T23:30:00Z', 'db-upgrade'],
  ])('%s', (_, labels, at, window) => {
    expect(maintenanceFor(spec, labels, new Date(at))?.name).toBe(window);
  });
});

describe('urgencyFor', () => {
  it.each<[Record<string, string>, string]>([
    [{ severity: 'critical' }, 'high'],
    [{ severity: 'warning' }, 'low'],
    [{ severity: 'info' }, 'low'],
    [{}, 'high'],
    [{ severity: 'Warning' }, 'high'],
  ])('%j is %s urgency', (labels, urgency) => {
    expect(urgencyFor(spec, labels)).toBe(urgency);
  });
});
