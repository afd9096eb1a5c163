import type { DrillType } from '../model/drill.js';
import type { ClockAnchor, DrillPhase, PhaseMark, RtoPhase } from './drill-outcome.js';

/**
 * RTO = validated − fault, on the one monotonic clock, with a breakdown by phase that sums to the
 * total exactly. Time between marked phases is attributed to an explicit `other` phase: dropping
 * it would make the phases add up to less than the RTO the drill reports, and hide slow steps
 * nobody marked.
 */

/** Gaps between marked phases. */
export type RtoSpanPhase = RtoPhase | 'other';

/** A stretch of the run: stamped in UTC (ms) for people, exact in ns for arithmetic. */
export interface PhaseSpan<P extends string = string> {
  readonly phase: P;
  readonly start: string;
  readonly end: string;
  /** A whole number of ns; within 2^53 (104 days), which any drill that finished is. */
  readonly durationNs: number;
}

export type RtoResult =
  | {
      readonly measured: true;
      /** The fault (failover, switchover) or the start of the copy (restore, pitr). */
      readonly start: string;
      /** The end of the last validation. */
      readonly end: string;
      readonly totalNs: number;
      /** In time order, contiguous from `start` to `end`: the durations add up to totalNs. */
      readonly phases: readonly PhaseSpan<RtoSpanPhase>[];
    }
  | { readonly measured: false; readonly reason: string };

/**
 * Where RTO starts. A restore drill has no fault to inject: the outage it rehearses begins when
 * recovery begins, so RTO counts from the start of the copy.
 */
export function rtoOriginPhase(type: DrillType): RtoPhase {
  return type === 'failover' || type === 'switchover' ? 'fault' : 'copy';
}

const NS_PER_MS = 1_000_000n;

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/**
 * The UTC instant of a monotonic reading, from the run's one anchor. Rounded down to the ms so
 * that stamps keep the marks' order (a mark never appears to start before the one it follows).
 */
export function stampUtc(clock: ClockAnchor, ns: bigint): string {
  return new Date(clock.utcMs + Number(floorDiv(ns - clock.ns, NS_PER_MS))).toISOString();
}

/** A duration as a JSON-safe whole number, or undefined past 2^53 ns. */
function safeNs(ns: bigint): number | undefined {
  return ns <= BigInt(Number.MAX_SAFE_INTEGER) && ns >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(ns) : undefined;
}

export function spanOf<P extends string>(clock: ClockAnchor, mark: { readonly phase: P; readonly startNs: bigint; readonly endNs: bigint }): PhaseSpan<P> {
  const duration = safeNs(mark.endNs - mark.startNs);
  if (duration === undefined) throw new RangeError(`phase ${mark.phase} lasts more than 2^53 ns`);
  return { phase: mark.phase, start: stampUtc(clock, mark.startNs), end: stampUtc(clock, mark.endNs), durationNs: duration };
}

export function measureRto(type: DrillType, marks: readonly PhaseMark[], clock: ClockAnchor): RtoResult {
  const unmeasured = (reason: string): RtoResult => ({ measured: false, reason });
  const backwards = marks.find((m) => m.endNs < m.startNs);
  if (backwards) return unmeasured(`mark ${backwards.phase} ends before it starts`);
  if (marks.some((m) => safeNs(m.endNs - m.startNs) === undefined)) return unmeasured('a mark lasts more than 2^53 ns');

  const originPhase = rtoOriginPhase(type);
  const origins = marks.filter((m) => m.phase === originPhase);
  if (origins.length === 0) return unmeasured(`no ${originPhase} mark: the drill never reached the ${type === 'failover' || type === 'switchover' ? 'fault' : 'restore'}`);
  const validations = marks.filter((m) => m.phase === 'validation');
  if (validations.length === 0) return unmeasured('no validation mark: the recovered cluster was never validated');
  const origin = min(origins.map((m) => m.startNs));
  const end = max(validations.map((m) => m.endNs));
  const total = safeNs(end - origin);
  if (end < origin) return unmeasured(`validation ends at ${stampUtc(clock, end)}, before the ${originPhase} at ${stampUtc(clock, origin)}`);
  if (total === undefined) return unmeasured('RTO is more than 2^53 ns');

  const lateVerify = marks.find((m) => m.phase === 'verify' && m.endNs > origin);
  if (lateVerify) return unmeasured(`verify ends at ${stampUtc(clock, lateVerify.endNs)}, after the ${originPhase} started: verification must finish before recovery starts`);

  const timed = marks
    .filter((m): m is PhaseMark & { phase: RtoPhase } => m.phase !== 'verify')
    .slice()
    .sort((a, b) => cmp(a.startNs, b.startNs) || cmp(a.endNs, b.endNs));
  const phases: PhaseSpan<RtoSpanPhase>[] = [];
  let cursor = origin;
  let previous: DrillPhase = originPhase;
  for (const m of timed) {
    if (m.startNs < origin || m.endNs > end) {
      return unmeasured(`mark ${m.phase} (${stampUtc(clock, m.startNs)} to ${stampUtc(clock, m.endNs)}) lies outside the RTO window ${stampUtc(clock, origin)} to ${stampUtc(clock, end)}`);
    }
    if (m.startNs < cursor) {
      // Overlapping phases would be counted twice; clipping one would silently shorten it.
      return unmeasured(`marks ${previous} and ${m.phase} overlap by ${formatElapsed(Number(cursor - m.startNs))}`);
    }
    if (m.startNs > cursor) phases.push(spanOf(clock, { phase: 'other', startNs: cursor, endNs: m.startNs }));
    phases.push(spanOf(clock, m));
    cursor = m.endNs;
    previous = m.phase;
  }
  if (cursor < end) phases.push(spanOf(clock, { phase: 'other', startNs: cursor, endNs: end }));
  return { measured: true, start: stampUtc(clock, origin), end: stampUtc(clock, end), totalNs: total, phases };
}

/**
 * A duration for people: `3.457s`, `12m 03.457s`, `1h 02m 03.457s`. Rounded up to the ms, so a
 * missed objective never prints as exactly the objective.
 */
export function formatElapsed(ns: number): string {
  const ms = Math.ceil(ns / 1e6);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = ((ms % 60_000) / 1000).toFixed(3);
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m ${s.padStart(6, '0')}s`;
  if (m > 0) return `${m}m ${s.padStart(6, '0')}s`;
  return `${s}s`;
}

const cmp = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);
const min = (xs: readonly bigint[]): bigint => xs.reduce((a, b) => (b < a ? b : a));
const max = (xs: readonly bigint[]): bigint => xs.reduce((a, b) => (b > a ? b : a));
