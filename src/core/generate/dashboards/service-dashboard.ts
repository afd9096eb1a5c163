import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as gauge from '@grafana/grafana-foundation-sdk/gauge';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { formatDuration } from '../../duration.js';
import { compareDecimal, enabledTiers, errorBudgetRatio, objectiveRatio } from '../../model/objective.js';
import type { BurnTier, LatencySli, Service, Slo, ThresholdAlert } from '../../model/slo.js';
import { RULE_NAMES } from '../slo-rules.js';
import { dashboardUid } from './dashboard-uid.js';
import { SLO_OVERVIEW_UID } from './slo-overview-dashboard.js';
import {
  BUDGET_THRESHOLDS,
  DATASOURCE,
  datasourceVariable,
  firingAlertsTable,
  GENERATED_BY,
  promQuery,
  promString,
  REF_IDS,
  thresholds,
} from './panel-parts.js';

const SLO_VAR = 'slo';

/** One service: its SLOs' budgets and burn rates, and the state of its threshold alerts. */
export function serviceDashboard(service: Service): dashboard.DashboardBuilder {
  const svc = `service=${promString(service.name)}`;
  const chosen = `${svc},slo=~"\${${SLO_VAR}:regex}"`;
  const b = new dashboard.DashboardBuilder(`Vigil / ${service.name}`)
    .uid(dashboardUid(service.name))
    .description(`${GENERATED_BY} from ${service.files.join(', ')}. Do not edit: change the spec and run \`vigil generate\`.`)
    .tags(['vigil', 'slo', `service:${service.name}`])
    .time({ from: 'now-7d', to: 'now' })
    .refresh('1m')
    .link(
      new dashboard.DashboardLinkBuilder('SLO overview')
        .type(dashboard.DashboardLinkType.Link)
        .url(`/d/${SLO_OVERVIEW_UID}`)
        .keepTime(true)
        .icon('dashboard')
        .tooltip('Every SLO of the fleet'),
    )
    .withVariable(datasourceVariable());

  if (service.slos.length > 0) {
    b.withVariable(
      new dashboard.CustomVariableBuilder(SLO_VAR)
        .label('SLO')
        // Custom variable values are comma-separated; SLO names (NAME_RE) hold no commas.
        .values(service.slos.map((s) => s.name).join(','))
        .multi(true)
        .includeAll(true)
        .allValue('.*'),
    );
    b.withRow(new dashboard.RowBuilder('Error budgets'))
      .withPanel(budgetStat(chosen))
      .withPanel(budgetGauge(chosen))
      .withPanel(budgetBurnDown(chosen))
      .withPanel(firingSloAlerts(chosen));
    for (const slo of service.slos) {
      b.withRow(new dashboard.RowBuilder(`SLO ${slo.name}: ${slo.objective}% over ${formatDuration(slo.windowSeconds)}`));
      b.withPanel(sliVsObjective(slo));
      const tiers = enabledTiers(slo);
      if (tiers.length > 0) b.withPanel(burnRates(slo, tiers));
    }
  }

  const counted = service.slos.filter((s) => s.sli.kind !== 'raw');
  const latency = service.slos.filter((s): s is Slo & { sli: LatencySli } => s.sli.kind === 'latency');
  if (counted.length > 0 || latency.length > 0) {
    b.withRow(new dashboard.RowBuilder('Signals'));
    if (counted.length > 0) b.withPanel(errorRatio(counted));
    for (const slo of latency) b.withPanel(latencyP95(slo));
  }

  if (service.alerts.length > 0) {
    b.withRow(new dashboard.RowBuilder('Threshold alerts'));
    for (const alert of service.alerts) b.withPanel(thresholdAlertState(service, alert));
  }
  return b;
}

function sloSelector(slo: Slo): string {
  return `{service=${promString(slo.service)},slo=${promString(slo.name)}}`;
}

