import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { every } from '../../core/jobs/recurrence.js';
import { Clock } from '../../core/ports/clock.js';
import { WebSessionRepository } from '../../persistence/web-session.repository.js';
import { JobWorker } from '../jobs/job-worker.js';

/**
 * Web UI sessions that ended or expired are deleted hourly: nothing can use them again, and the
 * audit log keeps each sign-in (with the session's id) for the record.
 */
@Injectable()
export class SessionPruneService implements OnModuleInit {
  private readonly log = new Logger('Auth');

  constructor(
    private readonly worker: JobWorker,
    private readonly sessions: WebSessionRepository,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.worker.define({
      name: 'web-sessions-prune',
      recurrence: every(3600),
      run: async () => {
        const deleted = await this.sessions.prune(this.clock.now());
        if (deleted > 0) this.log.log(`pruned ${deleted} web UI session(s) that had ended`);
        return { status: 'succeeded', result: { deleted } };
      },
    });
  }
}
