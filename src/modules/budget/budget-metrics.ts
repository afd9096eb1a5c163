import { Injectable, Logger } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { sloKey } from '../../core/budget/budget-queries.js';
import type { BudgetStatus } from '../../core/budget/error-budget.js';
import { BudgetRepository } from '../../persistence/budget.repository.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { SloService } from '../slo/slo.service.js';

const STATUSES: readonly BudgetStatus[] = ['healthy', 'at-risk', 'exhausted', 'no-data'];

/**
 * The budget gauges on /metrics, read from the stored latest budgets at scrape time: every
 * replica exports the same numbers, whichever ran the last cycle. The cycle's own cost is
 * counted where it ran.
 */
@Injectable()
export class BudgetMetrics {
  private readonly log = new Logger('Budget');
  private readonly remaining: Gauge<'service' | 'slo'>;
  private readonly burn: Gauge<'service' | 'slo' | 'window'>;
  private readonly status: Gauge<'service' | 'slo' | 'status'>;
  private readonly lastSuccess: Gauge;
  private readonly cycleSeconds: Histogram;
  private readonly queries: Gauge;
  private readonly failures: Counter;
  private refreshing?: Promise<void>;

  constructor(
    metrics: MetricsService,
    private readonly repo: BudgetRepository,
    private readonly slos: SloService,
  ) {
    const registers = [metrics.registry];
    // prom-client collects all metrics of a scrape at once: the four gauges share one read.
    const collect = () => (this.refreshing ??= this.refresh().finally(() => (this.refreshing = undefined)));
    this.remaining = new Gauge({ name: 'vigil_slo_error_budget_remaining_ratio', help: 'Error budget left: 1 untouched, 0 spent, negative overspent', labelNames: ['service', 'slo'], registers, collect });
    this.burn = new Gauge({ name: 'vigil_slo_burn_rate', help: 'Error ratio over the window divided by the error budget (1 spends it exactly over the SLO window)', labelNames: ['service', 'slo', 'window'], registers, collect });
    this.status = new Gauge({ name: 'vigil_slo_status', help: '1 for the SLO budget status now, 0 for the others', labelNames: ['service', 'slo', 'status'], registers, collect });
    this.lastSuccess = new Gauge({ name: 'vigil_budget_last_success_timestamp_seconds', help: 'Evaluation time of the latest stored budget cycle (any replica)', registers, collect });
    this.cycleSeconds = new Histogram({ name: 'vigil_budget_cycle_duration_seconds', help: 'Wall time of one budget cycle run on this replica (queries and storage)', buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60], registers });
    this.queries = new Gauge({ name: 'vigil_budget_cycle_queries', help: 'PromQL queries the last budget cycle run on this replica sent', registers });
    this.failures = new Counter({ name: 'vigil_budget_cycle_failures_total', help: 'Budget cycles that failed on this replica (Prometheus or the database unreachable)', registers });
  }

  cycled(queries: number, seconds: number): void {
    this.queries.set(queries);
    this.cycleSeconds.observe(seconds);
  }

  failed(): void {
    this.failures.inc();
  }

  /** Replaces every SLO series: an SLO removed from the specs disappears instead of freezing at its last value. */
  private async refresh(): Promise<void> {
    let latest;
    try {
      latest = await this.repo.latestAll();
    } catch (err) {
      // A scrape must not fail because the database is away: the gauges keep their last values.
      this.log.debug(`budget gauges not refreshed: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    const current = new Set(this.slos.slos().map((s) => sloKey(s.service, s.name)));
    this.remaining.reset();
    this.burn.reset();
    this.status.reset();
    let newest = 0;
    for (const { budget: b, at } of latest) {
      newest = Math.max(newest, at.getTime() / 1000);
      if (!b || !current.has(sloKey(b.service, b.slo))) continue;
      const labels = { service: b.service, slo: b.slo };
      this.remaining.set(labels, b.errorBudgetRemaining);
      for (const [window, rate] of Object.entries(b.burnRates)) if (rate !== null) this.burn.set({ ...labels, window }, rate);
      for (const s of STATUSES) this.status.set({ ...labels, status: s }, s === b.status ? 1 : 0);
    }
    if (newest > 0) this.lastSuccess.set(newest);
  }
}
