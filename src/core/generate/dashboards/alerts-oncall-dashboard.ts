import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { DATASOURCE, datasourceVariable, firingAlertsTable, GENERATED_BY, labelValuesVariable, promQuery, thresholds } from './panel-parts.js';

export const ALERTS_ONCALL_UID = 'vigil-alerts-oncall';
const SERVICE_VAR = 'service';

/** Alerts now, their history and trends, and on-call load: the same for every fleet. */
export function alertsOncallDashboard(): dashboard.DashboardBuilder {
  const svc = `service=~"\${${SERVICE_VAR}:regex}"`;
  return new dashboard.DashboardBuilder('Vigil / Alerts and on-call')
    .uid(ALERTS_ONCALL_UID)
    .description(`${GENERATED_BY}. Do not edit: run \`vigil generate\`.`)
    .tags(['vigil', 'alerts', 'oncall'])
    .time({ from: 'now-7d', to: 'now' })
    .refresh('1m')
    .withVariable(datasourceVariable())
    .withVariable(labelValuesVariable(SERVICE_VAR, 'Service', 'label_values(ALERTS, service)'))
    .withRow(new dashboard.RowBuilder('Active alerts'))
    .withPanel(firingAlertsTable('Firing alerts', svc, 'Nothing firing').span(16).height(8))
    .withPanel(
      new table.PanelBuilder()
        .title('Active for')
        .description('How long each pending or firing alert has been active (from ALERTS_FOR_STATE, which holds the time it became active).')
        .datasource(DATASOURCE)
        .withTarget(promQuery('A', `sort_desc(time() - max by (alertname, service, severity) (ALERTS_FOR_STATE{${svc}}))`, { instant: true, table: true }))
        .withTransformation({ id: 'organize', options: { excludeByName: { Time: true }, indexByName: {}, renameByName: { Value: 'Active for' } } })
        .overrideByName('Active for', [{ id: 'unit', value: 's' }])
        .span(8)
        .height(8),
    )
    .withRow(new dashboard.RowBuilder('History and trends'))
    .withPanel(
      new timeseries.PanelBuilder()
        .title('Firing alerts by name')
        .datasource(DATASOURCE)
        .withTarget(promQuery('A', `count by (alertname) (ALERTS{${svc},alertstate="firing"})`, { legend: '{{alertname}}' }))
        .stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal))
        .fillOpacity(30)
        .min(0)
        .span(12)
        .height(8),
    )
    .withPanel(
      new timeseries.PanelBuilder()
        .title('Pending and firing by severity')
        .datasource(DATASOURCE)
        .withTarget(promQuery('A', `count by (severity, alertstate) (ALERTS{${svc}})`, { legend: '{{severity}} {{alertstate}}' }))
        .min(0)
        .span(12)
        .height(8),
    )
    .withPanel(
      new table.PanelBuilder()
        .title('Most often firing in the time range')
        .description('Minutes each alert spent firing in the selected range (evaluations sampled once a minute).')
        .datasource(DATASOURCE)
        .withTarget(
          promQuery('A', `sort_desc(sum by (alertname, service) (count_over_time(ALERTS{${svc},alertstate="firing"}[$__range:1m])))`, {
            instant: true,
            table: true,
          }),
        )
        .withTransformation({ id: 'organize', options: { excludeByName: { Time: true }, indexByName: {}, renameByName: { Value: 'Minutes firing' } } })
        .span(24)
        .height(8),
    )
    .withRow(new dashboard.RowBuilder('On-call'))
    .withPanel(
      new table.PanelBuilder()
        .title('On call now')
        .description('Who each schedule of the OnCall spec puts on call now, overrides included (vigil_oncall_current).')
        .datasource(DATASOURCE)
        .withTarget(promQuery('A', 'vigil_oncall_current == 1', { instant: true, table: true }))
        .withTransformation({ id: 'organize', options: { excludeByName: { Time: true, Value: true, __name__: true }, indexByName: {}, renameByName: {} } })
        .span(8)
        .height(8),
    )
    .withPanel(
      new stat.PanelBuilder()
        .title('Open incidents')
        .description('Incidents triggered, acknowledged or suppressed, not yet resolved.')
        .datasource(DATASOURCE)
        .withTarget(promQuery('A', `sum(vigil_incidents_open{${svc}})`, { instant: true }))
        .thresholds(thresholds([['green', null], ['red', 1]]))
        .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']))
        .span(4)
        .height(8),
    )
    .withPanel(
      new timeseries.PanelBuilder()
        .title('Time to acknowledge (p50, p90)')
        .description('From an incident triggering to its acknowledgement, by any responder and channel.')
        .datasource(DATASOURCE)
        .withTarget(
          promQuery('A', `histogram_quantile(0.5, sum by (le) (rate(vigil_incident_ack_duration_seconds_bucket{${svc}}[$__rate_interval])))`, { legend: 'p50' }),
        )
        .withTarget(
          promQuery('B', `histogram_quantile(0.9, sum by (le) (rate(vigil_incident_ack_duration_seconds_bucket{${svc}}[$__rate_interval])))`, { legend: 'p90' }),
        )
        .unit('s')
        .span(6)
        .height(8),
    )
    .withPanel(
      new timeseries.PanelBuilder()
        .title('Escalations')
        .description('Escalation levels paged: level 1 is the first page, higher levels mean nobody acknowledged in time.')
        .datasource(DATASOURCE)
        .withTarget(promQuery('A', `sum by (service, level) (increase(vigil_escalations_total{${svc}}[$__rate_interval]))`, { legend: '{{service}} level {{level}}' }))
        .min(0)
        .span(6)
        .height(8),
    )
    .withRow(new dashboard.RowBuilder('Vigil'))
    .withPanel(
      new stat.PanelBuilder()
        .title('SLOs loaded')
        .datasource(DATASOURCE)
        .withTarget(promQuery('A', 'sum(vigil_slos_loaded)', { instant: true }))
        .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']))
        .span(6)
        .height(5),
    )
    .withPanel(
      new stat.PanelBuilder()
        .title('Spec problems')
        .description('Problems in the last loaded specs; while above 0 nothing new is generated.')
        .datasource(DATASOURCE)
        .withTarget(promQuery('A', 'sum(vigil_spec_problems)', { instant: true }))
        .thresholds(thresholds([['green', null], ['red', 1]]))
        .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']))
        .span(6)
        .height(5),
    );
}
