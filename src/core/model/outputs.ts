/**
 * Fleet-wide settings of what `vigil generate` writes, from a `kind: Outputs` document
 * (docs/outputs-spec.md): where the Kubernetes objects go and how they are labelled.
 */
export interface OutputsSpec {
  readonly file: string;
  readonly prometheusRule: PrometheusRuleOutput;
}

export interface PrometheusRuleOutput {
  /** metadata.namespace of every PrometheusRule; unset: none, so `kubectl apply -n` (or kustomize) decides. */
  readonly namespace?: string;
  /** Added to metadata.labels, e.g. the `release: <name>` kube-prometheus-stack's ruleSelector matches. */
  readonly labels: Readonly<Record<string, string>>;
}

/** What a fleet without an Outputs document gets. */
export const DEFAULT_OUTPUTS: Omit<OutputsSpec, 'file'> = { prometheusRule: { labels: {} } };
