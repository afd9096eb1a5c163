import { hostname } from 'node:os';
import { Module } from '@nestjs/common';
import { SystemMonotonicClock } from '../../adapters/clock/system-clock.js';
import { BackupSourceProbe } from '../../adapters/drills/backup-probe.js';
import { drillTargets, drillWorkDirs } from '../../adapters/drills/drill-targets.js';
import { PostgresTools } from '../../adapters/drills/postgres-tools.js';
import { removeLeftoverScratch } from '../../adapters/drills/scratch-cluster.js';
import { FileSecretReader } from '../../adapters/files/secret-file.js';
import { LocalSpecFiles } from '../../adapters/files/spec-files.js';
import { vigilVersion } from '../../adapters/files/vigil-version.js';
import { VIGIL_CONFIG, type VigilConfig } from '../../config/config.js';
import type { DrillSpec } from '../../core/model/drill.js';
import { SpecFiles } from '../../core/ports/spec-files.js';
import { PersistenceModule } from '../../persistence/persistence.module.js';
import { JobsModule } from '../jobs/jobs.module.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { IncidentsModule } from '../incidents/incidents.module.js';
import { DrillMetrics } from './drill-metrics.js';
import { DrillNotifier } from './drill-notifier.js';
import { DrillSpecService } from './drill-spec.service.js';
import { DrillsController } from './drills.controller.js';
import { DRILL_RUNTIME, DrillsService, type DrillRuntime } from './drills.service.js';
import { ReportVerificationService } from './report-verification.service.js';

function runtime(config: VigilConfig): DrillRuntime {
  const dirs = drillWorkDirs(config.drillWorkDir);
  const mono = new SystemMonotonicClock();
  const secrets = new FileSecretReader();
  return {
    ...drillTargets(dirs, secrets, mono),
    backupProbe: new BackupSourceProbe(secrets, dirs.scratchRoot),
    removeLeftovers: (spec: DrillSpec) => removeLeftoverScratch(dirs.scratchRoot, new PostgresTools(spec.target.binDir, spec.target.osUser ?? 'postgres')),
    mono,
    vigilVersion: vigilVersion(),
    host: hostname(),
  };
}

/** DR drills: scheduled and on-demand runs as durable jobs, their hash-chained reports (docs/drills.md). */
@Module({
  imports: [PersistenceModule, JobsModule, MetricsModule, IncidentsModule],
  controllers: [DrillsController],
  providers: [
    { provide: SpecFiles, useFactory: () => new LocalSpecFiles() },
    { provide: DRILL_RUNTIME, inject: [VIGIL_CONFIG], useFactory: runtime },
    DrillSpecService,
    DrillsService,
    DrillMetrics,
    DrillNotifier,
    ReportVerificationService,
  ],
})
export class DrillsModule {}
