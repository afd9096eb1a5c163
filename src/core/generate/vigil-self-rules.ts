import type { RoutingSpec } from '../model/routing.js';
import { ruleFilePair, type GeneratedFile } from './rule-files.js';
import type { OutputsSpec } from '../model/outputs.js';
import type { RuleGroup } from './rule-model.js';

/**
 * Alerts about Vigil itself. With a routing spec Vigil is the fleet's pager (every alert goes to
 * its webhook), so the one thing it cannot page about is its own absence: VigilDown is routed by
 * Alertmanager straight to PagerDuty (slos/routing.yaml, docs/routing-spec.md "Who pages what").
 */
export const VIGIL_SELF = {
  /** The scrape job of Vigil's /metrics (the ServiceMonitor's Service name). */
  job: 'vigil',
  /** Long enough for a rolling restart of one replica, short enough to page well inside the 5-minute response goal. */
  downFor: '2m',
  file: 'vigil-self',
} as const;

/**
 * The label that sends an alert around Vigil: set on the alerts about what stops Vigil from paging
 * (down, no database, pages failing or stuck), which slos/routing.yaml routes from Alertmanager
 * straight to PagerDuty. Vigil's other alerts go through Vigil like any alert.
 */
export const VIGIL_BYPASS_LABEL = 'vigil_bypass';

interface SelfAlert {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly severity: 'critical' | 'warning';
  /** Vigil cannot page about this itself. */
  readonly bypass: boolean;
  readonly summary: string;
  readonly description: string;
}

const job = `job="${VIGIL_SELF.job}"`;

