import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import type { IncidentRecord } from '../../core/incidents/incident.js';
import { acknowledge, resolve, type ActionOutcome, type Via } from '../../core/incidents/responder-actions.js';
import { Clock } from '../../core/ports/clock.js';
import { IncidentRepository, type IncidentFilter } from '../../persistence/incident.repository.js';
import { JobWorker } from '../jobs/job-worker.js';
import { IncidentMetrics } from './incident-metrics.js';
import { IncidentWriter } from './incident-writer.js';

export type Action = 'ack' | 'resolve';

/** Reading incidents, and what responders do to them from the API, PagerDuty or Slack. */
@Injectable()
export class IncidentsService {
  constructor(
    private readonly repo: IncidentRepository,
    private readonly writer: IncidentWriter,
    private readonly worker: JobWorker,
    private readonly clock: Clock,
    private readonly metrics: IncidentMetrics,
  ) {}

  list(filter: IncidentFilter) {
    return this.repo.list(filter);
  }

  async detail(id: string) {
    const incident = await this.repo.find(id);
    if (!incident) throw notFound(id);
    const [alerts, timeline, pages] = await Promise.all([this.repo.alerts(null, id), this.repo.timeline(id), this.repo.pages(id)]);
    return { incident, alerts, timeline, pages };
  }

  /**
   * One decision under the incident's lock: the state change, the cancelled escalation steps and
   * the follow-up pages to every sink commit together, or not at all.
   */
  async act(id: string, action: Action, actor: string, via: Via, note?: string): Promise<{ incident: IncidentRecord; changed: boolean; conflict?: string }> {
    const result = await this.repo.transaction(async (m) => {
      const incident = await this.repo.lock(m, id);
      if (!incident) return null;
      const now = this.clock.now();
      const outcome: ActionOutcome = action === 'ack' ? acknowledge(incident, actor, via, now, note) : resolve(incident, await this.repo.alerts(m, id), actor, via, now, note);
      if (!outcome.ok) return { incident, changed: false, conflict: outcome.conflict };
      await this.writer.write(m, { ...outcome, via });
      return { incident: outcome.incident, changed: true };
    });
    if (!result) throw notFound(id);
    if (result.changed) this.worker.kick();
    const i = result.incident;
    if (result.changed && action === 'ack' && i.acknowledgedAt) this.metrics.acknowledged(i.service, (i.acknowledgedAt.getTime() - i.triggeredAt.getTime()) / 1000);
    return result;
  }

  /** For the API: an action that changes nothing is a 409 naming why. PagerDuty and Slack callers use `act`, where it is not an error. */
  async actOrConflict(id: string, action: Action, actor: string, note?: string): Promise<IncidentRecord> {
    const r = await this.act(id, action, actor, 'api', note);
    if (r.conflict) throw new ConflictException({ statusCode: 409, error: 'Conflict', message: r.conflict });
    return r.incident;
  }

  async note(id: string, actor: string, text: string): Promise<void> {
    const found = await this.repo.transaction(async (m) => {
      const incident = await this.repo.lock(m, id);
      if (!incident) return false;
      await this.repo.appendTimeline(m, id, [{ kind: 'note', at: this.clock.now(), actor, message: text }]);
      return true;
    });
    if (!found) throw notFound(id);
  }
}

function notFound(id: string): NotFoundException {
  return new NotFoundException({ statusCode: 404, error: 'Not Found', message: `no incident ${id}` });
}
