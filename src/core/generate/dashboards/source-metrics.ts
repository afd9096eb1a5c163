/**
 * Series the dashboards read that Vigil's rules do not record: Prometheus's own alert series and
 * Vigil's own metrics. Tests check that every panel query names a recorded `slo:*` series or one
 * of these, so no panel points at nothing by accident.
 */
export interface SourceMetric {
  readonly name: string;
  readonly help: string;
  /** False for metrics documented ahead of the code that will export them (incident routing). */
  readonly exported: boolean;
}

export const PROMETHEUS_ALERT_METRICS = ['ALERTS', 'ALERTS_FOR_STATE'] as const;

export const DOCUMENTED_SOURCE_METRICS: readonly SourceMetric[] = [
  { name: 'vigil_slos_loaded', help: 'SLOs in the last loaded fleet', exported: true },
  { name: 'vigil_spec_problems', help: 'Problems found in the last loaded specs', exported: true },
  { name: 'vigil_oncall_current', help: '1 for whoever is on call now, labels schedule and user', exported: false },
  { name: 'vigil_incidents_open', help: 'Open incidents, labels service and severity', exported: false },
  { name: 'vigil_incident_ack_duration_seconds_bucket', help: 'Histogram of time from trigger to acknowledgement', exported: false },
  { name: 'vigil_incident_escalations_total', help: 'Incidents escalated to the next level, labels service and level', exported: false },
];

export const NOT_YET_EXPORTED_NOTE =
  'Shows no data until incident routing exists: Vigil documents this metric but does not export it yet.';
