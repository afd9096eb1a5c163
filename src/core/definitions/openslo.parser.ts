import Big from 'big.js';
import { z } from 'zod';
import { diagnostic, type Diagnostic } from '../diagnostics.js';
import { parseDuration } from '../duration.js';
import type { Query, Sli, Slo } from '../model/slo.js';
import { hasWindowPlaceholder } from '../promql/promql.js';
import { absentSettings, CALENDAR_MONTH_NOMINAL, DEFAULT_ABSENT, DEFAULT_TIER, DEFAULT_WINDOW, defaultAlertName, type AbsentDefaults } from '../model/slo-defaults.js';
import { checkLabelNames, checkName, checkServiceName, query } from './fields.js';
import { RESERVED_SLO_LABELS } from './native.parser.js';
import { checkShape } from './shape-check.js';
import type { Path, YamlDocument } from './yaml-source.js';

/**
 * OpenSLO v1 (`apiVersion: openslo/v1`). Supported: `kind: SLO` with a Prometheus `ratioMetric`
 * (good/total or bad/total), inline or through `indicatorRef` to a `kind: SLI` document, one
 * objective, a rolling `timeWindow`, occurrences budgeting. Service, DataSource and alerting kinds
 * are accepted and ignored: Vigil derives its own burn-rate alerts.
 */
const labelValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? v.join(',') : String(v)));
const metadata = z.strictObject({
  name: z.string().min(1),
  displayName: z.string().optional(),
  labels: z.record(z.string(), labelValue).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});
const metricSource = z.strictObject({
  metricSource: z.strictObject({
    metricSourceRef: z.string().optional(),
    type: z.string().optional(),
    spec: z.record(z.string(), z.unknown()),
  }),
});
const sliSpec = z.strictObject({
  description: z.string().optional(),
  thresholdMetric: metricSource.optional(),
  ratioMetric: z
    .strictObject({
      counter: z.boolean().optional(),
      good: metricSource.optional(),
      bad: metricSource.optional(),
      total: metricSource.optional(),
      rawType: z.enum(['success', 'failure']).optional(),
      raw: metricSource.optional(),
    })
    .optional(),
});
const inlineIndicator = z.strictObject({ metadata, spec: sliSpec });
const objective = z.strictObject({
  displayName: z.string().optional(),
  op: z.string().optional(),
  value: z.number().optional(),
  target: z.number().optional(),
  targetPercent: z.number().optional(),
  timeSliceTarget: z.number().optional(),
  timeSliceWindow: z.union([z.string(), z.number()]).optional(),
  indicator: inlineIndicator.optional(),
  indicatorRef: z.string().optional(),
  compositeWeight: z.number().optional(),
});
const sloSpec = z.strictObject({
  description: z.string().optional(),
  service: z.string().min(1),
  indicator: inlineIndicator.optional(),
  indicatorRef: z.string().optional(),
  timeWindow: z
    .array(
      z.strictObject({
        duration: z.string(),
        isRolling: z.boolean().optional(),
        calendar: z.record(z.string(), z.unknown()).optional(),
      }),
    )
    .min(1)
    .max(1)
    // Optional in OpenSLO v1: without one, Vigil's default window.
    .optional(),
  budgetingMethod: z.string().optional(),
  objectives: z.array(objective).min(1),
  // Accepted and ignored, also written empty (`alertPolicies:`), as the OpenSLO examples do.
  alertPolicies: z.array(z.unknown()).nullable().optional(),
});
const envelope = z.strictObject({
  apiVersion: z.literal('openslo/v1'),
  kind: z.enum(['SLO', 'SLI', 'Service', 'DataSource', 'AlertPolicy', 'AlertCondition', 'AlertNotificationTarget']),
  metadata,
  spec: z.record(z.string(), z.unknown()),
});
const sloDoc = envelope.extend({ kind: z.literal('SLO'), spec: sloSpec });
const sliDoc = envelope.extend({ kind: z.literal('SLI'), spec: sliSpec });

export type OpenSloSli = { src: YamlDocument; path: Path; name: string; spec: z.output<typeof sliSpec> };
export type OpenSloParsed = { kind: 'slo'; src: YamlDocument; doc: z.output<typeof sloDoc> } | { kind: 'sli'; sli: OpenSloSli } | { kind: 'other' };

