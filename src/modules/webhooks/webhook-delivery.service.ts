import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { JobRun } from '../../core/jobs/job.js';
import { Clock } from '../../core/ports/clock.js';
import { WebhookSender } from '../../core/ports/webhook-sender.js';
import { nextStep, type DeliveryPolicy } from '../../core/webhooks/delivery-policy.js';
import { deliveryHeaders } from '../../core/webhooks/signature.js';
import { WEBHOOK_DELIVERY_JOB, WebhookRepository } from '../../persistence/webhook.repository.js';
import type { JobOutcome } from '../jobs/job-definition.js';
import { JobWorker } from '../jobs/job-worker.js';

export interface DeliveryOptions {
  readonly policy: DeliveryPolicy;
  /** Time limit of one attempt. */
  readonly timeoutMs: number;
}
export const DELIVERY_OPTIONS = Symbol('DELIVERY_OPTIONS');

/**
 * Sends one webhook delivery per job run. The job's claim number is the attempt number, and the
 * attempt is written to the delivery log before its request goes out: a process killed mid-send
 * leaves an attempt without an outcome (the receiver may have it), never a send the log does not
 * show, and the next claim is the next attempt, so the maximum holds across crashes.
 */
@Injectable()
export class WebhookDeliveryService implements OnModuleInit {
  private readonly log = new Logger('Webhooks');

  constructor(
    private readonly repo: WebhookRepository,
    private readonly sender: WebhookSender,
    private readonly worker: JobWorker,
    private readonly clock: Clock,
    @Inject(DELIVERY_OPTIONS) private readonly opts: DeliveryOptions,
  ) {}

  onModuleInit(): void {
    this.worker.define({
      name: WEBHOOK_DELIVERY_JOB,
      maxAttempts: this.opts.policy.maxAttempts,
      // Longer than an attempt can take, plus the writes around it: a live replica never loses a claim mid-attempt.
      leaseSeconds: Math.ceil(this.opts.timeoutMs / 1000) + 20,
      run: (run) => this.deliver(run),
      onLost: (deliveryId) => this.repo.markFailed(deliveryId),
    });
  }

  private async deliver(run: JobRun): Promise<JobOutcome> {
    const d = await this.repo.toSend(run.key);
    if (!d) return { status: 'succeeded', result: { skipped: 'the delivery or its endpoint was deleted' } };
    const ids = { deliveryId: d.id, endpointId: d.endpointId, event: d.eventType, attempt: run.attempt };
    if (!(await this.repo.startAttempt(run, d.id, run.attempt, this.clock.now()))) {
      return { status: 'failed', error: 'the claim was lost before the request went out; nothing was sent' };
    }
    // Headers carry the signature, never the secret; only ids are logged.
    const sent = await this.sender.post(d.url, d.body, deliveryHeaders(d, d.secret), this.opts.timeoutMs);
    const step = nextStep(this.opts.policy, run.attempt, sent.result);
    const outcome = 'httpStatus' in sent.result ? `HTTP ${sent.result.httpStatus}` : sent.result.error;
    const record = {
      attempt: run.attempt,
      startedAt: sent.startedAt,
      durationMs: sent.durationMs,
      httpStatus: 'httpStatus' in sent.result ? sent.result.httpStatus : null,
      error: 'error' in sent.result ? sent.result.error : null,
    };
    const commit = (tx: Parameters<NonNullable<JobOutcome['commit']>>[0]) => this.repo.finishAttempt(tx, d.id, record, step, this.clock.now());
    const fields = { ...ids, durationMs: sent.durationMs, outcome, status: step.status };
    if (step.status === 'delivered') {
      return { status: 'succeeded', result: { httpStatus: record.httpStatus }, commit, afterCommit: () => this.log.debug(`webhook delivery ${d.id} delivered (attempt ${run.attempt}, ${outcome})`, fields) };
    }
    if (step.status === 'pending') {
      this.log.warn(`webhook delivery ${d.id} attempt ${run.attempt} failed (${outcome}); retry in ${step.retryInMs} ms`, fields);
      return { status: 'retry', error: outcome, inSeconds: step.retryInMs / 1000, commit };
    }
    this.log.warn(`webhook delivery ${d.id} failed for good after attempt ${run.attempt} (${outcome}): ${step.reason}`, fields);
    return { status: 'failed', error: `${outcome}: ${step.reason}`, commit };
  }
}
