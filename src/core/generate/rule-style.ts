import { DEFAULT_OUTPUTS, type AlertLevel, type OutputsSpec } from '../model/outputs.js';
import { isAlertingRule, type RuleGroup } from './rule-model.js';

/**
 * How a fleet wants its generated alerts labelled and linked (kind: Outputs): the `severity`
 * values its Alertmanager routes on (many teams use P1/P3 or page/ticket rather than
 * critical/warning), and absolute runbook links, which is what Alertmanager, Grafana and
 * PagerDuty show as a link.
 */
export interface RuleStyle {
  severity(level: AlertLevel): string;
  runbookUrl(ref: string): string;
}

export function ruleStyle(outputs: Omit<OutputsSpec, 'file'> = DEFAULT_OUTPUTS): RuleStyle {
  const base = outputs.runbookBaseUrl;
  return {
    severity: (level) => outputs.severities[level],
    runbookUrl: (ref) => (base === undefined || ABSOLUTE.test(ref) ? ref : new URL(ref.replace(/^\.?\//, ''), base).toString()),
  };
}

export const DEFAULT_RULE_STYLE: RuleStyle = ruleStyle();

/** A URL with a scheme (https:, http:, mailto:…) is a link already. */
const ABSOLUTE = /^[a-z][a-z0-9+.-]*:/i;

/**
 * The groups as the fleet wants them: every alert's `severity` (always one of Vigil's levels when
 * generated) in the fleet's values, every `runbook_url` absolute. One pass at the end, so each
 * generator keeps writing Vigil's own levels and paths.
 */
export function styleGroups(groups: readonly RuleGroup[], style: RuleStyle): RuleGroup[] {
  if (style === DEFAULT_RULE_STYLE) return [...groups];
  return groups.map((g) => ({
    ...g,
    rules: g.rules.map((r) => {
      if (!isAlertingRule(r)) return r;
      const severity = r.labels.severity;
      const runbook = r.annotations.runbook_url;
      return {
        ...r,
        labels: severity !== undefined && isLevel(severity) ? { ...r.labels, severity: style.severity(severity) } : r.labels,
        annotations: runbook !== undefined ? { ...r.annotations, runbook_url: style.runbookUrl(runbook) } : r.annotations,
      };
    }),
  }));
}

function isLevel(s: string): s is AlertLevel {
  return s === 'critical' || s === 'warning' || s === 'info';
}