/** First pass: shape only. SLOs are converted once every file's SLI documents are known. */
export function parseOpenSloDocument(src: YamlDocument): { parsed?: OpenSloParsed; diagnostics: Diagnostic[] } {
  const raw = src.toJS();
  const env = checkShape(envelope, src, raw);
  if (!env.value) return { diagnostics: env.diagnostics };
  if (env.value.kind === 'SLO') {
    const c = checkShape(sloDoc, src, raw);
    return { parsed: c.value && { kind: 'slo', src, doc: c.value }, diagnostics: c.diagnostics };
  }
  if (env.value.kind === 'SLI') {
    const c = checkShape(sliDoc, src, raw);
    return {
      parsed: c.value && { kind: 'sli', sli: { src, path: ['spec'], name: c.value.metadata.name, spec: c.value.spec } },
      diagnostics: c.diagnostics,
    };
  }
  return { parsed: { kind: 'other' }, diagnostics: [] };
}

export function openSloToSlo(
  parsed: Extract<OpenSloParsed, { kind: 'slo' }>,
  slis: ReadonlyMap<string, OpenSloSli>,
  out: Diagnostic[],
  absent: AbsentDefaults = DEFAULT_ABSENT,
): Slo | undefined {
  const { src, doc } = parsed;
  const before = out.length;
  const s = doc.spec;
  checkServiceName(src, ['spec', 'service'], s.service, out);
  checkName(src, ['metadata', 'name'], doc.metadata.name, 'SLO name', out);
  if (s.objectives.length > 1) {
    out.push(diagnostic(src.pos(['spec', 'objectives', 1]), 'only one objective per OpenSLO SLO is supported; split it into one SLO per objective'));
  }
  const obj = s.objectives[0]!;
  const objPath: Path = ['spec', 'objectives', 0];
  if (s.budgetingMethod !== undefined && s.budgetingMethod !== 'Occurrences') {
    out.push(diagnostic(src.pos(['spec', 'budgetingMethod']), `budgetingMethod ${s.budgetingMethod} is not supported; use Occurrences`));
  }
  let objective: string | undefined;
  if (obj.target !== undefined) objective = new Big(obj.target).times(100).toString();
  else if (obj.targetPercent !== undefined) objective = String(obj.targetPercent);
  else out.push(diagnostic(src.pos(objPath), 'objective needs a target (ratio, e.g. 0.999) or targetPercent'));

  const tw = s.timeWindow?.[0] ?? { duration: DEFAULT_WINDOW, isRolling: true };
  const twPath: Path = ['spec', 'timeWindow', 0];
  let windowSeconds: number | undefined;
  let calendar: 'month' | undefined;
  if (tw.isRolling === false || tw.calendar) {
    // Calendar windows: a month, in UTC. Other lengths and zones would need a time-zone database in the core.
    const zone = tw.calendar?.timeZone;
    if (tw.duration !== '1M') {
      out.push(diagnostic(src.pos([...twPath, 'duration']), `calendar-aligned window "${tw.duration}" is not supported; use duration: 1M (a calendar month) or isRolling: true`));
    } else if (zone !== undefined && zone !== 'UTC' && zone !== 'Etc/UTC') {
      out.push(diagnostic(src.pos([...twPath, 'calendar', 'timeZone']), `calendar time zone ${JSON.stringify(zone)} is not supported; calendar months are UTC`));
    } else {
      calendar = 'month';
      windowSeconds = parseDuration(CALENDAR_MONTH_NOMINAL);
    }
  } else {
    windowSeconds = parseDuration(tw.duration);
    if (windowSeconds === undefined) {
      out.push(diagnostic(src.pos([...twPath, 'duration']), `"${tw.duration}" is not a rolling duration Vigil supports (use s, m, h, d, w or y, e.g. 28d; M and Q are calendar units)`));
    }
  }

  checkLabelNames(src, ['metadata', 'labels'], doc.metadata.labels, out, RESERVED_SLO_LABELS);
  const sli = resolveSli(parsed, obj, slis, out);
  if (out.length > before || !sli || objective === undefined || windowSeconds === undefined) return undefined;
  const labels = doc.metadata.labels ?? {};
  return {
    service: s.service,
    name: doc.metadata.name,
    description: s.description ?? doc.metadata.displayName ?? '',
    objective,
    windowSeconds,
    ...(calendar ? { calendar } : {}),
    sli,
    alerting: {
      name: defaultAlertName(doc.metadata.name),
      labels: {},
      annotations: {},
      page: DEFAULT_TIER,
      ticket: DEFAULT_TIER,
      absent: absentSettings(absent),
      at: src.pos([]),
    },
    labels,
    annotations: {},
    runbook: doc.metadata.annotations?.runbook_url ?? doc.metadata.annotations?.runbook,
    format: 'openslo/v1',
    at: { slo: src.pos([]), name: src.pos(['metadata', 'name']), objective: src.pos(objPath), window: src.pos(twPath) },
  };
}

