import { diagnostic, type Diagnostic, type SourcePos } from '../diagnostics.js';
import { formatDuration } from '../duration.js';
import { leMatcher } from '../generate/sli-queries.js';
import { objectiveRatio } from '../model/objective.js';
import { DEFAULT_ABSENT, defaultAlertName } from '../model/slo-defaults.js';
import type { AlertTierSettings, EventsSli, LatencySli, Slo, SpecDocument } from '../model/slo.js';
import { compact } from './spec-yaml.js';

/**
 * OpenSLO v1 `kind: SLO` documents, each with its indicator inline, in the subset Vigil's own
 * OpenSLO reader takes (definitions/openslo.parser.ts): a Prometheus `ratioMetric` of counters,
 * one rolling (or calendar-month) time window, occurrences budgeting, one objective. Vigil reads
 * no alert settings from OpenSLO, so an SLO's alert name, labels, annotations, tier settings and
 * burn-rate windows, and the service's threshold alerts, are left out: each is a note located
 * where the source sets it, never dropped silently.
 */
export function openSloDocuments(doc: SpecDocument): { documents: unknown[]; notes: Diagnostic[]; complete: string[] } {
  const documents: unknown[] = [];
  const notes: Diagnostic[] = [];
  const complete: string[] = [];
  for (const slo of doc.slos) {
    if (slo.sli.kind === 'raw') {
      notes.push(diagnostic(slo.sli.errorRatioQuery.at, `SLO ${slo.name} not converted: its raw error-ratio query has no OpenSLO form Vigil reads (a ratioMetric of good or bad and total counters); keep it in vigil/v1`));
      continue;
    }
    const lost = lostSettings(slo);
    notes.push(...lost);
    if (lost.length === 0) complete.push(`${slo.service}/${slo.name}`);
    if (slo.sli.kind === 'latency' && slo.sli.buckets) {
      // Only validation reads the buckets: the rules stay the same, so the SLO still counts as complete.
      notes.push(diagnostic(slo.sli.at.metric, `SLO ${slo.name}: histogram buckets left out: OpenSLO has no place for them, so the threshold is no longer checked against them`));
    }
    documents.push(sloDocument(doc, slo, slo.sli));
  }
  for (const a of doc.alerts) {
    notes.push(diagnostic(a.at, `threshold alert ${a.name} left out: OpenSLO has no threshold alerts; keep it in a vigil/v1 file`));
  }
  return { documents, notes, complete };
}

function sloDocument(doc: SpecDocument, slo: Slo, sli: EventsSli | LatencySli): Record<string, unknown> {
  return {
    apiVersion: 'openslo/v1',
    kind: 'SLO',
    metadata: compact({
      name: slo.name,
      // Vigil puts the service's labels on every rule of its SLOs: the SLO's own labels say the same.
      labels: { ...doc.labels, ...slo.labels },
      annotations: slo.runbook === undefined ? undefined : { runbook_url: slo.runbook },
    }),
    spec: compact({
      description: slo.description || undefined,
      service: slo.service,
      indicator: { metadata: { name: slo.name }, spec: { ratioMetric: ratioMetric(sli) } },
      timeWindow: [
        slo.calendar
          ? { duration: '1M', isRolling: false, calendar: { startTime: '2020-01-01 00:00:00', timeZone: 'UTC' } }
          : { duration: formatDuration(slo.windowSeconds), isRolling: true },
      ],
      budgetingMethod: 'Occurrences',
      objectives: [{ target: Number(objectiveRatio(slo.objective)) }],
    }),
  };
}

/**
 * A latency SLI as the histogram's events: good is the bucket at the threshold (matching `le`
 * as Vigil's latency SLI does), total its `_count`. Both are bare selectors, which Vigil wraps in
 * rate() exactly as it does for the latency SLI, so the recorded rates are the same.
 */
function ratioMetric(sli: EventsSli | LatencySli): Record<string, unknown> {
  const source = (query: string) => ({ metricSource: { type: 'Prometheus', spec: { query } } });
  if (sli.kind === 'latency') {
    const sel = sli.selector;
    return {
      counter: true,
      good: source(`${sli.metric}_bucket{${sel ? `${sel},` : ''}${leMatcher(sli.thresholdSeconds)}}`),
      total: source(`${sli.metric}_count${sel ? `{${sel}}` : ''}`),
    };
  }
  return compact({
    counter: true,
    good: sli.goodQuery && source(sli.goodQuery.text),
    bad: sli.errorQuery && source(sli.errorQuery.text),
    total: source(sli.totalQuery.text),
  });
}

/** What the OpenSLO form of this SLO cannot say, each located where the source says it. */
function lostSettings(slo: Slo): Diagnostic[] {
  const out: Diagnostic[] = [];
  const a = slo.alerting;
  const lost = (at: SourcePos, what: string) => out.push(diagnostic(at, `SLO ${slo.name}: ${what} left out: Vigil reads no alert settings from OpenSLO`));
  // A runbook_url annotation that repeats the runbook is kept: the OpenSLO runbook_url annotation says it.
  const keys = (m: Readonly<Record<string, string>>) => Object.keys(m).filter((k) => !(k === 'runbook_url' && m[k] === slo.runbook));
  const some = (m: Readonly<Record<string, string>>) => keys(m).length > 0;
  if (a.name !== defaultAlertName(slo.name)) lost(a.at, `alert name ${a.name} (OpenSLO SLOs alert as ${defaultAlertName(slo.name)})`);
  if (some(a.labels)) lost(a.at, `alert labels ${keys(a.labels).join(', ')}`);
  if (some(a.annotations)) lost(a.at, `alert annotations ${keys(a.annotations).join(', ')}`);
  if (some(slo.annotations)) lost(slo.at.slo, `alert annotations ${keys(slo.annotations).join(', ')}`);
  for (const tier of ['page', 'ticket'] as const) {
    const t: AlertTierSettings = a[tier];
    const settings = [
      t.severity !== undefined && `severity ${t.severity}`,
      t.disabled && 'disabled',
      t.forSeconds > 0 && `for ${formatDuration(t.forSeconds)}`,
      some(t.labels) && `labels ${keys(t.labels).join(', ')}`,
      some(t.annotations) && `annotations ${keys(t.annotations).join(', ')}`,
    ].filter((s): s is string => typeof s === 'string');
    if (settings.length > 0) lost(a.at, `${tier} tier ${settings.join('; ')}`);
  }
  if (a.windows) lost(a.windows[0]?.at ?? a.at, 'burn-rate windows (OpenSLO SLOs use the table derived from the window)');
  const x = a.absent;
  if (x.disabled !== DEFAULT_ABSENT.disabled || x.forSeconds !== DEFAULT_ABSENT.forSeconds || x.severity !== DEFAULT_ABSENT.severity || some(x.labels) || some(x.annotations)) {
    lost(a.at, 'absent-data alert settings (OpenSLO SLOs take the fleet default, kind: Outputs absentAlerts)');
  }
  // As good/total events the absent-data alert watches the total (_count) only, no longer the threshold's bucket.
  if (slo.sli.kind === 'latency' && !x.disabled) lost(slo.at.slo, `the absent-data alert's watch of the ${slo.sli.metric}_bucket series at the threshold`);
  return out;
}
