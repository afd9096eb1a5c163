import { Controller, Get, Header, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RequirePermission } from '../auth/auth.decorators.js';
import { ZodPipe } from '../http/zod.pipe.js';
import { OPENAPI, REPORT_TYPES, reportQuerySchema, sendReport, type ReportQuery } from './budget.dto.js';
import { ReportService } from './report.service.js';

@ApiTags('reports')
@Controller('api/reports')
export class ReportController {
  constructor(private readonly reports: ReportService) {}

  @Get('slo')
  @RequirePermission('read')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Monthly SLO report for every SLO: objective, achieved SLI, budget consumed, worst day, time at risk/exhausted, trend vs the previous month' })
  @ApiQuery({ name: 'month', required: false, description: 'YYYY-MM (UTC); default the current month so far' })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'md', 'csv'], description: 'default json' })
  @ApiProduces(REPORT_TYPES.json, REPORT_TYPES.md, REPORT_TYPES.csv)
  @ApiResponse({ status: 200, description: 'The report in the format asked for' })
  @ApiResponse({ status: 400, description: 'Invalid month or format', schema: OPENAPI.error })
  async report(@Query(new ZodPipe(reportQuerySchema, 'query')) q: ReportQuery, @Res() res: FastifyReply): Promise<void> {
    sendReport(res, await this.reports.monthly(q));
  }
}
