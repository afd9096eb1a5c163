import { drillCompletedMessage, drillStartedMessage, type DrillMessage } from '../../core/drills/drill-messages.js';
import { buildDrillReport, readDrillReport, type DrillReport } from '../../core/drills/drill-report.js';
import { scopeOf, type DrillOutcome } from '../../core/drills/drill-outcome.js';
import { serializeSealed } from '../../core/drills/report-chain.js';
import type { DrillSpec } from '../../core/model/drill.js';
import type { Clock, MonotonicClock } from '../../core/ports/clock.js';
import type { DrillRunStore } from '../../core/ports/drill-run-store.js';
import type { FailoverTarget } from '../../core/ports/failover-target.js';
import type { RestoreTarget } from '../../core/ports/restore-target.js';
import { failoverOutcome, restoreOutcome, type RunContext } from './drill-outcome-of.js';
import { runFailoverDrill } from './run-failover-drill.js';
import { runRestoreDrill } from './run-restore-drill.js';

export interface DrillDeps {
  /** Built per run: connections are resolved from the spec's references when the drill starts. */
  readonly restoreTarget: (spec: DrillSpec) => Promise<RestoreTarget>;
  readonly failoverTarget: (spec: DrillSpec) => Promise<FailoverTarget>;
  readonly clocks: { readonly wall: Clock; readonly mono: MonotonicClock };
  readonly store: DrillRunStore;
  readonly vigilVersion: string;
  readonly host: string;
}

export interface DrillRequest {
  readonly runId: string;
  readonly trigger: 'schedule' | 'manual';
  /** A token's name, or `schedule`. */
  readonly requestedBy: string;
  readonly slot?: Date | null;
  readonly force?: boolean;
  readonly targetTime?: Date;
  readonly steadyStateMs?: number;
  /** drill.started / drill.completed to the spec's targets; answers what was sent, for the report. */
  readonly notify?: (message: DrillMessage) => Promise<RunContext['communications']>;
  /** Where the report will be readable (the UI or API behind VIGIL_PUBLIC_URL); null: none to link. */
  readonly reportUrl?: string | null;
}

export interface ExecutedDrill {
  readonly report: DrillReport;
  readonly sequence: number;
  readonly hash: string;
}

/**
 * One drill run, start to sealed report: the run is recorded before anything is touched, the
 * drill runs (restore/pitr or failover), its outcome becomes the report (verdict decided in core),
 * and the report is appended to the chain with the run's result in one transaction. `vigil drill
 * run` and the service's jobs both come here.
 */
