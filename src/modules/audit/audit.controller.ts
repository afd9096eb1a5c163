import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../auth/auth.decorators.js';
import { ZodPipe } from '../http/zod.pipe.js';
import { auditQuerySchema, OPENAPI, toAuditPageDto, type AuditPageDto, type AuditQueryDto } from './audit.dto.js';
import { AuditService } from './audit.service.js';

@ApiTags('audit')
@Controller('api/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @RequirePermission('audit')
  @ApiOperation({ summary: 'The audit log, newest first: every mutating call (denials and failures included), CLI token changes and the admin token file' })
  @ApiQuery({ name: 'limit', required: false, description: '1–500, default 100', schema: { type: 'integer', minimum: 1, maximum: 500, default: 100 } })
  @ApiQuery({ name: 'before', required: false, description: 'the nextCursor of the previous page' })
  @ApiQuery({ name: 'from', required: false, description: 'ISO 8601 or epoch seconds, inclusive' })
  @ApiQuery({ name: 'to', required: false, description: 'ISO 8601 or epoch seconds, exclusive' })
  @ApiResponse({ status: 200, schema: OPENAPI.page })
  @ApiResponse({ status: 400, description: 'Invalid limit, cursor or time', schema: OPENAPI.error })
  async list(@Query(new ZodPipe(auditQuerySchema, 'query')) q: AuditQueryDto): Promise<AuditPageDto> {
    return toAuditPageDto(await this.audit.page(q));
  }
}
