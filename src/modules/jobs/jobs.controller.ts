import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../auth/auth.decorators.js';
import { ZodPipe } from '../http/zod.pipe.js';
import { jobRunsQuerySchema, OPENAPI, type JobListDto, type JobRunListDto, type JobRunsQuery, type MissedListDto } from './jobs.dto.js';
import { JobsService } from './jobs.service.js';

const PAGE = [
  ApiQuery({ name: 'job', required: false, description: 'only this job, e.g. budget-cycle' }),
  ApiQuery({ name: 'limit', required: false, description: '1–500, default 100' }),
  ApiQuery({ name: 'before', required: false, description: 'nextCursor of the previous page' }),
];

@ApiTags('jobs')
@Controller('api/jobs')
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  @Get()
  @RequirePermission('read')
  @ApiOperation({ summary: 'Every job Vigil runs: its recurrence, the latest slot created and how many slots no replica ran' })
  @ApiResponse({ status: 200, schema: OPENAPI.jobs })
  list(): Promise<JobListDto> {
    return this.jobs.list();
  }

  @Get('runs')
  @RequirePermission('read')
  @ApiOperation({ summary: 'Job runs, newest first: replica, start, end, outcome (succeeded, failed, lost) and error' })
  @(PAGE[0]!)
  @(PAGE[1]!)
  @(PAGE[2]!)
  @ApiResponse({ status: 200, schema: OPENAPI.runs })
  @ApiResponse({ status: 400, schema: OPENAPI.error })
  runs(@Query(new ZodPipe(jobRunsQuerySchema, 'query')) q: JobRunsQuery): Promise<JobRunListDto> {
    return this.jobs.runs(q);
  }

  @Get('missed')
  @RequirePermission('read')
  @ApiOperation({ summary: 'Slots of recurring jobs that no replica ran, newest first' })
  @(PAGE[0]!)
  @(PAGE[1]!)
  @(PAGE[2]!)
  @ApiResponse({ status: 200, schema: OPENAPI.missed })
  @ApiResponse({ status: 400, schema: OPENAPI.error })
  missed(@Query(new ZodPipe(jobRunsQuerySchema, 'query')) q: JobRunsQuery): Promise<MissedListDto> {
    return this.jobs.missed(q);
  }
}
