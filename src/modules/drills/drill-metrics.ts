import { Injectable, Logger } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { DrillRunRepository } from '../../persistence/drill-run.repository.js';
import { MetricsService } from '../metrics/metrics.service.js';

const VERDICTS = ['PASS', 'FAIL', 'ABORTED', 'INCONCLUSIVE'] as const;

/**
 * Each drill's last result on /metrics, read from the database at scrape time (every replica
 * reports the same): what the generated "drill failing" and "drill overdue" alerts watch.
 */
@Injectable()
export class DrillMetrics {
  private readonly log = new Logger('Drills');

  constructor(metrics: MetricsService, repo: DrillRunRepository) {
    const registers = [metrics.registry];
    let latest: Awaited<ReturnType<DrillRunRepository['latestByDrill']>> = [];
    const log = this.log;
    // One query per scrape, made by whichever gauge is collected first.
    let reading: Promise<void> | null = null;
    const read = () =>
      (reading ??= repo
        .latestByDrill()
        .then((r) => void (latest = r))
        .catch((err: unknown) => log.warn(`drill metrics not read: ${(err as Error).message}`))
        .finally(() => setImmediate(() => (reading = null))));
    type Latest = typeof latest;
    const gauge = (name: string, help: string, labelNames: string[], fill: (g: Gauge, rows: Latest) => void) =>
      new Gauge({
        name,
        help,
        labelNames,
        registers,
        async collect() {
          await read();
          this.reset();
          fill(this, latest);
        },
      });
    gauge('vigil_drill_last_rto_seconds', 'RTO measured by the latest finished run of each drill (absent when it measured none)', ['drill'], (g, rows) => {
      for (const d of rows) if (d.last.rtoMs !== null) g.set({ drill: d.drill }, d.last.rtoMs / 1000);
    });
    gauge('vigil_drill_last_rpo_seconds', 'RPO measured by the latest finished run of each drill (absent when it measured none)', ['drill'], (g, rows) => {
      for (const d of rows) if (d.last.rpoMs !== null) g.set({ drill: d.drill }, d.last.rpoMs / 1000);
    });
    gauge('vigil_drill_last_success_timestamp_seconds', 'When each drill last finished with PASS (absent: never)', ['drill'], (g, rows) => {
      for (const d of rows) if (d.lastPassAt) g.set({ drill: d.drill }, d.lastPassAt.getTime() / 1000);
    });
    gauge('vigil_drill_last_verdict', "1 for the verdict of each drill's latest finished run, 0 for the others", ['drill', 'verdict'], (g, rows) => {
      for (const d of rows) for (const v of VERDICTS) g.set({ drill: d.drill, verdict: v }, d.last.verdict === v ? 1 : 0);
    });
  }
}
