import { DEFAULT_OUTPUTS, type AlertLevel, type OutputsSpec } from '../model/outputs.js';
import { DEFAULT_SLO_RUNBOOK } from '../model/slo-defaults.js';
import { isAlertingRule, type RuleGroup } from './rule-model.js';

/**
 * How a fleet wants its generated alerts labelled and linked (kind: Outputs): the `severity`
 * values its Alertmanager routes on (many teams use P1/P3 or page/ticket rather than
 * critical/warning), and absolute runbook links, which is what Alertmanager, Grafana and
 * PagerDuty show as a link.
 */
export interface RuleStyle {
  severity(level: AlertLevel): string;
  /** Undefined: leave the annotation out. */
  runbookUrl(ref: string): string | undefined;
}

export function ruleStyle(outputs: Omit<OutputsSpec, 'file'> = DEFAULT_OUTPUTS): RuleStyle {
  const base = outputs.runbookBaseUrl;
  return {
    severity: (level) => outputs.severities[level],
    runbookUrl: (ref) => {
      if (ABSOLUTE.test(ref)) return ref;
      // Vigil's generic runbook is a path in Vigil's repository: without a base URL it would be a dead link in the fleet's.
      if (base === undefined) return ref === DEFAULT_SLO_RUNBOOK ? undefined : ref;
      return new URL(ref.replace(/^\.?\//, ''), base).toString();
    },
  };
}


/** A URL with a scheme (https:, http:, mailto:…) is a link already. */
const ABSOLUTE = /^[a-z][a-z0-9+.-]*:/i;

/**
 * The groups as the fleet wants them: every alert's `severity` (always one of Vigil's levels when
 * generated) in the fleet's values, every `runbook_url` absolute (Vigil's generic runbook left out
 * without a base URL). One pass at the end, so each generator keeps writing Vigil's own levels
 * and paths.
 */
export function styleGroups(groups: readonly RuleGroup[], style: RuleStyle): RuleGroup[] {
  return groups.map((g) => ({
    ...g,
    rules: g.rules.map((r) => {
      if (!isAlertingRule(r)) return r;
      const severity = r.labels.severity;
      const styled = severity !== undefined && isLevel(severity) ? style.severity(severity) : severity;
      const { runbook_url: runbook, ...others } = r.annotations;
      const url = runbook !== undefined ? style.runbookUrl(runbook) : undefined;
      // Most rules come out as they went in: no copy for them.
      if (styled === severity && url === runbook) return r;
      return {
        ...r,
        labels: styled === severity ? r.labels : { ...r.labels, severity: styled! },
        annotations: url === runbook ? r.annotations : url === undefined ? others : { ...r.annotations, runbook_url: url },
      };
    }),
  }));
}

function isLevel(s: string): s is AlertLevel {
  return s === 'critical' || s === 'warning' || s === 'info';
}
