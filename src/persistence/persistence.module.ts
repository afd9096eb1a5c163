import { Inject, Injectable, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { startEmbeddedPostgres } from '../adapters/postgres/embedded-postgres.js';
import { redactUrl, VIGIL_CONFIG, type VigilConfig } from '../config/config.js';
import { openDatabase } from './data-source.js';
import { DatabaseProbe } from './database-probe.js';
import { GenerationRunRepository } from './generation-run.repository.js';
import { WebhookRepository } from './webhook.repository.js';
import { BudgetRepository } from './budget.repository.js';
import { JobRepository } from './job.repository.js';
import { ReplicaSession } from './replica-session.js';
import { ApiTokenRepository } from './api-token.repository.js';
import { AuditLogRepository } from './audit-log.repository.js';
import { IncidentRepository } from './incident.repository.js';
import { DrillRunRepository } from './drill-run.repository.js';
import { BackupHealthRepository } from './backup-health.repository.js';
import { WebSessionRepository } from './web-session.repository.js';

/** The database Vigil talks to: the operator's (DATABASE_URL) or its own embedded one. */
export interface DatabaseServer {
  readonly url: string;
  readonly stop: () => Promise<void>;
}
export const DATABASE_SERVER = Symbol('DATABASE_SERVER');

const log = new Logger('Database');

async function databaseServer(config: VigilConfig): Promise<DatabaseServer> {
  if (config.databaseUrl) {
    log.log(`using ${redactUrl(config.databaseUrl)}`);
    return { url: config.databaseUrl, stop: async () => {} };
  }
  const pgLog = new Logger('EmbeddedPostgres');
  const server = await startEmbeddedPostgres({
    dataDir: config.dataDir,
    database: 'vigil',
    onLog: (m) => pgLog.debug(m),
    onError: (m) => pgLog.error(m),
    onWarn: (m) => log.warn(m),
  });
  log.log(`embedded PostgreSQL ${server.created ? 'created' : 'reused'} in ${config.dataDir}/pgdata at ${redactUrl(server.url)}`);
  return server;
}

async function connect(server: DatabaseServer, config: VigilConfig): Promise<DataSource> {
  try {
    return await openDatabase(server.url, { queryTimeoutMs: config.databaseQueryTimeoutSeconds * 1000, applicationName: `vigil:${config.replicaId}` });
  } catch (err) {
    await server.stop();
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`database ${redactUrl(server.url)}: ${reason}`, { cause: err });
  }
}

/**
 * Closes the pool, then stops the server. One hook does both because Nest runs the shutdown
 * hooks of different modules in an order that is not ours to choose; this one runs after
 * the HTTP server has closed.
 */
@Injectable()
class DatabaseLifecycle implements OnApplicationShutdown {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(DATABASE_SERVER) private readonly server: DatabaseServer,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    await this.server.stop();
    log.log('database connections closed');
  }
}

@Module({
  providers: [
    { provide: DATABASE_SERVER, inject: [VIGIL_CONFIG], useFactory: databaseServer },
    { provide: DataSource, inject: [DATABASE_SERVER, VIGIL_CONFIG], useFactory: connect },
    DatabaseLifecycle,
    GenerationRunRepository,
    DatabaseProbe,
    WebhookRepository,
    BudgetRepository,
    JobRepository,
    ReplicaSession,
    ApiTokenRepository,
    AuditLogRepository,
    IncidentRepository,
    DrillRunRepository,
    BackupHealthRepository,
    WebSessionRepository,
  ],
  // DATABASE_SERVER: for connections of their own (the incident change feed's LISTEN), made by module wiring.
  exports: [DATABASE_SERVER, GenerationRunRepository, DatabaseProbe, WebhookRepository, BudgetRepository, JobRepository, ReplicaSession, ApiTokenRepository, AuditLogRepository, IncidentRepository, DrillRunRepository, BackupHealthRepository, WebSessionRepository],
})
export class PersistenceModule {}
