import { readdir, readFile } from 'node:fs/promises';
import { alertmanagerFiles } from '../../src/core/generate/alertmanager/alertmanager-files.js';
import { isAlertingRule } from '../../src/core/generate/rule-model.js';
import { serviceRuleGroups } from '../../src/core/generate/rule-files.js';
import { formatDiagnostic } from '../../src/core/diagnostics.js';
import { loadSpecs } from '../../src/core/definitions/load-specs.js';
import { checkRouting } from '../../src/core/definitions/routing.parser.js';
import { validateFleet } from '../../src/core/validate/validate-fleet.js';
import { vigilSelfRuleGroups } from '../../src/core/generate/vigil-self-rules.js';
import { describeRun, routeReceivers, runAmtool } from '../support/amtool.js';
import { golden } from '../support/golden.js';

/**
 * The committed slos/routing.yaml, generated and judged by Alertmanager's own amtool: the config
 * loads, every alert Vigil really generates reaches Vigil and nobody else (Vigil pages people),
 * and Vigil's own VigilDown reaches PagerDuty and not Vigil.
 */
const ROUTING = 'slos/routing.yaml';
const files = (await readdir('slos')).filter((f) => f.endsWith('.yaml')).sort();
const loaded = loadSpecs(await Promise.all(files.map(async (f) => ({ path: `slos/${f}`, text: await readFile(`slos/${f}`, 'utf8') }))));
const { fleet } = validateFleet(loaded.documents);
const routing = loaded.routing.find((r) => r.file === ROUTING);
const config = routing ? alertmanagerFiles(routing)[0]!.content : '';

/** Labels of an alert Vigil generates, as Alertmanager receives it (alertname plus the rule's labels). */
function alertLabels(service: string, pick: (labels: Record<string, string>) => boolean): Record<string, string> {
  const svc = fleet.services.find((s) => s.name === service)!;
  const rule = serviceRuleGroups(svc)
    .flatMap((g) => g.rules)
    .filter(isAlertingRule)
    .find((r) => pick(r.labels ?? {}));
  if (!rule) throw new Error(`no generated alert of ${service} matches`);
  return { alertname: rule.alert, ...rule.labels };
}

describe('alertmanager.yml from slos/routing.yaml', () => {
  it('loads without problems against the committed fleet', () => {
    expect(loaded.diagnostics.filter((d) => d.file === ROUTING).map(formatDiagnostic)).toEqual([]);
    expect(routing).toBeDefined();
    expect(checkRouting(routing!, fleet).map(formatDiagnostic)).toEqual([]);
  });

  it('matches its golden file', async () => {
    expect(config).toBe(await golden('test/alertmanager/golden/alertmanager.yml', config));
  });

  it('passes amtool check-config (secret files need not exist for that)', async () => {
    const r = await runAmtool(['check-config', 'alertmanager.yml'], { 'alertmanager.yml': config });
    expect({ code: r.code, out: r.stdout }).toEqual({ code: 0, out: expect.stringContaining("Checking 'alertmanager.yml'  SUCCESS") });
    expect(r.stdout).toContain(' - 2 inhibit rules\n - 2 receivers\n');
  });

  it('is judged for real: amtool check-config refuses a route to a receiver that does not exist', async () => {
    const broken = config.replace('  receiver: vigil\n', '  receiver: nobody\n');
    const r = await runAmtool(['check-config', 'alertmanager.yml'], { 'alertmanager.yml': broken });
    expect(r.code).toBe(1);
    expect(describeRun(r)).toContain('undefined receiver "nobody"');
  });

  it.each([
    ['an eudr-compliance SLO page alert (critical)', () => alertLabels('eudr-compliance', (l) => l.alert_tier === 'page')],
    ['an eudr-compliance SLO ticket alert (warning)', () => alertLabels('eudr-compliance', (l) => l.alert_tier === 'ticket')],
    ['an eudr-compliance SLO absent-data alert (SLIDataAbsent, warning)', () => alertLabels('eudr-compliance', (l) => l.alert_tier === 'absent')],
    ['an eudr-compliance critical threshold alert', () => alertLabels('eudr-compliance', (l) => l.severity === 'critical' && l.alert_tier === undefined)],
    ['an alert of a service Vigil does not know', () => ({ alertname: 'Mystery', service: 'no-such-service' })],
    ['an info alert', () => ({ alertname: 'Note', service: 'redis', severity: 'info' })],
    ['an alert without labels but its name', () => ({ alertname: 'Watchdog' })],
  ])('%s goes to Vigil only: Vigil decides who is paged', async (_case, labels) => {
    expect(await routeReceivers(config, labels())).toEqual(['vigil']);
  });

  const selfAlerts = vigilSelfRuleGroups()
    .flatMap((g) => g.rules)
    .filter(isAlertingRule);
  it.each(['VigilDown', 'VigilDatabaseUnreachable', 'VigilNotificationsFailing', 'VigilNotificationsStuck', 'VigilWebhookFailing'])(
    '%s, as generated, goes straight to PagerDuty and not through Vigil: Vigil cannot page about it',
    async (alert) => {
      const rule = selfAlerts.find((r) => r.alert === alert)!;
      expect(await routeReceivers(config, { alertname: rule.alert, ...rule.labels })).toEqual(['pagerduty-production']);
    },
  );

  it.each(['VigilBudgetCycleStale', 'VigilJobsLate', 'VigilSpecProblems'])('%s, as generated, goes to Vigil like any alert', async (alert) => {
    const rule = selfAlerts.find((r) => r.alert === alert)!;
    expect(await routeReceivers(config, { alertname: rule.alert, ...rule.labels })).toEqual(['vigil']);
  });

  it('sends Vigil its ingest token as a bearer credential read from a file', () => {
    expect(routing!.receivers.find((r) => r.name === 'vigil')!.webhook).toEqual({
      url: 'http://vigil:3000/api/alerts/alertmanager',
      credentialsFile: '/etc/alertmanager/secrets/vigil-ingest-token',
      sendResolved: true,
    });
  });
});
