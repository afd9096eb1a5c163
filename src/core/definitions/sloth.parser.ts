import { z } from 'zod';
import { diagnostic, type Diagnostic } from '../diagnostics.js';
import { parseDuration } from '../duration.js';
import type { AlertSeverity, AlertTierSettings, Sli, Slo, SpecDocument, SpecFormat } from '../model/slo.js';
import { absentSettings, DEFAULT_ABSENT, DEFAULT_WINDOW, defaultAlertName, type AbsentDefaults } from '../model/slo-defaults.js';
import { checkLabelNames, checkName, checkServiceName, query, stringMap } from './fields.js';
import { decimalText, RESERVED_SLO_LABELS } from './native.parser.js';
import { checkShape } from './shape-check.js';
import type { Path, YamlDocument } from './yaml-source.js';

/**
 * Sloth's two spellings of one spec, read as Sloth reads them (its SLO period is 30d unless told
 * otherwise): the `prometheus/v1` file (snake_case) and the `sloth.slok.dev/v1`
 * `PrometheusServiceLevel` object (camelCase, the same content under `spec:`), whose fields are
 * those of pkg/kubernetes/api/sloth/v1/types.go in github.com/slok/sloth at
 * 0e395d81513ff701f5d27b7aa47d794cb764fd5e.
 */
interface SlothKeys {
  readonly errorQuery: string;
  readonly totalQuery: string;
  readonly errorRatioQuery: string;
  readonly pageAlert: string;
  readonly ticketAlert: string;
  readonly sloPlugins: string;
}

const PROMETHEUS_KEYS: SlothKeys = {
  errorQuery: 'error_query',
  totalQuery: 'total_query',
  errorRatioQuery: 'error_ratio_query',
  pageAlert: 'page_alert',
  ticketAlert: 'ticket_alert',
  sloPlugins: 'slo_plugins',
};
const KUBERNETES_KEYS: SlothKeys = {
  errorQuery: 'errorQuery',
  totalQuery: 'totalQuery',
  errorRatioQuery: 'errorRatioQuery',
  pageAlert: 'pageAlert',
  ticketAlert: 'ticketAlert',
  sloPlugins: 'sloPlugins',
};

const slothTier = z.strictObject({
  disable: z.boolean().optional(),
  labels: stringMap.optional(),
  annotations: stringMap.optional(),
});

function sloSchema(k: SlothKeys) {
  return z.strictObject({
    name: z.string().min(1),
    description: z.string().optional(),
    objective: z.number(),
    labels: stringMap.optional(),
    sli: z.strictObject({
      events: z.strictObject({ [k.errorQuery]: z.string().min(1), [k.totalQuery]: z.string().min(1) }).optional(),
      raw: z.strictObject({ [k.errorRatioQuery]: z.string().min(1) }).optional(),
      plugin: z.strictObject({ id: z.string(), options: z.record(z.string(), z.unknown()).optional() }).optional(),
    }),
    alerting: z
      .strictObject({
        name: z.string().optional(),
        labels: stringMap.optional(),
        annotations: stringMap.optional(),
        [k.pageAlert]: slothTier.optional(),
        [k.ticketAlert]: slothTier.optional(),
      })
      .optional(),
    // Sloth's own fields for its plugin chain: known here, so they get their own message rather than "unknown field".
    [k.sloPlugins]: z.unknown().optional(),
    plugins: z.unknown().optional(),
  });
}

type SlothTier = z.output<typeof slothTier>;
type StringMap = Record<string, string>;
interface SlothAlerting {
  readonly name?: string;
  readonly labels?: StringMap;
  readonly annotations?: StringMap;
  readonly [tier: string]: SlothTier | string | StringMap | undefined;
}
/** One SLO as either spelling parses it; the keys that differ are read through SlothKeys. */
interface SlothSlo {
  readonly name: string;
  readonly description?: string;
  readonly objective: number;
  readonly labels?: StringMap;
  readonly sli: { readonly events?: StringMap; readonly raw?: StringMap; readonly plugin?: { readonly id: string } };
  readonly alerting?: SlothAlerting;
  readonly [plugins: string]: unknown;
}
// Keys computed from SlothKeys make zod's inferred type an index signature: the shape is stated above.
const SLO_SCHEMAS = new Map([PROMETHEUS_KEYS, KUBERNETES_KEYS].map((k) => [k, sloSchema(k) as unknown as z.ZodType<SlothSlo>]));

