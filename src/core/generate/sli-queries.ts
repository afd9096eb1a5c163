import { isUngroupedSum, isVectorSelector, renderWindow } from '../promql/promql.js';
import type { EventsSli, LatencySli, Query, RawSli } from '../model/slo.js';

/**
 * PromQL for the raw event rates of an SLI over one window. Every result is a single series that
 * exists even without traffic (`or vector(0)`): error series often do not exist until the first
 * error, and a missing series would leave budgets blank instead of untouched.
 */
export interface EventRates {
  readonly errors: string;
  readonly total: string;
}

export function eventRates(sli: EventsSli | LatencySli, window: string): EventRates {
  if (sli.kind === 'latency') return latencyRates(sli, window);
  const total = counterRate(sli.totalQuery, window);
  if (sli.errorQuery) return { errors: orZero(counterRate(sli.errorQuery, window)), total: orZero(total) };
  // Good events: errors are what total has beyond good; clamp because the two are scraped apart.
  const good = counterRate(sli.goodQuery!, window);
  return { errors: `clamp_min((${orZero(total)}) - (${orZero(good)}), 0)`, total: orZero(total) };
}

function latencyRates(sli: LatencySli, window: string): EventRates {
  const total = `sum(rate(${sli.metric}_count${braces(sli.selector)}[${window}]))`;
  const fast = `sum(rate(${sli.metric}_bucket${braces(join(sli.selector, leMatcher(sli.thresholdSeconds)))}[${window}]))`;
  return { errors: `clamp_min((${orZero(total)}) - (${orZero(fast)}), 0)`, total: orZero(total) };
}

/** A raw SLI's error ratio over one window: one series, never negative, 0 without traffic. */
export function rawErrorRatio(sli: RawSli, window: string): string {
  return `(sum(${renderWindow(sli.errorRatioQuery.text, window).trim()}) >= 0) or vector(0)`;
}

/** Exporters disagree on `le="1"` vs `le="1.0"` (Prometheus 3 normalises to the latter): match both. */
export function leMatcher(seconds: number): string {
  const text = String(seconds);
  return Number.isInteger(seconds) ? `le=~"${text}|${text}\\\\.0"` : `le="${text}"`;
}

/** A templated query is rendered; a bare counter selector becomes `rate(selector[window])`. Always one series. */
export function counterRate(q: Query, window: string): string {
  if (isVectorSelector(q.text)) return `sum(rate(${q.text.trim()}[${window}]))`;
  const rendered = renderWindow(q.text, window).trim();
  return isUngroupedSum(rendered) ? rendered : `sum(${rendered})`;
}

function orZero(expr: string): string {
  return `${expr} or vector(0)`;
}

function braces(matchers: string): string {
  return matchers ? `{${matchers}}` : '';
}

function join(a: string, b: string): string {
  return a ? `${a},${b}` : b;
}
