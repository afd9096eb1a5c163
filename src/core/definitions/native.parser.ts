import { diagnostic, type Diagnostic } from '../diagnostics.js';
import { parseDuration } from '../duration.js';
import type {
  AbsentAlertSettings,
  AlertTierSettings,
  BurnTier,
  Sli,
  Slo,
  SloAlerting,
  SpecDocument,
  ThresholdAlert,
} from '../model/slo.js';
import { CALENDAR_MONTH_NOMINAL, DEFAULT_ABSENT, DEFAULT_TIER, DEFAULT_WINDOW, defaultAlertName, type AbsentDefaults } from '../model/slo-defaults.js';
import { checkLabelNames, checkName, checkServiceName, durationAt, positiveDurationAt, query, secondsAt, LABEL_NAME_RE, METRIC_NAME_RE } from './fields.js';
import { nativeAlertSchema, nativeFileSchema, nativeSloSchema, type NativeAlert, type NativeFile, type NativeSlo } from './native.schema.js';
import { checkShape } from './shape-check.js';
import type { Path, YamlDocument } from './yaml-source.js';

/** Labels Vigil sets on every SLO alert; see generate/slo-rules.ts. */
export const RESERVED_SLO_LABELS = ['service', 'slo', 'severity', 'alert_tier', 'long_window', 'short_window', 'burn_rate'];
export const RESERVED_ALERT_LABELS = ['service', 'severity'];

/** `absent` is the fleet's default for every SLO's absent-data alert (kind: Outputs). */
export function parseNativeDocument(src: YamlDocument, absent: AbsentDefaults = DEFAULT_ABSENT): { spec?: SpecDocument; diagnostics: Diagnostic[] } {
  const raw = src.toJS();
  const top = checkShape(nativeFileSchema, src, raw);
  const out: Diagnostic[] = [...top.diagnostics];
  // A problem at the top (a typo, a missing field) must not hide the problems of each SLO.
  const file: NativeFile = top.value ?? salvage(raw);
  checkServiceName(src, ['service'], file.service, out);
  checkLabelNames(src, ['labels'], file.labels, out, RESERVED_SLO_LABELS);
  for (const [metric, buckets] of Object.entries(file.histograms ?? {})) {
    if (!METRIC_NAME_RE.test(metric)) out.push(diagnostic(src.pos(['histograms', metric], { key: true }), `"${metric}" is not a metric name`));
    if (buckets.some((b, i) => i > 0 && b <= buckets[i - 1]!)) {
      out.push(diagnostic(src.pos(['histograms', metric]), `buckets of ${metric} must be strictly increasing`));
    }
  }

  const ctx: Ctx = { src, out, service: file.service, runbook: file.runbook, histograms: file.histograms ?? {}, absent, rejected: [] };
  const slos: Slo[] = [];
  (file.slos ?? []).forEach((item, i) => {
    const checked = checkShape(nativeSloSchema, src, item, ['slos', i]);
    out.push(...checked.diagnostics);
    if (!checked.value) return;
    const slo = toSlo(ctx, checked.value, ['slos', i]);
    if (slo) slos.push(slo);
  });
  const alerts: ThresholdAlert[] = [];
  (file.alerts ?? []).forEach((item, i) => {
    const checked = checkShape(nativeAlertSchema, src, item, ['alerts', i]);
    out.push(...checked.diagnostics);
    if (!checked.value) return;
    const alert = toAlert(ctx, checked.value, ['alerts', i]);
    if (alert) alerts.push(alert);
  });
  if (!top.value) return { diagnostics: out };
  if (slos.length === 0 && alerts.length === 0 && out.length === 0) {
    out.push(diagnostic(src.pos([]), `service ${file.service} defines no slos and no alerts`));
  }
  const spec: SpecDocument = {
    file: src.file,
    format: 'vigil/v1',
    service: file.service,
    labels: file.labels ?? {},
    slos,
    alerts,
    rejectedSlos: ctx.rejected,
  };
  return { spec, diagnostics: out };
}

interface Ctx {
  src: YamlDocument;
  out: Diagnostic[];
  service: string;
  runbook?: string;
  histograms: Record<string, number[]>;
  absent: AbsentDefaults;
  /** SLOs read with problems: checked further, never generated (SpecDocument.rejectedSlos). */
  rejected: Slo[];
}

