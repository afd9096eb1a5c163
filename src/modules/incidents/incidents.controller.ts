import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../auth/auth.decorators.js';
import { principalOf } from '../auth/principal.js';
import { errorDtoSchema, openApi, ZodPipe } from '../http/zod.pipe.js';
import { actionBodySchema, listQuerySchema, noteBodySchema, toIncidentDetailDto, toIncidentDto, toIncidentListDto, type ListQuery } from './incidents.dto.js';
import { IncidentsService } from './incidents.service.js';

const ERROR = openApi(errorDtoSchema);
const ID = { name: 'id', description: 'Incident id' } as const;
const NOT_FOUND = { status: 404, description: 'No incident with this id', schema: ERROR } as const;

@ApiTags('incidents')
@Controller('api/incidents')
export class IncidentsController {
  constructor(private readonly incidents: IncidentsService) {}

  @Get()
  @RequirePermission('read')
  @ApiOperation({ summary: 'Incidents, newest first, a page at a time' })
  @ApiQuery({ name: 'status', required: false, description: 'Comma-separated: triggered, acknowledged, resolved, suppressed' })
  @ApiQuery({ name: 'service', required: false })
  @ApiQuery({ name: 'slo', required: false, description: 'Only incidents with a firing alert whose slo label is this (with service: one SLO)' })
  @ApiQuery({ name: 'team', required: false })
  @ApiQuery({ name: 'since', required: false, description: 'Only incidents open at or after this time (RFC 3339 or epoch seconds)' })
  @ApiQuery({ name: 'limit', required: false, description: '1–500, default 100' })
  @ApiQuery({ name: 'before', required: false, description: 'nextCursor of the previous page' })
  @ApiResponse({ status: 200, description: 'A page of incidents' })
  @ApiResponse({ status: 400, description: 'Invalid filter', schema: ERROR })
  async list(@Query(new ZodPipe(listQuerySchema, 'query')) q: ListQuery) {
    return toIncidentListDto(await this.incidents.list({ limit: q.limit, ...(q.status ? { status: q.status } : {}), ...(q.service ? { service: q.service } : {}), ...(q.slo ? { slo: q.slo } : {}), ...(q.team ? { team: q.team } : {}), ...(q.since ? { since: q.since } : {}), ...(q.before ? { beforeId: q.before } : {}) }));
  }

  @Get(':id')
  @RequirePermission('read')
  @ApiOperation({ summary: 'One incident with its alerts, its full timeline and every page sent with its outcome' })
  @ApiParam(ID)
  @ApiResponse({ status: 200, description: 'The incident' })
  @ApiResponse(NOT_FOUND)
  async get(@Param('id') id: string) {
    return toIncidentDetailDto(await this.incidents.detail(id));
  }

  @Post(':id/ack')
  @RequirePermission('respond')
  @HttpCode(200)
  @ApiOperation({ summary: 'Acknowledge: pending escalation steps are cancelled and every sink paged is told' })
  @ApiParam(ID)
  @ApiBody({ schema: openApi(actionBodySchema, 'input'), required: false })
  @ApiResponse({ status: 200, description: 'Acknowledged' })
  @ApiResponse(NOT_FOUND)
  @ApiResponse({ status: 409, description: 'Already acknowledged, or resolved', schema: ERROR })
  async ack(@Param('id') id: string, @Body(new ZodPipe(actionBodySchema, 'body')) body: { note?: string }, @Req() req: object) {
    return toIncidentDto(await this.incidents.actOrConflict(id, 'ack', principalOf(req)?.name ?? 'unknown', body.note));
  }

  @Post(':id/resolve')
  @RequirePermission('respond')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resolve by hand: the alerts’ current occurrences are closed; a new occurrence opens a new incident' })
  @ApiParam(ID)
  @ApiBody({ schema: openApi(actionBodySchema, 'input'), required: false })
  @ApiResponse({ status: 200, description: 'Resolved' })
  @ApiResponse(NOT_FOUND)
  @ApiResponse({ status: 409, description: 'Already resolved', schema: ERROR })
  async resolve(@Param('id') id: string, @Body(new ZodPipe(actionBodySchema, 'body')) body: { note?: string }, @Req() req: object) {
    return toIncidentDto(await this.incidents.actOrConflict(id, 'resolve', principalOf(req)?.name ?? 'unknown', body.note));
  }

  @Post(':id/notes')
  @RequirePermission('respond')
  @HttpCode(201)
  @ApiOperation({ summary: 'Add a note to the timeline' })
  @ApiParam(ID)
  @ApiBody({ schema: openApi(noteBodySchema, 'input') })
  @ApiResponse({ status: 201, description: 'Added' })
  @ApiResponse(NOT_FOUND)
  async note(@Param('id') id: string, @Body(new ZodPipe(noteBodySchema, 'note')) body: { text: string }, @Req() req: object) {
    await this.incidents.note(id, principalOf(req)?.name ?? 'unknown', body.text);
    return { added: true };
  }
}