const serviceLevel = {
  service: z.string().min(1),
  labels: stringMap.optional(),
  slos: z.array(z.unknown()).min(1),
};

const prometheusFile = z.strictObject({
  version: z.literal('prometheus/v1'),
  ...serviceLevel,
  slo_plugins: z.unknown().optional(),
  plugins: z.unknown().optional(),
});

/** Kubernetes metadata and status are the cluster's business: only the spec says what to generate. */
const kubernetesObject = z.strictObject({
  apiVersion: z.literal('sloth.slok.dev/v1'),
  kind: z.literal('PrometheusServiceLevel'),
  metadata: z.record(z.string(), z.unknown()).optional(),
  spec: z.strictObject({ ...serviceLevel, sloPlugins: z.unknown().optional() }),
  status: z.unknown().optional(),
});

/** Sloth runs SLO plugins (Go code loaded by Sloth) to rewrite what it generates; Vigil does not load them. */
function refusePlugins(src: YamlDocument, path: Path, value: Record<string, unknown>, keys: readonly string[], out: Diagnostic[]): void {
  for (const key of keys) {
    if (value[key] === undefined) continue;
    out.push(diagnostic(src.pos([...path, key], { key: true }), `${key}: Vigil does not run Sloth SLO plugins (Sloth's own Go code); remove ${key} and write what the plugin changed into the spec itself: the SLI queries, labels or alerting`));
  }
}

/** `version: prometheus/v1`. Sloth has no absent-data alert (either form): every SLO gets the fleet's default, `absent` (kind: Outputs). */
export function parseSlothDocument(src: YamlDocument, absent: AbsentDefaults = DEFAULT_ABSENT): { spec?: SpecDocument; diagnostics: Diagnostic[] } {
  const top = checkShape(prometheusFile, src, src.toJS());
  if (!top.value) return { diagnostics: top.diagnostics };
  const out: Diagnostic[] = [];
  refusePlugins(src, [], top.value, ['slo_plugins', 'plugins'], out);
  return serviceLevelToSpec(src, [], top.value, PROMETHEUS_KEYS, 'sloth/prometheus/v1', absent, out);
}

/** `apiVersion: sloth.slok.dev/v1`, `kind: PrometheusServiceLevel`. */
export function parseSlothKubernetesDocument(src: YamlDocument, absent: AbsentDefaults = DEFAULT_ABSENT): { spec?: SpecDocument; diagnostics: Diagnostic[] } {
  const top = checkShape(kubernetesObject, src, src.toJS());
  if (!top.value) return { diagnostics: top.diagnostics };
  const out: Diagnostic[] = [];
  refusePlugins(src, ['spec'], top.value.spec, ['sloPlugins'], out);
  return serviceLevelToSpec(src, ['spec'], top.value.spec, KUBERNETES_KEYS, 'sloth.slok.dev/v1', absent, out);
}

