import { DAY, formatDuration, HOUR } from '../duration.js';
import { RULE_NAMES, BASE_WINDOW } from '../generate/slo-rules.js';
import { eventRates } from '../generate/sli-queries.js';
import { ratioWindowSeconds } from '../model/objective.js';
import type { Slo } from '../model/slo.js';
import { renderWindow } from '../promql/promql.js';
import type { EventCounts } from './error-budget.js';

/**
 * The PromQL behind one budget cycle, batched across SLOs so the cost does not grow with the fleet:
 * one query per distinct count window, one for every recorded ratio, one for the recordings'
 * sampling rate. Pure: queries are planned here and their answers read here; the adapter only
 * sends them.
 *
 * Counts come from Vigil's own 5m recordings where those cover the window. Where they do not (Vigil
 * was installed last week on a Prometheus holding months of raw data, or its rules are not loaded
 * there at all), the SLO's raw series are read instead, so budgets are right from the first cycle.
 */

/** Events over (at − seconds, at]. */
export interface CountWindow {
  /** '30d', 'month', 'today', 'day:2026-11-22' … */
  readonly key: string;
  readonly seconds: number;
  /** End of the window and the query's evaluation time, epoch seconds. */
  readonly at: number;
}

export interface BudgetQuery {
  readonly id: string;
  readonly promql: string;
  /** Evaluation time, epoch seconds. */
  readonly time: number;
}

export interface QuerySample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export type QueryAnswers = ReadonlyMap<string, readonly QuerySample[]>;

/** Where a count came from: Vigil's recordings, the raw series, or (raw error-ratio SLIs) a ratio with no event counts. */
export type CountSource = 'recorded' | 'raw' | 'ratio';

export interface WindowCount extends EventCounts {
  readonly source: CountSource;
}

/** Recordings covering at least this share of a window are trusted; below it the raw series are read. */
export const RECORDED_COVERAGE = 0.98;
/** Raw fallback queries hold at most this many SLO windows, to stay under Prometheus's query.max-samples. */
export const RAW_CHUNK_ITEMS = 100;

const PART = 'vigil_part';
const WINDOW_LABEL = 'vigil_window';

export function sloKey(service: string, slo: string): string {
  return `${service}/${slo}`;
}

/** The SLO's own budget window ending at `at`: rolling, or the calendar month so far (UTC). */
export function sloWindow(slo: Slo, at: number): CountWindow {
  if (slo.calendar === 'month') return { key: 'month', seconds: at - monthStart(at), at };
  return { key: formatDuration(slo.windowSeconds), seconds: slo.windowSeconds, at };
}

/** Epoch seconds of 00:00 UTC on the first of `at`'s month. */
export function monthStart(at: number): number {
  const d = new Date(at * 1000);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / 1000;
}

/** Length in seconds of `at`'s calendar month. */
export function monthSeconds(at: number): number {
  const d = new Date(at * 1000);
  return (Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)) / 1000;
}

/** Epoch seconds of 00:00 UTC of `at`'s day. */
export function dayStart(at: number): number {
  return Math.floor(at / DAY) * DAY;
}

/** 'YYYY-MM-DD' (UTC) of the day starting at `start`. */
export function dayName(start: number): string {
  return new Date(start * 1000).toISOString().slice(0, 10);
}

// ---------------------------------------------------------------- phase 1: recordings

const RATIOS_ID = 'ratios';
const SAMPLES_1H_ID = 'samples-1h';

/** Queries over Vigil's recordings: distinct windows once each, whatever the number of SLOs. */
export function recordedQueries(windows: readonly CountWindow[], at: number): BudgetQuery[] {
  const err = RULE_NAMES.errorRate(BASE_WINDOW);
  const tot = RULE_NAMES.totalRate(BASE_WINDOW);
  const queries: BudgetQuery[] = [
    // Every recorded ratio of every SLO (burn-rate windows and the SLO window) in one selector;
    // the window is in the metric name. Not joined with `or`: `or` ignores names and would keep one window per SLO.
    { id: RATIOS_ID, promql: `{__name__=~"${RULE_NAMES.errorRatio('')}.+"}`, time: at },
    // The recordings' sampling rate: how many samples a covered window must hold.
    { id: SAMPLES_1H_ID, promql: `count_over_time(${tot}[1h])`, time: at },
  ];
  for (const w of distinctWindows(windows)) {
    const range = formatDuration(w.seconds);
    queries.push({
      id: windowQueryId(w),
      time: w.at,
      promql: [
        part(`avg_over_time(${err}[${range}])`, 'bad'),
        part(`avg_over_time(${tot}[${range}])`, 'total'),
        part(`count_over_time(${tot}[${range}])`, 'samples'),
      ].join(' or '),
    });
  }
  return queries;
}

