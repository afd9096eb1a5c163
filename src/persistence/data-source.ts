import { Logger as NestLogger } from '@nestjs/common';
import { DataSource, type Logger as TypeOrmLogger } from 'typeorm';
import { GenerationRunEntity } from './entities/generation-run.entity.js';
import { GenerationRuns1763884800000 } from './migrations/1763884800000-generation-runs.js';
import { WebhookAttemptEntity } from './entities/webhook-attempt.entity.js';
import { WebhookDeliveryEntity } from './entities/webhook-delivery.entity.js';
import { WebhookEndpointEntity } from './entities/webhook-endpoint.entity.js';
import { Webhooks1764000000000 } from './migrations/1764000000000-webhooks.js';
import { Budgets1764100000000 } from './migrations/1764100000000-budgets.js';
import { Jobs1764200000000 } from './migrations/1764200000000-jobs.js';
import { ApiTokenEntity } from './entities/api-token.entity.js';
import { AuditLogEntity } from './entities/audit-log.entity.js';
import { Auth1764300000000 } from './migrations/1764300000000-auth.js';
import { Incidents1764400000000 } from './migrations/1764400000000-incidents.js';
import { DrillRuns1764500000000 } from './migrations/1764500000000-drill-runs.js';
import { BackupHealth1764600000000 } from './migrations/1764600000000-backup-health.js';
import { WebSessions1764700000000 } from './migrations/1764700000000-web-sessions.js';
import { IncidentNotify1764800000000 } from './migrations/1764800000000-incident-notify.js';

/** Listed explicitly, not globbed: globs break between ts-jest (src/*.ts) and node (dist/*.js). */
export const ENTITIES = [GenerationRunEntity, WebhookEndpointEntity, WebhookDeliveryEntity, WebhookAttemptEntity, ApiTokenEntity, AuditLogEntity];
export const MIGRATIONS = [GenerationRuns1763884800000, Webhooks1764000000000, Budgets1764100000000, Jobs1764200000000, Auth1764300000000, Incidents1764400000000, DrillRuns1764500000000, BackupHealth1764600000000, WebSessions1764700000000, IncidentNotify1764800000000];

export interface DataSourceOptions {
  /** Client-side limit per query: a hung server fails requests (503) instead of hanging them. Unset: none (migrations). */
  readonly queryTimeoutMs?: number;
  /** Connections in the pool. */
  readonly poolSize?: number;
  /** Shown in pg_stat_activity: which replica a connection belongs to. */
  readonly applicationName?: string;
  /** Where TypeORM's messages go; the CLI keeps them off stdout. Default: the app's JSON log. */
  readonly logger?: TypeOrmLogger;
}

/**
 * Brings the schema up to date, once, however many replicas start at the same moment: the first
 * takes a PostgreSQL advisory lock and migrates, the others wait for it and then find nothing to
 * do. Migrations run without the query time limit: one may rightly take longer than a request.
 */
export async function migrate(url: string, opts: Pick<DataSourceOptions, 'logger'> = {}): Promise<void> {
  const ds = await createDataSource(url, { poolSize: 2, ...(opts.logger ? { logger: opts.logger } : {}) }).initialize();
  const lock = ds.createQueryRunner();
  try {
    await lock.connect();
    await lock.query(`SELECT pg_advisory_lock(hashtext('vigil:migrations'))`);
    try {
      await ds.runMigrations({ transaction: 'each' });
    } finally {
      await lock.query(`SELECT pg_advisory_unlock(hashtext('vigil:migrations'))`);
    }
  } finally {
    await lock.release();
    await ds.destroy();
  }
}

/** Migrates, then opens the pool the app uses. */
export async function openDatabase(url: string, opts: DataSourceOptions = {}): Promise<DataSource> {
  await migrate(url, opts);
  return createDataSource(url, opts).initialize();
}

/**
 * The schema only ever changes through migrations (see migrate); `synchronize` would let an
 * entity edit alter production tables.
 */
export function createDataSource(url: string, opts: DataSourceOptions = {}): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: false,
    migrationsTransactionMode: 'each',
    synchronize: false,
    logger: opts.logger ?? new TypeOrmToNestLogger(),
    logging: ['error', 'warn', 'migration'],
    // A dead database must fail a readiness probe quickly rather than hang it (also bounds waiting for a pooled connection).
    connectTimeoutMS: 3000,
    extra: { max: opts.poolSize ?? 10, application_name: opts.applicationName ?? 'vigil', ...(opts.queryTimeoutMs ? { query_timeout: opts.queryTimeoutMs } : {}) },
  });
}

/** TypeORM's own console logger would break the one-JSON-object-per-line log stream. */
class TypeOrmToNestLogger implements TypeOrmLogger {
  private readonly out = new NestLogger('TypeORM');
  logQuery(): void {}
  logQuerySlow(time: number, query: string): void {
    this.out.warn(`slow query (${time} ms): ${query}`);
  }
  logQueryError(error: string | Error, query: string): void {
    this.out.error(`query failed: ${error instanceof Error ? error.message : error}; query: ${query}`);
  }
  logSchemaBuild(message: string): void {
    this.out.debug(message);
  }
  logMigration(message: string): void {
    this.out.log(message);
  }
  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.out.warn(String(message));
    else this.out.log(String(message));
  }
}
