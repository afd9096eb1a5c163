import type { BackupSource, DrillCheck } from '../model/drill.js';
import type { WalContinuity } from '../drills/wal-segments.js';

/**
 * What a restore or PITR drill needs from the world: the backup checked before anything is
 * touched, and a scratch cluster to restore into. The adapter (src/adapters/drills) drives the
 * PostgreSQL tools; the use case decides the order and measures.
 */
export abstract class RestoreTarget {
  /** Tool name → its `--version` line, for the report. */
  abstract toolVersions(): Promise<Record<string, string>>;
  /** Backup manifest verification and WAL continuity, before restoring. */
  abstract verifyBackup(source: BackupSource, signal: AbortSignal): Promise<BackupCheck>;
  /**
   * Row counts on the primary, read before restoring, for row-count checks that compare with it;
   * null when the drill names no primary.
   */
  abstract primaryRowCounts(tables: readonly { readonly database?: string; readonly table: string }[]): Promise<readonly { readonly database: string; readonly table: string; readonly rows: number }[] | null>;
  /** Free bytes on the file system scratch clusters are made on (abort.minFree is checked against it before restoring). */
  abstract scratchFreeBytes(): Promise<number>;
  /** A new, empty scratch cluster folder for this run. */
  abstract createScratch(runId: string): Promise<ScratchTarget>;
}

export interface BackupCheck {
  /** pg_verifybackup's verdict on the manifest and files; its message when it refused. */
  readonly manifest: { readonly ok: true } | { readonly ok: false; readonly problem: string };
  readonly wal: WalContinuity;
  /** The backup's own label: when it started, its first WAL segment. */
  readonly backup: { readonly startedAt: Date | null; readonly startSegment: string; readonly label: string };
  /** The commit time of the last transaction recovery can reach from the archive (pg_waldump), when known. */
  readonly lastRecoverableCommitAt: Date | null;
}

export interface ScratchTarget {
  readonly description: string;
  /**
   * Copy the backup into the scratch data folder. With the recovery target, because a restore
   * tool may choose the backup by it and write the recovery settings itself (pgBackRest's restore
   * picks the newest backup before a time target).
   */
  copyBackup(source: BackupSource, target: { readonly time: Date } | null, signal: AbortSignal): Promise<void>;
  /** Archive recovery settings the copy did not write; `target` adds recovery_target_time and friends. */
  configureRecovery(source: BackupSource, target: { readonly time: Date } | null): Promise<void>;
  /** Starts the server; resolves once it accepts connections. */
  start(signal: AbortSignal): Promise<void>;
  /** Resolves once recovery has ended (pg_is_in_recovery() false); rejects if the server stopped. */
  recoveryEnded(signal: AbortSignal): Promise<void>;
  /** Proves the recovered cluster takes writes. */
  firstWrite(): Promise<void>;
  runCheck(check: DrillCheck): Promise<CheckOutcome>;
  /** pg_amcheck over every database: heap and B-tree corruption the backup carried (run after validation, outside the RTO). */
  integrityCheck(signal: AbortSignal): Promise<CheckOutcome>;
  serverLog(): Promise<string>;
  /** Stops the server and deletes the folder; safe to call on any path, twice. */
  remove(): Promise<void>;
}

export interface CheckOutcome {
  readonly name: string;
  readonly kind: DrillCheck['kind'] | 'amcheck';
  readonly expected: string;
  readonly actual: string | null;
  readonly passed: boolean;
  readonly error?: string;
}
