import { Controller, Get } from '@nestjs/common';
import { RequirePermission } from '../auth/auth.decorators.js';
import type { SloListDto } from './slo.dto.js';
import { SloService } from './slo.service.js';

@Controller('api/slos')
export class SloController {
  constructor(private readonly slos: SloService) {}

  @Get()
  @RequirePermission('read')
  list(): SloListDto {
    return this.slos.list();
  }
}
