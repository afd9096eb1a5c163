import { Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../auth/auth.decorators.js';
import { errorDtoSchema, openApi } from '../http/zod.pipe.js';
import type { SloDetailDto, SloListDto } from './slo.dto.js';
import { SloService } from './slo.service.js';

@ApiTags('slos')
@Controller('api/slos')
export class SloController {
  constructor(private readonly slos: SloService) {}

  @Get()
  @RequirePermission('read')
  list(): SloListDto {
    return this.slos.list();
  }

  @Get(':service/:slo')
  @RequirePermission('read')
  @ApiOperation({ summary: 'One SLO as the specs define it: objective, window, SLI kind, team, its burn-rate alert windows with their thresholds, and links to its dashboard and runbook' })
  @ApiParam({ name: 'service', description: 'Service name as in the spec' })
  @ApiParam({ name: 'slo', description: 'SLO name as in the spec' })
  @ApiResponse({ status: 200, description: 'The SLO' })
  @ApiResponse({ status: 404, description: 'No such SLO in the specs', schema: openApi(errorDtoSchema) })
  detail(@Param('service') service: string, @Param('slo') slo: string): SloDetailDto {
    const found = this.slos.detail(service, slo);
    if (!found) throw new NotFoundException({ statusCode: 404, error: 'Not Found', message: `no SLO ${service}/${slo} in the specs` });
    return found;
  }
}
