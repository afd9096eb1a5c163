import { Controller, Get } from '@nestjs/common';
import { HealthService } from './health.service.js';

@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('healthz')
  live() {
    return this.health.live();
  }

  @Get('readyz')
  ready() {
    return this.health.ready();
  }
}
