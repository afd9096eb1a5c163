import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { SloBudget } from '../../core/budget/budget-cycle.js';
import type { BudgetStatus } from '../../core/budget/error-budget.js';
import { MetricsService } from '../metrics/metrics.service.js';

const STATUSES: readonly BudgetStatus[] = ['healthy', 'at-risk', 'exhausted', 'no-data'];

/** The budget gauges on /metrics, plus how the cycles themselves are doing. */
@Injectable()
export class BudgetMetrics {
  private readonly remaining: Gauge<'service' | 'slo'>;
  private readonly burn: Gauge<'service' | 'slo' | 'window'>;
  private readonly status: Gauge<'service' | 'slo' | 'status'>;
  private readonly cycleSeconds: Histogram;
  private readonly queries: Gauge;
  private readonly failures: Counter;
  private readonly lastSuccess: Gauge;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    this.remaining = new Gauge({ name: 'vigil_slo_error_budget_remaining_ratio', help: 'Error budget left: 1 untouched, 0 spent, negative overspent', labelNames: ['service', 'slo'], registers });
    this.burn = new Gauge({ name: 'vigil_slo_burn_rate', help: 'Error ratio over the window divided by the error budget (1 spends it exactly over the SLO window)', labelNames: ['service', 'slo', 'window'], registers });
    this.status = new Gauge({ name: 'vigil_slo_status', help: '1 for the SLO budget status now, 0 for the others', labelNames: ['service', 'slo', 'status'], registers });
    this.cycleSeconds = new Histogram({ name: 'vigil_budget_cycle_duration_seconds', help: 'Wall time of one budget cycle (queries and storage)', buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60], registers });
    this.queries = new Gauge({ name: 'vigil_budget_cycle_queries', help: 'PromQL queries the last budget cycle sent', registers });
    this.failures = new Counter({ name: 'vigil_budget_cycle_failures_total', help: 'Budget cycles that failed (Prometheus or the database unreachable)', registers });
    this.lastSuccess = new Gauge({ name: 'vigil_budget_last_success_timestamp_seconds', help: 'When a budget cycle last completed', registers });
  }

  /** Replaces every SLO series: an SLO removed from the specs disappears instead of freezing at its last value. */
  record(budgets: readonly SloBudget[], queries: number, seconds: number, at: number): void {
    this.remaining.reset();
    this.burn.reset();
    this.status.reset();
    for (const b of budgets) {
      const labels = { service: b.service, slo: b.slo };
      this.remaining.set(labels, b.remaining);
      for (const [window, rate] of Object.entries(b.burnRates)) if (rate !== null) this.burn.set({ ...labels, window }, rate);
      for (const s of STATUSES) this.status.set({ ...labels, status: s }, s === b.status ? 1 : 0);
    }
    this.queries.set(queries);
    this.cycleSeconds.observe(seconds);
    this.lastSuccess.set(at);
  }

  failed(): void {
    this.failures.inc();
  }
}
