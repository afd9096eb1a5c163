import { readdir, readFile } from 'node:fs/promises';
import { alertmanagerFiles } from '../../src/core/generate/alertmanager/alertmanager-files.js';
import { loadSpecs } from '../../src/core/definitions/load-specs.js';
import { startAlertmanager, type TestAlertmanager } from '../support/alertmanager-server.js';

/**
 * The inhibit rules of slos/routing.yaml, judged by a real Alertmanager: amtool cannot show
 * inhibition, so alerts are posted to its API and their status read back.
 */
const files = (await readdir('slos')).filter((f) => f.endsWith('.yaml')).sort();
const loaded = loadSpecs(await Promise.all(files.map(async (f) => ({ path: `slos/${f}`, text: await readFile(`slos/${f}`, 'utf8') }))));
const routing = loaded.routing.find((r) => r.file === 'slos/routing.yaml')!;
const config = alertmanagerFiles(routing)[0]!.content;

type Labels = Record<string, string>;
const slo = (service: string, name: string, tier: 'page' | 'ticket'): Labels => ({
  alertname: 'RequestsAvailabilityBudgetBurn',
  service,
  slo: name,
  severity: tier === 'page' ? 'critical' : 'warning',
  alert_tier: tier,
});
/** An SLO's absent-data alert as generated: one name for all SLOs, alert_tier "absent". */
const absent = (service: string, name: string, severity = 'warning'): Labels => ({ alertname: 'SLIDataAbsent', service, slo: name, severity, alert_tier: 'absent' });
const threshold = (service: string, alertname: string, severity: string): Labels => ({ alertname, service, severity });

let am: TestAlertmanager;
beforeAll(async () => {
  am = await startAlertmanager({ config });
});
afterAll(async () => {
  await am?.stop();
});

/** Posts the alerts, then tells for each whether Alertmanager holds it back. */
async function suppressed(alerts: Labels[]): Promise<boolean[]> {
  // Each case gets its own labels (a case tag) so earlier cases' alerts do not interfere.
  const tag = Math.random().toString(36).slice(2);
  const tagged = alerts.map((labels) => ({ ...labels, case: tag }));
  await am.postAlerts(tagged.map((labels) => ({ labels })));
  const got = (await (await fetch(`${am.url}/api/v2/alerts?filter=case%3D%22${tag}%22`)).json()) as { labels: Labels; status: { state: string } }[];
  return tagged.map((labels) => {
    const a = got.find((g) => JSON.stringify(Object.entries(g.labels).sort()) === JSON.stringify(Object.entries(labels).sort()));
    if (!a) throw new Error(`alert ${JSON.stringify(labels)} not found in Alertmanager`);
    return a.status.state === 'suppressed';
  });
}

describe('inhibit rules of slos/routing.yaml in a real Alertmanager', () => {
  it.each<[string, Labels[], boolean[]]>([
    ['an SLO page alert mutes the ticket alert of the same service and SLO', [slo('eudr-compliance', 'availability', 'page'), slo('eudr-compliance', 'availability', 'ticket')], [false, true]],
    ['it does not mute the ticket alert of another SLO of the service, even one sharing its alert name', [slo('eudr-compliance', 'availability', 'page'), slo('eudr-compliance', 'latency', 'ticket')], [false, false]],
    ['it does not mute the same SLO of another service', [slo('eudr-compliance', 'availability', 'page'), slo('fuel-analyzer', 'availability', 'ticket')], [false, false]],
    ['a ticket alert alone is not muted', [slo('redis', 'availability', 'ticket')], [false]],
    // A vanished latency bucket reads as 100 % slow requests: the page fires, and the absent-data alert must stay to say why.
    ['an SLO page alert does not mute the absent-data alert of its SLO', [slo('eudr-compliance', 'latency', 'page'), absent('eudr-compliance', 'latency')], [false, false]],
    [
      'an absent-data alert that pages does not mute the ticket alerts of its SLO, nor another SLO’s absent-data warning',
      // Another service than the cases above: their alerts stay active in Alertmanager, and inhibition ignores the case tag.
      [absent('energy-performance', 'latency', 'critical'), slo('energy-performance', 'latency', 'ticket'), absent('energy-performance', 'availability')],
      [false, false, false],
    ],
    [
      'a critical threshold alert mutes the warning of the same alert name and service',
      [threshold('postgres', 'ReplicationLag', 'critical'), threshold('postgres', 'ReplicationLag', 'warning')],
      [false, true],
    ],
    [
      'nothing mutes VigilDown, which pages past Vigil',
      [threshold('eudr-compliance', 'EudrDown', 'critical'), threshold('vigil', 'VigilDown', 'critical'), slo('vigil', 'availability', 'page')],
      [false, false, false],
    ],
    [
      'it does not mute a warning of another alert name',
      [threshold('postgres', 'ReplicationLag', 'critical'), threshold('postgres', 'DiskFilling', 'warning')],
      [false, false],
    ],
  ])('%s', async (_case, alerts, expected) => {
    expect(await suppressed(alerts)).toEqual(expected);
  });
});