/** Each has its section in runbooks/vigil.md, by the alert's name in lower case. */
export const SELF_ALERTS: readonly SelfAlert[] = [
  {
    alert: 'VigilDown',
    // `max by (job)` pages only when no replica is up (one answering replica still takes
    // every webhook) and gives both arms the same labels, so the alert keeps its pending
    // time when the down targets drop out of service discovery and `absent` takes over.
    expr: `max by (job) (up{${job}}) == 0 or absent(up{${job}})`,
    for: VIGIL_SELF.downFor,
    severity: 'critical',
    bypass: true,
    summary: 'Vigil is down or not scraped: it cannot page anyone about any other alert',
    description:
      `No target of job "${VIGIL_SELF.job}" is up (or none is scraped) for ${VIGIL_SELF.downFor}. ` +
      'Alertmanager sends every other alert to Vigil, which pages people; while Vigil is down those ' +
      'notifications are only retried by Alertmanager and nobody is paged for them.',
  },
  {
    alert: 'VigilDatabaseUnreachable',
    expr: `max by (job) (vigil_database_up{${job}}) == 0`,
    for: '2m',
    severity: 'critical',
    bypass: true,
    summary: 'No Vigil replica reaches its database: alerts are refused and nobody is paged',
    description:
      'Every replica has failed its database ping at each scrape for 2 minutes. Vigil stores an alert before it answers ' +
      "Alertmanager, so it answers 503 and Alertmanager retries; escalations and pages wait in the database it cannot reach.",
  },
  {
    alert: 'VigilNotificationsFailing',
    expr: `sum by (job, sink) (increase(vigil_notifications_total{${job},result="failed"}[10m])) > 0`,
    severity: 'critical',
    bypass: true,
    summary: 'Vigil gave up delivering pages to {{ $labels.sink }}',
    description:
      '{{ $value | humanize }} page(s) to {{ $labels.sink }} failed for good in the last 10 minutes (retries exhausted or refused): ' +
      'the people they were for were not reached through it.',
  },
  {
    alert: 'VigilNotificationsStuck',
    expr: `max by (job, sink) (vigil_notification_outbox_age_seconds{${job}}) > 300`,
    for: '2m',
    severity: 'critical',
    bypass: true,
    summary: 'Pages to {{ $labels.sink }} have waited more than 5 minutes',
    description:
      'The oldest undelivered page to {{ $labels.sink }} is {{ $value | humanizeDuration }} old: the sink is slow or refusing, ' +
      'or no replica is delivering. Incidents are recorded, but people hear of them late.',
  },
  {
    alert: 'VigilWebhookFailing',
    // Alertmanager's own counter, which counts a notification once it gives up on it: a 4xx at
    // once (never retried: the alerts are lost), a 5xx or timeout only after its retries, so a
    // rolling restart's 503s do not count. Vigil is the only webhook receiver of a routing spec.
    expr: 'sum(increase(alertmanager_notifications_failed_total{integration="webhook"}[10m])) > 0',
    severity: 'critical',
    bypass: true,
    summary: "Alertmanager's notifications to Vigil keep failing: alerts may not reach anyone",
    description:
      '{{ $value | humanize }} webhook notification(s) from Alertmanager to Vigil failed for good in the last 10 minutes. ' +
      'A refusal (a wrong or expired ingest token, a payload Vigil refuses) is not retried: those alerts page nobody.',
  },
  {
    alert: 'VigilBudgetCycleStale',
    expr: `time() - max by (job) (vigil_budget_last_success_timestamp_seconds{${job}}) > 900`,
    for: '5m',
    severity: 'warning',
    bypass: false,
    summary: 'Error budgets have not been updated for more than 15 minutes',
    description:
      'The last budget cycle that stored budgets evaluated {{ $value | humanizeDuration }} ago. The budget API, the deploy gate ' +
      'and budget webhooks answer from that old reading.',
  },
  {
    alert: 'VigilBudgetCycleFailing',
    expr: `sum by (job) (increase(vigil_budget_cycle_failures_total{${job}}[15m])) > 2`,
    severity: 'warning',
    bypass: false,
    summary: 'Budget cycles keep failing',
    description: '{{ $value | humanize }} budget cycles failed in the last 15 minutes: Prometheus or the database did not answer. Budgets are not updated while they fail.',
  },
  {
    alert: 'VigilJobsLate',
    expr: `max by (job, kind) (vigil_jobs_queue_age_seconds{${job}}) > 300`,
    for: '5m',
    severity: 'warning',
    bypass: false,
    summary: 'Vigil jobs of kind {{ $labels.kind }} wait more than 5 minutes to run',
    description:
      'The oldest due {{ $labels.kind }} job has waited {{ $value | humanizeDuration }} for a replica: replicas are too busy, ' +
      'stuck, or none runs jobs of this kind. Escalations and drills run late meanwhile.',
  },
  {
    alert: 'VigilJobsMissed',
    expr: `sum by (job, kind) (increase(vigil_jobs_missed_total{${job}}[1h])) > 0`,
    severity: 'warning',
    bypass: false,
    summary: 'Scheduled {{ $labels.kind }} runs were missed',
    description: '{{ $value | humanize }} slot(s) of the recurring job {{ $labels.kind }} ran on no replica in the last hour (all down, or none claimed it in time).',
  },
  {
    alert: 'VigilSpecProblems',
    expr: `max by (job) (vigil_spec_problems{${job}}) > 0`,
    for: '15m',
    severity: 'warning',
    bypass: false,
    summary: 'Vigil found problems in its specs and generated nothing',
    description:
      '{{ $value | humanize }} problem(s) in the specs at the last load: no rule file was rewritten, and on-call changes in a ' +
      'file with problems are not in effect. `vigil validate` lists them.',
  },
];

export function vigilSelfRuleGroups(): RuleGroup[] {
  return [
    {
      name: 'vigil-self',
      rules: SELF_ALERTS.map((a) => ({
        alert: a.alert,
        expr: a.expr,
        ...(a.for ? { for: a.for } : {}),
        labels: { service: 'vigil', severity: a.severity, ...(a.bypass ? { [VIGIL_BYPASS_LABEL]: 'true' } : {}) },
        annotations: { summary: a.summary, description: a.description, runbook_url: `runbooks/vigil.md#${a.alert.toLowerCase()}` },
      })),
    },
  ];
}

/** rules/vigil-self.rules.yaml and its PrometheusRule, for a fleet that routes its alerts through Vigil. */
export function vigilSelfRuleFiles(routing: RoutingSpec | undefined, outputs?: Omit<OutputsSpec, 'file'>): GeneratedFile[] {
  if (!routing) return [];
  return ruleFilePair(VIGIL_SELF.file, [routing.file], vigilSelfRuleGroups(), { name: 'vigil-self', partOf: 'vigil' }, outputs);
}
