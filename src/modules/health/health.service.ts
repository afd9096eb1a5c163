import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import { DatabaseProbe } from '../../persistence/database-probe.js';

const DB_TIMEOUT_MS = 2000;

@Injectable()
export class HealthService {
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
      throw new ServiceUnavailableException({
        status: 'unavailable',
        database: 'down',
        error: err instanceof Error ? err.message : String(err),
      });
    }
    return { status: 'ok', database: 'up' };
  }
}