function budgetStat(sel: string): stat.PanelBuilder {
  return new stat.PanelBuilder()
    .title('Error budget remaining')
    .description('Share of each SLO’s error budget left over its window; below 0 the objective is broken.')
    .datasource(DATASOURCE)
    .withTarget(promQuery('A', `${RULE_NAMES.budgetRemaining}{${sel}}`, { legend: '{{slo}}', instant: true }))
    .unit('percentunit')
    .decimals(1)
    .thresholds(thresholds(BUDGET_THRESHOLDS))
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']))
    .graphMode(common.BigValueGraphMode.None)
    .span(6)
    .height(8);
}

function budgetGauge(sel: string): gauge.PanelBuilder {
  return new gauge.PanelBuilder()
    .title('Error budget remaining (gauge)')
    .datasource(DATASOURCE)
    .withTarget(promQuery('A', `${RULE_NAMES.budgetRemaining}{${sel}}`, { legend: '{{slo}}', instant: true }))
    .unit('percentunit')
    .min(0)
    .max(1)
    .thresholds(thresholds(BUDGET_THRESHOLDS))
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']))
    .showThresholdMarkers(true)
    .span(6)
    .height(8);
}

function budgetBurnDown(sel: string): timeseries.PanelBuilder {
  return new timeseries.PanelBuilder()
    .title('Error budget burn-down')
    .description('Budget left over each SLO’s rolling window; widen the time range to the SLO window to see a full burn-down.')
    .datasource(DATASOURCE)
    .withTarget(promQuery('A', `${RULE_NAMES.budgetRemaining}{${sel}}`, { legend: '{{slo}}' }))
    .unit('percentunit')
    .thresholds(thresholds(BUDGET_THRESHOLDS))
    .thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed))
    .span(12)
    .height(8);
}

function firingSloAlerts(sel: string): table.PanelBuilder {
  return firingAlertsTable('Firing SLO alerts', sel, 'No SLO alert firing').span(24).height(6);
}

function sliVsObjective(slo: Slo): stat.PanelBuilder {
  const window = formatDuration(slo.windowSeconds);
  const sel = sloSelector(slo);
  return new stat.PanelBuilder()
    .title(`${slo.name}: SLI over ${window} vs objective`)
    .description(slo.description)
    .datasource(DATASOURCE)
    .withTarget(promQuery('A', `1 - ${RULE_NAMES.errorRatio(window)}${sel}`, { legend: `SLI (${window})`, instant: true }))
    .withTarget(promQuery('B', `${RULE_NAMES.objective}${sel}`, { legend: 'Objective', instant: true }))
    .unit('percentunit')
    .decimals(3)
    // Red below the objective, whatever the objective is.
    .thresholds(thresholds([['red', null], ['green', Number(objectiveRatio(slo.objective))]]))
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']))
    .graphMode(common.BigValueGraphMode.None)
    .span(8)
    .height(8);
}

/** Long-window error ratio in units of the budget: the alert fires when it crosses the tier's burn rate. */
function burnRates(slo: Slo, tiers: readonly BurnTier[]): timeseries.PanelBuilder {
  const sel = sloSelector(slo);
  const budget = errorBudgetRatio(slo.objective);
  const steps = [...tiers]
    .sort((a, b) => compareDecimal(a.burnRate, b.burnRate))
    .map((t): [string, number] => [t.severity === 'page' ? 'red' : 'orange', Number(t.burnRate)]);
  const p = new timeseries.PanelBuilder()
    .title(`${slo.name}: burn rate by alert tier`)
    .description(
      `Error ratio over each tier’s long window divided by the error budget (${budget}). ` +
        'A tier alerts when this crosses its burn rate (the threshold lines) and its short window does too.',
    )
    .datasource(DATASOURCE)
    .unit('suffix:x')
    .thresholds(thresholds([['green', null], ...steps]))
    .thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed))
    .span(16)
    .height(8);
  tiers.forEach((t, i) => {
    const long = formatDuration(t.longWindowSeconds);
    p.withTarget(
      promQuery(REF_IDS[i]!, `${RULE_NAMES.errorRatio(long)}${sel} / ${budget}`, {
        legend: `${t.severity} ${long}/${formatDuration(t.shortWindowSeconds)} (alerts above ${t.burnRate}x)`,
      }),
    );
  });
  return p;
}

