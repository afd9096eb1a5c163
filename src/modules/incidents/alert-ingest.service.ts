import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import { VIGIL_CONFIG, type VigilConfig } from '../../config/config.js';
import { labelsFingerprint, type Notification, type ReceivedAlert } from '../../core/incidents/alertmanager-payload.js';
import type { TestAlert } from './incidents.dto.js';
import { commonLabels, decideNotification } from '../../core/incidents/notification-decision.js';
import { maintenanceFor, routeFor, urgencyFor } from '../../core/oncall/route-decision.js';
import { snapshotPolicy } from '../../core/oncall/policy-snapshot.js';
import { Clock } from '../../core/ports/clock.js';
import { IncidentRepository } from '../../persistence/incident.repository.js';
import { JobWorker } from '../jobs/job-worker.js';
import { IncidentMetrics } from './incident-metrics.js';
import { IncidentWriter } from './incident-writer.js';
import { OnCallSpecService } from './oncall-spec.service.js';

export interface IngestResult {
  /** One per route the notification's alerts took. */
  readonly incidents: readonly { readonly id: string; readonly route: string; readonly status: string; readonly created: boolean }[];
}

/**
 * Alertmanager notifications in. Each route's share of a notification is decided and stored in one
 * transaction under the lock of its (route, groupKey), before the 2xx: Alertmanager retries what
 * it did not get a 2xx for, and a retry of a stored notification changes nothing but the timeline.
 */
@Injectable()
export class AlertIngestService {
  private readonly log = new Logger('Alerts');
  private inFlight = 0;

  constructor(
    private readonly repo: IncidentRepository,
    private readonly writer: IncidentWriter,
    private readonly oncall: OnCallSpecService,
    private readonly worker: JobWorker,
    private readonly clock: Clock,
    private readonly metrics: IncidentMetrics,
    @Inject(VIGIL_CONFIG) private readonly config: VigilConfig,
  ) {}

  async ingest(n: Notification): Promise<IngestResult> {
    // Past this many, a request would only wait for a pool connection: 503 makes Alertmanager retry later instead.
    if (this.inFlight >= this.config.ingestMaxInFlight) {
      this.metrics.notification('overloaded');
      throw new ServiceUnavailableException({ statusCode: 503, error: 'Service Unavailable', message: `more than ${this.config.ingestMaxInFlight} notifications in flight; retry`, retryAfterSeconds: 1 });
    }
    this.inFlight += 1;
    const started = performance.now();
    try {
      const result = await this.store(n);
      this.metrics.notification('stored', (performance.now() - started) / 1000);
      return result;
    } catch (err) {
      this.metrics.notification('failed');
      throw err;
    } finally {
      this.inFlight -= 1;
    }
  }

  /** A synthetic alert through the whole path: routing, incident, escalation, pages (seed OBS-070). Its own group, so it never joins a real incident. */
  fireTest(body: TestAlert, actor: string): Promise<IngestResult> {
    const now = this.clock.now();
    const labels = { ...(body.labels ?? {}), alertname: 'VigilTestAlert', service: body.service, severity: body.severity, vigil_test: 'true' };
    const summary = body.summary ?? `Test alert fired by ${actor} to check delivery end to end`;
    const alert = { fingerprint: labelsFingerprint(labels), status: 'firing' as const, labels, annotations: { summary }, startsAt: now, endsAt: null, generatorUrl: '' };
    return this.ingest({
      groupKey: `vigil-test:${randomUUID()}`,
      receiver: 'vigil-test',
      status: 'firing',
      groupLabels: { alertname: 'VigilTestAlert' },
      commonLabels: labels,
      commonAnnotations: { summary },
      externalUrl: '',
      truncatedAlerts: 0,
      alerts: [alert],
    });
  }

  private async store(n: Notification): Promise<IngestResult> {
    const spec = this.oncall.current();
    const byRoute = new Map<string, { policy: string; alerts: ReceivedAlert[] }>();
    for (const a of n.alerts) {
      const r = routeFor(spec, a.labels);
      const entry = byRoute.get(r.route) ?? { policy: r.policy, alerts: [] };
      entry.alerts.push(a);
      byRoute.set(r.route, entry);
    }
    const incidents: IngestResult['incidents'][number][] = [];
    // Jobs were scheduled (pages, steps): the worker is woken for them. A plain repeat wakes nobody.
    let scheduled = false;
    for (const [route, { policy, alerts }] of byRoute) {
      incidents.push(
        await this.repo.withKeyLock(route, n.groupKey, async ({ m, latest }) => {
          const now = this.clock.now();
          const decision = decideNotification({
            now,
            route,
            notification: n,
            alerts,
            latest,
            flapWindowSeconds: spec.incidents.flapWindowSeconds,
            windowFor: (labels) => maintenanceFor(spec, labels, now),
            snapshot: () => snapshotPolicy(spec, route, policy, urgencyFor(spec, commonLabels(alerts)), now),
          });
          scheduled ||= decision.startEscalation || decision.stopEscalation || decision.notify !== null;
          let id = decision.incident.id;
          if (decision.write === 'create' || id === null) {
            id = await this.repo.insert(m, decision.incident, now);
            await this.repo.upsertAlerts(m, id, decision.alerts);
            await this.repo.appendTimeline(m, id, decision.timeline);
            await this.writer.effects(m, { ...decision, incident: { ...decision.incident, id } }, now, true);
          } else {
            // A repeat changes nothing but alerts and timeline: the incident row is left alone, the writes go with COMMIT.
            await this.writer.write(m, { ...decision, incident: { ...decision.incident, id } }, decision.incident !== latest?.incident);
          }
          return { id, route, status: decision.incident.status, created: decision.write === 'create' };
        }),
      );
    }
    if (scheduled) this.worker.kick();
    if (incidents.some((i) => i.created)) this.log.log(`incident(s) ${incidents.filter((i) => i.created).map((i) => `${i.id} (${i.route})`).join(', ')} opened for ${n.groupKey}`);
    return { incidents };
  }
}
