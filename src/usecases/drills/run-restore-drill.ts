import { parseRecoveryLog, type RecoveryLog } from '../../core/drills/recovery-log.js';
import type { DrillCheck, DrillSpec } from '../../core/model/drill.js';
import type { Clock, MonotonicClock } from '../../core/ports/clock.js';
import type { BackupCheck, CheckOutcome, RestoreTarget, ScratchTarget } from '../../core/ports/restore-target.js';
import { DrillRecorder, drillDeadline, type DrillEvent, type PhaseMark } from './drill-recorder.js';

/** What a restore or PITR drill did and measured: the evidence's raw material. */
export interface RestoreDrillResult {
  readonly runId: string;
  readonly drill: string;
  readonly type: 'restore' | 'pitr';
  readonly toolVersions: Readonly<Record<string, string>>;
  readonly scope: string;
  /** The wall-clock time of the monotonic origin mark (the restore's start), to stamp marks in UTC. */
  readonly anchor: { readonly at: string; readonly ns: bigint };
  readonly marks: readonly PhaseMark[];
  /** The primary's row counts read before restoring, for checks that compare with them; null when none do. */
  readonly baseline: readonly { readonly database: string; readonly table: string; readonly rows: number }[] | null;
  readonly backupCheck: BackupCheck | null;
  /** pitr: the point asked for. */
  readonly requestedTarget: Date | null;
  readonly recovery: RecoveryLog | null;
  readonly checks: readonly CheckOutcome[];
  readonly events: readonly DrillEvent[];
  /** Why the drill stopped before the end, if it did: an error, or the abort criterion that fired. */
  readonly stoppedBy: { readonly kind: 'error' | 'abort' | 'precheck'; readonly reason: string; readonly criterion?: 'maxDuration' | 'minFreeBytes' | 'maxReplicaLag' } | null;
  readonly scratchRemoved: boolean;
}

export interface RestoreDrillOptions {
  readonly runId: string;
  /** Restore even when the pre-check finds the backup unfit (a forced run): the recovery then shows what it reaches. */
  readonly force?: boolean;
  /** pitr: overrides the spec's target (a run now, to a time given). */
  readonly targetTime?: Date;
}

/**
 * A restore or PITR drill: check the backup (manifest, WAL continuity) before touching anything,
 * restore into a scratch cluster, replay WAL (to the end, or to the target), prove a write, run the
 * checks, and tear the scratch cluster down on every path. Phases are contiguous on one monotonic
 * clock from the restore's start to the end of validation, so they sum to the RTO exactly.
 * The verdict is not decided here (core/drills); this records what happened.
 */
