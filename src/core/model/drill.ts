import type { SourcePos } from '../diagnostics.js';
import type { Recurrence } from '../jobs/recurrence.js';
import type { PolicyTarget, SecretRef } from './oncall.js';

/**
 * A DR drill as `drills/*.yaml` defines it (`apiVersion: vigil/v1`, `kind: Drill`), parsed and
 * checked. Documented in docs/drill-spec.md. Connections are references only (an env variable or
 * a secret file holding a libpq URL): a spec never holds a password.
 */
export type DrillType = 'restore' | 'pitr' | 'failover' | 'switchover';

export interface DrillSpec {
  readonly name: string;
  readonly description?: string;
  /** Who answers for the drill and its findings: a team or a person, as the fleet names them. */
  readonly owner: string;
  readonly type: DrillType;
  readonly target: DrillTarget;
  /** When it runs: a cron expression in an IANA time zone (seed defaults: restore monthly, the others quarterly). */
  readonly schedule: Recurrence & { readonly kind: 'cron' };
  readonly objectives: DrillObjectives;
  /** Run against the recovered cluster; every one must pass for PASS. */
  readonly checks: readonly DrillCheck[];
  readonly abort: AbortCriteria;
  /**
   * restore and pitr: pg_amcheck over the recovered cluster after validation (outside the RTO),
   * for corruption the backup carried faithfully. Default true; false for databases too big to
   * check on every drill.
   */
  readonly amcheck?: boolean;
  /** pitr only: the point to recover to. */
  readonly recoveryTarget?: RecoveryTarget;
  /** failover and switchover only. */
  readonly failover?: FailoverSettings;
  /** Told of drill.started / drill.completed through the incident sinks (OnCall spec names). */
  readonly notify: readonly DrillNotifyTarget[];
  /** Where the document starts, for messages about it. */
  readonly at: SourcePos;
}

/** A target in the OnCall spec's syntax, with where it is written: people and schedules are checked against the OnCall spec, which is another file. */
export type DrillNotifyTarget = PolicyTarget & { readonly at: SourcePos };

export interface DrillTarget {
  /** The PostgreSQL server binaries folder (pg_ctl, pg_verifybackup, pg_rewind …), e.g. /usr/lib/postgresql/15/bin. */
  readonly binDir: string;
  /** The primary: read for the baseline and, in failover drills, written by the heartbeat and stopped. */
  readonly primary?: SecretRef;
  /** failover and switchover: the standby that is promoted. */
  readonly replica?: SecretRef;
  /** restore and pitr: where the backup comes from. */
  readonly backup?: BackupSource;
  /** failover and switchover: the data folders pg_ctl stops, rewinds and starts. */
  readonly primaryDataDir?: string;
  readonly replicaDataDir?: string;
  /** OS user the PostgreSQL tools run as (initdb and postgres refuse root); default postgres. */
  readonly osUser?: string;
}

export type BackupSource =
  | { readonly kind: 'pgbackrest'; readonly stanza: string; readonly configFile?: string }
  /** A base backup made by pg_basebackup (with its backup_manifest) plus the WAL archive folder archive_command fills. */
  | { readonly kind: 'basebackup'; readonly baseBackupDir: string; readonly walArchiveDir: string };

export interface DrillObjectives {
  /** Fault (or start of restore) to validated. Seed default 1h. */
  readonly rtoSeconds: number;
  /** Data lost, as time. Seed default 15m; PITR 5m. */
  readonly rpoSeconds: number;
}

export type DrillCheck =
  /** A query whose first column of its first row, as text, must equal `expect`. */
  | { readonly kind: 'sql'; readonly name: string; readonly database?: string; readonly sql: string; readonly expect: string; readonly at: SourcePos }
  /** A table's row count: exactly `equals`, or at least `atLeast`; compared with the primary's count when neither is given. */
  | { readonly kind: 'rowCount'; readonly name: string; readonly database?: string; readonly table: string; readonly equals?: number; readonly atLeast?: number; readonly at: SourcePos };

export interface AbortCriteria {
  /** The drill is stopped (ABORTED, and torn down) past this long. Default: twice the RTO objective. */
  readonly maxDurationSeconds: number;
  /** Not started when the scratch folder's file system has less free than this. */
  readonly minFreeBytes?: number;
  /** failover: not started when the replica is further behind than this (a drill must not cause the outage it rehearses). */
  readonly maxReplicaLagSeconds?: number;
}

export type RecoveryTarget =
  /** A fixed point (an ad-hoc run, or a run now with a time given). */
  | { readonly kind: 'time'; readonly at: Date }
  /** This long before the drill starts: a scheduled PITR drill's target. */
  | { readonly kind: 'ago'; readonly seconds: number };

export interface FailoverSettings {
  /** The heartbeat writer commits one row this often during the drill. Default 100ms. */
  readonly heartbeatIntervalMs: number;
  /** How the primary fails: an immediate shutdown (pg_ctl -m immediate), or a command the operator gives (argv, no shell). */
  readonly fault: { readonly kind: 'immediate' } | { readonly kind: 'command'; readonly argv: readonly string[] };
  /** How the old primary comes back: pg_rewind, a new clone, or not at all (failover only). */
  readonly failback: 'rewind' | 'reclone' | 'none';
}
