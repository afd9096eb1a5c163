import { check } from '../../core/check.js';
import { UI_SPECS } from '../../../test/support/ui-fleet.js';
import { toSloDetailDto } from './slo.dto.js';

// checkout (team payments, two 30-day SLOs) and search (team discovery; freshness: 7 days, team data, pages off).
const fleet = check(['checkout', 'search'].map((name) => ({ path: `slos/${name}.yaml`, text: UI_SPECS[`${name}.yaml`]! }))).fleet;
const service = (name: string) => fleet.services.find((s) => s.name === name)!;
const slo = (name: string) => [...service('checkout').slos, ...service('search').slos].find((s) => `${s.service}/${s.name}` === name)!;

describe('toSloDetailDto', () => {
  it("lists the workbook's four alert windows with their burn rates for a 30-day SLO", () => {
    const d = toSloDetailDto(service('checkout'), slo('checkout/availability'), true, {});
    expect(d.alertWindows).toEqual([
      { severity: 'page', longWindow: '1h', shortWindow: '5m', burnRate: '14.4', enabled: true },
      { severity: 'page', longWindow: '6h', shortWindow: '30m', burnRate: '6', enabled: true },
      { severity: 'ticket', longWindow: '1d', shortWindow: '2h', burnRate: '3', enabled: true },
      { severity: 'ticket', longWindow: '3d', shortWindow: '6h', burnRate: '1', enabled: true },
    ]);
    expect(d).toMatchObject({ service: 'checkout', name: 'availability', objective: '99.9', window: '30d', sliKind: 'events', team: 'payments' });
  });

  it('scales the windows to a 7-day SLO, marks disabled pages, and takes the SLO\'s own team', () => {
    const d = toSloDetailDto(service('search'), slo('search/freshness'), true, {});
    expect(d.team).toBe('data');
    expect(d.alertWindows.map((w) => `${w.severity} ${w.longWindow}/${w.shortWindow} ×${w.burnRate} ${w.enabled ? 'on' : 'off'}`)).toEqual([
      'page 14m/5m ×14.4 off',
      'page 1h24m/7m ×6 off',
      'ticket 5h36m/28m ×3 on',
      'ticket 16h48m/1h24m ×1 on',
    ]);
  });

  it.each([
    ['no bases: the uid and the path, no URLs', {}, null, null],
    ['a Grafana under a path, and a runbook base', { grafanaUrl: 'https://ops.example.com/grafana', runbookBaseUrl: 'https://git.example.com/sre/vigil/blob/main' }, 'https://ops.example.com/grafana/d/vigil-checkout', 'https://git.example.com/sre/vigil/blob/main/runbooks/checkout.md'],
    ['bases with a trailing slash', { grafanaUrl: 'https://grafana.example.com/', runbookBaseUrl: 'https://docs.example.com/' }, 'https://grafana.example.com/d/vigil-checkout', 'https://docs.example.com/runbooks/checkout.md'],
  ])('links: %s', (_, bases, dashboardUrl, runbookUrl) => {
    expect(toSloDetailDto(service('checkout'), slo('checkout/availability'), true, bases).links).toEqual({ dashboardUid: 'vigil-checkout', dashboardUrl, runbook: 'runbooks/checkout.md', runbookUrl });
  });
});
