import { readdir, readFile } from 'node:fs/promises';
import { alertmanagerFiles } from '../../src/core/generate/alertmanager/alertmanager-files.js';
import { isAlertingRule } from '../../src/core/generate/rule-model.js';
import { serviceRuleGroups } from '../../src/core/generate/rule-files.js';
import { formatDiagnostic } from '../../src/core/diagnostics.js';
import { loadSpecs } from '../../src/core/definitions/load-specs.js';
import { checkRouting } from '../../src/core/definitions/routing.parser.js';
import { validateFleet } from '../../src/core/validate/validate-fleet.js';
import { describeRun, routeReceivers, runAmtool } from '../support/amtool.js';
import { golden } from '../support/golden.js';

/**
 * The committed slos/routing.yaml, generated and judged by Alertmanager's own amtool: the config
 * loads, and alerts Vigil really generates reach the receivers the seeds ask for.
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
    expect(r.stdout).toContain(' - 2 inhibit rules\n - 5 receivers\n');
  });

  it('is judged for real: amtool check-config refuses a route to a receiver that does not exist', async () => {
    const broken = config.replace('  receiver: slack-warning\n', '  receiver: nobody\n');
    const r = await runAmtool(['check-config', 'alertmanager.yml'], { 'alertmanager.yml': broken });
    expect(r.code).toBe(1);
    expect(describeRun(r)).toContain('undefined receiver "nobody"');
  });

  it.each([
    [
      'an eudr-compliance SLO page alert (critical) goes to PagerDuty, Slack #alerts-critical and the DevOps e-mail',
      () => alertLabels('eudr-compliance', (l) => l.alert_tier === 'page'),
      ['vigil', 'pagerduty-production', 'slack-critical', 'devops-email'],
    ],
    [
      'an eudr-compliance SLO ticket alert (warning) goes to Slack #alerts-warning only',
      () => alertLabels('eudr-compliance', (l) => l.alert_tier === 'ticket'),
      ['vigil', 'slack-warning'],
    ],
    [
      'an eudr-compliance critical threshold alert pages like an SLO page alert',
      () => alertLabels('eudr-compliance', (l) => l.severity === 'critical' && l.alert_tier === undefined),
      ['vigil', 'pagerduty-production', 'slack-critical', 'devops-email'],
    ],
    ['an alert of a service Vigil does not know lands on the default receiver', () => ({ alertname: 'Mystery', service: 'no-such-service' }), ['vigil', 'slack-warning']],
    ['an info alert lands on the default receiver', () => ({ alertname: 'Note', service: 'redis', severity: 'info' }), ['vigil', 'slack-warning']],
  ])('%s, and to Vigil', async (_case, labels, receivers) => {
    expect(await routeReceivers(config, labels())).toEqual(receivers);
  });
});
