import { compareText } from '../compare-text.js';
import { templateProblem } from './alert-template.js';
import { LABEL_NAME_RE } from '../definitions/fields.js';
import { diagnostic, formatDiagnostic, type Diagnostic, type SourcePos } from '../diagnostics.js';
import { formatDuration, MINUTE } from '../duration.js';
import { deriveTiers, MIN_ALERT_WINDOW_SECONDS } from '../model/burn-windows.js';
import { burnThreshold, compareDecimal, enabledTiers, ratioAsPercent } from '../model/objective.js';
import { absentExpr, watchedSeries } from '../generate/absent-alert.js';
import { counterRate, eventRates, rawErrorRatio } from '../generate/sli-queries.js';
import { ABSENT_ALERT_NAME } from '../model/slo-defaults.js';
import type { Fleet, LatencySli, Query, Service, Slo, SpecDocument } from '../model/slo.js';
import {
  hasWindowPlaceholder,
  isVectorSelector,
  misplacedWindowOffset,
  originalOffset,
  promqlError,
  promqlType,
  renderForCheck,
  selectorEnd,
  trailingCommentOffset,
} from '../promql/promql.js';

/** Cross-document and semantic checks that apply whatever format an SLO was written in. */
export function validateFleet(documents: readonly SpecDocument[]): { fleet: Fleet; diagnostics: Diagnostic[] } {
  const out: Diagnostic[] = [];
  const byService = new Map<string, SpecDocument[]>();
  for (const d of documents) byService.set(d.service, [...(byService.get(d.service) ?? []), d]);

  const services: Service[] = [];
  for (const [name, docs] of [...byService].sort(([a], [b]) => compareText(a, b))) {
    const slos = docs.flatMap((d) => d.slos);
    const alerts = docs.flatMap((d) => d.alerts);
    firstWins(slos, (s) => s.name, (s, first) => out.push(diagnostic(s.at.name, `SLO "${s.name}" of service ${name} is already defined at ${where(first.at.name)}`)));
    firstWins(alerts, (a) => a.name, (a, first) => out.push(diagnostic(a.at, `alert "${a.name}" of service ${name} is already defined at ${where(first.at)}`)));
    for (const slo of slos) {
      checkSlo(slo, out);
      const a = slo.alerting;
      checkTemplates(slo.at.slo, out, { labels: slo.labels, annotations: slo.annotations, 'alerting.labels': a.labels, 'alerting.annotations': a.annotations, 'alerting.page.labels': a.page.labels, 'alerting.page.annotations': a.page.annotations, 'alerting.ticket.labels': a.ticket.labels, 'alerting.ticket.annotations': a.ticket.annotations });
      if (a.name === ABSENT_ALERT_NAME) out.push(diagnostic(a.at, RESERVED_ALERT_NAME));
    }
    // Their window may be a stand-in (native.parser.ts): only what does not depend on it.
    for (const slo of docs.flatMap((d) => d.rejectedSlos ?? [])) {
      checkObjective(slo, out);
      checkSli(slo, out);
    }
    for (const alert of alerts) {
      if (alert.name === ABSENT_ALERT_NAME) out.push(diagnostic(alert.at, RESERVED_ALERT_NAME));
      if (hasWindowPlaceholder(alert.expr.text)) out.push(diagnostic(alert.expr.at, 'alert expressions take no {{.window}} placeholder'));
      else checkQuery(alert.expr, out, { embedded: false });
      checkTemplates(alert.at, out, { summary: { '': alert.summary }, description: { '': alert.description }, labels: alert.labels, annotations: alert.annotations });
    }
    for (const d of docs) checkTemplates(d.slos[0]?.at.slo ?? d.alerts[0]?.at ?? { file: d.file, line: 1, col: 1 }, out, { 'service labels': d.labels });
    services.push({
      name,
      labels: Object.assign({}, ...docs.map((d) => d.labels)),
      files: [...new Set(docs.map((d) => d.file))].sort(),
      slos,
      alerts,
    });
  }
  return { fleet: { services }, diagnostics: out };
}