function serviceLevelToSpec(
  src: YamlDocument,
  base: Path,
  file: { service: string; labels?: Record<string, string>; slos: unknown[] },
  keys: SlothKeys,
  format: SpecFormat,
  absent: AbsentDefaults,
  out: Diagnostic[],
): { spec?: SpecDocument; diagnostics: Diagnostic[] } {
  checkServiceName(src, [...base, 'service'], file.service, out);
  checkLabelNames(src, [...base, 'labels'], file.labels, out, RESERVED_SLO_LABELS);
  const slos: Slo[] = [];
  file.slos.forEach((item, i) => {
    const path: Path = [...base, 'slos', i];
    const checked = checkShape(SLO_SCHEMAS.get(keys)!, src, item, path);
    out.push(...checked.diagnostics);
    const s = checked.value;
    if (!s) return;
    const before = out.length;
    refusePlugins(src, path, s, [keys.sloPlugins, 'plugins'], out);
    checkName(src, [...path, 'name'], s.name, 'SLO name', out);
    checkLabelNames(src, [...path, 'labels'], s.labels, out, RESERVED_SLO_LABELS);
    checkLabelNames(src, [...path, 'alerting', 'labels'], s.alerting?.labels, out, RESERVED_SLO_LABELS);
    const sli = toSli(src, s.sli, [...path, 'sli'], keys, out);
    if (!sli || out.length > before) return;
    const a: SlothAlerting = s.alerting ?? {};
    slos.push({
      service: file.service,
      name: s.name,
      description: s.description ?? '',
      objective: decimalText(s.objective),
      windowSeconds: parseDuration(DEFAULT_WINDOW)!,
      sli,
      alerting: {
        name: a.name ?? defaultAlertName(s.name),
        // Sloth's alerts keep the SLO's identity labels of the series they are computed from.
        labels: { sloth_id: `${file.service}-${s.name}`, sloth_service: file.service, sloth_slo: s.name, ...(a.labels ?? {}) },
        annotations: a.annotations ?? {},
        page: tier('page', a, a[keys.pageAlert] as SlothTier | undefined),
        ticket: tier('ticket', a, a[keys.ticketAlert] as SlothTier | undefined),
        absent: absentSettings(absent),
        at: src.pos(s.alerting ? [...path, 'alerting'] : path),
      },
      // Sloth copies the file-level labels onto every SLO.
      labels: { ...(file.labels ?? {}), ...(s.labels ?? {}) },
      annotations: {},
      runbook: a.annotations?.runbook_url ?? a.annotations?.runbook,
      format,
      at: { slo: src.pos(path), name: src.pos([...path, 'name']), objective: src.pos([...path, 'objective']), window: src.pos(path) },
    });
  });
  return { spec: { file: src.file, format, service: file.service, labels: {}, slos, alerts: [] }, diagnostics: out };
}

/**
 * Each tier's alert as Sloth writes it (internal/plugin/slo/core/alert_rules_v1/plugin.go):
 * `sloth_severity: page|ticket`, which Alertmanager routes written for Sloth match on, and
 * Sloth's `title` and `summary`, each below what the spec sets (SLO alerting, then the tier).
 * A `severity` label the tier sets is the alert's `severity`, as Sloth writes it (routes written
 * for Sloth match `severity="pageteam"`); without one, Vigil's level (critical/warning, or the
 * fleet's values from kind: Outputs).
 */
function tier(severity: AlertSeverity, a: SlothAlerting, t: SlothTier | undefined): AlertTierSettings {
  const { severity: specSeverity, ...labels } = t?.labels ?? {};
  return {
    ...(specSeverity === undefined ? {} : { severity: specSeverity }),
    disabled: t?.disable ?? false,
    forSeconds: 0,
    labels: { sloth_severity: severity, ...labels },
    annotations: {
      title: `(${severity}) {{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget burn rate is too fast.`,
      summary: '{{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget burn rate is over expected.',
      ...(a.annotations ?? {}),
      ...(t?.annotations ?? {}),
    },
  };
}

function toSli(src: YamlDocument, sli: SlothSlo['sli'], path: Path, k: SlothKeys, out: Diagnostic[]): Sli | undefined {
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
      errorQuery: query(src, [...path, 'events', k.errorQuery], sli.events[k.errorQuery]!),
      totalQuery: query(src, [...path, 'events', k.totalQuery], sli.events[k.totalQuery]!),
    };
  }
  return { kind: 'raw', errorRatioQuery: query(src, [...path, 'raw', k.errorRatioQuery], sli.raw![k.errorRatioQuery]!) };
}
