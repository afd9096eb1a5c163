import type { Fleet } from '../../model/slo.js';
import type { GeneratedFile } from '../rule-files.js';
import { alertsOncallDashboard } from './alerts-oncall-dashboard.js';
import { dashboardJson } from './dashboard-json.js';
import { serviceDashboard } from './service-dashboard.js';
import { sloOverviewDashboard } from './slo-overview-dashboard.js';
import { vigilSelfDashboard } from './vigil-self-dashboard.js';

/**
 * dashboards/*.json: one per service, the fleet's SLO overview, and alerts with on-call; with
 * `vigilSelf` (a fleet whose alerts Vigil pages, like rules/vigil-self.rules.yaml) Vigil's own.
 */
export function dashboardFiles(fleet: Fleet, opts: { vigilSelf?: boolean } = {}): GeneratedFile[] {
  return [
    ...fleet.services.map((s) => ({ path: `dashboards/${s.name}.json`, content: dashboardJson(serviceDashboard(s)) })),
    { path: 'dashboards/slo-overview.json', content: dashboardJson(sloOverviewDashboard(fleet)) },
    { path: 'dashboards/alerts-oncall.json', content: dashboardJson(alertsOncallDashboard()) },
    ...(opts.vigilSelf ? [{ path: 'dashboards/vigil-self.json', content: dashboardJson(vigilSelfDashboard()) }] : []),
  ];
}
