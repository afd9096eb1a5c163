import { Injectable, Logger } from '@nestjs/common';
import { Counter, Gauge, type Registry } from 'prom-client';
import { BackupHealthRepository, type BackupHealthRow } from '../../persistence/backup-health.repository.js';
import { DrillRunRepository } from '../../persistence/drill-run.repository.js';
import { MetricsService } from '../metrics/metrics.service.js';

const VERDICTS = ['PASS', 'FAIL', 'ABORTED', 'INCONCLUSIVE'] as const;
type Metric = Gauge | Counter;

/**
 * Metrics filled from one database read per scrape (made by whichever of them is collected
 * first), so every replica reports the same.
 */
function scrapedFrom<T>(registers: Registry[], log: Logger, what: string, read: () => Promise<T[]>) {
  let rows: T[] = [];
  let reading: Promise<void> | null = null;
  const refresh = () =>
    (reading ??= read()
      .then((r) => void (rows = r))
      .catch((err: unknown) => log.warn(`${what} metrics not read: ${(err as Error).message}`))
      .finally(() => setImmediate(() => (reading = null))));
  return (kind: 'gauge' | 'counter', name: string, help: string, labelNames: string[], fill: (m: Metric, rows: T[]) => void): void => {
    const options = {
      name,
      help,
      labelNames,
      registers,
      async collect(this: Metric) {
        await refresh();
        this.reset();
        fill(this, rows);
      },
    };
    if (kind === 'gauge') new Gauge(options);
    else new Counter(options);
  };
}

const set = (m: Metric, labels: Record<string, string>, v: number) => (m instanceof Gauge ? m.set(labels, v) : m.inc(labels, v));
const seconds = (d: Date) => d.getTime() / 1000;

/**
 * Each drill's last result, and its backup source's health, on /metrics: what the generated
 * drill and backup alerts (rules/vigil-drills.rules.yaml) watch.
 */
@Injectable()
export class DrillMetrics {
  private readonly log = new Logger('Drills');

  constructor(metrics: MetricsService, runs: DrillRunRepository, backups: BackupHealthRepository) {
    const registers = [metrics.registry];
    const drill = scrapedFrom(registers, this.log, 'drill', () => runs.latestByDrill());
    drill('gauge', 'vigil_drill_last_rto_seconds', 'RTO measured by the latest finished run of each drill (absent when it measured none)', ['drill'], (m, rows) => {
      for (const d of rows) if (d.last.rtoMs !== null) set(m, { drill: d.drill }, d.last.rtoMs / 1000);
    });
    drill('gauge', 'vigil_drill_last_rpo_seconds', 'RPO measured by the latest finished run of each drill (absent when it measured none)', ['drill'], (m, rows) => {
      for (const d of rows) if (d.last.rpoMs !== null) set(m, { drill: d.drill }, d.last.rpoMs / 1000);
    });
    drill('gauge', 'vigil_drill_last_success_timestamp_seconds', 'When each drill last finished with PASS (absent: never)', ['drill'], (m, rows) => {
      for (const d of rows) if (d.lastPassAt) set(m, { drill: d.drill }, seconds(d.lastPassAt));
    });
    drill('gauge', 'vigil_drill_last_verdict', "1 for the verdict of each drill's latest finished run, 0 for the others", ['drill', 'verdict'], (m, rows) => {
      for (const d of rows) for (const v of VERDICTS) set(m, { drill: d.drill, verdict: v }, d.last.verdict === v ? 1 : 0);
    });

    const backup = scrapedFrom<BackupHealthRow>(registers, this.log, 'backup', () => backups.all());
    backup('gauge', 'vigil_backup_last_success_timestamp_seconds', "When the newest complete backup of each drill's source finished", ['drill'], (m, rows) => {
      for (const b of rows) if (b.backupFinishedAt && b.backupComplete) set(m, { drill: b.drill }, seconds(b.backupFinishedAt));
    });
    backup('gauge', 'vigil_backup_last_size_bytes', "Size of the newest backup of each drill's source", ['drill'], (m, rows) => {
      for (const b of rows) if (b.backupBytes !== null) set(m, { drill: b.drill }, b.backupBytes);
    });
    backup('gauge', 'vigil_backup_size_median_bytes', 'Median size of up to 10 backups before the newest (the size-anomaly baseline)', ['drill'], (m, rows) => {
      for (const b of rows) if (b.medianEarlierBytes !== null) set(m, { drill: b.drill }, b.medianEarlierBytes);
    });
    backup('gauge', 'vigil_backup_last_failed', '1 when the newest backup did not complete (no backup_manifest), else 0', ['drill'], (m, rows) => {
      for (const b of rows) if (b.backupComplete !== null) set(m, { drill: b.drill }, b.backupComplete ? 0 : 1);
    });
    backup('gauge', 'vigil_wal_archive_last_timestamp_seconds', "pg_stat_archiver.last_archived_time of each drill's primary: now minus this is the RPO exposure", ['drill'], (m, rows) => {
      for (const b of rows) if (b.walLastArchivedAt) set(m, { drill: b.drill }, seconds(b.walLastArchivedAt));
    });
    backup('counter', 'vigil_wal_archive_failed_total', "pg_stat_archiver.failed_count of each drill's primary (resets with its statistics)", ['drill'], (m, rows) => {
      for (const b of rows) if (b.walFailedCount !== null) set(m, { drill: b.drill }, b.walFailedCount);
    });
    backup('gauge', 'vigil_backup_observed_timestamp_seconds', 'When the backup health of each drill was last read (the backup-health job, every 5 minutes)', ['drill'], (m, rows) => {
      for (const b of rows) set(m, { drill: b.drill }, seconds(b.observedAt));
    });
  }
}