const RESERVED_ALERT_NAME = `alert name ${ABSENT_ALERT_NAME} is the name of Vigil's absent-data alerts (docs/slo-spec.md, "Missing data"); choose another`;

function checkSlo(slo: Slo, out: Diagnostic[]): void {
  const objectiveOk = checkObjective(slo, out);
  const windowsOk = checkWindows(slo, out);
  if (objectiveOk && windowsOk) checkFeasible(slo, out);
  checkSli(slo, out);
}

function checkObjective(slo: Slo, out: Diagnostic[]): boolean {
  if (compareDecimal(slo.objective, 100) === 0) {
    out.push(diagnostic(slo.at.objective, 'objective 100 leaves no error budget: every failure breaks it and burn rates are undefined; use e.g. 99.99'));
    return false;
  }
  if (compareDecimal(slo.objective, 0) <= 0 || compareDecimal(slo.objective, 100) > 0) {
    out.push(diagnostic(slo.at.objective, `objective ${slo.objective} must be a percentage between 0 and 100 (exclusive), e.g. 99.9`));
    return false;
  }
  return true;
}

function checkWindows(slo: Slo, out: Diagnostic[]): boolean {
  const window = formatDuration(slo.windowSeconds);
  if (slo.windowSeconds < MINUTE) {
    out.push(diagnostic(slo.at.window, `window ${window} is too short for an SLO`));
    return false;
  }
  let ok = true;
  if (!slo.alerting.windows) {
    for (const t of deriveTiers(slo.windowSeconds)) {
      if (t.shortWindowSeconds === 0) {
        out.push(
          diagnostic(
            slo.at.window,
            `window ${window}: the ${t.severity} tier's short window scales to ${Math.round(t.exactShortSeconds)}s, which rounds to 0m; use a longer window or set alerting.windows`,
          ),
        );
        ok = false;
      }
    }
    return ok;
  }
  for (const t of slo.alerting.windows) {
    if (t.shortWindowSeconds < MIN_ALERT_WINDOW_SECONDS) {
      out.push(
        diagnostic(
          t.at ?? slo.alerting.at,
          `alert windows must be at least ${formatDuration(MIN_ALERT_WINDOW_SECONDS)} (the base rate window), got ${formatDuration(t.shortWindowSeconds)}`,
        ),
      );
      ok = false;
    }
    if (t.longWindowSeconds > slo.windowSeconds) {
      out.push(diagnostic(t.at ?? slo.alerting.at, `long window ${formatDuration(t.longWindowSeconds)} is longer than the SLO window ${window}`));
      ok = false;
    }
  }
  return ok;
}

/** A tier whose threshold error ratio is ≥ 100 % can never fire: refuse it rather than ship a silent alert. */
function checkFeasible(slo: Slo, out: Diagnostic[]): void {
  for (const t of enabledTiers(slo)) {
    const threshold = burnThreshold(t.burnRate, slo.objective);
    if (compareDecimal(threshold, 1) >= 0) {
      const budgetPercent = burnThreshold('1', slo.objective);
      out.push(
        diagnostic(
          slo.at.objective,
          `objective ${slo.objective} on ${formatDuration(slo.windowSeconds)}: the ${t.severity} tier ` +
            `${formatDuration(t.longWindowSeconds)}/${formatDuration(t.shortWindowSeconds)} fires at error ratio ` +
            `${t.burnRate} × ${ratioAsPercent(budgetPercent)} = ${ratioAsPercent(threshold)} > 100%, so it can never fire; ` +
            `raise the objective or disable the tier (alerting.${t.severity}.disabled: true)`,
        ),
      );
    }
  }
}

