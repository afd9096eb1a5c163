import { DataSource } from 'typeorm';
import { assembleBudgets, burnWindowNames } from '../../src/core/budget/budget-cycle.js';
import { sloKey, sloWindow, type RecordedReading, type WindowCount } from '../../src/core/budget/budget-queries.js';
import { budgetView } from '../../src/core/budget/budget-view.js';
import { errorBudgetRatio } from '../../src/core/model/objective.js';
import type { Slo } from '../../src/core/model/slo.js';
import { BudgetRepository, snapshotOf, type BudgetSnapshot } from '../../src/persistence/budget.repository.js';

/** How one SLO's budget moves over the seeded history: straight from untouched to `remaining` now. */
export interface SeedPlan {
  /** Budget left at the last point: 1 untouched, < 0 overspent. */
  readonly remaining: number;
  /** Burn rate of the shortest alert window now; each longer window burns 10 % less than the one before. */
  readonly burn: number;
}

/**
 * Budget cycles as the budget job stores them, without Prometheus: for each point in time the
 * core assembles every SLO's budget from event counts (assembleBudgets, the job's own arithmetic),
 * and the repository stores the cycle (saveCycle, the job's own writes). What the UI reads back is
 * therefore what a real cycle would have stored for the same counts.
 */
export async function seedBudgetHistory(
  dataSource: DataSource,
  slos: readonly Slo[],
  plan: (slo: Slo) => SeedPlan,
  times: readonly number[],
): Promise<Map<string, BudgetSnapshot[]>> {
  const repo = new BudgetRepository(dataSource);
  const stored = new Map<string, BudgetSnapshot[]>();
  for (const [i, at] of times.entries()) {
    const progress = times.length === 1 ? 1 : i / (times.length - 1);
    const budgets = assembleBudgets(slos, reading(slos, plan, progress, at), at);
    const when = new Date(at * 1000);
    const snapshots = budgets.map((b) => snapshotOf(b, when));
    await dataSource.transaction((m) =>
      repo.saveCycle(m, { cycle: { at: when, jobId: null, replica: 'seed', slos: slos.length, queries: 0, events: 0, durationMs: 0 }, snapshots, latest: budgets.map(budgetView), days: [] }),
    );
    for (const s of snapshots) stored.set(sloKey(s.service, s.slo), [...(stored.get(sloKey(s.service, s.slo)) ?? []), s]);
  }
  return stored;
}

const TOTAL = 10_000_000;

function reading(slos: readonly Slo[], plan: (slo: Slo) => SeedPlan, progress: number, at: number): RecordedReading {
  const counts = new Map<string, Map<string, WindowCount>>();
  const ratios = new Map<string, Record<string, number>>();
  for (const slo of slos) {
    const p = plan(slo);
    const budget = Number(errorBudgetRatio(slo.objective));
    const bad = (1 - p.remaining) * progress * budget * TOTAL;
    const key = sloKey(slo.service, slo.name);
    counts.set(key, new Map([[sloWindow(slo, at).key, { bad, total: TOTAL, source: 'recorded' }]]));
    ratios.set(key, Object.fromEntries(burnWindowNames(slo).map((w, n) => [w, p.burn * 0.9 ** n * budget])));
  }
  return { counts, ratios, uncovered: [] };
}
