import { Logger as NestLogger } from '@nestjs/common';
import { DataSource, type Logger as TypeOrmLogger } from 'typeorm';
import { GenerationRunEntity } from './entities/generation-run.entity.js';
import { GenerationRuns1763884800000 } from './migrations/1763884800000-generation-runs.js';
import { WebhookAttemptEntity } from './entities/webhook-attempt.entity.js';
import { WebhookDeliveryEntity } from './entities/webhook-delivery.entity.js';
import { WebhookEndpointEntity } from './entities/webhook-endpoint.entity.js';
import { Webhooks1764000000000 } from './migrations/1764000000000-webhooks.js';
import { BudgetSnapshotEntity } from './entities/budget-snapshot.entity.js';
import { SloDayEntity } from './entities/slo-day.entity.js';
import { Budgets1764100000000 } from './migrations/1764100000000-budgets.js';
import { ApiTokenEntity } from './entities/api-token.entity.js';
import { AuditLogEntity } from './entities/audit-log.entity.js';
import { Auth1764300000000 } from './migrations/1764300000000-auth.js';

/** Listed explicitly, not globbed: globs break between ts-jest (src/*.ts) and node (dist/*.js). */
export const ENTITIES = [GenerationRunEntity, WebhookEndpointEntity, WebhookDeliveryEntity, WebhookAttemptEntity, BudgetSnapshotEntity, SloDayEntity, ApiTokenEntity, AuditLogEntity];
export const MIGRATIONS = [GenerationRuns1763884800000, Webhooks1764000000000, Budgets1764100000000, Auth1764300000000];

/**
 * The schema only ever changes through migrations, which run before anything else touches
 * the database; `synchronize` would let an entity edit alter production tables.
 */
export function createDataSource(url: string, logger: TypeOrmLogger = new TypeOrmToNestLogger()): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: true,
    migrationsTransactionMode: 'each',
    synchronize: false,
    logger,
    logging: ['error', 'warn', 'migration'],
    // A dead database must fail a readiness probe quickly rather than hang it.
    connectTimeoutMS: 3000,
    extra: { max: 5 },
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