function toSlo(ctx: Ctx, s: NativeSlo, path: Path): Slo | undefined {
  const { src, out } = ctx;
  const before = out.length;
  checkName(src, [...path, 'name'], s.name, 'SLO name', out);
  checkLabelNames(src, [...path, 'labels'], s.labels, out, RESERVED_SLO_LABELS);
  checkLabelNames(src, [...path, 'alerting', 'labels'], s.alerting?.labels, out, RESERVED_SLO_LABELS);
  // `month`: the calendar month (UTC); its alerts are sized for 30 days.
  const calendar = s.window === 'month';
  const windowText = calendar ? CALENDAR_MONTH_NOMINAL : (s.window ?? DEFAULT_WINDOW);
  const windowSeconds = s.window === undefined || calendar ? parseDuration(windowText) : durationAt(src, [...path, 'window'], windowText, out);
  const sli = toSli(ctx, s.sli, [...path, 'sli']);
  const alerting = toAlerting(ctx, s, path);
  if (!sli || !alerting) return undefined;
  const slo: Slo = {
    service: ctx.service,
    name: s.name,
    description: s.description ?? '',
    objective: decimalText(s.objective),
    // A window that did not parse is reported; the default stands in so the rest can be checked.
    windowSeconds: windowSeconds ?? parseDuration(DEFAULT_WINDOW)!,
    ...(calendar ? { calendar: 'month' as const } : {}),
    sli,
    alerting,
    labels: s.labels ?? {},
    annotations: s.annotations ?? {},
    runbook: s.runbook ?? ctx.runbook,
    format: 'vigil/v1',
    at: {
      slo: src.pos(path),
      name: src.pos([...path, 'name']),
      objective: src.pos([...path, 'objective']),
      window: src.pos(s.window === undefined ? path : [...path, 'window']),
    },
  };
  if (out.length === before && windowSeconds !== undefined) return slo;
  ctx.rejected.push(slo);
  return undefined;
}

function toSli(ctx: Ctx, sli: NativeSlo['sli'], path: Path): Sli | undefined {
  const { src, out } = ctx;
  const kinds = (['events', 'latency', 'raw'] as const).filter((k) => sli[k] !== undefined);
  if (kinds.length !== 1) {
    out.push(diagnostic(src.pos(path), `sli must have exactly one of events, latency, raw${kinds.length ? ` (found ${kinds.join(', ')})` : ''}`));
    return undefined;
  }
  if (sli.events) {
    const e = sli.events;
    const p = [...path, 'events'];
    if ((e.errorQuery === undefined) === (e.goodQuery === undefined)) {
      out.push(diagnostic(src.pos(p), 'events must have exactly one of errorQuery, goodQuery'));
      return undefined;
    }
    return {
      kind: 'events',
      errorQuery: e.errorQuery === undefined ? undefined : query(src, [...p, 'errorQuery'], e.errorQuery),
      goodQuery: e.goodQuery === undefined ? undefined : query(src, [...p, 'goodQuery'], e.goodQuery),
      totalQuery: query(src, [...p, 'totalQuery'], e.totalQuery),
    };
  }
  if (sli.latency) {
    const l = sli.latency;
    const p = [...path, 'latency'];
    if (!METRIC_NAME_RE.test(l.metric)) {
      out.push(diagnostic(src.pos([...p, 'metric']), `"${l.metric}" is not a metric name (give the histogram's base name, without _bucket)`));
      return undefined;
    }
    const thresholdSeconds = secondsAt(src, [...p, 'threshold'], l.threshold, out);
    if (thresholdSeconds === undefined) return undefined;
    const selector = (l.selector ?? '').trim().replace(/^\{([\s\S]*)\}$/, '$1').trim();
    const metric = l.metric.replace(/_bucket$/, '');
    return {
      kind: 'latency',
      metric,
      selector,
      thresholdSeconds,
      buckets: l.buckets ?? ctx.histograms[metric],
      at: { metric: src.pos([...p, 'metric']), selector: src.pos([...p, 'selector']), threshold: src.pos([...p, 'threshold']) },
      selectorQuery: query(src, [...p, 'selector'], selector, (l.selector ?? '').indexOf(selector)),
    };
  }
  return { kind: 'raw', errorRatioQuery: query(src, [...path, 'raw', 'errorRatioQuery'], sli.raw!.errorRatioQuery) };
}

