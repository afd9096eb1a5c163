import { Module } from '@nestjs/common';
import { LocalSpecFiles } from '../../adapters/files/spec-files.js';
import { SpecFiles } from '../../core/ports/spec-files.js';
import { PersistenceModule } from '../../persistence/persistence.module.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { SloController } from './slo.controller.js';
import { SloService } from './slo.service.js';

@Module({
  imports: [PersistenceModule, MetricsModule],
  controllers: [SloController],
  providers: [SloService, { provide: SpecFiles, useFactory: () => new LocalSpecFiles() }],
  exports: [SloService],
})
export class SloModule {}
