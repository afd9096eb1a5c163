/** Prometheus rule-file structures, in the field order Prometheus documents them. */
export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export interface AlertingRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

export type Rule = RecordingRule | AlertingRule;

export interface RuleGroup {
  readonly name: string;
  /** Evaluated at this interval instead of Prometheus' global `evaluation_interval`. */
  readonly interval?: string;
  readonly rules: readonly Rule[];
}

export function isAlertingRule(r: Rule): r is AlertingRule {
  return 'alert' in r;
}
