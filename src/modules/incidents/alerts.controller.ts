import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { notificationSchema, toNotification, type RawNotification } from '../../core/incidents/alertmanager-payload.js';
import { RequirePermission } from '../auth/auth.decorators.js';
import { principalOf } from '../auth/principal.js';
import { errorDtoSchema, openApi, ZodPipe } from '../http/zod.pipe.js';
import { AlertIngestService, type IngestResult } from './alert-ingest.service.js';
import { testAlertSchema, type TestAlert } from './incidents.dto.js';

const ERROR = openApi(errorDtoSchema);

@ApiTags('alerts')
@Controller('api/alerts')
export class AlertsController {
  constructor(private readonly ingest: AlertIngestService) {}

  @Post('alertmanager')
  @RequirePermission('ingest')
  @HttpCode(200)
  @ApiOperation({ summary: 'The Alertmanager webhook receiver (payload version 4). Answers 200 only once the notification is stored; retrying a stored one changes nothing but the timeline' })
  @ApiBody({ schema: openApi(notificationSchema, 'input') })
  @ApiResponse({ status: 200, description: 'Stored: the incident(s) it went to' })
  @ApiResponse({ status: 400, description: 'Not an Alertmanager v4 payload; nothing stored (Alertmanager does not retry 4xx)', schema: ERROR })
  @ApiResponse({ status: 503, description: 'Overloaded or the database is away; Retry-After says when to retry (Alertmanager retries 5xx)', schema: ERROR })
  receive(@Body(new ZodPipe(notificationSchema, 'Alertmanager notification')) body: RawNotification): Promise<IngestResult> {
    return this.ingest.ingest(toNotification(body));
  }

  @Post('test')
  @RequirePermission('respond')
  @HttpCode(201)
  @ApiOperation({ summary: 'Fire a synthetic alert through the whole path (routing, incident, escalation, pages) to check delivery end to end' })
  @ApiBody({ schema: openApi(testAlertSchema, 'input') })
  @ApiResponse({ status: 201, description: 'The incident the test alert opened' })
  @ApiResponse({ status: 400, description: 'Invalid body', schema: ERROR })
  test(@Body(new ZodPipe(testAlertSchema, 'test alert')) body: TestAlert, @Req() req: object): Promise<IngestResult> {
    return this.ingest.fireTest(body, principalOf(req)?.name ?? 'unknown');
  }
}
