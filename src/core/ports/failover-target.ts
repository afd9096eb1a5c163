import type { Ack } from '../drills/heartbeat-loss.js';
import type { DrillCheck } from '../model/drill.js';
import type { CheckOutcome } from './restore-target.js';

/**
 * What a failover drill needs from a primary and its streaming replica: the steady state before
 * the fault, a heartbeat writer with its ledger, the fault itself, the promotion, and the failed
 * primary brought back as a standby. The adapter drives pg_ctl, pg_promote() and pg_rewind.
 */
export abstract class FailoverTarget {
  abstract toolVersions(): Promise<Record<string, string>>;
  abstract baseline(): Promise<FailoverBaseline>;
  /** Starts committing one heartbeat row per interval on the primary, appending each acknowledged commit to an fsync'd ledger. */
  abstract startHeartbeat(runId: string, intervalMs: number): Promise<Heartbeat>;
  /** Fails the primary: an immediate shutdown, or the spec's command. Resolves once it no longer runs. */
  abstract fault(signal: AbortSignal): Promise<void>;
  /** Promotes the replica; resolves once it has left recovery (pg_is_in_recovery() false). */
  abstract promote(signal: AbortSignal): Promise<void>;
  /** The heartbeat sequence numbers of this run the new primary holds. */
  abstract survivors(runId: string): Promise<number[]>;
  abstract firstWrite(): Promise<void>;
  abstract runCheck(check: DrillCheck): Promise<CheckOutcome>;
  /** Brings the failed primary back as a standby of the new one. */
  abstract rejoin(mode: 'rewind' | 'reclone', signal: AbortSignal): Promise<RejoinResult>;
  /** switchover: stops the primary cleanly (its last WAL reaches the standby); resolves once it no longer answers. */
  abstract plannedStop(signal: AbortSignal): Promise<void>;
  /** switchover: the roles as they were — the new primary stops cleanly, the old one is promoted, the other rejoins it. */
  abstract switchBack(mode: 'rewind' | 'reclone', signal: AbortSignal): Promise<RejoinResult>;
}

export interface FailoverBaseline {
  readonly serverVersion: string;
  /** From the primary's pg_stat_replication: the replica's state, whether it is synchronous, and its replay lag. */
  readonly replication: { readonly state: string; readonly syncState: string; readonly replayLagMs: number | null } | null;
}

export interface Heartbeat {
  /** Stops writing; answers every acknowledged commit and the sequence numbers sent without an answer. */
  stop(): Promise<{ readonly acks: readonly Ack[]; readonly inDoubt: readonly { readonly seq: number; readonly sentAt: string }[]; readonly ledgerFile: string }>;
}

export interface RejoinResult {
  readonly mode: 'rewind' | 'reclone';
  /** pg_rewind: "servers diverged at WAL location … on timeline …". */
  readonly divergedAt: { readonly lsn: string; readonly timeline: number } | null;
  /** The old primary streams from the new one again. */
  readonly streaming: boolean;
  readonly output: string;
}