function checkSli(slo: Slo, out: Diagnostic[]): void {
  const sli = slo.sli;
  // The absent-data alert reads the SLI's selectors: checked once the query they come from is.
  const absent = (q: Query) => {
    const expr = slo.alerting.absent.disabled ? undefined : absentExpr(watchedSeries(sli));
    if (expr !== undefined) checkGenerated(q, expr, out);
  };
  if (sli.kind === 'events') {
    for (const q of [sli.errorQuery, sli.goodQuery, sli.totalQuery]) {
      if (q && checkCounterQuery(q, out)) {
        checkGenerated(q, counterRate(q, CHECK_WINDOW), out);
        if (q === sli.totalQuery) absent(q);
      }
    }
  } else if (sli.kind === 'raw') {
    const q = sli.errorRatioQuery;
    if (!hasWindowPlaceholder(q.text)) {
      out.push(diagnostic(q.at, 'errorRatioQuery must use the {{.window}} placeholder in its range, e.g. [{{.window}}]'));
    } else if (checkQuery(q, out, { embedded: true })) {
      checkGenerated(q, rawErrorRatio(sli, CHECK_WINDOW), out);
      absent(q);
    }
  } else {
    if (checkSelector(sli, out)) {
      const rates = eventRates(sli, CHECK_WINDOW);
      for (const expr of [rates.total, rates.errors]) checkGenerated(sli.selectorQuery, expr, out);
      absent(sli.selectorQuery);
    }
    if (!sli.buckets) {
      out.push(diagnostic(sli.at.metric, `declare the buckets of ${sli.metric} (service histograms: or sli.latency.buckets) so the threshold can be checked against them`));
    } else if (!sli.buckets.includes(sli.thresholdSeconds)) {
      const near = [...sli.buckets].filter((b) => b < sli.thresholdSeconds).at(-1);
      const above = sli.buckets.find((b) => b > sli.thresholdSeconds);
      out.push(
        diagnostic(
          sli.at.threshold,
          `threshold ${sli.thresholdSeconds}s is not a bucket bound of ${sli.metric} (nearest: ${[near, above].filter((b) => b !== undefined).map((b) => `${b}s`).join(', ')}); requests cannot be counted against it exactly`,
        ),
      );
    }
  }
}

/** The window validation renders queries with: the base rate window of the generated rules. */
const CHECK_WINDOW = formatDuration(MIN_ALERT_WINDOW_SECONDS);

/** Counter queries: either templated with {{.window}}, or a bare selector that Vigil wraps in rate(). */
function checkCounterQuery(q: Query, out: Diagnostic[]): boolean {
  if (hasWindowPlaceholder(q.text)) return checkQuery(q, out, { embedded: true });
  if (!checkQuery(q, out, { embedded: true, anyType: true })) return false;
  if (isVectorSelector(q.text)) return true;
  out.push(diagnostic(q.at, 'query has no {{.window}} placeholder and is not a plain counter selector; write e.g. sum(rate(metric[{{.window}}])) or just metric{label="value"}'));
  return false;
}

/**
 * Everything promtool would refuse in a query as written, located in the spec: syntax (with
 * placeholders rendered; offsets mapped back), types, and for a query Vigil embeds in its own
 * expressions (`embedded`) a comment that would hide the rest of them, a {{.window}} outside a
 * range, and a result that is not the instant vector Vigil sums. True when nothing was found.
 */
function checkQuery(q: Query, out: Diagnostic[], opts: { embedded: boolean; anyType?: boolean }): boolean {
  const r = renderForCheck(q.text);
  const at = (offset: number) => q.locate(originalOffset(r, offset));
  // First: such a comment is why the expression Vigil writes around the query breaks.
  const comment = opts.embedded ? trailingCommentOffset(r.text) : undefined;
  if (comment !== undefined) return fail(out, at(comment), TRAILING_COMMENT);
  const err = promqlError(r.text);
  // A rendered {{.window}} where a number goes is a misplaced placeholder first, a stray duration second.
  const window = opts.embedded && (!err || err.literal) ? misplacedWindowOffset(q.text) : undefined;
  if (err && window === undefined) return fail(out, at(err.offset), `invalid PromQL: ${err.message}`);
  if (!opts.embedded) return true;
  if (window !== undefined) {
    return fail(out, q.locate(window), '{{.window}} must be the whole range of a range selector or subquery, e.g. rate(metric[{{.window}}])');
  }
  const type = promqlType(r.text);
  if (!opts.anyType && type && type !== 'instant vector') {
    return fail(out, at(r.text.length - r.text.trimStart().length), `query must return an instant vector (Vigil sums it), got ${type}`);
  }
  return true;
}

