import { assembleBudgets, burnWindowNames, cycleWindows, type SloBudget } from '../core/budget/budget-cycle.js';
import { rawQueries, readRaw, readRecorded, recordedQueries, type BudgetQuery, type CountWindow, type QuerySample, type RecordedReading } from '../core/budget/budget-queries.js';
import type { RiskPolicy } from '../core/budget/error-budget.js';
import type { Slo } from '../core/model/slo.js';
import type { MetricsQuery } from '../core/ports/metrics-query.js';

export interface BudgetRead {
  readonly budgets: SloBudget[];
  /** Every counted window per SLO key (budget windows and the caller's extra ones). */
  readonly counts: RecordedReading['counts'];
  /** PromQL queries sent, both phases. */
  readonly queries: number;
}

/** Queries in flight at once: enough to overlap round trips, few enough not to crowd a shared Prometheus. */
const CONCURRENCY = 4;

/**
 * Reads every budget at `at`, for `vigil budget` and the service's cycle alike: Vigil's recordings
 * first, then the raw series for whatever they do not cover. `at` is rounded down to whole
 * seconds (PromQL ranges are whole seconds).
 */
export async function readBudgets(
  metrics: MetricsQuery,
  slos: readonly Slo[],
  atSeconds: number,
  extraWindows: (slo: Slo, at: number) => readonly CountWindow[] = () => [],
  risk?: RiskPolicy,
): Promise<BudgetRead> {
  const at = Math.floor(atSeconds);
  const windowsOf = (slo: Slo) => cycleWindows(slo, at, extraWindows(slo, at));
  const phase1 = recordedQueries(slos.flatMap(windowsOf), at);
  const reading = readRecorded(slos, windowsOf, burnWindowNames, await run(metrics, phase1), at);
  const phase2 = rawQueries(reading.uncovered);
  if (phase2.length > 0) readRaw(reading, await run(metrics, phase2));
  return { budgets: assembleBudgets(slos, reading, at, risk), counts: reading.counts, queries: phase1.length + phase2.length };
}

async function run(metrics: MetricsQuery, queries: readonly BudgetQuery[]): Promise<Map<string, readonly QuerySample[]>> {
  const answers = new Map<string, readonly QuerySample[]>();
  let next = 0;
  const worker = async () => {
    while (next < queries.length) {
      const q = queries[next++]!;
      answers.set(q.id, await metrics.query(q.promql, q.time));
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, queries.length) }, worker));
  return answers;
}
