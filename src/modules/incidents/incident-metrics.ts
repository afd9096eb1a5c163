import { Injectable, Logger } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { Clock } from '../../core/ports/clock.js';
import { IncidentRepository } from '../../persistence/incident.repository.js';
import { MetricsService } from '../metrics/metrics.service.js';

const SINKS = ['pagerduty', 'slack', 'email', 'webhook'] as const;

/** Incident routing on /metrics: what came in, what was paged and how it went, and how far behind each sink's outbox is. */
@Injectable()
export class IncidentMetrics {
  private readonly log = new Logger('Incidents');
  private readonly received: Counter<'result'>;
  private readonly ingestSeconds: Histogram;
  private readonly notifications: Counter<'sink' | 'result'>;
  private readonly escalations: Counter<'service' | 'level'>;
  private readonly ackSeconds: Histogram<'service'>;
  private readonly outboxAge: Gauge<'sink'>;
  private readonly outboxPending: Gauge<'sink'>;
  private readonly open: Gauge<'status' | 'service' | 'severity'>;

  constructor(
    metrics: MetricsService,
    private readonly repo: IncidentRepository,
    private readonly clock: Clock,
  ) {
    const registers = [metrics.registry];
    this.received = new Counter({ name: 'vigil_alert_notifications_total', help: 'Alertmanager notifications received, by result (stored, invalid, overloaded, failed)', labelNames: ['result'], registers });
    this.ingestSeconds = new Histogram({ name: 'vigil_alert_ingest_duration_seconds', help: 'Time from receiving an Alertmanager notification to its commit', buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers });
    this.notifications = new Counter({ name: 'vigil_notifications_total', help: 'Page attempts to the sinks, by sink and result (delivered, retry, failed)', labelNames: ['sink', 'result'], registers });
    this.escalations = new Counter({ name: 'vigil_escalations_total', help: 'Escalation levels paged, by service and level', labelNames: ['service', 'level'], registers });
    this.ackSeconds = new Histogram({
      name: 'vigil_incident_ack_duration_seconds',
      help: 'Time from an incident triggering to its acknowledgement, by service',
      labelNames: ['service'],
      buckets: [30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400],
      registers,
    });
    const self = this;
    this.outboxAge = new Gauge({
      name: 'vigil_notification_outbox_age_seconds',
      help: 'Age of the oldest undelivered page per sink (0: none waiting); shared table, so every replica reports the same',
      labelNames: ['sink'],
      registers,
      async collect() {
        await self.collectOutbox();
      },
    });
    this.outboxPending = new Gauge({
      name: 'vigil_notification_outbox_pending',
      help: 'Undelivered pages per sink',
      labelNames: ['sink'],
      registers,
      async collect() {
        await self.collectOutbox();
      },
    });
    this.open = new Gauge({
      name: 'vigil_incidents_open',
      help: 'Incidents not resolved, by status, service and severity (empty when the alerts carry none)',
      labelNames: ['status', 'service', 'severity'],
      registers,
      async collect() {
        await self.collectOpen();
      },
    });
  }

  notification(result: 'stored' | 'invalid' | 'overloaded' | 'failed', seconds?: number): void {
    this.received.inc({ result });
    if (seconds !== undefined) this.ingestSeconds.observe(seconds);
  }

  sent(sink: string, result: 'delivered' | 'retry' | 'failed'): void {
    this.notifications.inc({ sink, result });
  }

  escalated(service: string | null, level: number): void {
    this.escalations.inc({ service: service ?? '', level: String(level) });
  }

  acknowledged(service: string | null, seconds: number): void {
    this.ackSeconds.observe({ service: service ?? '' }, Math.max(0, seconds));
  }

  private outboxRead?: { at: number; rows: Promise<Awaited<ReturnType<IncidentRepository['outbox']>>> };

  /** Both outbox gauges come from one query per scrape: prom-client collects the gauges concurrently. */
  private readOutbox() {
    const now = Date.now();
    if (!this.outboxRead || now - this.outboxRead.at > 1000) this.outboxRead = { at: now, rows: this.repo.outbox(this.clock.now()) };
    return this.outboxRead.rows;
  }

  private async collectOutbox(): Promise<void> {
    try {
      const rows = new Map((await this.readOutbox()).map((r) => [r.sink, r]));
      for (const sink of SINKS) {
        this.outboxAge.set({ sink }, rows.get(sink)?.oldestSeconds ?? 0);
        this.outboxPending.set({ sink }, rows.get(sink)?.pending ?? 0);
      }
    } catch (err) {
      this.log.debug(`outbox not read: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private async collectOpen(): Promise<void> {
    try {
      const rows = await this.repo.openCounts();
      // Label sets come and go with incidents: start from none, keep the three statuses at 0 overall.
      this.open.reset();
      for (const status of ['triggered', 'acknowledged', 'suppressed']) if (!rows.some((r) => r.status === status)) this.open.set({ status, service: '', severity: '' }, 0);
      for (const r of rows) this.open.set({ status: r.status, service: r.service ?? '', severity: r.severity ?? '' }, r.n);
    } catch (err) {
      this.log.debug(`open incidents not read: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
