import { z } from 'zod';
import { diagnostic, type Diagnostic } from '../diagnostics.js';
import { parseDuration } from '../duration.js';
import type { AlertTierSettings, Sli, Slo, SpecDocument } from '../model/slo.js';
import { absentSettings, DEFAULT_ABSENT, DEFAULT_WINDOW, defaultAlertName, type AbsentDefaults } from '../model/slo-defaults.js';
import { checkLabelNames, checkName, checkServiceName, query, stringMap } from './fields.js';
import { decimalText, RESERVED_SLO_LABELS } from './native.parser.js';
import { checkShape } from './shape-check.js';
import type { Path, YamlDocument } from './yaml-source.js';

/** Sloth's `prometheus/v1` spec, read as Sloth reads it (its SLO period is 30d unless told otherwise). */
const slothTier = z.strictObject({
  disable: z.boolean().optional(),
  labels: stringMap.optional(),
  annotations: stringMap.optional(),
});

const slothSlo = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  objective: z.number(),
  labels: stringMap.optional(),
  sli: z.strictObject({
    events: z.strictObject({ error_query: z.string().min(1), total_query: z.string().min(1) }).optional(),
    raw: z.strictObject({ error_ratio_query: z.string().min(1) }).optional(),
    plugin: z.strictObject({ id: z.string(), options: z.record(z.string(), z.unknown()).optional() }).optional(),
  }),
  alerting: z
    .strictObject({
      name: z.string().optional(),
      labels: stringMap.optional(),
      annotations: stringMap.optional(),
      page_alert: slothTier.optional(),
      ticket_alert: slothTier.optional(),
    })
    .optional(),
  // Sloth's own fields for its plugin chain: known here, so they get their own message rather than "unknown field".
  slo_plugins: z.unknown().optional(),
  plugins: z.unknown().optional(),
});

const slothFile = z.strictObject({
  version: z.literal('prometheus/v1'),
  service: z.string().min(1),
  labels: stringMap.optional(),
  slos: z.array(z.unknown()).min(1),
  slo_plugins: z.unknown().optional(),
  plugins: z.unknown().optional(),
});

/** Sloth runs SLO plugins (Go code loaded by Sloth) to rewrite what it generates; Vigil does not load them. */
function refusePlugins(src: YamlDocument, path: Path, value: { slo_plugins?: unknown; plugins?: unknown }, out: Diagnostic[]): void {
  for (const key of ['slo_plugins', 'plugins'] as const) {
    if (value[key] === undefined) continue;
    out.push(diagnostic(src.pos([...path, key], { key: true }), `${key}: Vigil does not run Sloth SLO plugins (Sloth's own Go code); remove ${key} and write what the plugin changed into the spec itself: the SLI queries, labels or alerting`));
  }
}

/** Sloth has no absent-data alert: every SLO gets the fleet's default, `absent` (kind: Outputs). */
export function parseSlothDocument(src: YamlDocument, absent: AbsentDefaults = DEFAULT_ABSENT): { spec?: SpecDocument; diagnostics: Diagnostic[] } {
  const top = checkShape(slothFile, src, src.toJS());
  if (!top.value) return { diagnostics: top.diagnostics };
  const file = top.value;
  const out: Diagnostic[] = [];
  checkServiceName(src, ['service'], file.service, out);
  refusePlugins(src, [], file, out);
  checkLabelNames(src, ['labels'], file.labels, out, RESERVED_SLO_LABELS);
  const slos: Slo[] = [];
  file.slos.forEach((item, i) => {
    const path: Path = ['slos', i];
    const checked = checkShape(slothSlo, src, item, path);
    out.push(...checked.diagnostics);
    const s = checked.value;
    if (!s) return;
    const before = out.length;
    refusePlugins(src, path, s, out);
    checkName(src, [...path, 'name'], s.name, 'SLO name', out);
    checkLabelNames(src, [...path, 'labels'], s.labels, out, RESERVED_SLO_LABELS);
    checkLabelNames(src, [...path, 'alerting', 'labels'], s.alerting?.labels, out, RESERVED_SLO_LABELS);
    const sli = toSli(src, s.sli, [...path, 'sli'], out);
    if (!sli || out.length > before) return;
    const a = s.alerting ?? {};
    slos.push({
      service: file.service,
      name: s.name,
      description: s.description ?? '',
      objective: decimalText(s.objective),
      windowSeconds: parseDuration(DEFAULT_WINDOW)!,
      sli,
      alerting: {
        name: a.name ?? defaultAlertName(s.name),
        labels: a.labels ?? {},
        annotations: a.annotations ?? {},
        page: tier(a.page_alert),
        ticket: tier(a.ticket_alert),
        absent: absentSettings(absent),
        at: src.pos(s.alerting ? [...path, 'alerting'] : path),
      },
      // Sloth copies the file-level labels onto every SLO.
      labels: { ...(file.labels ?? {}), ...(s.labels ?? {}) },
      annotations: {},
      runbook: a.annotations?.runbook_url ?? a.annotations?.runbook,
      format: 'sloth/prometheus/v1',
      at: { slo: src.pos(path), name: src.pos([...path, 'name']), objective: src.pos([...path, 'objective']), window: src.pos(path) },
    });
  });
  return {
    spec: { file: src.file, format: 'sloth/prometheus/v1', service: file.service, labels: {}, slos, alerts: [] },
    diagnostics: out,
  };
}

function tier(t: z.output<typeof slothTier> | undefined): AlertTierSettings {
  // Sloth's severity labels (e.g. "pageteam") are kept under another name: Vigil's routing needs critical/warning.
  const { severity, ...labels } = t?.labels ?? {};
  return {
    disabled: t?.disable ?? false,
    forSeconds: 0,
    labels: severity === undefined ? labels : { ...labels, sloth_severity: severity },
    annotations: t?.annotations ?? {},
  };
}

function toSli(src: YamlDocument, sli: z.output<typeof slothSlo>['sli'], path: Path, out: Diagnostic[]): Sli | undefined {
  if (sli.plugin) {
    out.push(diagnostic(src.pos([...path, 'plugin']), `Sloth SLI plugins are not supported (plugin "${sli.plugin.id}"); write the queries as sli.events or sli.raw`));
    return undefined;
  }
  if ((sli.events === undefined) === (sli.raw === undefined)) {
    out.push(diagnostic(src.pos(path), 'sli must have exactly one of events, raw'));
    return undefined;
  }
  if (sli.events) {
    return {
      kind: 'events',
      errorQuery: query(src, [...path, 'events', 'error_query'], sli.events.error_query),
      totalQuery: query(src, [...path, 'events', 'total_query'], sli.events.total_query),
    };
  }
  return { kind: 'raw', errorRatioQuery: query(src, [...path, 'raw', 'error_ratio_query'], sli.raw!.error_ratio_query) };
}
