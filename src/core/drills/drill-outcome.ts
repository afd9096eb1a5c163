import type { BackupSource, DrillObjectives, DrillSpec, DrillType } from '../model/drill.js';
import type { SecretRef } from '../model/oncall.js';

/**
 * What one drill run measured, as execution hands it to the evidence code (verdict, report).
 * Execution only records; every judgement (RTO, verdict, findings) is made from this in core, so
 * a report can be rebuilt from a stored outcome and come out the same.
 *
 * Times come in two kinds on purpose:
 * - Durations are read on ONE monotonic clock (`hrtime.bigint()`), as bigint nanoseconds. A wall
 *   clock can step (NTP, a VM resumed) in the middle of a restore; the monotonic one cannot.
 *   bigint rather than number because hrtime counts from an arbitrary origin and passes 2^53 ns
 *   (104 days of uptime) on long-lived hosts, where a number would silently round; and integer
 *   nanoseconds let a phase breakdown sum to the total exactly, which float milliseconds do not.
 * - Stamps people and auditors read are UTC with milliseconds. They are derived from `clock`, one
 *   reading of both clocks taken together, so all marks of a run share one anchor and keep their
 *   order even when the wall clock steps. Events carry their own UTC stamps (ISO 8601 with ms, Z,
 *   as `Date.prototype.toISOString()` writes them).
 */
export interface DrillOutcome {
  readonly identity: DrillIdentity;
  /** The objectives in force when the run started: the spec may change after the run. */
  readonly objectives: DrillObjectives;
  readonly scope: DrillScope;
  readonly clock: ClockAnchor;
  /**
   * Phase marks in the order they happened. A phase may appear more than once (a retried
   * validation); "validated" is the end of the last `validation` mark.
   */
  readonly marks: readonly PhaseMark[];
  /** Steady state read before the fault; null when there was nothing to read (a backup-only restore). */
  readonly baseline: Baseline | null;
  /** Every check that ran, in the order it ran: the spec's checks and the pre-restore verification. */
  readonly checks: readonly CheckResult[];
  /** restore and pitr only. */
  readonly recovery?: RecoveryResult;
  /** failover and switchover only: measured from the heartbeat ledger; absent when it could not be. */
  readonly rpo?: LedgerRpo;
  readonly events: readonly DrillEvent[];
  /** What went wrong that is not a check result: a tool's failure, a teardown that failed. */
  readonly errors: readonly DrillError[];
  /** Set when the run was stopped before it completed. */
  readonly abort?: AbortRecord;
  readonly communications: readonly Communication[];
  /** failover and switchover when the spec asks for one; reported apart, never part of RTO. */
  readonly failback?: FailbackResult;
}

export interface DrillIdentity {
  readonly drill: string;
  readonly type: DrillType;
  readonly runId: string;
  readonly vigilVersion: string;
  /** Each tool as it reports itself: `{ pg_ctl: 'pg_ctl (PostgreSQL) 15.8', pgbackrest: 'pgBackRest 2.54.0' }`. */
  readonly toolVersions: Readonly<Record<string, string>>;
  /** Where Vigil ran the drill (the scratch cluster's host for restores). */
  readonly host: string;
  /** ISO UTC with ms. */
  readonly startedAt: string;
  readonly finishedAt: string;
}

export interface DrillScope {
  /** What was drilled, in words and without secrets: `orders cluster, PostgreSQL 15 (primary db1:5432)`. */
  readonly target: string;
  /** Where a restore came from (see describeBackupSource); null for failover and switchover. */
  readonly backupSource: string | null;
  /** The connections used, as their references (see describeSecretRef), never their contents. */
  readonly connections: readonly string[];
}

/** One reading of the monotonic clock and the wall clock together, at the fault (or the start of the restore). */
export interface ClockAnchor {
  readonly ns: bigint;
  /** Epoch milliseconds of the wall clock, read by execution right beside `ns`. */
  readonly utcMs: number;
}

/** Phases counted in RTO. */
export type RtoPhase = 'fault' | 'promote' | 'copy' | 'wal-replay' | 'start' | 'first-write' | 'validation';

/**
 * `verify` (backup manifest and WAL continuity) comes before the restore starts: a drill that
 * finds a broken backup has not begun recovering, so it is reported apart and not counted in RTO.
 */
export type DrillPhase = 'verify' | RtoPhase;

export interface PhaseMark {
  readonly phase: DrillPhase;
  readonly startNs: bigint;
  readonly endNs: bigint;
}

export interface Baseline {
  /** ISO UTC with ms. */
  readonly takenAt: string;
  /** `SHOW server_version`. */
  readonly serverVersion: string;
  readonly rowCounts: readonly { readonly table: string; readonly rows: number }[];
  /** failover: the replica's replay lag when the fault was injected (context only: replication lag is not RPO). */
  readonly replicationLagMs?: number;
}

/** The spec's check kinds, and the verification execution runs itself. */
export type CheckKind = 'sql' | 'rowCount' | 'backup-manifest' | 'wal-continuity' | 'amcheck' | 'heartbeat';

