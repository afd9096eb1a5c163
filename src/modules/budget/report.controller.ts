import { Controller, Get, Header, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { RequirePermission } from '../auth/auth.decorators.js';
import { monthlyReport, parseReportMonth } from '../../core/budget/monthly-report.js';
import { renderReportCsv, renderReportMarkdown } from '../../core/budget/report-formats.js';
import { BudgetRepository } from '../../persistence/budget.repository.js';
import { badRequest, ZodPipe } from '../http/zod.pipe.js';
import { SloService } from '../slo/slo.service.js';
import { OPENAPI, reportQuerySchema, type ReportQuery } from './budget.dto.js';

const TYPES = { json: 'application/json; charset=utf-8', md: 'text/markdown; charset=utf-8', csv: 'text/csv; charset=utf-8' } as const;

@ApiTags('reports')
@Controller('api/reports')
export class ReportController {
  constructor(
    private readonly repo: BudgetRepository,
    private readonly slos: SloService,
  ) {}

  @Get('slo')
  @RequirePermission('read')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Monthly SLO report for every SLO: objective, achieved SLI, budget consumed, worst day, time at risk/exhausted, trend vs the previous month' })
  @ApiQuery({ name: 'month', required: false, description: 'YYYY-MM (UTC); default the current month so far' })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'md', 'csv'], description: 'default json' })
  @ApiProduces(TYPES.json, TYPES.md, TYPES.csv)
  @ApiResponse({ status: 200, description: 'The report in the format asked for' })
  @ApiResponse({ status: 400, description: 'Invalid month or format', schema: OPENAPI.error })
  async report(@Query(new ZodPipe(reportQuerySchema, 'query')) q: ReportQuery, @Res() res: Response): Promise<void> {
    const monthText = q.month ?? new Date().toISOString().slice(0, 7);
    let month;
    try {
      month = parseReportMonth(monthText);
    } catch (err) {
      throw badRequest(`invalid query: ${(err as Error).message}`, [{ path: 'month', message: (err as Error).message }]);
    }
    // The month and the one before it, for the trend.
    const prevStart = new Date(Date.UTC(month.year, month.month - 2, 1));
    const lastDay = new Date(month.end.getTime() - 86_400_000);
    const days = await this.repo.days(prevStart.toISOString().slice(0, 10), lastDay.toISOString().slice(0, 10));
    const slos = this.slos.slos().map((s) => ({ service: s.service, slo: s.name, objective: s.objective }));
    const report = monthlyReport(monthText, slos, days);
    const body = q.format === 'md' ? renderReportMarkdown(report) : q.format === 'csv' ? renderReportCsv(report) : JSON.stringify(report, null, 2);
    res.status(200).type(TYPES[q.format]);
    if (q.format !== 'json') res.setHeader('content-disposition', `inline; filename="slo-report-${monthText}.${q.format}"`);
    res.send(body);
  }
}
