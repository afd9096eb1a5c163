import { Injectable } from '@nestjs/common';
import { firstStep, nextStep, stepKey, type EscalationStep } from '../../core/incidents/escalation-plan.js';
import { describeTarget, followUps, levelPages, type PageDraft } from '../../core/incidents/fan-out.js';
import type { AlertRecord, IncidentRecord, TimelineEntry } from '../../core/incidents/incident.js';
import type { Via } from '../../core/incidents/responder-actions.js';
import { Clock } from '../../core/ports/clock.js';
import { IncidentRepository } from '../../persistence/incident.repository.js';
import type { TransactionManager } from '../../persistence/job.repository.js';
import { JobWorker } from '../jobs/job-worker.js';
import { ACK_TIMEOUT_JOB, ESCALATION_STEP_JOB, PAGE_DELIVERY_JOB } from './incident-jobs.js';
import { IncidentMetrics } from './incident-metrics.js';

/** A decision about one incident, as every path (ingest, people, time) hands it over to be stored. */
export interface IncidentChange {
  readonly incident: IncidentRecord;
  readonly alerts: readonly AlertRecord[];
  readonly timeline: readonly TimelineEntry[];
  readonly startEscalation: boolean;
  readonly stopEscalation: boolean;
  readonly notify: 'acknowledge' | 'resolve' | 'update' | 'trigger' | null;
  readonly via?: Via;
  readonly ackTimeoutAt?: Date | null;
}

/**
 * Stores a decided change and carries out its effects in the caller's transaction: the pending
 * escalation steps are cancelled or the first one is taken, pages go into the outbox with their
 * delivery jobs. Nothing is sent before the transaction commits; the caller calls `kick()` after.
 */
@Injectable()
export class IncidentWriter {
  constructor(
    private readonly repo: IncidentRepository,
    private readonly jobs: JobWorker,
    private readonly clock: Clock,
    private readonly metrics: IncidentMetrics,
  ) {}

  /** `incidentChanged` false: the incident row is left alone (a repeated notification). */
  async write(m: TransactionManager, change: IncidentChange, incidentChanged = true): Promise<void> {
    const now = this.clock.now();
    const { incident } = change;
    if (incidentChanged) await this.repo.update(m, incident, now);
    await this.repo.upsertAlerts(m, incident.id, change.alerts);
    await this.repo.appendTimeline(m, incident.id, change.timeline);
    await this.effects(m, change, now);
  }

  /** Effects of a change whose incident row is already stored; `created`: the incident is new, so it has no steps or timers to cancel. */
  async effects(m: TransactionManager, change: IncidentChange, now: Date, created = false): Promise<void> {
    const { incident } = change;
    if (!created && (change.stopEscalation || change.startEscalation)) {
      // Steps of older generations would do nothing anyway; cancelling them keeps the jobs table honest.
      await this.jobs.cancelByPrefix(ESCALATION_STEP_JOB, `${incident.id}:`, m);
      if (change.notify !== 'trigger') await this.jobs.cancelByPrefix(ACK_TIMEOUT_JOB, `${incident.id}:`, m);
    }
    if (change.notify && change.notify !== 'trigger') {
      await this.page(m, incident.id, followUps(await this.repo.streams(m, incident.id), change.notify, change.via), now);
    }
    if (change.ackTimeoutAt) {
      await this.jobs.schedule({ name: ACK_TIMEOUT_JOB, key: `${incident.id}:${incident.acknowledgedAt!.getTime()}`, runAt: change.ackTimeoutAt, payload: { acknowledgedAt: incident.acknowledgedAt!.toISOString() } }, m);
    }
    if (change.startEscalation) {
      const step = firstStep(incident.snapshot, incident.escalationGeneration, incident.escalationStartedAt);
      if (step) await this.runOrSchedule(m, incident, step, now);
    }
  }

  /**
   * Pages the step's level and moves on. A level with nobody to page is skipped at once (waiting
   * out its delay would give nobody time to answer); the next step runs now if it is due, else a
   * durable job holds it.
   */
  async runStep(m: TransactionManager, incident: IncidentRecord, step: EscalationStep, now: Date): Promise<void> {
    const snapshot = incident.snapshot;
    const level = snapshot.levels[step.levelIndex]!;
    const cycle = step.cycle > 0 ? ` (repeat ${step.cycle} of ${snapshot.repeat})` : '';
    if (level.targets.length === 0) {
      await this.repo.appendTimeline(m, incident.id, [{ kind: 'level_skipped', at: now, actor: 'vigil', message: `level ${level.level}${cycle} skipped: ${level.skipped ?? 'nobody to page'}`, detail: { level: level.level, cycle: step.cycle } }]);
    } else {
      const drafts = levelPages(level.targets, level.level);
      await this.page(m, incident.id, drafts, now);
      const targets = drafts.map((d) => describeTarget(d.target));
      // `targets` as well as the message: the incident list shows who was paged last without parsing text.
      await this.repo.appendTimeline(m, incident.id, [{ kind: 'escalated', at: now, actor: 'vigil', message: `level ${level.level}${cycle} paged: ${targets.join(', ')}`, detail: { level: level.level, cycle: step.cycle, onCall: level.onCall, pages: drafts.length, targets } }]);
      this.metrics.escalated(incident.service, level.level);
    }
    const next = nextStep(snapshot, step, incident.escalationStartedAt);
    if (next) {
      // A skipped level hands over at once rather than waiting out its delay.
      const due = level.targets.length === 0 && next.dueAt > now ? { ...next, dueAt: now } : next;
      await this.runOrSchedule(m, incident, due, now);
    } else if (snapshot.urgency === 'low') {
      await this.repo.appendTimeline(m, incident.id, [{ kind: 'escalation_exhausted', at: now, actor: 'vigil', message: 'low urgency: level 1 was notified; low-urgency incidents never escalate' }]);
    } else {
      const cycles = snapshot.repeat + 1;
      await this.repo.appendTimeline(m, incident.id, [{ kind: 'escalation_exhausted', at: now, actor: 'vigil', message: `escalation exhausted: ${snapshot.levels.length} level(s) × ${cycles} cycle(s) paged and nobody acknowledged` }]);
    }
  }

  private async runOrSchedule(m: TransactionManager, incident: IncidentRecord, step: EscalationStep, now: Date): Promise<void> {
    if (step.dueAt.getTime() <= now.getTime()) return this.runStep(m, incident, step, now);
    await this.jobs.schedule({ name: ESCALATION_STEP_JOB, key: stepKey(incident.id, step), runAt: step.dueAt }, m);
  }

  async page(m: TransactionManager, incidentId: string, drafts: readonly PageDraft[], now: Date): Promise<void> {
    if (drafts.length === 0) return;
    const heads = await this.repo.enqueue(m, incidentId, drafts, now);
    await this.jobs.scheduleMany(heads.map((id) => ({ name: PAGE_DELIVERY_JOB, key: id, runAt: now })), m);
  }
}
