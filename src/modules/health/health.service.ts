import { Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import { DatabaseProbe, DatabaseTimeoutError } from '../../persistence/database-probe.js';

const DB_TIMEOUT_MS = 2000;

@Injectable()
export class HealthService {
  private readonly log = new Logger('Health');
  constructor(private readonly db: DatabaseProbe) {}

  /** Liveness: answering at all is the signal; no dependency is checked, so a DB outage never restarts us. */
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: take traffic only while the database answers. */
  async ready(): Promise<{ status: 'ok'; database: 'up' }> {
    try {
      await this.db.ping(DB_TIMEOUT_MS);
    } catch (err) {
      // The driver's text names the host and port; it goes to the log, not to whoever probes us.
      this.log.warn(`readiness: database check failed: ${err instanceof Error ? err.message : String(err)}`);
      throw new ServiceUnavailableException({
        status: 'unavailable',
        database: 'down',
        error: err instanceof DatabaseTimeoutError ? `the database did not answer within ${DB_TIMEOUT_MS} ms` : 'the database is not reachable',
      });
    }
    return { status: 'ok', database: 'up' };
  }
}
