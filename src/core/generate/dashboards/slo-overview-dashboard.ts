import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as table from '@grafana/grafana-foundation-sdk/table';
import type { Fleet } from '../../model/slo.js';
import { RULE_NAMES } from '../slo-rules.js';
import { dashboardUid } from './dashboard-uid.js';
import {
  BUDGET_THRESHOLDS,
  DATASOURCE,
  datasourceVariable,
  escapeRegex,
  GENERATED_BY,
  labelValuesVariable,
  promQuery,
  thresholds,
} from './panel-parts.js';

export const SLO_OVERVIEW_UID = 'vigil-slo-overview';
const SERVICE_VAR = 'service';
const DASHBOARD_LABEL = 'dashboard';

/** Every SLO of the fleet in one table, worst budget first, each row linking to its service's dashboard. */
export function sloOverviewDashboard(fleet: Fleet): dashboard.DashboardBuilder {
  const sel = `{service=~"\${${SERVICE_VAR}:regex}"}`;
  return new dashboard.DashboardBuilder('Vigil / SLO overview')
    .uid(SLO_OVERVIEW_UID)
    .description(`${GENERATED_BY} from every SLO of the fleet. Do not edit: change the specs and run \`vigil generate\`.`)
    .tags(['vigil', 'slo'])
    .time({ from: 'now-24h', to: 'now' })
    .refresh('1m')
    .withVariable(datasourceVariable())
    .withVariable(labelValuesVariable(SERVICE_VAR, 'Service', `label_values(${RULE_NAMES.objective}, service)`))
    .links(
      fleet.services
        .filter((s) => s.slos.length > 0)
        .map((s) =>
          new dashboard.DashboardLinkBuilder(s.name)
            .type(dashboard.DashboardLinkType.Link)
            .url(`/d/${dashboardUid(s.name)}`)
            .keepTime(true)
            .asDropdown(false)
            .targetBlank(false)
            .includeVars(false)
            .tags([])
            .icon('dashboard')
            .tooltip(`SLOs of ${s.name}`),
        ),
    )
    .withPanel(
      new table.PanelBuilder()
        .title('SLOs, worst error budget first')
        .description('Remaining error budget and objective of every SLO; click a service to open its dashboard.')
        .datasource(DATASOURCE)
        .withTarget(promQuery('A', withDashboardLabel(fleet, `${RULE_NAMES.budgetRemaining}${sel}`), { instant: true, table: true }))
        .withTarget(promQuery('B', withDashboardLabel(fleet, `${RULE_NAMES.objective}${sel}`), { instant: true, table: true }))
        .withTarget(promQuery('C', withDashboardLabel(fleet, `${RULE_NAMES.window}${sel}`), { instant: true, table: true }))
        .withTransformation({ id: 'merge', options: {} })
        .withTransformation({
          id: 'organize',
          options: {
            excludeByName: { Time: true, __name__: true },
            indexByName: { service: 0, slo: 1, 'Value #A': 2, 'Value #B': 3, 'Value #C': 4, [DASHBOARD_LABEL]: 5 },
            renameByName: { 'Value #A': 'Budget remaining', 'Value #B': 'Objective', 'Value #C': 'Window' },
          },
        })
        .withTransformation({ id: 'filterFieldsByName', options: { include: { pattern: `^(service|slo|Budget remaining|Objective|Window|${DASHBOARD_LABEL})$` } } })
        .sortBy([new common.TableSortByFieldStateBuilder().displayName('Budget remaining').desc(false)])
        .overrideByName('Budget remaining', [
          { id: 'unit', value: 'percentunit' },
          { id: 'decimals', value: 1 },
          { id: 'thresholds', value: thresholds(BUDGET_THRESHOLDS).build() },
          { id: 'custom.cellOptions', value: { type: 'color-background' } },
        ])
        .overrideByName('Objective', [
          { id: 'unit', value: 'percentunit' },
          { id: 'decimals', value: 3 },
        ])
        .overrideByName('Window', [{ id: 'unit', value: 's' }])
        .overrideByName(DASHBOARD_LABEL, [{ id: 'custom.hidden', value: true }])
        .overrideByName('service', [
          {
            id: 'links',
            value: [{ title: 'Open the ${__value.text} dashboard', url: `/d/\${__data.fields.${DASHBOARD_LABEL}}?\${__url_time_range}` }],
          },
        ])
        .noValue('No SLO recorded yet: load the generated rules into Prometheus')
        .span(24)
        .height(20),
    );
}

/**
 * Adds each series' per-service dashboard uid as a label, so the table can link to it (on all three
 * queries, so the merge transformation joins rows on identical label sets). Most uids
 * are `vigil-<service>`; services whose names are too long for that get their exact uid one by one.
 */
function withDashboardLabel(fleet: Fleet, expr: string): string {
  let out = `label_replace(${expr}, "${DASHBOARD_LABEL}", "vigil-$1", "service", "(.*)")`;
  for (const s of fleet.services) {
    const uid = dashboardUid(s.name);
    if (uid === `vigil-${s.name}` || s.slos.length === 0) continue;
    out = `label_replace(${out}, "${DASHBOARD_LABEL}", ${JSON.stringify(uid)}, "service", ${JSON.stringify(escapeRegex(s.name))})`;
  }
  return out;
}
