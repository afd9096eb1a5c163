import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequirePermission } from '../auth/auth.decorators.js';
import { EventStreamService } from './event-stream.service.js';

@ApiTags('events')
@Controller('api')
export class EventsController {
  constructor(private readonly streams: EventStreamService) {}

  @Get('events')
  @RequirePermission('read')
  @ApiOperation({
    summary:
      'Server-sent events for live pages: `ready` (listening; read afresh), `incident` {id} whenever an incident changes on any replica, `signed-out` before the stream ends; a comment line every VIGIL_EVENTS_HEARTBEAT (15s)',
  })
  @ApiProduces('text/event-stream')
  @ApiResponse({ status: 200, description: 'An event stream that lasts until the client goes away' })
  open(@Req() req: FastifyRequest, @Res() res: FastifyReply): void {
    this.streams.open(req, res);
  }
}
