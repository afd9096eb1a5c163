import { Controller, Get } from '@nestjs/common';
import { Public } from '../auth/auth.decorators.js';
import { HealthService } from './health.service.js';

@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('healthz')
  @Public()
  live() {
    return this.health.live();
  }

  @Get('readyz')
  @Public()
  ready() {
    return this.health.ready();
  }
}
