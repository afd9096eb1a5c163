import { formatDuration } from '../duration.js';
import { DEFAULT_ABSENT } from '../model/slo-defaults.js';
import type { AbsentAlertSettings, AlertTierSettings, Sli, Slo, SloAlerting, SpecDocument, ThresholdAlert } from '../model/slo.js';
import { compact } from './spec-yaml.js';

/**
 * One `vigil/v1` document per spec document, with every value the model holds written out (the
 * alert name, the window, each SLO's runbook), so loading it gives the same model whatever
 * format it came from. Only values that equal the native defaults are left out: empty maps, an
 * empty description, a tier with the default settings.
 */
export function nativeDocument(doc: SpecDocument): Record<string, unknown> {
  return compact({
    apiVersion: 'vigil/v1',
    service: doc.service,
    labels: doc.labels,
    slos: doc.slos.length > 0 ? doc.slos.map(nativeSlo) : undefined,
    alerts: doc.alerts.length > 0 ? doc.alerts.map(nativeAlert) : undefined,
  });
}

function nativeSlo(slo: Slo): Record<string, unknown> {
  return compact({
    name: slo.name,
    description: slo.description || undefined,
    // The model keeps the objective as decimal text; YAML's shortest number text is that decimal again.
    objective: Number(slo.objective),
    window: slo.calendar ?? formatDuration(slo.windowSeconds),
    sli: nativeSli(slo.sli),
    alerting: nativeAlerting(slo.alerting),
    labels: slo.labels,
    annotations: slo.annotations,
    runbook: slo.runbook,
  });
}

function nativeSli(sli: Sli): Record<string, unknown> {
  switch (sli.kind) {
    case 'events':
      return {
        events: compact({ errorQuery: sli.errorQuery?.text, goodQuery: sli.goodQuery?.text, totalQuery: sli.totalQuery.text }),
      };
    case 'latency':
      return {
        latency: compact({
          metric: sli.metric,
          selector: sli.selector || undefined,
          threshold: sli.thresholdSeconds,
          buckets: sli.buckets && [...sli.buckets],
        }),
      };
    case 'raw':
      return { raw: { errorRatioQuery: sli.errorRatioQuery.text } };
  }
}

function nativeAlerting(a: SloAlerting): Record<string, unknown> {
  return compact({
    name: a.name,
    labels: a.labels,
    annotations: a.annotations,
    page: nativeTier(a.page),
    ticket: nativeTier(a.ticket),
    // Written when it differs from Vigil's default (the fleet's, from its Outputs spec, is not known here).
    absent: nativeAbsent(a.absent),
    windows: a.windows?.map((w) => ({
      severity: w.severity,
      long: formatDuration(w.longWindowSeconds),
      short: formatDuration(w.shortWindowSeconds),
      burnRate: Number(w.burnRate),
    })),
  });
}

function nativeAbsent(x: AbsentAlertSettings): Record<string, unknown> | undefined {
  const settings = compact({
    disabled: x.disabled !== DEFAULT_ABSENT.disabled ? x.disabled : undefined,
    for: x.forSeconds !== DEFAULT_ABSENT.forSeconds ? formatDuration(x.forSeconds) : undefined,
    severity: x.severity !== DEFAULT_ABSENT.severity ? x.severity : undefined,
    labels: x.labels,
    annotations: x.annotations,
  });
  return Object.keys(settings).length > 0 ? settings : undefined;
}

function nativeTier(t: AlertTierSettings): Record<string, unknown> {
  return compact({
    severity: t.severity,
    disabled: t.disabled || undefined,
    for: t.forSeconds > 0 ? formatDuration(t.forSeconds) : undefined,
    labels: t.labels,
    annotations: t.annotations,
  });
}

function nativeAlert(a: ThresholdAlert): Record<string, unknown> {
  return compact({
    name: a.name,
    expr: a.expr.text,
    for: a.forSeconds > 0 ? formatDuration(a.forSeconds) : undefined,
    severity: a.severity,
    summary: a.summary,
    description: a.description || undefined,
    runbook: a.runbook,
    labels: a.labels,
    annotations: a.annotations,
  });
}
