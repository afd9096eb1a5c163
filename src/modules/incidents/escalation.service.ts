import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { every } from '../../core/jobs/recurrence.js';
import type { JobRun } from '../../core/jobs/job.js';
import { parseStepKey } from '../../core/incidents/escalation-plan.js';
import { ackTimedOut, sweepStale } from '../../core/incidents/responder-actions.js';
import { Clock } from '../../core/ports/clock.js';
import { IncidentRepository } from '../../persistence/incident.repository.js';
import type { JobOutcome } from '../jobs/job-definition.js';
import { JobWorker } from '../jobs/job-worker.js';
import { ACK_TIMEOUT_JOB, ESCALATION_STEP_JOB, STALE_SWEEP_JOB } from './incident-jobs.js';
import { IncidentWriter } from './incident-writer.js';
import { OnCallSpecService } from './oncall-spec.service.js';

/**
 * The timed side of incidents, all durable jobs: escalation steps, acknowledgement timeouts and
 * the stale sweep. A step's pages are written in the job's fenced commit, under the incident's
 * lock, and only while the incident is still triggered in the step's generation: a replica that
 * lost its claim, or a step overtaken by an acknowledgement, pages nobody.
 */
@Injectable()
export class EscalationService implements OnModuleInit {
  private readonly log = new Logger('Escalation');

  constructor(
    private readonly repo: IncidentRepository,
    private readonly writer: IncidentWriter,
    private readonly worker: JobWorker,
    private readonly clock: Clock,
    private readonly oncall: OnCallSpecService,
  ) {}

  onModuleInit(): void {
    this.worker.define({ name: ESCALATION_STEP_JOB, maxAttempts: 5, run: (run) => this.step(run) });
    this.worker.define({ name: ACK_TIMEOUT_JOB, maxAttempts: 5, run: (run) => this.ackTimeout(run) });
    this.worker.define({ name: STALE_SWEEP_JOB, recurrence: every(60), run: () => this.sweep() });
  }

  private async step(run: JobRun): Promise<JobOutcome> {
    const key = parseStepKey(run.key);
    if (!key) return { status: 'failed', error: `malformed step key ${run.key}` };
    return {
      status: 'succeeded',
      commit: async (tx) => {
        const incident = await this.repo.lock(tx, key.incidentId);
        if (!incident || incident.status !== 'triggered' || incident.escalationGeneration !== key.generation) return;
        const now = this.clock.now();
        await this.writer.runStep(tx, incident, { generation: key.generation, cycle: key.cycle, levelIndex: key.levelIndex, dueAt: now }, now);
      },
      afterCommit: () => this.worker.kick(),
    };
  }

  private async ackTimeout(run: JobRun): Promise<JobOutcome> {
    const [incidentId] = run.key.split(':');
    const acknowledgedAt = new Date(String(run.payload.acknowledgedAt));
    return {
      status: 'succeeded',
      commit: async (tx) => {
        const incident = await this.repo.lock(tx, incidentId!);
        if (!incident) return;
        const outcome = ackTimedOut(incident, acknowledgedAt, this.clock.now());
        if (outcome.ok) await this.writer.write(tx, outcome);
      },
      afterCommit: () => this.worker.kick(),
    };
  }

  /** Alerts Alertmanager stopped re-sending; each incident in its own transaction, so one bad row cannot hold the rest. */
  private async sweep(): Promise<JobOutcome> {
    const staleAfter = this.oncall.current().incidents.staleAfterSeconds;
    const ids = await this.repo.withAlertsQuietSince(['firing', 'suppressed'], new Date(this.clock.now().getTime() - staleAfter * 1000), 500);
    let resolved = 0;
    for (const id of ids) {
      await this.repo.transaction(async (tx) => {
        const incident = await this.repo.lock(tx, id);
        if (!incident) return;
        const outcome = sweepStale(incident, await this.repo.alerts(tx, id), this.clock.now(), staleAfter);
        if (!outcome.ok) return;
        await this.writer.write(tx, outcome);
        if (outcome.incident.status === 'resolved') resolved += 1;
      });
    }
    if (ids.length > 0) {
      this.worker.kick();
      this.log.log(`stale sweep: ${ids.length} incident(s) with stale alerts, ${resolved} resolved`);
    }
    return { status: 'succeeded', result: { incidents: ids.length, resolved } };
  }
}
