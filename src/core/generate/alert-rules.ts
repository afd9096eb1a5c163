import { formatDuration } from '../duration.js';
import type { Service, ThresholdAlert } from '../model/slo.js';
import type { AlertingRule, RuleGroup } from './rule-model.js';

/** The service's plain threshold alerts (REQUIREMENTS §2), one group per service. */
export function thresholdAlertGroup(service: Service): RuleGroup | undefined {
  if (service.alerts.length === 0) return undefined;
  return { name: `vigil-${service.name}-alerts`, rules: service.alerts.map((a) => thresholdAlert(service, a)) };
}

function thresholdAlert(service: Service, a: ThresholdAlert): AlertingRule {
  return {
    alert: a.name,
    expr: a.expr.text.trim(),
    ...(a.forSeconds > 0 ? { for: formatDuration(a.forSeconds) } : {}),
    labels: { ...service.labels, ...a.labels, service: service.name, severity: a.severity },
    annotations: {
      summary: a.summary,
      ...(a.description ? { description: a.description } : {}),
      ...(a.runbook ? { runbook_url: a.runbook } : {}),
      ...a.annotations,
    },
  };
}
