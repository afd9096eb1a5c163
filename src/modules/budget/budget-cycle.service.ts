import { Inject, Injectable, Logger, Optional, type OnModuleInit } from '@nestjs/common';
import { VIGIL_CONFIG, type VigilConfig } from '../../config/config.js';
import { budgetView } from '../../core/budget/budget-view.js';
import { dayUpdates, dayWindows } from '../../core/budget/day-ledger.js';
import type { JobRun } from '../../core/jobs/job.js';
import { every } from '../../core/jobs/recurrence.js';
import { Clock } from '../../core/ports/clock.js';
import { MetricsQuery } from '../../core/ports/metrics-query.js';
import { statusEvents, type SloEvent } from '../../core/webhooks/status-events.js';
import { BudgetRepository, snapshotOf } from '../../persistence/budget.repository.js';
import { readBudgets } from '../../usecases/read-budgets.js';
import type { JobOutcome } from '../jobs/job-definition.js';
import { JobWorker } from '../jobs/job-worker.js';
import { SloService } from '../slo/slo.service.js';
import { WebhookService } from '../webhooks/webhooks.service.js';
import { BudgetMetrics } from './budget-metrics.js';

export const BUDGET_CYCLE_JOB = 'budget-cycle';
const PRUNE_JOB = 'budget-prune';
const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

/**
 * The budget cycle, a recurring job (one run per VIGIL_BUDGET_INTERVAL slot across replicas): all
 * budgets from Prometheus in a bounded number of queries, evaluated when the run starts, then
 * stored in the run's own transaction with the day ledger and any status-change webhooks. The
 * previous cycle and the last known statuses are read from the database, never from memory, so
 * whichever replica runs the next slot carries on where the last one stopped: each second of the
 * day ledger is counted once and each transition fires once.
 */
@Injectable()
export class BudgetCycleService implements OnModuleInit {
  private readonly log = new Logger('Budget');

  constructor(
    @Inject(VIGIL_CONFIG) private readonly config: VigilConfig,
    private readonly slos: SloService,
    private readonly repo: BudgetRepository,
    private readonly webhooks: WebhookService,
    private readonly metrics: BudgetMetrics,
    private readonly worker: JobWorker,
    private readonly clock: Clock,
    @Optional() private readonly prometheus?: MetricsQuery,
  ) {}

  onModuleInit(): void {
    if (!this.prometheus) {
      this.log.warn('PROMETHEUS_URL is not set: no error budgets are computed');
      return;
    }
    this.worker.define({
      name: BUDGET_CYCLE_JOB,
      recurrence: every(this.config.budgetIntervalSeconds),
      // Long enough for slow Prometheus queries (each retried twice) without a heartbeat; runs renew it anyway.
      leaseSeconds: Math.max(60, 3 * this.config.prometheusTimeoutSeconds),
      run: (run) => this.cycle(run),
    });
    this.worker.define({ name: PRUNE_JOB, recurrence: every(3600), run: () => this.prune() });
  }

  /** Budgets are evaluated when the run starts, not at its slot: a slot claimed late still reads fresh numbers. */
  private async cycle(run: JobRun): Promise<JobOutcome> {
    const at = Math.floor(this.clock.now().getTime() / 1000);
    const started = performance.now();
    const slos = this.slos.slos();
    const previous = await this.repo.lastCycleAt();
    if (previous !== null && previous >= at) return { status: 'failed', error: `a cycle at ${iso(previous)} is stored already; slot ${iso(at)} is late` };
    let read;
    try {
      read = await readBudgets(this.prometheus!, slos, at, (slo) => (slo.sli.kind === 'raw' ? [] : dayWindows(at, previous)));
    } catch (err) {
      this.metrics.failed();
      throw err;
    }
    const budgets = read.budgets;
    const views = budgets.map(budgetView);
    const when = new Date(at * 1000);
    let events: SloEvent[] = [];
    return {
      status: 'succeeded',
      result: { slos: slos.length, queries: read.queries },
      commit: async (tx) => {
        await this.repo.lockCycles(tx);
        const last = await this.repo.lastCycleAt(tx);
        if (last !== previous) throw new Error(`another cycle (${last === null ? 'none' : iso(last)}) was stored while this one read Prometheus; slot ${iso(at)} is dropped`);
        events = statusEvents(await this.repo.knownStatuses(tx), views, at);
        await this.repo.saveCycle(tx, {
          cycle: { at: when, jobId: run.jobId, replica: run.replica, slos: slos.length, queries: read.queries, events: events.length, durationMs: Math.round(performance.now() - started) },
          snapshots: budgets.map((b) => snapshotOf(b, when)),
          latest: views,
          days: dayUpdates(budgets, read.counts, at, previous, this.config.budgetIntervalSeconds),
        });
        await this.webhooks.enqueue(events, tx);
      },
      afterCommit: () => {
        if (events.length > 0) this.webhooks.kick();
        const seconds = (performance.now() - started) / 1000;
        this.metrics.cycled(read.queries, seconds);
        for (const e of events) this.log.log(`${e.type}: ${e.service}/${e.slo} ${e.previousStatus ?? 'unknown'} → ${e.status}`);
        this.log.debug(`budget cycle ${iso(at)}: ${slos.length} SLO(s), ${read.queries} quer${read.queries === 1 ? 'y' : 'ies'}, ${seconds.toFixed(3)} s`);
      },
    };
  }

  private async prune(): Promise<JobOutcome> {
    const before = new Date(this.clock.now().getTime() - this.config.snapshotRetentionSeconds * 1000);
    const deleted = await this.repo.pruneSnapshots(before);
    if (deleted > 0) this.log.log(`pruned ${deleted} budget snapshot(s) older than the retention`);
    return { status: 'succeeded', result: { deleted } };
  }
}
