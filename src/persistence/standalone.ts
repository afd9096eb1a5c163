import type { Logger as TypeOrmLogger } from 'typeorm';
import { redactUrl } from '../config/config.js';
import { ApiTokenRepository } from './api-token.repository.js';
import { AuditLogRepository } from './audit-log.repository.js';
import { openDatabase } from './data-source.js';
import { DrillRunRepository } from './drill-run.repository.js';

/** The repositories the CLI uses, on a connection of its own (no Nest application). */
export interface CliRepositories {
  readonly tokens: ApiTokenRepository;
  readonly audit: AuditLogRepository;
  readonly drillRuns: DrillRunRepository;
  readonly close: () => Promise<void>;
}

/**
 * Connects and runs pending migrations, as the service does at start, so a CLI command works on a
 * database the service has never seen. `warn` gets TypeORM's warnings; its routine messages are
 * dropped, since a command's stdout is for its output (a token, a table), and failed queries
 * reach the command as errors, which it reports in its own words.
 */
export async function openCliRepositories(url: string, warn: (message: string) => void): Promise<CliRepositories> {
  let ds;
  try {
    ds = await openDatabase(url, { logger: quietLogger(warn), poolSize: 2 });
  } catch (err) {
    throw new Error(`database ${redactUrl(url)}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  return { tokens: new ApiTokenRepository(ds), audit: new AuditLogRepository(ds), drillRuns: new DrillRunRepository(ds), close: () => ds.destroy() };
}

function quietLogger(warn: (message: string) => void): TypeOrmLogger {
  return {
    logQuery: () => {},
    logQuerySlow: () => {},
    logQueryError: () => {},
    logSchemaBuild: () => {},
    logMigration: () => {},
    log: (level, message) => {
      if (level === 'warn') warn(String(message));
    },
  };
}