export async function executeDrill(spec: DrillSpec, deps: DrillDeps, req: DrillRequest): Promise<ExecutedDrill> {
  // Connections are resolved before the run is recorded: a reference that does not resolve fails the request, not a run.
  const restore = spec.type === 'restore' || spec.type === 'pitr' ? await deps.restoreTarget(spec) : null;
  const failover = spec.type === 'failover' || spec.type === 'switchover' ? await deps.failoverTarget(spec) : null;
  const startedAt = deps.clocks.wall.now();
  await deps.store.start({ runId: req.runId, drill: spec.name, type: spec.type, trigger: req.trigger, requestedBy: req.requestedBy, slot: req.slot ?? null, startedAt });
  const communications = [...((await req.notify?.(drillStartedMessage(spec, req.runId, startedAt))) ?? [])];
  const outcomeOf = async () => {
    if (restore) {
      const r = await runRestoreDrill(spec, restore, deps.clocks, { runId: req.runId, ...(req.force ? { force: true } : {}), ...(req.targetTime ? { targetTime: req.targetTime } : {}) });
      return (ctx: RunContext) => restoreOutcome(spec, r, ctx);
    }
    const r = await runFailoverDrill(spec, failover!, deps.clocks, { runId: req.runId, ...(req.steadyStateMs !== undefined ? { steadyStateMs: req.steadyStateMs } : {}) });
    return (ctx: RunContext) => failoverOutcome(spec, r, ctx);
  };
  const build = await outcomeOf();
  const finishedAt = deps.clocks.wall.now();
  const ctx = (comms: RunContext['communications']): RunContext => ({ vigilVersion: deps.vigilVersion, host: deps.host, startedAt: startedAt.toISOString(), finishedAt: finishedAt.toISOString(), communications: comms });
  // The verdict is known before the report is sealed, so drill.completed can say it and the report can list it as sent.
  const draft = buildDrillReport({ spec, outcome: build(ctx(communications)), chainTip: null, previousFindings: [], preparedBy: deps.vigilVersion, preparedAt: finishedAt.toISOString() });
  communications.push(...((await req.notify?.(drillCompletedMessage(spec, draft, req.reportUrl ?? null))) ?? []));
  const outcome = build(ctx(communications));
  const previousText = await deps.store.latestReportText(spec.name, req.runId);
  const previousFindings = previousText ? readDrillReport({ name: `latest report of ${spec.name}`, text: previousText }).findings : [];
  let report!: DrillReport;
  const rto = draft.measurements.rto;
  const rpo = draft.measurements.rpo;
  const stored = await deps.store.finish(
    req.runId,
    { finishedAt, verdict: draft.verdict.status, rtoMs: rto.measured ? rto.totalNs / 1e6 : null, rpoMs: rpo.measured ? rpo.lostMs : null },
    (tip) => {
      report = buildDrillReport({ spec, outcome, chainTip: tip, previousFindings, preparedBy: deps.vigilVersion, preparedAt: finishedAt.toISOString() });
      return { sequence: report.sequence, hash: report.hash, previousHash: report.previousHash, canonical: serializeSealed(report) };
    },
  );
  return { report, sequence: stored.sequence, hash: stored.hash };
}

/**
 * A run whose replica stopped under it (its job lost for good): finished as ABORTED (criterion
 * `interrupted`) with a sealed report, so the chain shows it rather than a run that never ends.
 * A run already finished, or never started, is left as it is.
 */
export async function recordInterrupted(spec: DrillSpec, deps: Pick<DrillDeps, 'clocks' | 'store' | 'vigilVersion' | 'host'>, runId: string, startedAt: Date): Promise<ExecutedDrill> {
  const now = deps.clocks.wall.now();
  const detail = 'the replica running it stopped before it finished; a scratch cluster it left is removed at the next start';
  const outcome: DrillOutcome = {
    identity: { drill: spec.name, type: spec.type, runId, vigilVersion: deps.vigilVersion, toolVersions: {}, host: deps.host, startedAt: startedAt.toISOString(), finishedAt: now.toISOString() },
    objectives: spec.objectives,
    scope: scopeOf(spec, 'interrupted before its measurements were kept'),
    clock: { ns: 0n, utcMs: startedAt.getTime() },
    marks: [],
    baseline: null,
    checks: [],
    events: [{ at: now.toISOString(), event: 'drill.interrupted', detail }],
    errors: [],
    abort: { at: now.toISOString(), criterion: 'interrupted', detail },
    communications: [],
  };
  const previousText = await deps.store.latestReportText(spec.name, runId);
  const previousFindings = previousText ? readDrillReport({ name: `latest report of ${spec.name}`, text: previousText }).findings : [];
  let report!: DrillReport;
  const stored = await deps.store.finish(runId, { finishedAt: now, verdict: 'ABORTED', rtoMs: null, rpoMs: null }, (tip) => {
    report = buildDrillReport({ spec, outcome, chainTip: tip, previousFindings, preparedBy: deps.vigilVersion, preparedAt: now.toISOString() });
    return { sequence: report.sequence, hash: report.hash, previousHash: report.previousHash, canonical: serializeSealed(report) };
  });
  return { report, sequence: stored.sequence, hash: stored.hash };
}
