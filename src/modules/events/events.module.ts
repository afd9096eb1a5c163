import { Logger, Module } from '@nestjs/common';
import { PgIncidentChanges } from '../../adapters/postgres/pg-incident-changes.js';
import { VIGIL_CONFIG, type VigilConfig } from '../../config/config.js';
import { IncidentChanges } from '../../core/ports/incident-changes.js';
import { DATABASE_SERVER, PersistenceModule, type DatabaseServer } from '../../persistence/persistence.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { EventsController } from './events.controller.js';
import { EventStreamService } from './event-stream.service.js';

const log = new Logger('Events');

/** Live updates for the web UI: incident changes from PostgreSQL (LISTEN/NOTIFY), streamed as server-sent events. */
@Module({
  imports: [PersistenceModule, AuthModule, MetricsModule],
  controllers: [EventsController],
  providers: [
    {
      provide: IncidentChanges,
      inject: [DATABASE_SERVER, VIGIL_CONFIG],
      useFactory: (db: DatabaseServer, config: VigilConfig) => new PgIncidentChanges(db.url, { applicationName: `vigil:${config.replicaId}:events`, onProblem: (m) => log.warn(m) }),
    },
    EventStreamService,
  ],
})
export class EventsModule {}
