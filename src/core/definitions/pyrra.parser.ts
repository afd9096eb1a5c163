import Big from 'big.js';
import { z } from 'zod';
import { diagnostic, type Diagnostic } from '../diagnostics.js';
import { absentSettings, DEFAULT_ABSENT, DEFAULT_TIER, type AbsentDefaults } from '../model/slo-defaults.js';
import type { AlertTierSettings, Query, Sli, Slo, SpecDocument } from '../model/slo.js';
import { isVectorSelector, promqlSyntaxError } from '../promql/promql.js';
import { checkName, checkServiceName, durationAt, LABEL_NAME_RE, query, secondsAt } from './fields.js';
import { RESERVED_SLO_LABELS } from './native.parser.js';
import { checkShape } from './shape-check.js';
import type { Path, YamlDocument } from './yaml-source.js';

/**
 * Pyrra's `ServiceLevelObjective` (`apiVersion: pyrra.dev/v1alpha1`), with the fields and meaning
 * of kubernetes/api/v1alpha1/servicelevelobjective_types.go and slo/rules.go in
 * github.com/pyrra-dev/pyrra at 1ba95afbf90b2311cb9332b1633cf09218b7de9f. Pyrra's metrics are
 * whole selectors it wraps in rate(), which is what a bare selector means in Vigil's events SLI.
 */
const metric = z.strictObject({ metric: z.string().min(1) });
const grouping = z.array(z.string()).nullable().optional();
const stringMap = z.record(z.string(), z.string());

const pyrraObject = z.strictObject({
  apiVersion: z.literal('pyrra.dev/v1alpha1'),
  kind: z.literal('ServiceLevelObjective'),
  // The rest of Kubernetes metadata (uid, resourceVersion …) is the cluster's business.
  metadata: z.looseObject({
    name: z.string().min(1),
    namespace: z.string().optional(),
    labels: stringMap.optional(),
    annotations: stringMap.optional(),
  }),
  spec: z.strictObject({
    description: z.string().optional(),
    // A string in the CRD (controller-tools has no float); a plain YAML number is read too.
    target: z.union([z.string(), z.number()]).transform(String),
    window: z.string().min(1),
    indicator: z.strictObject({
      ratio: z.strictObject({ errors: metric, total: metric, grouping }).optional(),
      latency: z.strictObject({ success: metric, total: metric, grouping }).optional(),
      latencyNative: z.strictObject({ total: metric, latency: z.string().min(1), grouping }).optional(),
      bool_gauge: z.strictObject({ metric: z.string().min(1), grouping }).optional(),
    }),
    alerting: z
      .strictObject({
        disabled: z.boolean().optional(),
        burnrates: z.boolean().optional(),
        absent: z.boolean().optional(),
        name: z.string().optional(),
        absentName: z.string().optional(),
        severities: z
          .strictObject({
            absent: z.string().optional(),
            fastBurn: z.string().optional(),
            mediumBurn: z.string().optional(),
            slowBurn: z.string().optional(),
            longTermBurn: z.string().optional(),
          })
          .optional(),
      })
      .optional(),
    // How Pyrra lays out its own rules (Thanos partial responses, subquery splitting): Vigil lays out its own.
    partial_response_strategy: z.string().optional(),
    performanceOverAccuracy: z.boolean().optional(),
    ruleOutput: z.unknown().optional(),
  }),
  status: z.unknown().optional(),
});
type PyrraSlo = z.output<typeof pyrraObject>;

/** Pyrra copies metadata labels and annotations with this prefix, prefix removed, onto its rules and alerts. */
const PROPAGATE = 'pyrra.dev/';
/** Pyrra's alert name when the spec sets none (slo/rules.go): kept, so routes on alertname still match. */
const PYRRA_ALERT_NAME = 'ErrorBudgetBurn';
const SERVICE_LABEL = `${PROPAGATE}service`;
const DECIMAL_RE = /^\d+(\.\d+)?$/;