export interface CheckResult {
  readonly name: string;
  readonly kind: CheckKind;
  /** As text, as compared: `1000`, `≥ 1000`, `no missing segment`. */
  readonly expected: string;
  /** null when the check could not produce a value (see `error`). */
  readonly actual: string | null;
  readonly passed: boolean;
  readonly error?: string;
}

export interface RecoveryResult {
  /** The backup restored: its label and when it ended (ISO UTC). */
  readonly backup: { readonly label: string; readonly stoppedAt: string };
  /** The WAL replayed, first and last segment (or LSN), as the tools name them. */
  readonly walReplayed: { readonly from: string; readonly to: string } | null;
  /** pitr: the resolved `recovery_target_time`; restore: latest. */
  readonly requested: { readonly kind: 'latest' } | { readonly kind: 'time'; readonly at: string };
  /** The server log's "last completed transaction was at log time …", ISO UTC; null when the log did not say. */
  readonly achievedAt: string | null;
  /** pitr: recovery stopped at the target ("recovery stopping before …"), not at the end of the WAL. */
  readonly targetReached?: boolean;
  /** Every segment the source holds was replayed. */
  readonly recoveredToLatest: boolean;
  /**
   * restore: the newest commit the source held when the restore started (the primary's, or the
   * newest in the archive without a primary), ISO UTC. RPO = this − achievedAt; without it RPO
   * is unknown and the verdict INCONCLUSIVE.
   */
  readonly newestAvailableAt?: string;
}

/**
 * Data lost in a failover, from the heartbeat ledger: acknowledged commits missing on the new
 * primary. A commit whose acknowledgement never arrived may or may not have happened: it is
 * listed apart and never counted as lost.
 */
export interface LedgerRpo {
  /** Acknowledged commits in the ledger up to the fault. */
  readonly acknowledged: number;
  readonly lostTransactions: number;
  /** First lost commit to the last acknowledged one, on the monotonic clock, in ms; 0 when nothing was lost. */
  readonly lostMs: number;
  readonly inDoubt: readonly { readonly id: string; readonly sentAt: string }[];
}

export interface DrillEvent {
  /** ISO UTC with ms. */
  readonly at: string;
  /** A short code: `scratch.created`, `primary.stopped`, `promote.completed`. */
  readonly event: string;
  readonly detail: string;
}

export interface DrillError {
  readonly at: string;
  /** The step or tool that failed: `pgbackrest restore`, `teardown`. */
  readonly step: string;
  readonly message: string;
}

/** What fired: a spec abort criterion, an operator, or a run Vigil found interrupted at its next start. */
export type AbortCriterion = 'maxDuration' | 'minFreeBytes' | 'maxReplicaLag' | 'backupUnusable' | 'operator' | 'interrupted' | 'error';

export interface AbortRecord {
  readonly at: string;
  readonly criterion: AbortCriterion;
  /** The limit and the value that crossed it: `replica 42s behind, limit 30s`. */
  readonly detail: string;
}

export interface Communication {
  readonly at: string;
  readonly event: 'drill.started' | 'drill.completed';
  /** pagerduty | slack | email | webhook */
  readonly sink: string;
  /** Channel, address or URL; never a routing key or secret. */
  readonly target: string;
  readonly outcome: 'sent' | 'failed';
  readonly detail?: string;
}

export type FailbackPhase = 'rewind' | 'reclone' | 'rejoin' | 'switchback';

export interface FailbackResult {
  readonly method: 'rewind' | 'reclone';
  readonly completed: boolean;
  /** Where the old primary's history left the new timeline. */
  readonly divergence: { readonly lsn: string; readonly timeline: number } | null;
  /** Transactions the old primary had that the new timeline does not: discarded by the rewind. */
  readonly discardedTransactions: number | null;
  readonly marks: readonly { readonly phase: FailbackPhase; readonly startNs: bigint; readonly endNs: bigint }[];
  readonly error?: string;
}

/** A connection reference as a report may show it: which variable or file, never what it holds. */
export function describeSecretRef(ref: SecretRef): string {
  return 'env' in ref ? `env ${ref.env}` : `file ${ref.file}`;
}

export function describeBackupSource(source: BackupSource): string {
  return source.kind === 'pgbackrest'
    ? `pgBackRest stanza ${source.stanza}${source.configFile ? ` (config ${source.configFile})` : ''}`
    : `base backup ${source.baseBackupDir} with WAL archive ${source.walArchiveDir}`;
}

/** The scope of a run as the spec names it; `target` is execution's description of what it reached. */
export function scopeOf(spec: DrillSpec, target: string): DrillScope {
  const t = spec.target;
  return {
    target,
    backupSource: t.backup ? describeBackupSource(t.backup) : null,
    connections: [
      ...(t.primary ? [`primary: ${describeSecretRef(t.primary)}`] : []),
      ...(t.replica ? [`replica: ${describeSecretRef(t.replica)}`] : []),
    ],
  };
}