function toAlerting(ctx: Ctx, s: NativeSlo, path: Path): SloAlerting | undefined {
  const { src, out } = ctx;
  const a = s.alerting ?? {};
  const p = [...path, 'alerting'];
  const page = toTier(ctx, a.page, [...p, 'page']);
  const ticket = toTier(ctx, a.ticket, [...p, 'ticket']);
  const absent = toAbsent(ctx, a.absent, [...p, 'absent']);
  let windows: BurnTier[] | undefined;
  if (a.windows) {
    windows = [];
    a.windows.forEach((w, i) => {
      const wp = [...p, 'windows', i];
      const long = durationAt(src, [...wp, 'long'], w.long, out);
      const short = durationAt(src, [...wp, 'short'], w.short, out);
      if (long === undefined || short === undefined) return;
      if (short >= long) out.push(diagnostic(src.pos([...wp, 'short']), `short window ${w.short} must be shorter than long window ${w.long}`));
      // Two alerts of one SLO over the same windows are one alert twice (promtool refuses duplicate rules).
      const twin = windows!.find((o) => o.severity === w.severity && o.longWindowSeconds === long && o.shortWindowSeconds === short);
      if (twin) out.push(diagnostic(src.pos(wp), `${w.severity} window ${w.long}/${w.short} is listed twice (first at line ${twin.at!.line})`));
      windows!.push({ severity: w.severity, longWindowSeconds: long, shortWindowSeconds: short, burnRate: decimalText(w.burnRate), at: src.pos(wp) });
    });
  }
  if (a.name !== undefined && !/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(a.name)) {
    out.push(diagnostic(src.pos([...p, 'name']), `alert name "${a.name}" must be a Prometheus identifier (letters, digits, _)`));
  }
  if (!page || !ticket || !absent) return undefined;
  return {
    name: a.name ?? defaultAlertName(s.name),
    labels: a.labels ?? {},
    annotations: a.annotations ?? {},
    page,
    ticket,
    windows,
    absent,
    at: src.pos(s.alerting ? p : path),
  };
}

function toTier(ctx: Ctx, t: NonNullable<NativeSlo['alerting']>['page'], path: Path): AlertTierSettings | undefined {
  if (!t) return DEFAULT_TIER;
  checkLabelNames(ctx.src, [...path, 'labels'], t.labels, ctx.out, RESERVED_SLO_LABELS);
  const forSeconds = t.for === undefined ? 0 : durationAt(ctx.src, [...path, 'for'], t.for, ctx.out);
  if (forSeconds === undefined) return undefined;
  return {
    ...(t.severity === undefined ? {} : { severity: t.severity }),
    disabled: t.disabled ?? false,
    forSeconds,
    labels: t.labels ?? {},
    annotations: t.annotations ?? {},
  };
}

/** The SLO's absent-data alert: the fleet's default, with what the SLO sets over it. */
function toAbsent(ctx: Ctx, a: NonNullable<NativeSlo['alerting']>['absent'], path: Path): AbsentAlertSettings | undefined {
  if (!a) return { ...ctx.absent, labels: {}, annotations: {} };
  checkLabelNames(ctx.src, [...path, 'labels'], a.labels, ctx.out, RESERVED_SLO_LABELS);
  for (const key of Object.keys(a.annotations ?? {})) {
    if (!LABEL_NAME_RE.test(key)) ctx.out.push(diagnostic(ctx.src.pos([...path, 'annotations', key], { key: true }), `annotation name "${key}" is not valid`));
  }
  const forSeconds = a.for === undefined ? ctx.absent.forSeconds : positiveDurationAt(ctx.src, [...path, 'for'], a.for, ctx.out);
  if (forSeconds === undefined) return undefined;
  return {
    disabled: a.disabled ?? ctx.absent.disabled,
    forSeconds,
    severity: a.severity ?? ctx.absent.severity,
    labels: a.labels ?? {},
    annotations: a.annotations ?? {},
  };
}

function toAlert(ctx: Ctx, a: NativeAlert, path: Path): ThresholdAlert | undefined {
  const { src, out } = ctx;
  const before = out.length;
  if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(a.name)) {
    out.push(diagnostic(src.pos([...path, 'name']), `alert name "${a.name}" must be a Prometheus identifier (letters, digits, _)`));
  }
  checkLabelNames(src, [...path, 'labels'], a.labels, out, RESERVED_ALERT_LABELS);
  for (const key of Object.keys(a.annotations ?? {})) {
    if (!LABEL_NAME_RE.test(key)) out.push(diagnostic(src.pos([...path, 'annotations', key], { key: true }), `annotation name "${key}" is not valid`));
  }
  const forSeconds = a.for === undefined ? 0 : durationAt(src, [...path, 'for'], a.for, out);
  if (out.length > before || forSeconds === undefined) return undefined;
  return {
    service: ctx.service,
    name: a.name,
    expr: query(src, [...path, 'expr'], a.expr),
    forSeconds,
    severity: a.severity,
    summary: a.summary,
    description: a.description ?? '',
    runbook: a.runbook ?? ctx.runbook,
    labels: a.labels ?? {},
    annotations: a.annotations ?? {},
    at: src.pos(path),
  };
}

/** What can still be checked of a file whose top level has problems: its SLO and alert lists. */
function salvage(raw: unknown): NativeFile {
  const r = (raw ?? {}) as Record<string, unknown>;
  const list = (v: unknown) => (Array.isArray(v) ? v : undefined);
  return {
    apiVersion: 'vigil/v1',
    service: typeof r.service === 'string' && r.service !== '' ? r.service : 'unnamed',
    slos: list(r.slos),
    alerts: list(r.alerts),
  };
}

/** YAML gave us a double; its shortest text ("99.9") is the decimal the author wrote. */
export function decimalText(n: number): string {
  return String(n);
}