function resolveSli(
  parsed: Extract<OpenSloParsed, { kind: 'slo' }>,
  obj: z.output<typeof objective>,
  slis: ReadonlyMap<string, OpenSloSli>,
  out: Diagnostic[],
): Sli | undefined {
  const { src, doc } = parsed;
  let sli: OpenSloSli | undefined;
  const inline = obj.indicator ?? doc.spec.indicator;
  const ref = obj.indicatorRef ?? doc.spec.indicatorRef;
  if (inline) {
    const path: Path = obj.indicator ? ['spec', 'objectives', 0, 'indicator', 'spec'] : ['spec', 'indicator', 'spec'];
    sli = { src, path, name: inline.metadata.name, spec: inline.spec };
  } else if (ref !== undefined) {
    sli = slis.get(ref);
    if (!sli) {
      out.push(diagnostic(src.pos(['spec', 'indicatorRef']), `indicatorRef "${ref}" names no kind: SLI document in the spec folder`));
      return undefined;
    }
  } else {
    out.push(diagnostic(src.pos(['spec']), 'SLO needs an indicator or an indicatorRef'));
    return undefined;
  }
  const ratio = sli.spec.ratioMetric;
  if (!ratio) {
    out.push(diagnostic(sli.src.pos(sli.path), 'only ratioMetric indicators are supported (thresholdMetric needs Timeslices budgeting)'));
    return undefined;
  }
  const rp: Path = [...sli.path, 'ratioMetric'];
  if (ratio.raw || !ratio.total || (ratio.good === undefined) === (ratio.bad === undefined)) {
    out.push(diagnostic(sli.src.pos(rp), 'ratioMetric needs total and exactly one of good, bad'));
    return undefined;
  }
  const q = (side: 'good' | 'bad' | 'total'): Query | undefined => {
    const ms = ratio[side]!.metricSource;
    const p: Path = [...rp, side, 'metricSource'];
    if (ms.type !== undefined && ms.type.toLowerCase() !== 'prometheus') {
      out.push(diagnostic(sli!.src.pos([...p, 'type']), `metric source type ${ms.type} is not supported; Vigil reads Prometheus`));
      return undefined;
    }
    const key = typeof ms.spec.query === 'string' ? 'query' : typeof ms.spec.promql === 'string' ? 'promql' : undefined;
    if (!key) {
      out.push(diagnostic(sli!.src.pos([...p, 'spec']), 'metricSource.spec needs a query (PromQL)'));
      return undefined;
    }
    return query(sli!.src, [...p, 'spec', key], ms.spec[key] as string);
  };
  if (ratio.counter === false) {
    // Gauges hold a current value, not a running count: rate() would be meaningless, so only
    // queries that do their own windowing ({{.window}}) can be read.
    for (const side of ['good', 'bad', 'total'] as const) {
      const query = ratio[side]?.metricSource.spec.query;
      if (typeof query === 'string' && !hasWindowPlaceholder(query)) {
        out.push(diagnostic(sli.src.pos([...rp, side, 'metricSource', 'spec', 'query']), 'counter: false needs a query that aggregates over [{{.window}}] itself (e.g. sum_over_time); a bare gauge cannot be rate()d'));
      }
    }
  }
  const total = q('total');
  const good = ratio.good ? q('good') : undefined;
  const bad = ratio.bad ? q('bad') : undefined;
  if (!total || (!good && !bad)) return undefined;
  return { kind: 'events', totalQuery: total, goodQuery: good, errorQuery: bad };
}
