import { heartbeatLoss, type HeartbeatLoss } from '../../core/drills/heartbeat-loss.js';
import type { DrillSpec } from '../../core/model/drill.js';
import type { Clock, MonotonicClock } from '../../core/ports/clock.js';
import type { FailoverBaseline, FailoverTarget, Heartbeat, RejoinResult } from '../../core/ports/failover-target.js';
import type { CheckOutcome } from '../../core/ports/restore-target.js';
import { DrillRecorder, drillDeadline, type DrillEvent, type PhaseMark } from './drill-recorder.js';

/** What a failover drill did and measured. */
export interface FailoverDrillResult {
  readonly runId: string;
  readonly drill: string;
  readonly type: 'failover' | 'switchover';
  readonly toolVersions: Readonly<Record<string, string>>;
  readonly baseline: FailoverBaseline | null;
  /** The fault's wall-clock time and its monotonic reading: RTO counts from it. */
  readonly anchor: { readonly at: string; readonly ns: bigint };
  readonly marks: readonly PhaseMark[];
  readonly loss: HeartbeatLoss | null;
  readonly ledgerFile: string | null;
  /** Heartbeat commits sent and never answered, with when they were sent. */
  readonly inDoubt: readonly { readonly seq: number; readonly sentAt: string }[];
  readonly checks: readonly CheckOutcome[];
  /** The failed primary back as a standby (reported apart: not part of the RTO). */
  readonly rejoin: (RejoinResult & { readonly startNs: bigint; readonly endNs: bigint }) | null;
  /** switchover: the roles switched back as they were (reported apart too). */
  readonly switchBack: (RejoinResult & { readonly startNs: bigint; readonly endNs: bigint }) | null;
  readonly events: readonly DrillEvent[];
  readonly stoppedBy: { readonly kind: 'error' | 'abort' | 'precheck'; readonly reason: string } | null;
}

export interface FailoverDrillOptions {
  readonly runId: string;
  /** How long the heartbeat writes before the fault: the steady state the loss is measured against. Default 2 s. */
  readonly steadyStateMs?: number;
}

/**
 * A failover drill: the steady state (replication state and lag) recorded, the heartbeat writing,
 * the primary failed, the replica promoted; once promotion has completed, the heartbeat rows it
 * holds are compared with the ledger of acknowledged commits (lost vs in doubt, RPO in
 * transactions and time on one clock); a first write and the checks on the new primary; then the
 * failed primary rejoins as a standby. RTO = validated − fault, phases contiguous from the fault.
 */
export async function runFailoverDrill(spec: DrillSpec, target: FailoverTarget, clocks: { wall: Clock; mono: MonotonicClock }, opts: FailoverDrillOptions): Promise<FailoverDrillResult> {
  if ((spec.type !== 'failover' && spec.type !== 'switchover') || !spec.failover) throw new Error(`drill ${spec.name} is a ${spec.type} drill, not a failover or switchover`);
  const planned = spec.type === 'switchover';
  const settings = spec.failover;
  const rec = new DrillRecorder(clocks);
  const deadline = drillDeadline(spec.abort.maxDurationSeconds);
  const signal = deadline.signal;
  let toolVersions: Record<string, string> = {};
  let baseline: FailoverBaseline | null = null;
  let heartbeat: Heartbeat | null = null;
  let loss: HeartbeatLoss | null = null;
  let ledgerFile: string | null = null;
  let inDoubt: FailoverDrillResult['inDoubt'] = [];
  let checks: CheckOutcome[] = [];
  let rejoin: FailoverDrillResult['rejoin'] = null;
  let switchBack: FailoverDrillResult['switchBack'] = null;
  let stoppedBy: FailoverDrillResult['stoppedBy'] = null;
  try {
    toolVersions = await target.toolVersions();
    baseline = await target.baseline();
    rec.event('drill.started', { type: 'failover', baseline });
    const lagLimit = spec.abort.maxReplicaLagSeconds;
    if (!baseline.replication) {
      stoppedBy = { kind: 'precheck', reason: 'the primary has no streaming replica (pg_stat_replication is empty)' };
      return result();
    }
    if (lagLimit !== undefined && (baseline.replication.replayLagMs ?? 0) > lagLimit * 1000) {
      stoppedBy = { kind: 'precheck', reason: `the replica is ${Math.round(baseline.replication.replayLagMs!)} ms behind, over maxReplicaLag ${lagLimit}s: not failing over into that` };
      return result();
    }
    heartbeat = await target.startHeartbeat(opts.runId, settings.heartbeatIntervalMs);
    rec.event('heartbeat.started', { intervalMs: settings.heartbeatIntervalMs });
    await new Promise((r) => setTimeout(r, opts.steadyStateMs ?? 2000));
    signal.throwIfAborted();
    rec.startRto();
    rec.event(planned ? 'switchover.started' : 'fault.injected', planned ? { stop: 'fast' } : { fault: settings.fault.kind });
    await rec.phase('fault', signal, () => (planned ? target.plannedStop(signal) : target.fault(signal)));
    rec.event('primary.down');
    await rec.phase('promote', signal, () => target.promote(signal));
    rec.event('replica.promoted');
    // Loss is read only after promotion has completed: before it, the replica may still be replaying.
    const written = await heartbeat.stop();
    heartbeat = null;
    ledgerFile = written.ledgerFile;
    inDoubt = written.inDoubt;
    loss = heartbeatLoss(written.acks, written.inDoubt.map((d) => d.seq), await target.survivors(opts.runId));
    rec.event('loss.measured', { acknowledged: loss.acknowledged, lost: loss.lostTransactions, rpoMs: loss.rpoMs, inDoubt: loss.inDoubt });
    await rec.phase('first-write', signal, () => target.firstWrite());
    checks = await rec.validate(signal, spec.checks, (c) => target.runCheck(c));
    if (settings.failback !== 'none') {
      const started = clocks.mono.nanos();
      const r = await target.rejoin(settings.failback, signal);
      rejoin = { ...r, startNs: started, endNs: clocks.mono.nanos() };
      rec.event('old_primary.rejoined', { mode: r.mode, divergedAt: r.divergedAt, streaming: r.streaming });
      if (planned && r.streaming) {
        const back = rejoin.endNs;
        const b = await target.switchBack(settings.failback, signal);
        switchBack = { ...b, startNs: back, endNs: clocks.mono.nanos() };
        rec.event('switched_back', { divergedAt: b.divergedAt, streaming: b.streaming });
      }
    }
  } catch (err) {
    stoppedBy = deadline.reasonOf(err);
    rec.event(stoppedBy.kind === 'abort' ? 'drill.aborted' : 'drill.error', { reason: stoppedBy.reason });
  } finally {
    deadline.clear();
    if (heartbeat) await heartbeat.stop().catch(() => undefined);
  }
  return result();

  function result(): FailoverDrillResult {
    return { runId: opts.runId, drill: spec.name, type: planned ? 'switchover' : 'failover', toolVersions, baseline, anchor: rec.anchor, marks: rec.marks, loss, ledgerFile, inDoubt, checks, rejoin, switchBack, events: rec.events, stoppedBy };
  }
}
