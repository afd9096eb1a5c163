import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { VIGIL_SELF } from '../vigil-self-rules.js';
import { DATASOURCE, datasourceVariable, GENERATED_BY, promQuery, thresholds } from './panel-parts.js';

export const VIGIL_SELF_DASHBOARD_UID = 'vigil-self';

const job = `job="${VIGIL_SELF.job}"`;

/**
 * Vigil itself: the signals its own alerts watch (rules/vigil-self.rules.yaml), in the order an
 * on-call engineer asks — is it up, are alerts coming in, are pages going out, are its jobs and
 * budgets current, and what does the process cost. Each row names the alerts it explains.
 */
export function vigilSelfDashboard(): dashboard.DashboardBuilder {
  return new dashboard.DashboardBuilder('Vigil / Vigil itself')
    .uid(VIGIL_SELF_DASHBOARD_UID)
    .description(`${GENERATED_BY}. Do not edit: run \`vigil generate\`. Runbook: runbooks/vigil.md.`)
    .tags(['vigil', 'self'])
    .time({ from: 'now-6h', to: 'now' })
    .refresh('1m')
    .withVariable(datasourceVariable())
    .withRow(new dashboard.RowBuilder('Up (VigilDown, VigilDatabaseUnreachable, VigilSpecProblems)'))
    .withPanel(upStat('Replicas up', `sum(up{${job}})`, 'Replicas Prometheus scrapes and finds up; 0 pages as VigilDown.'))
    .withPanel(upStat('Database reachable', `min(vigil_database_up{${job}})`, 'The lowest of the replicas: 0 when one replica cannot reach PostgreSQL (all of them: VigilDatabaseUnreachable).'))
    .withPanel(
      new stat.PanelBuilder()
        .title('Spec problems')
        .description('Problems in the last loaded specs; above 0 nothing is generated (VigilSpecProblems).')
        .datasource(DATASOURCE)
        .withTarget(promQuery('A', `max(vigil_spec_problems{${job}})`, { instant: true }))
        .thresholds(thresholds([['green', null], ['red', 1]]))
        .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']))
        .span(4)
        .height(5),
    )
    .withPanel(
      new table.PanelBuilder()
        .title('Versions running')
        .description('vigil_build_info of each replica: during a rolling deploy two versions show.')
        .datasource(DATASOURCE)
        .withTarget(promQuery('A', `vigil_build_info{${job}}`, { instant: true, table: true }))
        .withTransformation({ id: 'organize', options: { excludeByName: { Time: true, Value: true, __name__: true, job: true }, indexByName: {}, renameByName: {} } })
        .span(12)
        .height(5),
    )
    .withRow(new dashboard.RowBuilder('Alerts in (VigilWebhookFailing)'))
    .withPanel(
      series('Alertmanager notifications by result', `sum by (result) (rate(vigil_alert_notifications_total{${job}}[$__rate_interval]))`, '{{result}}', 'reqps').span(8),
    )
    .withPanel(
      quantiles('Notification stored (ingest) latency', 'vigil_alert_ingest_duration_seconds_bucket').span(8),
    )
    .withPanel(
      series('Notifications Alertmanager gave up on', 'sum(increase(alertmanager_notifications_failed_total{integration="webhook"}[$__rate_interval]))', 'failed', 'short')
        .description("Alertmanager's own counter: a refusal by Vigil is not retried and its alerts reach nobody.")
        .span(8),
    )
    .withRow(new dashboard.RowBuilder('Pages out (VigilNotificationsFailing, VigilNotificationsStuck)'))
    .withPanel(series('Page attempts by sink and result', `sum by (sink, result) (rate(vigil_notifications_total{${job}}[$__rate_interval]))`, '{{sink}} {{result}}', 'ops').span(8))
    .withPanel(series('Undelivered pages', `max by (sink) (vigil_notification_outbox_pending{${job}})`, '{{sink}}', 'short').span(8))
    .withPanel(series('Oldest undelivered page', `max by (sink) (vigil_notification_outbox_age_seconds{${job}})`, '{{sink}}', 's').span(8))
    .withPanel(series('Open incidents by status', `sum by (status) (vigil_incidents_open{${job}})`, '{{status}}', 'short').span(12))
    .withPanel(series('Escalation levels paged', `sum by (level) (increase(vigil_escalations_total{${job}}[$__rate_interval]))`, 'level {{level}}', 'short').span(12))
    .withRow(new dashboard.RowBuilder('Jobs and budgets (VigilJobsLate, VigilJobsMissed, VigilBudgetCycleStale, VigilBudgetCycleFailing)'))
    .withPanel(series('Oldest waiting job by kind', `max by (kind) (vigil_jobs_queue_age_seconds{${job}})`, '{{kind}}', 's').span(8))
    .withPanel(series('Job runs by kind and outcome', `sum by (kind, outcome) (rate(vigil_jobs_runs_total{${job}}[$__rate_interval]))`, '{{kind}} {{outcome}}', 'ops').span(8))
    .withPanel(series('Missed slots', `sum by (kind) (increase(vigil_jobs_missed_total{${job}}[$__rate_interval]))`, '{{kind}}', 'short').span(8))
    .withPanel(series('Age of the stored budgets', `time() - max(vigil_budget_last_success_timestamp_seconds{${job}})`, 'age', 's').span(8))
    .withPanel(quantiles('Budget cycle duration', 'vigil_budget_cycle_duration_seconds_bucket').span(8))
    .withPanel(series('Budget cycle failures', `sum(increase(vigil_budget_cycle_failures_total{${job}}[$__rate_interval]))`, 'failed', 'short').span(8))
    .withRow(new dashboard.RowBuilder('HTTP and process'))
    .withPanel(series('Requests by status', `sum by (status) (rate(vigil_http_requests_total{${job}}[$__rate_interval]))`, '{{status}}', 'reqps').span(8))
    .withPanel(quantiles('Request latency', 'vigil_http_request_duration_seconds_bucket').span(8))
    .withPanel(series('CPU by replica', `rate(process_cpu_seconds_total{${job}}[$__rate_interval])`, '{{instance}}', 'percentunit').span(8))
    .withPanel(series('Resident memory by replica', `process_resident_memory_bytes{${job}}`, '{{instance}}', 'bytes').span(12))
    .withPanel(series('Event loop lag p99 by replica', `nodejs_eventloop_lag_p99_seconds{${job}}`, '{{instance}}', 's').span(12));
}

function upStat(title: string, expr: string, description: string): stat.PanelBuilder {
  return new stat.PanelBuilder()
    .title(title)
    .description(description)
    .datasource(DATASOURCE)
    .withTarget(promQuery('A', expr, { instant: true }))
    .thresholds(thresholds([['red', null], ['green', 1]]))
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']))
    .span(4)
    .height(5);
}

function series(title: string, expr: string, legend: string, unit: string): timeseries.PanelBuilder {
  return new timeseries.PanelBuilder().title(title).datasource(DATASOURCE).withTarget(promQuery('A', expr, { legend })).unit(unit).min(0).height(8);
}

/** p50 and p99 of one of Vigil's histograms, over every replica. */
function quantiles(title: string, bucket: string): timeseries.PanelBuilder {
  const q = (p: number) => `histogram_quantile(${p}, sum by (le) (rate(${bucket}{${job}}[$__rate_interval])))`;
  return new timeseries.PanelBuilder()
    .title(title)
    .datasource(DATASOURCE)
    .withTarget(promQuery('A', q(0.5), { legend: 'p50' }))
    .withTarget(promQuery('B', q(0.99), { legend: 'p99' }))
    .unit('s')
    .min(0)
    .height(8);
}
