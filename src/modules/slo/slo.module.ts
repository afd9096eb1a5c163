import { Module } from '@nestjs/common';
import { PersistenceModule } from '../../persistence/persistence.module.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { SloController } from './slo.controller.js';
import { SloService } from './slo.service.js';

@Module({ imports: [PersistenceModule, MetricsModule], controllers: [SloController], providers: [SloService], exports: [SloService] })
export class SloModule {}
