import { Logger } from '@nestjs/common';
import type { JobRun } from '../../core/jobs/job.js';
import { ManualClock } from '../../core/ports/clock.js';
import { WebhookSender, type HttpAttempt } from '../../core/ports/webhook-sender.js';
import { DEFAULT_DELIVERY_POLICY, type AttemptResult } from '../../core/webhooks/delivery-policy.js';
import type { TransactionManager, WebhookRepository } from '../../persistence/webhook.repository.js';
import type { JobDefinition } from '../jobs/job-definition.js';
import type { JobWorker } from '../jobs/job-worker.js';
import { WebhookDeliveryService } from './webhook-delivery.service.js';

/** The service with its ports replaced by small in-memory ones; `steps` records what happened, in order. */
function setup(opts: { result?: AttemptResult; deleted?: boolean; claimLost?: boolean } = {}) {
  const steps: string[] = [];
  const sender = new (class extends WebhookSender {
    async refusal(): Promise<undefined> {
      return undefined;
    }
    async post(url: string, _body: string, headers: Readonly<Record<string, string>>): Promise<HttpAttempt> {
      steps.push(`post ${url} ${headers['X-Vigil-Delivery']}`);
      return { startedAt: new Date('2026-11-29T10:00:00Z'), durationMs: 12, result: opts.result ?? { httpStatus: 200 } };
    }
  })();
  const repo = {
    toSend: async (id: string) => {
      steps.push(`load ${id}`);
      return opts.deleted ? null : { id, endpointId: 'e1', url: 'https://hooks.example.com/h', secret: 'whsec-0123456789abcdef', eventType: 'slo.exhausted', body: '{"id":"d1"}' };
    },
    startAttempt: async (_fence: unknown, id: string, attempt: number) => {
      steps.push(`record attempt ${attempt} of ${id}`);
      return !opts.claimLost;
    },
    finishAttempt: async (_tx: unknown, id: string, record: { attempt: number; httpStatus: number | null; error: string | null }, step: { status: string }) => {
      steps.push(`finish attempt ${record.attempt} of ${id}: ${record.httpStatus ?? record.error} → ${step.status}`);
    },
    markFailed: async (id: string) => void steps.push(`failed ${id}`),
  };
  let def: JobDefinition | undefined;
  const worker = { define: (d: JobDefinition) => (def = d) };
  const service = new WebhookDeliveryService(repo as unknown as WebhookRepository, sender, worker as unknown as JobWorker, new ManualClock(new Date('2026-11-29T10:00:00Z')), {
    policy: DEFAULT_DELIVERY_POLICY,
    timeoutMs: 10_000,
  });
  service.onModuleInit();
  const run = async (attempt: number) => {
    const r: JobRun = { jobId: '7', runId: '70', name: 'webhook-delivery', key: 'd1', slot: null, payload: {}, attempt, maxAttempts: 3, replica: 'r1', signal: new AbortController().signal };
    const outcome = await def!.run(r);
    await outcome.commit?.({} as TransactionManager);
    return outcome;
  };
  return { steps, def: () => def!, run };
}

// Its warnings are expected here; the steps say what happened.
beforeAll(() => Logger.overrideLogger(false));

describe('WebhookDeliveryService', () => {
  it('defines its job: the policy maximum as claims, a lease longer than an attempt', () => {
    expect(setup().def()).toMatchObject({ name: 'webhook-delivery', maxAttempts: 3, leaseSeconds: 30 });
  });

  it('records the attempt before the request goes out, and its outcome after', async () => {
    const { steps, run } = setup();
    expect(await run(1)).toMatchObject({ status: 'succeeded' });
    expect(steps).toEqual(['load d1', 'record attempt 1 of d1', 'post https://hooks.example.com/h d1', 'finish attempt 1 of d1: 200 → delivered']);
  });

  it.each([
    ['a 500 on attempt 1 retries after the base backoff', { httpStatus: 500 }, 1, { status: 'retry', inSeconds: 2 }, 'pending'],
    ['a 500 on attempt 2 waits four times as long', { httpStatus: 500 }, 2, { status: 'retry', inSeconds: 8 }, 'pending'],
    ['no answer on attempt 3 gives up', { error: 'no answer within 10000 ms' }, 3, { status: 'failed' }, 'failed'],
    ['a 410 is not retried', { httpStatus: 410 }, 1, { status: 'failed' }, 'failed'],
  ] as const)('%s', async (_, result, attempt, outcome, stored) => {
    const { steps, run } = setup({ result });
    expect(await run(attempt)).toMatchObject(outcome);
    expect(steps.at(-1)).toMatch(new RegExp(`→ ${stored}$`));
  });

  it('sends nothing for a delivery whose endpoint was deleted meanwhile', async () => {
    const { steps, run } = setup({ deleted: true });
    expect(await run(1)).toMatchObject({ status: 'succeeded', result: { skipped: expect.any(String) } });
    expect(steps).toEqual(['load d1']);
  });

  it('sends nothing when the claim was lost before the request (another replica owns the delivery)', async () => {
    const { steps, run } = setup({ claimLost: true });
    expect(await run(2)).toMatchObject({ status: 'failed' });
    expect(steps).toEqual(['load d1', 'record attempt 2 of d1']);
  });

  it('marks the delivery failed when its runs kept being lost', async () => {
    const { steps, def } = setup();
    await def().onLost!('d1');
    expect(steps).toEqual(['failed d1']);
  });
});
