import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../auth/auth.decorators.js';
import {
  createWebhookSchema,
  deliveriesQuerySchema,
  listQuerySchema,
  OPENAPI,
  type CreateWebhook,
  type DeliveriesQuery,
  type DeliveryListDto,
  type ListQuery,
  type WebhookDto,
  type WebhookListDto,
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
  @ApiResponse({ status: 409, description: 'As many endpoints as VIGIL_WEBHOOK_MAX_ENDPOINTS allows are registered', schema: OPENAPI.error })
  @ApiResponse({ status: 415, description: 'The body is not application/json', schema: OPENAPI.error })
  create(@Body(new ZodPipe(createWebhookSchema, 'webhook registration')) body: CreateWebhook): Promise<WebhookDto> {
    return this.webhooks.register(body);
  }

  @Get()
  @RequirePermission('read')
  @ApiOperation({ summary: 'Registered endpoints, oldest first, a page at a time (secrets are never shown)' })
  @ApiQuery({ name: 'limit', required: false, description: '1–500, default 100', schema: { type: 'integer', minimum: 1, maximum: 500, default: 100 } })
  @ApiQuery({ name: 'after', required: false, description: 'nextCursor of the previous page' })
  @ApiResponse({ status: 200, schema: OPENAPI.webhookList })
  @ApiResponse({ status: 400, description: 'Invalid limit or cursor', schema: OPENAPI.error })
  list(@Query(new ZodPipe(listQuerySchema, 'query')) query: ListQuery): Promise<WebhookListDto> {
    return this.webhooks.list(query);
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
