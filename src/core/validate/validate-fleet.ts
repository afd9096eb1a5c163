import { compareText } from '../compare-text.js';
import { diagnostic, formatDiagnostic, type Diagnostic } from '../diagnostics.js';
import { formatDuration, MINUTE } from '../duration.js';
import { deriveTiers, MIN_ALERT_WINDOW_SECONDS } from '../model/burn-windows.js';
import { burnThreshold, compareDecimal, enabledTiers, ratioAsPercent } from '../model/objective.js';
import type { Fleet, Query, Service, Slo, SpecDocument } from '../model/slo.js';
import { hasWindowPlaceholder, isVectorSelector, promqlSyntaxError, renderWindow } from '../promql/promql.js';

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
    for (const slo of slos) checkSlo(slo, out);
    for (const alert of alerts) {
      if (hasWindowPlaceholder(alert.expr.text)) out.push(diagnostic(alert.expr.at, 'alert expressions take no {{.window}} placeholder'));
      else checkSyntax(alert.expr, out);
    }
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
  if (sli.kind === 'events') {
    for (const q of [sli.errorQuery, sli.goodQuery, sli.totalQuery]) if (q) checkCounterQuery(q, out);
  } else if (sli.kind === 'raw') {
    if (!hasWindowPlaceholder(sli.errorRatioQuery.text)) {
      out.push(diagnostic(sli.errorRatioQuery.at, 'errorRatioQuery must use the {{.window}} placeholder in its range, e.g. [{{.window}}]'));
    } else checkSyntax(sli.errorRatioQuery, out);
  } else {
    const text = `${sli.metric}_bucket{${sli.selector}}`;
    const err = promqlSyntaxError(text);
    if (err) out.push(diagnostic(sli.at.selector, `selector is not valid PromQL label matchers: ${err.message}`));
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

/** Counter queries: either templated with {{.window}}, or a bare selector that Vigil wraps in rate(). */
function checkCounterQuery(q: Query, out: Diagnostic[]): void {
  if (hasWindowPlaceholder(q.text)) return checkSyntax(q, out);
  const err = promqlSyntaxError(q.text);
  if (err) return void out.push(diagnostic(q.locate(err.offset), `invalid PromQL: ${err.message}`));
  if (!isVectorSelector(q.text)) {
    out.push(diagnostic(q.at, 'query has no {{.window}} placeholder and is not a plain counter selector; write e.g. sum(rate(metric[{{.window}}])) or just metric{label="value"}'));
  }
}

/** Syntax check with placeholders rendered; error offsets are mapped back to the text as written. */
function checkSyntax(q: Query, out: Diagnostic[]): void {
  const rendered = renderWindow(q.text, '5m');
  const err = promqlSyntaxError(rendered);
  if (!err) return;
  out.push(diagnostic(q.locate(originalOffset(q.text, err.offset)), `invalid PromQL: ${err.message}`));
}

function originalOffset(text: string, renderedOffset: number): number {
  let shift = 0;
  for (const m of text.matchAll(/\{\{\s*\.window\s*\}\}/g)) {
    const renderedStart = m.index - shift;
    if (renderedStart >= renderedOffset) break;
    shift += m[0].length - 2;
  }
  return renderedOffset + shift;
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
