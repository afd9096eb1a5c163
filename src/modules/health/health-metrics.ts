import { Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { DatabaseProbe } from '../../persistence/database-probe.js';
import { MetricsService } from '../metrics/metrics.service.js';

/** Short: a scrape waits for it, and Prometheus' default scrape timeout is 10 s. */
const PING_TIMEOUT_MS = 1000;

/**
 * `vigil_database_up`: whether this replica reaches its database, checked at every scrape. While
 * it is 0 Vigil accepts no alert and pages nobody, so its alert goes around Vigil
 * (rules/vigil-self.rules.yaml, VigilDatabaseUnreachable).
 */
@Injectable()
export class HealthMetrics {
  constructor(metrics: MetricsService, db: DatabaseProbe) {
    new Gauge({
      name: 'vigil_database_up',
      help: `1 when this replica's database answered a ping within ${PING_TIMEOUT_MS} ms at this scrape, else 0`,
      registers: [metrics.registry],
      async collect() {
        this.set(
          await db.ping(PING_TIMEOUT_MS).then(
            () => 1,
            () => 0,
          ),
        );
      },
    });
  }
}