/** Pyrra's own `absent` setting is not read: every SLO gets the fleet's absent-data default (kind: Outputs). */
export function parsePyrraDocument(src: YamlDocument, absent: AbsentDefaults = DEFAULT_ABSENT): { spec?: SpecDocument; diagnostics: Diagnostic[] } {
  const checked = checkShape(pyrraObject, src, src.toJS());
  if (!checked.value) return { diagnostics: checked.diagnostics };
  const doc = checked.value;
  const out: Diagnostic[] = [];
  const { metadata, spec } = doc;

  // Pyrra has no service; `pyrra.dev/service` becomes the `service` label of Pyrra's own rules.
  const service = metadata.labels?.[SERVICE_LABEL] ?? metadata.namespace;
  const servicePath: Path = metadata.labels?.[SERVICE_LABEL] !== undefined ? ['metadata', 'labels', SERVICE_LABEL] : ['metadata', 'namespace'];
  if (service === undefined) {
    out.push(diagnostic(src.pos(['metadata']), `Vigil needs a service for every SLO: set metadata.labels["${SERVICE_LABEL}"] (Pyrra puts it on its rules as the service label) or metadata.namespace`));
  } else checkServiceName(src, servicePath, service, out);
  checkName(src, ['metadata', 'name'], metadata.name, 'SLO name', out);

  let objective: string | undefined;
  if (DECIMAL_RE.test(spec.target.trim())) objective = new Big(spec.target.trim()).toString();
  else out.push(diagnostic(src.pos(['spec', 'target']), `target "${spec.target}" must be a percentage written as a decimal, e.g. "99.9"`));
  const windowSeconds = durationAt(src, ['spec', 'window'], spec.window, out);
  const labels = propagated(src, ['metadata', 'labels'], metadata.labels, out, [SERVICE_LABEL]);
  const annotations = propagated(src, ['metadata', 'annotations'], metadata.annotations, out);
  const sli = toSli(src, spec.indicator, out);
  const tiers = toTiers(src, spec, out);
  if (spec.ruleOutput !== undefined) {
    out.push(diagnostic(src.pos(['spec', 'ruleOutput'], { key: true }), 'ruleOutput splits Pyrra\'s rules over two PrometheusRule objects; Vigil writes one rule file and one PrometheusRule per service: remove ruleOutput (kind: Outputs sets how generated files are labelled)'));
  }
  if (out.length > 0 || !sli || !tiers || service === undefined || objective === undefined || windowSeconds === undefined) return { diagnostics: out };

  const slo: Slo = {
    service,
    name: metadata.name,
    description: spec.description ?? '',
    objective,
    windowSeconds,
    sli,
    alerting: {
      name: spec.alerting?.name || PYRRA_ALERT_NAME,
      labels: {},
      annotations: {},
      page: tiers,
      ticket: tiers,
      absent: absentSettings(absent),
      at: src.pos(spec.alerting ? ['spec', 'alerting'] : ['spec']),
    },
    labels,
    annotations,
    runbook: annotations.runbook_url ?? annotations.runbook,
    format: 'pyrra.dev/v1alpha1',
    at: { slo: src.pos([]), name: src.pos(['metadata', 'name']), objective: src.pos(['spec', 'target']), window: src.pos(['spec', 'window']) },
  };
  return { spec: { file: src.file, format: 'pyrra.dev/v1alpha1', service, labels: {}, slos: [slo], alerts: [] }, diagnostics: out };
}

/** The `pyrra.dev/`-prefixed entries, prefix removed: what Pyrra puts on its rules and alerts. */
function propagated(src: YamlDocument, path: Path, map: Readonly<Record<string, string>> | undefined, out: Diagnostic[], skip: readonly string[] = []): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(map ?? {})) {
    if (!key.startsWith(PROPAGATE) || skip.includes(key)) continue;
    const name = key.slice(PROPAGATE.length);
    if (!LABEL_NAME_RE.test(name)) {
      out.push(diagnostic(src.pos([...path, key], { key: true }), `"${name}" (from ${key}) is not a valid Prometheus label name`));
    } else if (RESERVED_SLO_LABELS.includes(name)) {
      out.push(diagnostic(src.pos([...path, key], { key: true }), `label "${name}" (from ${key}) is set by Vigil and cannot be overridden here`));
    } else result[name] = value;
  }
  return result;
}

type Indicator = PyrraSlo['spec']['indicator'];

