/**
 * Series the dashboards read that Vigil's rules do not record: Prometheus's own alert series and
 * Vigil's own metrics. Tests check that every panel query names a recorded `slo:*` series or one
 * of these, so no panel points at nothing by accident.
 */
export interface SourceMetric {
  readonly name: string;
  readonly help: string;
}

export const PROMETHEUS_ALERT_METRICS = ['ALERTS', 'ALERTS_FOR_STATE'] as const;

/** Vigil's own metrics the dashboards read; test/e2e checks that the app exports each. */
export const DOCUMENTED_SOURCE_METRICS: readonly SourceMetric[] = [
  { name: 'vigil_slos_loaded', help: 'SLOs in the last loaded fleet' },
  { name: 'vigil_spec_problems', help: 'Problems found in the last loaded specs' },
  { name: 'vigil_oncall_current', help: '1 for whoever each schedule puts on call now, labels schedule and person' },
  { name: 'vigil_incidents_open', help: 'Open incidents, labels status, service and severity' },
  { name: 'vigil_incident_ack_duration_seconds_bucket', help: 'Histogram of time from trigger to acknowledgement, label service' },
  { name: 'vigil_escalations_total', help: 'Escalation levels paged, labels service and level' },
  { name: 'vigil_build_info', help: 'Version and revision of each replica' },
  { name: 'vigil_database_up', help: "Whether the replica reaches its database" },
  { name: 'vigil_alert_notifications_total', help: 'Alertmanager notifications received, label result' },
  { name: 'vigil_alert_ingest_duration_seconds_bucket', help: 'Histogram of notification receipt to commit' },
  { name: 'vigil_notifications_total', help: 'Page attempts, labels sink and result' },
  { name: 'vigil_notification_outbox_pending', help: 'Undelivered pages, label sink' },
  { name: 'vigil_notification_outbox_age_seconds', help: 'Age of the oldest undelivered page, label sink' },
  { name: 'vigil_jobs_queue_age_seconds', help: 'Age of the oldest due job, label kind' },
  { name: 'vigil_jobs_runs_total', help: 'Job runs, labels kind and outcome' },
  { name: 'vigil_jobs_missed_total', help: 'Slots no replica ran, label kind' },
  { name: 'vigil_budget_last_success_timestamp_seconds', help: 'Evaluation time of the latest stored budget cycle' },
  { name: 'vigil_budget_cycle_duration_seconds_bucket', help: 'Histogram of budget cycle duration' },
  { name: 'vigil_budget_cycle_failures_total', help: 'Budget cycles that failed' },
  { name: 'vigil_http_requests_total', help: 'HTTP requests, labels method, route and status' },
  { name: 'vigil_http_request_duration_seconds_bucket', help: 'Histogram of HTTP request duration' },
];

/** Series other software exports that the dashboards read: Prometheus itself, Alertmanager, Node (prom-client). */
export const OTHER_SOURCE_METRICS = ['up', 'alertmanager_notifications_failed_total', 'process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_p99_seconds'] as const;