export async function runRestoreDrill(spec: DrillSpec, target: RestoreTarget, clocks: { wall: Clock; mono: MonotonicClock }, opts: RestoreDrillOptions): Promise<RestoreDrillResult> {
  if (spec.type !== 'restore' && spec.type !== 'pitr') throw new Error(`drill ${spec.name} is a ${spec.type} drill, not a restore`);
  if (!spec.target.backup) throw new Error(`drill ${spec.name} has no backup source`);
  const source = spec.target.backup;
  const rec = new DrillRecorder(clocks);
  const requestedTarget = spec.type === 'pitr' ? (opts.targetTime ?? targetOf(spec, clocks.wall.now())) : null;
  const deadline = drillDeadline(spec.abort.maxDurationSeconds);
  const signal = deadline.signal;

  let toolVersions: Record<string, string> = {};
  let baseline: RestoreDrillResult['baseline'] = null;
  let backupCheck: BackupCheck | null = null;
  let recovery: RecoveryLog | null = null;
  let checks: CheckOutcome[] = [];
  let stoppedBy: RestoreDrillResult['stoppedBy'] = null;
  let scratch: ScratchTarget | null = null;
  let scratchRemoved = true;
  try {
    toolVersions = await target.toolVersions();
    // Row counts compared with the primary's are read before anything else: the steady state.
    const compared = spec.checks.filter((c): c is Extract<DrillCheck, { kind: 'rowCount' }> => c.kind === 'rowCount' && c.equals === undefined && c.atLeast === undefined);
    baseline = compared.length > 0 ? await target.primaryRowCounts(compared) : null;
    if (compared.length > 0 && !baseline) throw new Error('row counts are compared with the primary, but the drill names no primary');
    const minFree = spec.abort.minFreeBytes;
    if (minFree !== undefined) {
      const free = await target.scratchFreeBytes();
      if (free < minFree) {
        stoppedBy = { kind: 'abort', criterion: 'minFreeBytes', reason: `${free} bytes free where scratch clusters are made, under abort.minFree ${minFree}: not restoring into a disk that would fill up` };
        rec.event('drill.aborted', { reason: stoppedBy.reason });
        return result();
      }
    }
    rec.event('drill.started', { type: spec.type, ...(requestedTarget ? { requestedTarget: requestedTarget.toISOString() } : {}) });
    backupCheck = await rec.phase('verify', signal, () => target.verifyBackup(source, signal));
    const unfit = precheckProblem(backupCheck, requestedTarget);
    rec.event('backup.verified', { manifest: backupCheck.manifest.ok ? 'ok' : backupCheck.manifest.problem, wal: backupCheck.wal, lastRecoverableCommitAt: backupCheck.lastRecoverableCommitAt?.toISOString() ?? null });
    if (unfit && !opts.force) {
      stoppedBy = { kind: 'precheck', reason: unfit };
      return result();
    }
    if (unfit) rec.event('precheck.overridden', { problem: unfit });
    // RTO counts from here: the restore starts.
    rec.startRto();
    scratch = await target.createScratch(opts.runId);
    scratchRemoved = false;
    rec.event('restore.started', { scratch: scratch.description });
    const s = scratch;
    const recoverTo = requestedTarget ? { time: requestedTarget } : null;
    await rec.phase('copy', signal, async () => {
      await s.copyBackup(source, recoverTo, signal);
      await s.configureRecovery(source, recoverTo);
    });
    await rec.phase('start', signal, () => s.start(signal));
    rec.event('server.accepting');
    await rec.phase('wal-replay', signal, () => s.recoveryEnded(signal));
    recovery = parseRecoveryLog(await s.serverLog());
    rec.event('recovery.ended', { lastCompletedTransactionAt: recovery.lastCompletedTransactionAt?.toISOString() ?? null, redoDoneLsn: recovery.redoDoneLsn, timeline: recovery.newTimeline });
    await rec.phase('first-write', signal, () => s.firstWrite());
    checks = await rec.validate(signal, withBaseline(spec.checks, baseline), (c) => s.runCheck(c));
    // Validated: the RTO ends here. Corruption the backup carried is still the drill's business.
    if (spec.amcheck !== false) {
      const integrity = await s.integrityCheck(signal);
      checks.push(integrity);
      rec.event('integrity.checked', { tool: 'pg_amcheck', passed: integrity.passed });
    }
  } catch (err) {
    stoppedBy = deadline.reasonOf(err);
    rec.event(stoppedBy.kind === 'abort' ? 'drill.aborted' : 'drill.error', { reason: stoppedBy.reason });
    if (scratch && !recovery) recovery = parseRecoveryLog(await scratch.serverLog());
  } finally {
    deadline.clear();
    if (scratch) {
      await scratch.remove().then(
        () => {
          scratchRemoved = true;
          rec.event('scratch.removed');
        },
        (err: unknown) => rec.event('scratch.remove_failed', { error: (err as Error).message }),
      );
    }
  }
  return result();

  function result(): RestoreDrillResult {
    return {
      runId: opts.runId,
      drill: spec.name,
      type: spec.type as 'restore' | 'pitr',
      toolVersions,
      scope: describeSource(source),
      anchor: rec.anchor,
      marks: rec.marks,
      baseline,
      backupCheck,
      requestedTarget,
      recovery,
      checks,
      events: rec.events,
      stoppedBy,
      scratchRemoved,
    };
  }
}

/** Why the backup cannot give what the drill asks, found before restoring; undefined when it can. */
export function precheckProblem(check: BackupCheck, requestedTarget: Date | null): string | undefined {
  if (!check.manifest.ok) return `backup verification failed: ${check.manifest.problem}`;
  if (!check.wal.ok) {
    const reach = check.lastRecoverableCommitAt ? `the last commit that can still be recovered is at ${check.lastRecoverableCommitAt.toISOString()}` : 'no commit after the backup can be recovered';
    if (requestedTarget && check.lastRecoverableCommitAt && requestedTarget <= check.lastRecoverableCommitAt) return undefined;
    return `WAL segment ${check.wal.missing} is missing from the archive (${check.wal.unreachable} archived after it cannot be reached); ${reach}`;
  }
  return undefined;
}

/** A row count compared with the primary's runs as `equals` the count read before restoring. */
function withBaseline(checks: readonly DrillCheck[], baseline: RestoreDrillResult['baseline']): DrillCheck[] {
  return checks.map((c) => {
    if (c.kind !== 'rowCount' || c.equals !== undefined || c.atLeast !== undefined) return c;
    const b = baseline?.find((x) => x.table === c.table && x.database === (c.database ?? 'postgres'));
    return b ? { ...c, equals: b.rows } : c;
  });
}

function targetOf(spec: DrillSpec, now: Date): Date {
  const t = spec.recoveryTarget;
  if (!t) throw new Error(`pitr drill ${spec.name} has no recovery target`);
  return t.kind === 'time' ? t.at : new Date(now.getTime() - t.seconds * 1000);
}

function describeSource(source: NonNullable<DrillSpec['target']['backup']>): string {
  return source.kind === 'pgbackrest' ? `pgBackRest stanza ${source.stanza}` : `base backup ${source.baseBackupDir} with WAL archive ${source.walArchiveDir}`;
}
