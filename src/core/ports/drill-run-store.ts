import type { ChainTip } from '../drills/report-chain.js';
import type { DrillType } from '../model/drill.js';

export interface NewDrillRun {
  readonly runId: string;
  readonly drill: string;
  readonly type: DrillType;
  readonly trigger: 'schedule' | 'manual';
  readonly requestedBy: string;
  readonly slot: Date | null;
  readonly startedAt: Date;
}

export interface FinishedRun {
  readonly finishedAt: Date;
  readonly verdict: 'PASS' | 'FAIL' | 'ABORTED' | 'INCONCLUSIVE';
  readonly rtoMs: number | null;
  readonly rpoMs: number | null;
}

/** A sealed report's text and links, made from the chain's tip at the moment of appending. */
export type Sealer = (tip: ChainTip | null) => { readonly sequence: number; readonly hash: string; readonly previousHash: string; readonly canonical: string };

/** Where drill runs and their hash-chained reports are kept. */
export abstract class DrillRunStore {
  /** Recorded before the drill touches anything: a run that dies stays visible, unfinished. */
  abstract start(run: NewDrillRun): Promise<void>;
  /** Finishes the run and appends its sealed report to the chain, atomically. */
  abstract finish(runId: string, result: FinishedRun, seal: Sealer): Promise<{ readonly sequence: number; readonly hash: string }>;
  /** The stored text of the drill's latest report before this run (findings carry over from it), or null. */
  abstract latestReportText(drill: string, excludingRunId: string): Promise<string | null>;
}