export interface RecordedReading {
  /** Counts per SLO key and window key, for windows the recordings cover. */
  readonly counts: Map<string, Map<string, WindowCount>>;
  /** Recorded error ratios per SLO key, by window name ("1h", "30d" …). */
  readonly ratios: Map<string, Record<string, number>>;
  /** SLO windows the recordings do not cover: read these from the raw series. */
  readonly uncovered: RawItem[];
}

export interface RawItem {
  readonly slo: Slo;
  readonly window: CountWindow;
  /** 'count': events for a budget window; 'ratio': an alert window's error ratio for a burn rate. */
  readonly kind: 'count' | 'ratio';
}

/**
 * Reads phase 1. `windowsOf(slo)` lists the count windows the caller wants for each SLO (its budget
 * window, today …); `burnWindows(slo)` the alert windows whose ratios become burn rates.
 */
export function readRecorded(
  slos: readonly Slo[],
  windowsOf: (slo: Slo) => readonly CountWindow[],
  burnWindows: (slo: Slo) => readonly string[],
  answers: QueryAnswers,
  at: number,
): RecordedReading {
  const ratios = new Map<string, Record<string, number>>();
  const prefix = RULE_NAMES.errorRatio('');
  for (const s of answers.get(RATIOS_ID) ?? []) {
    const name = s.labels.__name__ ?? '';
    const key = labelsKey(s.labels);
    if (!key || !name.startsWith(prefix) || !Number.isFinite(s.value)) continue;
    const r = ratios.get(key) ?? {};
    r[name.slice(prefix.length)] = s.value;
    ratios.set(key, r);
  }
  const samples1h = byKey(answers.get(SAMPLES_1H_ID) ?? []);

  const parts = new Map<string, Map<string, Partial<Record<'bad' | 'total' | 'samples', number>>>>();
  const readParts = (w: CountWindow) => {
    const id = windowQueryId(w);
    let m = parts.get(id);
    if (!m) {
      m = new Map();
      for (const s of answers.get(id) ?? []) {
        const key = labelsKey(s.labels);
        const p = s.labels[PART] as 'bad' | 'total' | 'samples' | undefined;
        if (!key || !p) continue;
        const entry = m.get(key) ?? {};
        entry[p] = s.value;
        m.set(key, entry);
      }
      parts.set(id, m);
    }
    return m;
  };

  const counts = new Map<string, Map<string, WindowCount>>();
  const uncovered: RawItem[] = [];
  for (const slo of slos) {
    const key = sloKey(slo.service, slo.name);
    const perWindow = new Map<string, WindowCount>();
    counts.set(key, perWindow);
    for (const w of windowsOf(slo)) {
      if (w.seconds <= 0) {
        perWindow.set(w.key, { bad: 0, total: 0, source: 'recorded' });
        continue;
      }
      if (slo.sli.kind === 'raw') {
        uncovered.push({ slo, window: w, kind: 'count' });
        continue;
      }
      const p = readParts(w).get(key);
      const rate = samples1h.get(key);
      // Covered: as many samples as the sampling rate of the last hour predicts for the whole window.
      const covered = p?.samples !== undefined && rate !== undefined && rate > 0 && p.samples >= RECORDED_COVERAGE * rate * (w.seconds / HOUR);
      if (!covered || p.bad === undefined || p.total === undefined) {
        uncovered.push({ slo, window: w, kind: 'count' });
        continue;
      }
      // Mean per-second rate × seconds = events. Interval-free: no need to know the rule evaluation interval.
      perWindow.set(w.key, { bad: p.bad * w.seconds, total: p.total * w.seconds, source: 'recorded' });
    }
    const recorded = ratios.get(key) ?? {};
    for (const name of burnWindows(slo)) {
      if (recorded[name] === undefined) uncovered.push({ slo, window: { key: name, seconds: windowSecondsOf(name, slo), at }, kind: 'ratio' });
    }
  }
  return { counts, ratios, uncovered };
}

// ---------------------------------------------------------------- phase 2: raw series

/** Raw-series queries for what the recordings do not cover, batched by evaluation time and chunked. */
export function rawQueries(items: readonly RawItem[]): BudgetQuery[] {
  const byTime = new Map<number, RawItem[]>();
  for (const it of items) {
    if (it.window.seconds <= 0) continue;
    const list = byTime.get(it.window.at) ?? [];
    list.push(it);
    byTime.set(it.window.at, list);
  }
  const queries: BudgetQuery[] = [];
  for (const [time, list] of [...byTime].sort((a, b) => a[0] - b[0])) {
    for (let i = 0; i < list.length; i += RAW_CHUNK_ITEMS) {
      const chunk = list.slice(i, i + RAW_CHUNK_ITEMS);
      queries.push({ id: `raw-${time}-${i / RAW_CHUNK_ITEMS}`, time, promql: chunk.flatMap(rawParts).join(' or ') });
    }
  }
  return queries;
}