/** Bad over total events over the 5m base window, from the rates every counted SLI records. */
function errorRatio(slos: readonly Slo[]): timeseries.PanelBuilder {
  const p = new timeseries.PanelBuilder()
    .title('Error ratio (5m)')
    .description('Bad events over all events in the last 5 minutes, per SLO: the signal the error-rate alerts watch.')
    .datasource(DATASOURCE)
    .unit('percentunit')
    .min(0)
    .span(12)
    .height(8);
  slos.forEach((slo, i) => {
    const sel = sloSelector(slo);
    p.withTarget(
      promQuery(REF_IDS[i % REF_IDS.length]!, `${RULE_NAMES.errorRate('5m')}${sel} / clamp_min(${RULE_NAMES.totalRate('5m')}${sel}, 1e-300)`, {
        legend: slo.name,
      }),
    );
  });
  return p;
}

/** P95 from the SLI's own histogram, with the SLO's threshold as a line. */
function latencyP95(slo: Slo & { sli: LatencySli }): timeseries.PanelBuilder {
  const matchers = slo.sli.selector ? `{${slo.sli.selector}}` : '';
  return new timeseries.PanelBuilder()
    .title(`${slo.name}: P95 latency`)
    .description(`95th percentile of ${slo.sli.metric} over 5 minutes; the SLO counts requests slower than ${slo.sli.thresholdSeconds}s as bad.`)
    .datasource(DATASOURCE)
    .unit('s')
    .min(0)
    .thresholds(thresholds([['green', null], ['red', slo.sli.thresholdSeconds]]))
    .thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed))
    .withTarget(
      promQuery('A', `histogram_quantile(0.95, sum by (le) (rate(${slo.sli.metric}_bucket${matchers}[5m])))`, { legend: 'p95' }),
    )
    .span(12)
    .height(8);
}

/**
 * A threshold alert's expression ends in its own comparison, which cannot be stripped in general;
 * its state from Prometheus's ALERTS series is what can be plotted honestly.
 */
function thresholdAlertState(service: Service, alert: ThresholdAlert): timeseries.PanelBuilder {
  return new timeseries.PanelBuilder()
    .title(`${alert.name} (${alert.severity})`)
    .description(`${templateAsText(alert.summary)}\n\n1 while the alert is pending or firing. Expression: \`${alert.expr.text.trim()}\``)
    .datasource(DATASOURCE)
    .withTarget(
      promQuery('A', `ALERTS{service=${promString(service.name)},alertname=${promString(alert.name)}}`, { legend: '{{alertstate}}' }),
    )
    .min(0)
    .max(1)
    .noValue('Not pending or firing')
    .span(12)
    .height(6);
}

/**
 * An alert summary as a panel shows it: Grafana does not expand Alertmanager templates, so
 * `{{ $labels.instance }}` becomes `<instance>`, `{{ $value … }}` becomes `<value>`, and anything
 * else between `{{ }}` an ellipsis, instead of template code shown literally.
 */
export function templateAsText(summary: string): string {
  return summary.replace(/\{\{-?\s*(.*?)\s*-?\}\}/g, (_, inner: string) => {
    const label = /^\$labels\.([A-Za-z_][A-Za-z0-9_]*)\b/.exec(inner) ?? /^index\s+\$labels\s+"([^"]+)"/.exec(inner);
    if (label) return `<${label[1]}>`;
    if (/^\$value\b/.test(inner)) return '<value>';
    return '…';
  });
}
