import { Controller, Get } from '@nestjs/common';
import type { SloListDto } from './slo.dto.js';
import { SloService } from './slo.service.js';

@Controller('api/slos')
export class SloController {
  constructor(private readonly slos: SloService) {}

  @Get()
  list(): SloListDto {
    return this.slos.list();
  }
}
