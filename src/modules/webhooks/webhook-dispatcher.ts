import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { WebhookHttpClient } from '../../adapters/webhooks/webhook-http.client.js';
import { nextStep, type DeliveryPolicy } from '../../core/webhooks/delivery-policy.js';
import { deliveryHeaders } from '../../core/webhooks/signature.js';
import { WebhookRepository, type ClaimedDelivery } from '../../persistence/webhook.repository.js';

export interface DispatcherOptions {
  readonly policy: DeliveryPolicy;
  /** Time limit of one attempt. */
  readonly timeoutMs: number;
  /** How often to look for due work when nothing wakes us sooner (retries of other instances). */
  readonly pollMs: number;
  /** Deliveries claimed per round trip. */
  readonly batchSize: number;
  /**
   * How long a claim holds. Longer than an attempt can take (timeoutMs) plus the database write,
   * so a live instance never loses a claim mid-attempt; after it, a crashed instance's claim is
   * taken over.
   */
  readonly leaseMs: number;
}
export const DISPATCHER_OPTIONS = Symbol('DISPATCHER_OPTIONS');

/**
 * Sends what the outbox (webhook_deliveries) owes. Rows are claimed in the database, so any number
 * of Vigil instances can run this; each attempt is recorded before the next is scheduled. Woken by
 * `kick()` after an enqueue, by a timer set to the next due retry, and by a slow poll.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger('Webhooks');
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly repo: WebhookRepository,
    private readonly http: WebhookHttpClient,
    @Inject(DISPATCHER_OPTIONS) private readonly opts: DispatcherOptions,
  ) {}

  /** Start-up: whatever a previous run left due (or claimed and died on, once the claim lapses) goes out now. */
  onApplicationBootstrap(): void {
    this.kick();
  }

  /** Before the pool closes: no new claims; attempts in flight finish and are recorded (at most timeoutMs). */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Look for due deliveries now. Cheap to call often: calls during a pass fold into one more pass. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.pass().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  private async pass(): Promise<void> {
    try {
      for (;;) {
        if (this.stopped) return;
        const claimed = await this.repo.claimDue(this.opts.batchSize, this.opts.leaseMs);
        if (claimed.length === 0) break;
        await Promise.all(claimed.map((d) => this.attempt(d)));
      }
      this.schedule(await this.repo.msUntilNextDue());
    } catch (err) {
      this.log.warn(`webhook dispatch pass failed, retrying in ${this.opts.pollMs} ms: ${err instanceof Error ? err.message : String(err)}`);
      this.schedule(null);
    }
  }

  private schedule(dueInMs: number | null): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    const wait = Math.min(dueInMs ?? this.opts.pollMs, this.opts.pollMs);
    // unref: a pending retry must not keep a finished process (CLI, tests) alive.
    this.timer = setTimeout(() => this.kick(), wait).unref();
  }

  private async attempt(d: ClaimedDelivery): Promise<void> {
    const ids = { deliveryId: d.id, endpointId: d.endpointId, event: d.eventType, attempt: d.attempt };
    // Headers carry the signature, never the secret; only ids are logged.
    const sent = await this.http.post(d.url, d.body, deliveryHeaders(d, d.secret), this.opts.timeoutMs);
    const step = nextStep(this.opts.policy, d.attempt, sent.result);
    const outcome = 'httpStatus' in sent.result ? `HTTP ${sent.result.httpStatus}` : sent.result.error;
    const fields = { ...ids, durationMs: sent.durationMs, outcome, status: step.status };
    try {
      const ours = await this.repo.finishAttempt(
        d.id,
        {
          attempt: d.attempt,
          startedAt: sent.startedAt,
          durationMs: sent.durationMs,
          httpStatus: 'httpStatus' in sent.result ? sent.result.httpStatus : null,
          error: 'error' in sent.result ? sent.result.error : null,
        },
        step,
      );
      if (!ours) this.log.warn(`webhook delivery ${d.id}: claim lapsed during attempt ${d.attempt}; another instance owns it now`, fields);
    } catch (err) {
      // Typically the endpoint was deleted meanwhile (its deliveries went with it).
      this.log.warn(`webhook delivery ${d.id}: attempt ${d.attempt} not recorded: ${err instanceof Error ? err.message : String(err)}`, fields);
      return;
    }
    if (step.status === 'delivered') this.log.debug(`webhook delivery ${d.id} delivered (attempt ${d.attempt}, ${outcome})`, fields);
    else if (step.status === 'pending') this.log.warn(`webhook delivery ${d.id} attempt ${d.attempt} failed (${outcome}); retry in ${step.retryInMs} ms`, fields);
    else this.log.warn(`webhook delivery ${d.id} failed for good after attempt ${d.attempt} (${outcome}): ${step.reason}`, fields);
  }
}
