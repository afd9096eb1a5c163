import { buildDrillReport, readDrillReport } from '../../src/core/drills/drill-report.js';
import { expectedOf } from '../../src/core/drills/verdict.js';
import { serializeSealed } from '../../src/core/drills/report-chain.js';
import type { DrillSpec } from '../../src/core/model/drill.js';
import type { DrillRunRepository } from '../../src/persistence/drill-run.repository.js';
import { ANCHOR_NS, mark, restoreOutcome } from './drill-fixtures.js';

/** One past run of the restore drill: when, how long the copy took (RTO follows), how much data the recovery missed (RPO). */
export interface SeedRun {
  readonly startedAt: Date;
  readonly copySeconds: number;
  readonly lostSeconds: number;
}

export interface SeededRun {
  readonly runId: string;
  readonly verdict: string;
  readonly rtoMs: number;
  readonly rpoMs: number;
  readonly sequence: number;
}

/**
 * The orders-restore drill's reports as a run stores them (DrillRunRepository.start, then finish
 * with a sealer, as executeDrill does), oldest first, each built by the core from the evidence
 * fixture with its own times and measurements. A copy longer than the hour's RTO objective fails.
 */
export async function seedDrillRuns(repo: DrillRunRepository, spec: DrillSpec, runs: readonly SeedRun[]): Promise<SeededRun[]> {
  const out: SeededRun[] = [];
  for (const [i, r] of runs.entries()) {
    const base = restoreOutcome();
    const start = r.startedAt.getTime();
    const iso = (ms: number) => new Date(start + ms).toISOString();
    const copy = r.copySeconds * 1000;
    const runId = `${spec.name}-seed-${i + 1}`;
    const outcome = {
      ...base,
      identity: { ...base.identity, drill: spec.name, runId, startedAt: iso(0), finishedAt: iso(copy + 120_000) },
      objectives: spec.objectives,
      // The restore starts 40 s after the run (the verification before it is not in the RTO).
      clock: { ns: ANCHOR_NS, utcMs: start + 40_000 },
      marks: [mark('verify', -40_000, -1_000), mark('copy', 0, copy), mark('wal-replay', copy, copy + 61_500), mark('start', copy + 61_500, copy + 65_500), mark('first-write', copy + 65_500, copy + 65_750), mark('validation', copy + 65_750, copy + 77_750)],
      recovery: { ...base.recovery!, newestAvailableAt: iso(40_000), achievedAt: iso(40_000 - r.lostSeconds * 1000) },
      events: base.events.map((e, k) => ({ ...e, at: iso(k * 1000) })),
      // The backup checks of the fixture, and every check the spec plans, passed (a planned check that did not run is INCONCLUSIVE).
      checks: [...base.checks.filter((c) => c.kind === 'backup-manifest' || c.kind === 'wal-continuity'), ...spec.checks.map((c) => ({ name: c.name, kind: c.kind, expected: expectedOf(c), actual: expectedOf(c), passed: true }))],
      communications: [],
    };
    const previous = await repo.latestReportText(spec.name, runId);
    const previousFindings = previous ? readDrillReport({ name: 'previous', text: previous }).findings : [];
    await repo.start({ runId, drill: spec.name, type: spec.type, trigger: 'schedule', requestedBy: 'schedule', slot: r.startedAt, startedAt: r.startedAt });
    const finishedAt = new Date(start + copy + 120_000);
    const build = (tip: Parameters<typeof buildDrillReport>[0]['chainTip']) => buildDrillReport({ spec, outcome, chainTip: tip, previousFindings, preparedBy: 'vigil test', preparedAt: finishedAt.toISOString() });
    // The verdict and measurements first (the run's row holds them), then the report sealed at the chain's tip: as executeDrill does.
    const draft = build(null);
    const rto = draft.measurements.rto;
    const rpo = draft.measurements.rpo;
    const rtoMs = rto.measured ? rto.totalNs / 1e6 : NaN;
    const rpoMs = rpo.measured ? rpo.lostMs : NaN;
    const stored = await repo.finish(runId, { finishedAt, verdict: draft.verdict.status, rtoMs, rpoMs }, (tip) => {
      const report = build(tip);
      return { sequence: report.sequence, hash: report.hash, previousHash: report.previousHash, canonical: serializeSealed(report) };
    });
    const verdict = draft.verdict.status;
    out.push({ runId, verdict, rtoMs, rpoMs, sequence: stored.sequence });
  }
  return out;
}