function toSli(src: YamlDocument, indicator: Indicator, out: Diagnostic[]): Sli | undefined {
  const base: Path = ['spec', 'indicator'];
  const kinds = (['ratio', 'latency', 'latencyNative', 'bool_gauge'] as const).filter((k) => indicator[k] !== undefined);
  if (kinds.length !== 1) {
    out.push(diagnostic(src.pos(base), `indicator must have exactly one of ratio, latency, latencyNative, bool_gauge${kinds.length ? ` (found ${kinds.join(', ')})` : ''}`));
    return undefined;
  }
  const kind = kinds[0]!;
  const groups = indicator[kind]!.grouping ?? [];
  if (groups.length > 0) {
    out.push(diagnostic(src.pos([...base, kind, 'grouping']), `grouping: Vigil computes one SLI per SLO, not one per ${groups.join(', ')}; write one SLO per value, with its matcher in the metrics (e.g. ${groups[0]}="…")`));
    return undefined;
  }
  const selector = (path: Path, text: string): Query | undefined => {
    // Invalid PromQL is reported, located, with the other query checks.
    if (!isVectorSelector(text) && promqlSyntaxError(text) === undefined) {
      out.push(diagnostic(src.pos(path), `Pyrra metrics are selectors it wraps in rate(), e.g. http_requests_total{job="api",code=~"5.."}; got "${text.trim()}"`));
      return undefined;
    }
    return query(src, path, text);
  };
  if (indicator.ratio) {
    const p: Path = [...base, 'ratio'];
    const errors = selector([...p, 'errors', 'metric'], indicator.ratio.errors.metric);
    const total = selector([...p, 'total', 'metric'], indicator.ratio.total.metric);
    return errors && total ? { kind: 'events', errorQuery: errors, totalQuery: total } : undefined;
  }
  if (indicator.latency) {
    // Success is one bucket of the histogram, total its _count: Vigil's good/total events.
    const p: Path = [...base, 'latency'];
    const text = indicator.latency.success.metric;
    const good = selector([...p, 'success', 'metric'], text);
    const total = selector([...p, 'total', 'metric'], indicator.latency.total.metric);
    if (good && !/[{,]\s*le\s*=\s*"/.test(text)) {
      out.push(diagnostic(src.pos([...p, 'success', 'metric']), 'latency success metric must select one bucket with an le matcher, e.g. http_request_duration_seconds_bucket{job="api",le="0.1"}'));
      return undefined;
    }
    return good && total ? { kind: 'events', goodQuery: good, totalQuery: total } : undefined;
  }
  if (indicator.latencyNative) {
    // A native histogram has no bucket series to count: the fraction slower than the threshold is the error ratio.
    const p: Path = [...base, 'latencyNative'];
    const total = selector([...p, 'total', 'metric'], indicator.latencyNative.total.metric);
    const seconds = secondsAt(src, [...p, 'latency'], indicator.latencyNative.latency, out);
    if (!total || seconds === undefined) return undefined;
    const text = `1 - histogram_fraction(0, ${seconds}, sum(rate(${total.text.trim()}[{{.window}}])))`;
    return { kind: 'raw', errorRatioQuery: { ...total, text, locate: () => total.at } };
  }
  // A bool gauge is 1 when good and 0 when bad: its samples are the events, those at 0 the errors.
  const p: Path = [...base, 'bool_gauge', 'metric'];
  const gauge = selector(p, indicator.bool_gauge!.metric);
  if (!gauge) return undefined;
  const m = gauge.text.trim();
  const synthesized = (text: string): Query => ({ ...gauge, text, locate: () => gauge.at });
  return {
    kind: 'events',
    errorQuery: synthesized(`sum(count_over_time(${m}[{{.window}}])) - sum(sum_over_time(${m}[{{.window}}]))`),
    totalQuery: synthesized(`sum(count_over_time(${m}[{{.window}}]))`),
  };
}

/**
 * Pyrra's four burn-rate alerts are Vigil's two tiers: fast and medium burn page (Pyrra's
 * `critical`), slow and long-term burn make tickets (`warning`). Both tiers share one setting.
 */
function toTiers(src: YamlDocument, spec: PyrraSlo['spec'], out: Diagnostic[]): AlertTierSettings | undefined {
  const a = spec.alerting ?? {};
  const s = a.severities;
  const pageOk = [s?.fastBurn, s?.mediumBurn].every((v) => v === undefined || v === 'critical');
  const ticketOk = [s?.slowBurn, s?.longTermBurn].every((v) => v === undefined || v === 'warning');
  if (!pageOk || !ticketOk) {
    out.push(diagnostic(src.pos(['spec', 'alerting', 'severities']), 'alerting.severities: Vigil labels fast and medium burn severity critical, slow and long-term burn warning, and maps those fleet-wide (kind: Outputs, severities); remove severities and set the values there'));
    return undefined;
  }
  // `disabled` is Pyrra's deprecated spelling of `burnrates: false`.
  const off = a.disabled === true || a.burnrates === false;
  return off ? { ...DEFAULT_TIER, disabled: true } : DEFAULT_TIER;
}
