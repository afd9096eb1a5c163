import { DEFAULT_ABSENT, type AbsentDefaults } from './slo-defaults.js';

/**
 * Fleet-wide settings of what `vigil generate` writes, from a `kind: Outputs` document
 * (docs/outputs-spec.md): where the Kubernetes objects go and how they are labelled.
 */
export interface OutputsSpec {
  readonly file: string;
  readonly prometheusRule: PrometheusRuleOutput;
  /** The `severity` label's value on generated alerts for each of Vigil's three levels. */
  readonly severities: Readonly<Record<AlertLevel, string>>;
  /** Relative runbook paths in `runbook_url` are joined to this (ends in `/`); unset: written as they are. */
  readonly runbookBaseUrl?: string;
  /** Every SLO's absent-data alert unless the SLO says otherwise (native `alerting.absent`). */
  readonly absentAlerts: AbsentDefaults;
}

/** Vigil's severity levels: an SLO's page tier is critical, its ticket tier warning. */
export type AlertLevel = 'critical' | 'warning' | 'info';

export interface PrometheusRuleOutput {
  /** metadata.namespace of every PrometheusRule; unset: none, so `kubectl apply -n` (or kustomize) decides. */
  readonly namespace?: string;
  /** Added to metadata.labels, e.g. the `release: <name>` kube-prometheus-stack's ruleSelector matches. */
  readonly labels: Readonly<Record<string, string>>;
}

/** What a fleet without an Outputs document gets. */
export const DEFAULT_OUTPUTS: Omit<OutputsSpec, 'file'> = {
  prometheusRule: { labels: {} },
  severities: { critical: 'critical', warning: 'warning', info: 'info' },
  absentAlerts: DEFAULT_ABSENT,
};
