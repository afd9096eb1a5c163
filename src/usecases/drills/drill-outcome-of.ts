import { scopeOf, type CheckResult, type DrillEvent as OutcomeEvent, type DrillOutcome } from '../../core/drills/drill-outcome.js';
import type { DrillSpec } from '../../core/model/drill.js';
import type { DrillEvent } from './drill-recorder.js';
import type { FailoverDrillResult } from './run-failover-drill.js';
import type { RestoreDrillResult } from './run-restore-drill.js';

/** What the caller knows about the run that the runner does not: who and where, and the messages sent. */
export interface RunContext {
  readonly vigilVersion: string;
  readonly host: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly communications: DrillOutcome['communications'];
}

/** A restore or PITR run as the evidence reads it: the backup's verification is a check of its own, before the spec's. */
export function restoreOutcome(spec: DrillSpec, r: RestoreDrillResult, ctx: RunContext): DrillOutcome {
  const b = r.backupCheck;
  const verification: CheckResult[] = b
    ? [
        { name: 'backup manifest', kind: 'backup-manifest', expected: 'every file as its manifest says', actual: b.manifest.ok ? 'verified' : b.manifest.problem, passed: b.manifest.ok },
        {
          name: 'WAL continuity',
          kind: 'wal-continuity',
          expected: 'no missing segment',
          actual: b.wal.ok ? `${b.wal.segments} segment(s) ${b.wal.from}…${b.wal.to}` : `${b.wal.missing} missing`,
          passed: b.wal.ok,
        },
      ]
    : [];
  const rec = r.recovery;
  const pitr = r.type === 'pitr';
  return {
    ...common(spec, r, ctx, r.scope),
    baseline: r.baseline ? { takenAt: ctx.startedAt, serverVersion: r.toolVersions.postgres ?? 'unknown', rowCounts: r.baseline.map((x) => ({ table: `${x.database}.${x.table}`, rows: x.rows })) } : null,
    checks: [...verification, ...r.checks],
    ...(b && rec
      ? {
          recovery: {
            backup: { label: b.backup.label.split('\n').find((l) => l.startsWith('LABEL:'))?.slice(6).trim() ?? b.backup.startSegment, stoppedAt: b.backup.startedAt?.toISOString() ?? '' },
            walReplayed: rec.redoStartLsn && rec.redoDoneLsn ? { from: rec.redoStartLsn, to: rec.redoDoneLsn } : null,
            requested: r.requestedTarget ? { kind: 'time' as const, at: r.requestedTarget.toISOString() } : { kind: 'latest' as const },
            achievedAt: rec.lastCompletedTransactionAt?.toISOString() ?? null,
            ...(pitr ? { targetReached: rec.stoppedAt !== null && !rec.endedBeforeTarget } : {}),
            recoveredToLatest: !pitr && b.wal.ok && rec.archiveRecoveryComplete,
            ...(b.lastRecoverableCommitAt ? { newestAvailableAt: b.lastRecoverableCommitAt.toISOString() } : {}),
          },
        }
      : {}),
    errors: errorsOf(r.stoppedBy, r.events, r.scratchRemoved),
    // A backup that fails its verification is a FAIL (the verification checks say why), not an abort.
    ...abortOf(r.stoppedBy?.kind === 'precheck' ? null : r.stoppedBy, r.events, 'backupUnusable'),
  };
}

/** A failover or switchover run as the evidence reads it: RPO from the heartbeat ledger, the rejoin (and the switch back) as its failback. */
export function failoverOutcome(spec: DrillSpec, r: FailoverDrillResult, ctx: RunContext): DrillOutcome {
  return {
    ...common(spec, r, ctx, `primary ${spec.target.primaryDataDir ?? '?'} failed over to replica ${spec.target.replicaDataDir ?? '?'}`),
    baseline: r.baseline
      ? { takenAt: ctx.startedAt, serverVersion: r.baseline.serverVersion, rowCounts: [], ...(r.baseline.replication?.replayLagMs != null ? { replicationLagMs: r.baseline.replication.replayLagMs } : {}) }
      : null,
    checks: r.checks,
    ...(r.loss && r.loss.rpoMs !== null
      ? { rpo: { acknowledged: r.loss.acknowledged, lostTransactions: r.loss.lostTransactions, lostMs: r.loss.rpoMs, inDoubt: r.inDoubt.map((d) => ({ id: String(d.seq), sentAt: d.sentAt })) } }
      : {}),
    ...(r.rejoin
      ? {
          failback: {
            method: r.rejoin.mode,
            completed: r.rejoin.streaming && (r.type !== 'switchover' || Boolean(r.switchBack?.streaming)),
            divergence: r.rejoin.divergedAt,
            // What the rewind threw away: the acknowledged commits only the old primary had.
            discardedTransactions: r.loss?.lostTransactions ?? null,
            marks: [
              { phase: r.rejoin.mode, startNs: r.rejoin.startNs, endNs: r.rejoin.endNs },
              ...(r.switchBack ? [{ phase: 'switchback' as const, startNs: r.switchBack.startNs, endNs: r.switchBack.endNs }] : []),
            ],
          },
        }
      : {}),
    errors: errorsOf(r.stoppedBy, r.events, true),
    ...abortOf(r.stoppedBy, r.events, 'maxReplicaLag'),
  };
}

function common(spec: DrillSpec, r: RestoreDrillResult | FailoverDrillResult, ctx: RunContext, target: string) {
  return {
    identity: { drill: spec.name, type: spec.type, runId: r.runId, vigilVersion: ctx.vigilVersion, toolVersions: r.toolVersions, host: ctx.host, startedAt: ctx.startedAt, finishedAt: ctx.finishedAt },
    objectives: spec.objectives,
    scope: scopeOf(spec, target),
    clock: { ns: r.anchor.ns, utcMs: Date.parse(r.anchor.at) },
    marks: r.marks.filter((m): m is typeof m & { phase: Exclude<typeof m.phase, 'rejoin'> } => m.phase !== 'rejoin'),
    events: r.events.map(eventOf),
    communications: ctx.communications,
  };
}

function eventOf(e: DrillEvent): OutcomeEvent {
  return { at: e.at, event: e.event, detail: e.detail ? JSON.stringify(e.detail) : '' };
}

function errorsOf(stoppedBy: RestoreDrillResult['stoppedBy'], events: readonly DrillEvent[], scratchRemoved: boolean): DrillOutcome['errors'] {
  const at = events.at(-1)?.at ?? '';
  return [
    ...(stoppedBy?.kind === 'error' ? [{ at, step: 'drill', message: stoppedBy.reason }] : []),
    ...(scratchRemoved ? [] : [{ at, step: 'teardown', message: 'the scratch cluster could not be removed; the next start removes it' }]),
  ];
}

/** A stop that was not an error: the spec's deadline, or a pre-check that refused to go on. */
function abortOf(stoppedBy: RestoreDrillResult['stoppedBy'], events: readonly DrillEvent[], precheck: 'backupUnusable' | 'maxReplicaLag'): Pick<DrillOutcome, 'abort'> {
  const at = events.at(-1)?.at ?? '';
  if (stoppedBy?.kind === 'abort') return { abort: { at, criterion: stoppedBy.criterion ?? 'maxDuration', detail: stoppedBy.reason } };
  if (stoppedBy?.kind === 'precheck') return { abort: { at, criterion: precheck, detail: stoppedBy.reason } };
  return {};
}
