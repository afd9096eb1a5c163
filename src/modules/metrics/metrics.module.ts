import { Module } from '@nestjs/common';
import { buildInfo } from '../../adapters/files/vigil-version.js';
import { MetricsController } from './metrics.controller.js';
import { BUILD_INFO, MetricsService } from './metrics.service.js';

@Module({ controllers: [MetricsController], providers: [{ provide: BUILD_INFO, useFactory: buildInfo }, MetricsService], exports: [MetricsService] })
export class MetricsModule {}