const TRAILING_COMMENT =
  'a # comment at the end would hide the PromQL Vigil writes after this text (closing brackets, `or vector(0)`); end the comment with a line break or make it a YAML comment';

/** `metric{selector}` must be one vector selector whose braces are the ones Vigil writes. */
function checkSelector(sli: LatencySli, out: Diagnostic[]): boolean {
  const q = sli.selectorQuery;
  const prefix = `${sli.metric}_bucket{`;
  const text = `${prefix}${sli.selector}}`;
  const at = (offset: number) => q.locate(Math.min(Math.max(offset - prefix.length, 0), sli.selector.length));
  const comment = trailingCommentOffset(sli.selector);
  if (comment !== undefined) return fail(out, q.locate(comment), TRAILING_COMMENT);
  const end = selectorEnd(text) ?? text.length;
  if (end < text.length && text[end - 1] === '}') {
    return fail(out, at(end - 1), 'selector must be label matchers only, e.g. code!~"5..",route="/api": this } ends the selector early');
  }
  const err = promqlError(text);
  if (err) return fail(out, at(err.offset), `selector is not valid PromQL label matchers: ${err.message}`);
  return true;
}

/**
 * What Vigil generates from a query that passed its own checks: a last guard that the generator
 * never writes what promtool refuses, named after the spec field it came from.
 */
function checkGenerated(q: Query, expr: string, out: Diagnostic[]): void {
  const err = promqlError(expr);
  if (err) out.push(diagnostic(q.at, `${q.field}: the rule Vigil would generate from it is not valid PromQL (${err.message} at offset ${err.offset}): ${expr}`));
}

function fail(out: Diagnostic[], at: SourcePos, message: string): false {
  out.push(diagnostic(at, message));
  return false;
}

function firstWins<T>(items: readonly T[], key: (t: T) => string, onDuplicate: (dup: T, first: T) => void): void {
  const seen = new Map<string, T>();
  for (const item of items) {
    const first = seen.get(key(item));
    if (first) onDuplicate(item, first);
    else seen.set(key(item), item);
  }
}

function where(at: Diagnostic | { file: string; line: number; col: number }): string {
  return formatDiagnostic({ ...at, message: '' }).replace(/: $/, '');
}

/**
 * Labels and annotations are Go templates to Prometheus, which refuses the whole rule file when
 * one does not parse (`alert-template.ts`), or when a name is not a label name: each is checked,
 * located at its SLO or alert and named.
 */
function checkTemplates(at: SourcePos, out: Diagnostic[], fields: Record<string, Readonly<Record<string, string>>>): void {
  for (const [field, values] of Object.entries(fields)) {
    for (const [key, value] of Object.entries(values)) {
      // Label and annotation names are label names to Prometheus, whatever format set them.
      if (key !== '' && !LABEL_NAME_RE.test(key)) {
        out.push(diagnostic(at, `${field}: ${JSON.stringify(key)} is not a valid label or annotation name (letters, digits and _, not starting with a digit)`));
        continue;
      }
      const problem = templateProblem(value);
      if (!problem) continue;
      const name = key === '' ? field : `${field}.${key}`;
      out.push(diagnostic(at, `${name} is not a valid Prometheus template (${problem.message}, at character ${problem.offset + 1}): ${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)}`));
    }
  }
}
