import { Injectable, type OnModuleInit } from '@nestjs/common';
import { applySuppressions } from '../../core/incidents/responder-actions.js';
import { every } from '../../core/jobs/recurrence.js';
import { AlertmanagerApi } from '../../core/ports/alertmanager-api.js';
import { Clock } from '../../core/ports/clock.js';
import { IncidentRepository } from '../../persistence/incident.repository.js';
import type { JobOutcome } from '../jobs/job-definition.js';
import { JobWorker } from '../jobs/job-worker.js';
import { SUPPRESSION_CHECK_JOB } from './incident-jobs.js';
import { IncidentWriter } from './incident-writer.js';
import { OnCallSpecService } from './oncall-spec.service.js';

/**
 * Alertmanager drops silenced and inhibited alerts from its notifications; this recurring job
 * (once a minute, once across replicas) asks its API why a firing alert went quiet.
 */
@Injectable()
export class AlertmanagerSuppressionsService implements OnModuleInit {
  constructor(
    private readonly repo: IncidentRepository,
    private readonly writer: IncidentWriter,
    private readonly worker: JobWorker,
    private readonly clock: Clock,
    private readonly oncall: OnCallSpecService,
    private readonly alertmanager: AlertmanagerApi,
  ) {}

  onModuleInit(): void {
    this.worker.define({ name: SUPPRESSION_CHECK_JOB, recurrence: every(60), run: () => this.checkSuppressions() });
  }

  /**
   * Firing alerts Alertmanager has not re-sent for a while are looked up in its API: one it holds
   * back (silenced, inhibited) is shown as suppressed with the silence's author, comment and end,
   * or the inhibiting alert. Without `incidents.alertmanagers` in the spec there is nobody to ask.
   */
  private async checkSuppressions(): Promise<JobOutcome> {
    const settings = this.oncall.current().incidents;
    if (settings.alertmanagers.length === 0) return { status: 'succeeded', result: { skipped: 'no incidents.alertmanagers in the OnCall spec' } };
    const now = this.clock.now();
    const ids = await this.repo.withAlertsQuietSince(['firing'], new Date(now.getTime() - settings.silenceCheckAfterSeconds * 1000), 500);
    if (ids.length === 0) return { status: 'succeeded', result: { incidents: 0 } };
    const reasons = await this.suppressionReasons(settings.alertmanagers);
    let suppressed = 0;
    for (const id of ids) {
      await this.repo.transaction(async (tx) => {
        const incident = await this.repo.lock(tx, id);
        if (!incident) return;
        const outcome = applySuppressions(incident, await this.repo.alerts(tx, id), reasons, this.clock.now());
        if (!outcome.ok) return;
        await this.writer.write(tx, outcome);
        suppressed += outcome.alerts.length;
      });
    }
    if (suppressed > 0) this.worker.kick();
    return { status: 'succeeded', result: { incidents: ids.length, suppressed } };
  }

  /** Fingerprint → why Alertmanager holds it back, from the first Alertmanager that answers (replicas share silences). */
  private async suppressionReasons(urls: readonly string[]): Promise<Map<string, string>> {
    let lastError: unknown;
    for (const url of urls) {
      try {
        const alerts = await this.alertmanager.alerts(url, 10_000);
        const silences = new Map<string, string>();
        const reasons = new Map<string, string>();
        for (const a of alerts) {
          if (a.state !== 'suppressed') continue;
          const silenceId = a.silencedBy[0];
          if (silenceId) {
            if (!silences.has(silenceId)) {
              const s = await this.alertmanager.silence(url, silenceId, 10_000);
              silences.set(silenceId, s ? `silenced by ${s.createdBy} until ${s.endsAt.toISOString()}: "${s.comment}" (silence ${s.id})` : `silenced (silence ${silenceId})`);
            }
            reasons.set(a.fingerprint, silences.get(silenceId)!);
          } else if (a.inhibitedBy.length > 0) {
            reasons.set(a.fingerprint, `inhibited by alert ${a.inhibitedBy.join(', ')}`);
          }
        }
        return reasons;
      } catch (err) {
        lastError = err;
      }
    }
    throw new Error(`no Alertmanager answered (${urls.join(', ')}): ${lastError instanceof Error ? lastError.message : String(lastError)}`);
  }
}
