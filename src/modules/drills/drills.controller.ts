import { Body, Controller, Get, Header, HttpCode, NotFoundException, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { readDrillReport } from '../../core/drills/drill-report.js';
import { renderDrillReportHtml, renderDrillReportMarkdown } from '../../core/drills/report-render.js';
import { Clock } from '../../core/ports/clock.js';
import { DrillRunRepository } from '../../persistence/drill-run.repository.js';
import { RequirePermission } from '../auth/auth.decorators.js';
import { principalOf } from '../auth/principal.js';
import { errorDtoSchema, openApi, ZodPipe } from '../http/zod.pipe.js';
import { REPORT_TYPES, reportQuerySchema, verificationQuerySchema, runRequestSchema, runsQuerySchema, toDrillDto, toRunDto, type ReportQuery, type RunRequest } from './drills.dto.js';
import { DrillsService } from './drills.service.js';
import { ReportVerificationService } from './report-verification.service.js';

const ERROR = openApi(errorDtoSchema);
const NAME = { name: 'name', description: 'Drill name (drills/*.yaml)' } as const;

@ApiTags('drills')
@Controller('api')
export class DrillsController {
  constructor(
    private readonly drills: DrillsService,
    private readonly runs: DrillRunRepository,
    private readonly clock: Clock,
    private readonly verification: ReportVerificationService,
  ) {}

  @Get('drills')
  @RequirePermission('read')
  @ApiOperation({ summary: 'Every drill with its schedule (next slot), objectives and last run' })
  @ApiResponse({ status: 200, description: 'The drills' })
  async list() {
    const last = new Map((await this.drills.lastRuns()).map((l) => [l.drill, l]));
    const now = this.clock.now();
    return { drills: this.drills.list().map(({ spec, next }) => toDrillDto(spec, next, last.get(spec.name), now)) };
  }

  @Get('drills/:name/runs')
  @RequirePermission('read')
  @ApiOperation({ summary: "A drill's runs, newest first, with verdict, RTO and RPO" })
  @ApiParam(NAME)
  @ApiQuery({ name: 'limit', required: false, description: '1–500, default 50' })
  @ApiResponse({ status: 200, description: 'The runs' })
  @ApiResponse({ status: 404, description: 'No such drill', schema: ERROR })
  async runsOf(@Param('name') name: string, @Query(new ZodPipe(runsQuerySchema, 'query')) q: { limit: number }) {
    return { runs: (await this.drills.runsOf(name, q.limit)).map(toRunDto) };
  }

  @Post('drills/:name/runs')
  @RequirePermission('respond')
  @HttpCode(202)
  @ApiOperation({ summary: 'Run the drill now: a durable job, picked up by one replica; answers the run id to follow' })
  @ApiParam(NAME)
  @ApiBody({ schema: openApi(runRequestSchema, 'input') })
  @ApiResponse({ status: 202, description: 'Scheduled: { runId }' })
  @ApiResponse({ status: 400, description: 'Invalid body', schema: ERROR })
  @ApiResponse({ status: 404, description: 'No such drill', schema: ERROR })
  run(@Param('name') name: string, @Body(new ZodPipe(runRequestSchema, 'run request')) body: RunRequest, @Req() req: object) {
    return this.drills.request(name, principalOf(req)?.name ?? 'unknown', { ...(body.force ? { force: true } : {}), ...(body.targetTime ? { targetTime: body.targetTime } : {}) });
  }

  @Get('drill-runs/:id/report')
  @RequirePermission('read')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: "A run's report: the sealed JSON as stored (what the hash chain covers), or rendered as Markdown or a printable HTML page" })
  @ApiParam({ name: 'id', description: 'Run id' })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'md', 'html'], description: 'default json' })
  @ApiQuery({ name: 'revision', required: false, description: 'a given revision; default the latest' })
  @ApiProduces(REPORT_TYPES.json, REPORT_TYPES.md, REPORT_TYPES.html)
  @ApiResponse({ status: 200, description: 'The report' })
  @ApiResponse({ status: 404, description: 'No report for this run (yet)', schema: ERROR })
  async report(@Param('id') id: string, @Query(new ZodPipe(reportQuerySchema, 'query')) q: ReportQuery, @Res() res: FastifyReply): Promise<void> {
    const stored = await this.runs.report(id, q.revision);
    if (!stored) throw new NotFoundException({ statusCode: 404, error: 'Not Found', message: `no report for run ${id}` });
    res.header('x-vigil-report-hash', stored.hash);
    res.header('x-vigil-report-sequence', String(stored.sequence));
    res.type(REPORT_TYPES[q.format]);
    if (q.format === 'json') {
      void res.send(stored.canonical);
      return;
    }
    const report = readDrillReport({ name: `run ${id}`, text: stored.canonical });
    void res.send(q.format === 'md' ? renderDrillReportMarkdown(report) : renderDrillReportHtml(report));
  }

  @Get('drill-runs/:id/verification')
  @RequirePermission('read')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: "Whether a run's report verifies, as `vigil report verify` would judge the exported files: its own hash and canonical text, and the hash chain from the first report up to it" })
  @ApiParam({ name: 'id', description: 'Run id' })
  @ApiQuery({ name: 'revision', required: false, description: 'a given revision; default the latest' })
  @ApiResponse({ status: 200, description: '{ ok, record: { ok, problem }, chain: { ok, reports, firstBreak } }' })
  @ApiResponse({ status: 404, description: 'No report for this run (yet)', schema: ERROR })
  verify(@Param('id') id: string, @Query(new ZodPipe(verificationQuerySchema, 'query')) q: { revision?: number }) {
    return this.verification.verify(id, q.revision);
  }
}