function rawParts(it: RawItem): string[] {
  const { slo, window: w } = it;
  const range = formatDuration(w.seconds);
  const tag = (expr: string, p: string) =>
    labelled(expr, { [PART]: p, [WINDOW_LABEL]: `${it.kind}:${w.key}`, service: slo.service, slo: slo.name });
  if (slo.sli.kind === 'raw') return [tag(`sum(${renderWindow(slo.sli.errorRatioQuery.text, range).trim()})`, 'ratio')];
  const rates = eventRates(slo.sli, range);
  // rate over the window × its length = events in it (what increase() returns, from the same samples).
  return [tag(`(${rates.errors}) * ${w.seconds}`, 'bad'), tag(`(${rates.total}) * ${w.seconds}`, 'total')];
}

/** Adds the raw readings to phase 1's, in place, and returns it. */
export function readRaw(reading: RecordedReading, answers: QueryAnswers): RecordedReading {
  const found = new Map<string, Partial<Record<'bad' | 'total' | 'ratio', number>>>();
  for (const samples of answers.values()) {
    for (const s of samples) {
      const key = labelsKey(s.labels);
      const w = s.labels[WINDOW_LABEL];
      const p = s.labels[PART] as 'bad' | 'total' | 'ratio' | undefined;
      if (!key || !w || !p) continue;
      const id = `${key}|${w}`;
      const entry = found.get(id) ?? {};
      entry[p] = s.value;
      found.set(id, entry);
    }
  }
  for (const it of reading.uncovered) {
    const key = sloKey(it.slo.service, it.slo.name);
    const f = found.get(`${key}|${it.kind}:${it.window.key}`);
    if (it.kind === 'ratio') {
      const ratio = f?.ratio ?? (f?.bad !== undefined && f.total !== undefined ? (f.total > 0 ? f.bad / f.total : 0) : undefined);
      if (ratio !== undefined && Number.isFinite(ratio)) {
        const r = reading.ratios.get(key) ?? {};
        r[it.window.key] = ratio;
        reading.ratios.set(key, r);
      }
      continue;
    }
    const perWindow = reading.counts.get(key)!;
    if (f?.ratio !== undefined) {
      // A ratio-only SLI: the ratio stands for the window; there are no event counts to report.
      if (Number.isFinite(f.ratio)) perWindow.set(it.window.key, { bad: f.ratio, total: 1, source: 'ratio' });
    } else if (f?.bad !== undefined && f.total !== undefined) {
      perWindow.set(it.window.key, { bad: Math.max(0, f.bad), total: Math.max(0, f.total), source: 'raw' });
    } else {
      // No answer at all (no such series): no traffic, which the budget reads as no-data.
      perWindow.set(it.window.key, { bad: 0, total: 0, source: 'raw' });
    }
  }
  return reading;
}

// ---------------------------------------------------------------- helpers

function distinctWindows(windows: readonly CountWindow[]): CountWindow[] {
  const seen = new Map<string, CountWindow>();
  for (const w of windows) if (w.seconds > 0) seen.set(windowQueryId(w), w);
  return [...seen.values()];
}

function windowQueryId(w: CountWindow): string {
  return `window-${w.seconds}-${w.at}`;
}


function windowSecondsOf(name: string, slo: Slo): number {
  // formatDuration is a window's canonical name (as in the rule names), so at most one matches.
  return ratioWindowSeconds(slo).find((s) => formatDuration(s) === name) ?? 0;
}

function part(expr: string, name: string): string {
  return `label_replace(${expr}, "${PART}", "${name}", "", "")`;
}

function labelled(expr: string, labels: Record<string, string>): string {
  let out = expr;
  for (const [k, v] of Object.entries(labels)) out = `label_replace(${out}, "${k}", ${JSON.stringify(v)}, "", "")`;
  return out;
}

function labelsKey(labels: Readonly<Record<string, string>>): string | undefined {
  return labels.service !== undefined && labels.slo !== undefined ? sloKey(labels.service, labels.slo) : undefined;
}

function byKey(samples: readonly QuerySample[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const s of samples) {
    const key = labelsKey(s.labels);
    if (key) m.set(key, s.value);
  }
  return m;
}
