import { Module } from '@nestjs/common';
import { PersistenceModule } from '../../persistence/persistence.module.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { HealthController } from './health.controller.js';
import { HealthMetrics } from './health-metrics.js';
import { HealthService } from './health.service.js';

@Module({ imports: [PersistenceModule, MetricsModule], controllers: [HealthController], providers: [HealthService, HealthMetrics] })
export class HealthModule {}
