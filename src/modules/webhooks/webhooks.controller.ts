import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../auth/auth.decorators.js';
import {
  createWebhookSchema,
  deliveriesQuerySchema,
  OPENAPI,
  type CreateWebhook,
  type DeliveriesQuery,
  type DeliveryListDto,
  type WebhookDto,
} from './webhooks.dto.js';
import { WebhookService } from './webhooks.service.js';
import { ZodPipe } from '../http/zod.pipe.js';

const NOT_FOUND = { status: 404, description: 'No webhook with this id', schema: OPENAPI.error } as const;
const ID = { name: 'id', description: 'Webhook id (UUID)' } as const;

@ApiTags('webhooks')
@Controller('api/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhookService) {}

  @Post()
  @RequirePermission('admin')
  @HttpCode(201)
  @ApiOperation({ summary: 'Register an endpoint for slo.at_risk, slo.exhausted and slo.recovered events (all by default)' })
  @ApiBody({ schema: OPENAPI.createWebhook })
  @ApiResponse({ status: 201, description: 'Registered; the secret is never returned', schema: OPENAPI.webhook })
  @ApiResponse({ status: 400, description: 'Invalid registration: every problem listed', schema: OPENAPI.error })
  create(@Body(new ZodPipe(createWebhookSchema, 'webhook registration')) body: CreateWebhook): Promise<WebhookDto> {
    return this.webhooks.register(body);
  }

  @Get()
  @RequirePermission('read')
  @ApiOperation({ summary: 'List registered endpoints (secrets are never shown)' })
  @ApiResponse({ status: 200, schema: OPENAPI.webhookList })
  list(): Promise<WebhookDto[]> {
    return this.webhooks.list();
  }

  @Get(':id')
  @RequirePermission('read')
  @ApiOperation({ summary: 'One registered endpoint' })
  @ApiParam(ID)
  @ApiResponse({ status: 200, schema: OPENAPI.webhook })
  @ApiResponse(NOT_FOUND)
  get(@Param('id') id: string): Promise<WebhookDto> {
    return this.webhooks.get(id);
  }

  @Delete(':id')
  @RequirePermission('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove an endpoint with its deliveries; pending ones are not sent' })
  @ApiParam(ID)
  @ApiResponse({ status: 204, description: 'Removed' })
  @ApiResponse(NOT_FOUND)
  remove(@Param('id') id: string): Promise<void> {
    return this.webhooks.remove(id);
  }

  @Get(':id/deliveries')
  @RequirePermission('read')
  @ApiOperation({ summary: 'Newest deliveries of an endpoint, each with every attempt (time, HTTP status or error, duration)' })
  @ApiParam(ID)
  @ApiQuery({ name: 'limit', required: false, description: '1–500, default 50', schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 } })
  @ApiResponse({ status: 200, schema: OPENAPI.deliveryList })
  @ApiResponse({ status: 400, description: 'Invalid limit', schema: OPENAPI.error })
  @ApiResponse(NOT_FOUND)
  deliveries(@Param('id') id: string, @Query(new ZodPipe(deliveriesQuerySchema, 'query')) query: DeliveriesQuery): Promise<DeliveryListDto> {
    return this.webhooks.deliveries(id, query);
  }
}
