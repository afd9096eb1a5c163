import { Inject, Injectable, NotFoundException, Optional, ServiceUnavailableException } from '@nestjs/common';
import { VIGIL_CONFIG, type VigilConfig } from '../../config/config.js';
import { sloKey } from '../../core/budget/budget-queries.js';
import { DAY } from '../../core/duration.js';
import { Clock } from '../../core/ports/clock.js';
import { MetricsQuery } from '../../core/ports/metrics-query.js';
import { BudgetRepository } from '../../persistence/budget.repository.js';
import { badRequest } from '../http/zod.pipe.js';
import { teamOf } from '../slo/slo.dto.js';
import { SloService } from '../slo/slo.service.js';
import { MAX_HISTORY_POINTS, toBudgetListDto, toHistoryPoint, toStoredBudgetDto, type BudgetListDto, type BudgetListQuery, type HistoryDto, type HistoryQuery, type StoredBudgetDto } from './budget.dto.js';

/**
 * What the budget API reads. Everything comes from the database, written by whichever replica ran
 * the cycle, so every replica answers the same, and at once after a restart.
 */
@Injectable()
export class BudgetService {
  constructor(
    @Inject(VIGIL_CONFIG) private readonly config: VigilConfig,
    private readonly repo: BudgetRepository,
    private readonly slos: SloService,
    private readonly clock: Clock,
    @Optional() private readonly prometheus?: MetricsQuery,
  ) {}

  async latest(service: string, slo: string): Promise<StoredBudgetDto> {
    this.known(service, slo);
    const stored = await this.repo.latest(service, slo);
    if (!stored?.budget) {
      if (!this.prometheus) throw unavailable('error budgets are off: PROMETHEUS_URL is not set');
      throw unavailable(`no budget cycle has stored ${service}/${slo} yet (see GET /api/jobs/runs?job=budget-cycle); retry after the next cycle`, this.config.budgetIntervalSeconds);
    }
    return toStoredBudgetDto(stored.budget, stored.at, this.clock.now());
  }

  /** Every SLO in the specs with its latest stored budget; those without one are listed apart. */
  async list(q: BudgetListQuery): Promise<BudgetListDto> {
    const stored = new Map((await this.repo.latestAll()).map((b) => [sloKey(b.service, b.slo), b]));
    return toBudgetListDto(this.slos.slos(), stored, q, this.clock.now(), (slo) => {
      const service = this.slos.serviceOf(slo);
      return service ? teamOf(service, slo) : null;
    });
  }

  async history(service: string, slo: string, q: HistoryQuery): Promise<HistoryDto> {
    this.known(service, slo);
    const to = q.to ?? this.clock.now();
    const from = q.from ?? new Date(to.getTime() - DAY * 1000);
    const span = (to.getTime() - from.getTime()) / 1000;
    if (span <= 0) throw badRequest('invalid query: from must be before to', [{ path: 'from', message: 'must be before to' }]);
    const step = q.step ?? Math.max(60, Math.ceil(span / 500));
    if (span / step > MAX_HISTORY_POINTS) {
      throw badRequest(`invalid query: ${Math.ceil(span / step)} points asked for, at most ${MAX_HISTORY_POINTS}: use a larger step`, [{ path: 'step', message: `too small for this range: at most ${MAX_HISTORY_POINTS} points` }]);
    }
    const points = await this.repo.history(service, slo, from, to, step);
    return { service, slo, from: from.toISOString(), to: to.toISOString(), stepSeconds: step, points: points.map(toHistoryPoint) };
  }

  private known(service: string, slo: string): void {
    if (!this.slos.find(service, slo)) {
      throw new NotFoundException({ statusCode: 404, error: 'Not Found', message: `no SLO ${service}/${slo} in the specs` });
    }
  }
}

function unavailable(message: string, retryAfterSeconds?: number): ServiceUnavailableException {
  return new ServiceUnavailableException({ statusCode: 503, error: 'Service Unavailable', message, ...(retryAfterSeconds ? { retryAfterSeconds } : {}) });
}
