import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { readBudgets } from '../../adapters/prometheus/budget-reader.js';
import { PrometheusClient } from '../../adapters/prometheus/prometheus.client.js';
import { VIGIL_CONFIG, type VigilConfig } from '../../config/config.js';
import { CLOCK, type Clock } from '../../config/config.module.js';
import type { SloBudget } from '../../core/budget/budget-cycle.js';
import { sloKey } from '../../core/budget/budget-queries.js';
import { finiteOrNull } from '../../core/budget/budget-view.js';
import { dayUpdates, dayWindows } from '../../core/budget/day-ledger.js';
import type { BudgetStatus } from '../../core/budget/error-budget.js';
import { nextStatuses, statusEvents } from '../../core/webhooks/status-events.js';
import { BudgetRepository } from '../../persistence/budget.repository.js';
import { SloService } from '../slo/slo.service.js';
import { WebhookService } from '../webhooks/webhooks.service.js';
import { BudgetMetrics } from './budget-metrics.js';

export interface CycleResult {
  readonly at: number;
  readonly slos: number;
  readonly queries: number;
  readonly events: number;
  readonly seconds: number;
}

const JOB = 'budget-cycle';
/** Snapshots are pruned at most this often; a DELETE every minute would be wasted work. */
const PRUNE_EVERY_SECONDS = 3600;

/**
 * The budget cycle: every interval, all budgets from Prometheus in a bounded number of queries,
 * stored with the day ledger and any status-change webhooks in one transaction, then exported as
 * gauges. A failed cycle changes nothing stored; the next one starts afresh.
 */
@Injectable()
export class BudgetService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('Budget');
  private readonly client?: PrometheusClient;
  private latestBudgets = new Map<string, SloBudget>();
  private lastKnown = new Map<string, BudgetStatus>();
  private lastCycleAt: number | null = null;
  private lastPruneAt = 0;
  private running?: Promise<CycleResult | undefined>;

  constructor(
    @Inject(VIGIL_CONFIG) private readonly config: VigilConfig,
    private readonly slos: SloService,
    private readonly repo: BudgetRepository,
    private readonly webhooks: WebhookService,
    private readonly metrics: BudgetMetrics,
    private readonly scheduler: SchedulerRegistry,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    if (config.prometheusUrl) this.client = new PrometheusClient(config.prometheusUrl, { timeoutMs: config.prometheusTimeoutSeconds * 1000 });
  }

  get enabled(): boolean {
    return this.client !== undefined;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.client) {
      this.log.warn('PROMETHEUS_URL is not set: no error budgets are computed');
      return;
    }
    // Where the last run left off: a restart must neither re-fire transitions nor lose a day's count.
    const last = await this.repo.lastCycleAt();
    this.lastCycleAt = last ? last.getTime() / 1000 : null;
    this.lastKnown = await this.repo.lastKnownStatuses();
    this.scheduler.addInterval(JOB, setInterval(() => void this.runCycle(), this.config.budgetIntervalSeconds * 1000));
    void this.runCycle();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.scheduler.doesExist('interval', JOB)) this.scheduler.deleteInterval(JOB);
    await this.running; // let a cycle in flight finish its transaction before the pool closes
  }

  /** Runs one cycle now, unless one is running (then waits for that one). Errors are logged, never thrown. */
  runCycle(now = this.clock() / 1000): Promise<CycleResult | undefined> {
    this.running ??= this.cycle(Math.floor(now)).finally(() => (this.running = undefined));
    return this.running;
  }

  latest(service: string, slo: string): SloBudget | undefined {
    return this.latestBudgets.get(sloKey(service, slo));
  }

  private async cycle(at: number): Promise<CycleResult | undefined> {
    const started = performance.now();
    const slos = this.slos.slos();
    try {
      const read = await readBudgets(this.client!, slos, at, (slo) => (slo.sli.kind === 'raw' ? [] : dayWindows(at, this.lastCycleAt)));
      const states = read.budgets.map((b) => ({ service: b.service, slo: b.slo, objective: b.objective, status: b.status, sli: b.sli, errorBudgetRemaining: b.remaining, burnRates: b.burnRates, windowSeconds: b.windowSeconds }));
      const events = statusEvents(this.lastKnown, states, at);
      const when = new Date(at * 1000);
      await this.repo.saveCycle(
        read.budgets.map((b) => ({
          at: when,
          service: b.service,
          slo: b.slo,
          status: b.status,
          sli: finiteOrNull(b.sli),
          remaining: b.remaining,
          badEvents: b.badEvents,
          totalEvents: b.totalEvents,
          burnRates: b.burnRates,
          exhaustionAt: b.exhaustionAt === null ? null : new Date(b.exhaustionAt * 1000),
          source: b.source,
        })),
        dayUpdates(read.budgets, read.counts, at, this.lastCycleAt, this.config.budgetIntervalSeconds),
        events.length > 0 ? (m) => this.webhooks.enqueue(events, m) : undefined,
      );
      if (events.length > 0) this.webhooks.kick();

      this.latestBudgets = new Map(read.budgets.map((b) => [sloKey(b.service, b.slo), b]));
      this.lastKnown = nextStatuses(this.lastKnown, states);
      this.lastCycleAt = at;
      const seconds = (performance.now() - started) / 1000;
      this.metrics.record(read.budgets, read.queries, seconds, at);
      for (const e of events) this.log.log(`${e.type}: ${e.service}/${e.slo} ${e.previousStatus ?? 'unknown'} → ${e.status}`);
      this.log.debug(`budget cycle: ${slos.length} SLO(s), ${read.queries} quer${read.queries === 1 ? 'y' : 'ies'}, ${seconds.toFixed(3)} s`);
      await this.prune(at);
      return { at, slos: slos.length, queries: read.queries, events: events.length, seconds };
    } catch (err) {
      this.metrics.failed();
      this.log.error(`budget cycle failed: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  }

  private async prune(at: number): Promise<void> {
    if (at - this.lastPruneAt < PRUNE_EVERY_SECONDS) return;
    this.lastPruneAt = at;
    const deleted = await this.repo.pruneSnapshots(new Date((at - this.config.snapshotRetentionSeconds) * 1000));
    if (deleted > 0) this.log.log(`pruned ${deleted} budget snapshot(s) older than the retention`);
  }
}
