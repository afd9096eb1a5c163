import { Controller, Get, NotFoundException, Param, Query, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../auth/auth.decorators.js';
import { budgetView, type BudgetView } from '../../core/budget/budget-view.js';
import { BudgetRepository } from '../../persistence/budget.repository.js';
import { badRequest, ZodPipe } from '../http/zod.pipe.js';
import { SloService } from '../slo/slo.service.js';
import { historyQuerySchema, MAX_HISTORY_POINTS, OPENAPI, toHistoryPoint, type HistoryDto, type HistoryQuery } from './budget.dto.js';
import { BudgetService } from './budget.service.js';

const SLO_PARAMS = [
  ApiParam({ name: 'service', description: 'Service name as in the spec' }),
  ApiParam({ name: 'slo', description: 'SLO name as in the spec' }),
];
const DAY = 86400;

@ApiTags('budgets')
@Controller('api/slos/:service/:slo/budget')
export class BudgetController {
  constructor(
    private readonly budgets: BudgetService,
    private readonly repo: BudgetRepository,
    private readonly slos: SloService,
  ) {}

  @Get()
  @RequirePermission('read')
  @ApiOperation({ summary: "The SLO's error budget from the latest cycle: SLI, remaining, burn rates, projected exhaustion, status" })
  @(SLO_PARAMS[0]!)
  @(SLO_PARAMS[1]!)
  @ApiResponse({ status: 200, schema: OPENAPI.budget })
  @ApiResponse({ status: 404, description: 'No such SLO in the specs', schema: OPENAPI.error })
  @ApiResponse({ status: 503, description: 'PROMETHEUS_URL is not set, or no cycle has completed yet', schema: OPENAPI.error })
  budget(@Param('service') service: string, @Param('slo') slo: string): BudgetView {
    this.known(service, slo);
    if (!this.budgets.enabled) throw unavailable('error budgets are off: PROMETHEUS_URL is not set');
    const b = this.budgets.latest(service, slo);
    if (!b) throw unavailable('no budget cycle has completed yet (see vigil_budget_cycle_failures_total and the log); retry in a minute');
    return budgetView(b);
  }

  @Get('history')
  @RequirePermission('read')
  @ApiOperation({ summary: 'Stored snapshots: the last one in each step from `from` to `to` (default: the last 24 hours)' })
  @(SLO_PARAMS[0]!)
  @(SLO_PARAMS[1]!)
  @ApiQuery({ name: 'from', required: false, description: 'ISO 8601 or epoch seconds; default to − 24h' })
  @ApiQuery({ name: 'to', required: false, description: 'ISO 8601 or epoch seconds; default now' })
  @ApiQuery({ name: 'step', required: false, description: 'e.g. 5m, 1h; default: about 500 points' })
  @ApiResponse({ status: 200, schema: OPENAPI.history })
  @ApiResponse({ status: 400, description: 'Invalid from/to/step', schema: OPENAPI.error })
  @ApiResponse({ status: 404, description: 'No such SLO in the specs', schema: OPENAPI.error })
  async history(@Param('service') service: string, @Param('slo') slo: string, @Query(new ZodPipe(historyQuerySchema, 'query')) q: HistoryQuery): Promise<HistoryDto> {
    this.known(service, slo);
    const to = q.to ?? new Date();
    const from = q.from ?? new Date(to.getTime() - DAY * 1000);
    const span = (to.getTime() - from.getTime()) / 1000;
    if (span <= 0) throw badRequest('invalid query: from must be before to');
    const step = q.step ?? Math.max(60, Math.ceil(span / 500));
    if (span / step > MAX_HISTORY_POINTS) throw badRequest(`invalid query: ${Math.ceil(span / step)} points asked for, at most ${MAX_HISTORY_POINTS}: use a larger step`);
    const points = await this.repo.history(service, slo, from, to, step);
    return { service, slo, from: from.toISOString(), to: to.toISOString(), stepSeconds: step, points: points.map(toHistoryPoint) };
  }

  private known(service: string, slo: string): void {
    if (!this.slos.find(service, slo)) {
      throw new NotFoundException({ statusCode: 404, error: 'Not Found', message: `no SLO ${service}/${slo} in the specs` });
    }
  }
}

function unavailable(message: string): ServiceUnavailableException {
  return new ServiceUnavailableException({ statusCode: 503, error: 'Service Unavailable', message });
}
