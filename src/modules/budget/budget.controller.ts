import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../auth/auth.decorators.js';
import { ZodPipe } from '../http/zod.pipe.js';
import { budgetListQuerySchema, historyQuerySchema, OPENAPI, type BudgetListDto, type BudgetListQuery, type HistoryDto, type HistoryQuery, type StoredBudgetDto } from './budget.dto.js';
import { BudgetService } from './budget.service.js';

const SLO_PARAMS = [
  ApiParam({ name: 'service', description: 'Service name as in the spec' }),
  ApiParam({ name: 'slo', description: 'SLO name as in the spec' }),
];

@ApiTags('budgets')
@Controller('api')
export class BudgetController {
  constructor(private readonly budgets: BudgetService) {}

  @Get('budgets')
  @RequirePermission('read')
  @ApiOperation({ summary: "Every SLO's latest stored budget, worst first by default; SLOs no cycle has stored yet are listed apart" })
  @ApiQuery({ name: 'sort', required: false, enum: ['remaining', '-remaining', 'name'], description: 'remaining: least budget left first (default); -remaining: most first; name: service/slo' })
  @ApiQuery({ name: 'status', required: false, enum: ['healthy', 'at-risk', 'exhausted', 'no-data'], description: 'only SLOs with this status' })
  @ApiResponse({ status: 200, schema: OPENAPI.budgetList })
  @ApiResponse({ status: 400, description: 'Invalid sort or status', schema: OPENAPI.error })
  list(@Query(new ZodPipe(budgetListQuerySchema, 'query')) q: BudgetListQuery): Promise<BudgetListDto> {
    return this.budgets.list(q);
  }

  @Get('slos/:service/:slo/budget')
  @RequirePermission('read')
  @ApiOperation({ summary: "The SLO's latest stored budget (SLI, remaining, burn rates, projected exhaustion, status) with when it was computed and its age" })
  @(SLO_PARAMS[0]!)
  @(SLO_PARAMS[1]!)
  @ApiResponse({ status: 200, schema: OPENAPI.storedBudget })
  @ApiResponse({ status: 404, description: 'No such SLO in the specs', schema: OPENAPI.error })
  @ApiResponse({ status: 503, description: 'PROMETHEUS_URL is not set, or no cycle has stored this SLO yet', schema: OPENAPI.error })
  budget(@Param('service') service: string, @Param('slo') slo: string): Promise<StoredBudgetDto> {
    return this.budgets.latest(service, slo);
  }

  @Get('slos/:service/:slo/budget/history')
  @RequirePermission('read')
  @ApiOperation({ summary: 'Stored snapshots: the last one in each step from `from` to `to` (default: the last 24 hours)' })
  @(SLO_PARAMS[0]!)
  @(SLO_PARAMS[1]!)
  @ApiQuery({ name: 'from', required: false, description: 'RFC 3339 (2025-11-24T16:00:00Z) or epoch seconds; default to − 24h' })
  @ApiQuery({ name: 'to', required: false, description: 'RFC 3339 or epoch seconds; default now' })
  @ApiQuery({ name: 'step', required: false, description: 'e.g. 5m, 1h; default: about 500 points' })
  @ApiResponse({ status: 200, schema: OPENAPI.history })
  @ApiResponse({ status: 400, description: 'Invalid from/to/step', schema: OPENAPI.error })
  @ApiResponse({ status: 404, description: 'No such SLO in the specs', schema: OPENAPI.error })
  history(@Param('service') service: string, @Param('slo') slo: string, @Query(new ZodPipe(historyQuerySchema, 'query')) q: HistoryQuery): Promise<HistoryDto> {
    return this.budgets.history(service, slo, q);
  }
}
