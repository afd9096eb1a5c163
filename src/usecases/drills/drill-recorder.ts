import type { DrillCheck } from '../../core/model/drill.js';
import type { Clock, MonotonicClock } from '../../core/ports/clock.js';
import type { CheckOutcome } from '../../core/ports/restore-target.js';

export type PhaseName = 'verify' | 'copy' | 'start' | 'wal-replay' | 'fault' | 'promote' | 'first-write' | 'validation' | 'rejoin';

/** One measured stretch of a drill, on the monotonic clock (ns since the clock's origin). */
export interface PhaseMark {
  readonly phase: PhaseName;
  readonly startNs: bigint;
  readonly endNs: bigint;
}

export interface DrillEvent {
  /** UTC, with ms. */
  readonly at: string;
  readonly event: string;
  readonly detail?: Readonly<Record<string, unknown>>;
}

/**
 * The marks and timeline of one drill run. Phases are contiguous: each starts where the one
 * before it ended, so the phases from the anchor on sum to the RTO exactly. `anchor` sets the
 * RTO's origin (the fault, or the restore's start) and ties the monotonic clock to UTC.
 */
export class DrillRecorder {
  readonly marks: PhaseMark[] = [];
  readonly events: DrillEvent[] = [];
  anchor: { at: string; ns: bigint };
  private phaseStart: bigint;

  constructor(private readonly clocks: { readonly wall: Clock; readonly mono: MonotonicClock }) {
    this.phaseStart = clocks.mono.nanos();
    this.anchor = { at: clocks.wall.now().toISOString(), ns: this.phaseStart };
  }

  event(name: string, detail?: Readonly<Record<string, unknown>>): void {
    this.events.push({ at: this.clocks.wall.now().toISOString(), event: name, ...(detail ? { detail } : {}) });
  }

  /** From here the RTO counts. */
  startRto(): void {
    this.phaseStart = this.clocks.mono.nanos();
    this.anchor = { at: this.clocks.wall.now().toISOString(), ns: this.phaseStart };
  }

  /** The validation phase: every check in order (one failing does not stop the others), then the `validated` event. */
  async validate(signal: AbortSignal, checks: readonly DrillCheck[], run: (c: DrillCheck) => Promise<CheckOutcome>): Promise<CheckOutcome[]> {
    const out = await this.phase('validation', signal, async () => {
      const results: CheckOutcome[] = [];
      for (const c of checks) results.push(await run(c));
      return results;
    });
    this.event('validated', { passed: out.filter((c) => c.passed).length, failed: out.filter((c) => !c.passed).length });
    return out;
  }

  /** Runs `work` as the next phase; the phase is recorded only when it completes. */
  async phase<T>(name: PhaseName, signal: AbortSignal, work: () => Promise<T>): Promise<T> {
    signal.throwIfAborted();
    const result = await work();
    const end = this.clocks.mono.nanos();
    this.marks.push({ phase: name, startNs: this.phaseStart, endNs: end });
    this.phaseStart = end;
    return result;
  }
}

/** An abort controller that fires after the spec's maxDuration with the reason drills report. */
export function drillDeadline(maxDurationSeconds: number): { signal: AbortSignal; clear(): void; reasonOf(err: unknown): { kind: 'abort' | 'error'; reason: string; criterion?: 'maxDuration' } } {
  const c = new AbortController();
  const timer = setTimeout(() => c.abort(new DrillAborted(`maxDuration ${maxDurationSeconds}s reached`)), maxDurationSeconds * 1000);
  return {
    signal: c.signal,
    clear: () => clearTimeout(timer),
    reasonOf(err) {
      const reason = c.signal.aborted && c.signal.reason instanceof DrillAborted ? c.signal.reason : err;
      return reason instanceof DrillAborted ? { kind: 'abort', criterion: 'maxDuration', reason: reason.message } : { kind: 'error', reason: (reason as Error).message };
    },
  };
}

class DrillAborted extends Error {}
