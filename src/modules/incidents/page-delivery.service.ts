import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { VIGIL_CONFIG, type VigilConfig } from '../../config/config.js';
import type { JobRun } from '../../core/jobs/job.js';
import { describeTarget, levelPages } from '../../core/incidents/fan-out.js';
import type { AlertRecord, IncidentRecord } from '../../core/incidents/incident.js';
import { afterAttempt, DEFAULT_OUTBOX_POLICY, type OutboxPolicy } from '../../core/incidents/outbox-policy.js';
import { incidentMail, pagerDutyEvent, slackMessage, webhookPayload, type BudgetState, type PageContext } from '../../core/incidents/page-messages.js';
import { classifyHttp } from '../../core/incidents/sink-outcome.js';
import type { OnCallSpec } from '../../core/model/oncall.js';
import { Clock } from '../../core/ports/clock.js';
import { MailSender, PagerDutyEventsSender, SlackSender, type SinkAttempt } from '../../core/ports/notification-sinks.js';
import { SecretReader } from '../../core/ports/secret-reader.js';
import { WebhookSender } from '../../core/ports/webhook-sender.js';
import { deliveryHeaders } from '../../core/webhooks/signature.js';
import { BudgetRepository } from '../../persistence/budget.repository.js';
import { IncidentRepository, type PageRecord, type StreamState } from '../../persistence/incident.repository.js';
import { JobRepository } from '../../persistence/job.repository.js';
import type { JobOutcome } from '../jobs/job-definition.js';
import { JobWorker } from '../jobs/job-worker.js';
import { PAGE_DELIVERY_JOB } from './incident-jobs.js';
import { IncidentMetrics } from './incident-metrics.js';
import { IncidentWriter } from './incident-writer.js';
import { OnCallSpecService } from './oncall-spec.service.js';

const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

/** What one send came to, and what later pages of its stream must reuse. */
interface Sent {
  readonly attempt: SinkAttempt;
  readonly state?: Partial<StreamState>;
}

/**
 * Sends one page per job run. The attempt is recorded before the request goes out; its outcome,
 * the stream state (PagerDuty's routing key as read at the trigger, Slack's message ts), the
 * timeline entry and the next page of the stream are written in the job's fenced commit.
 */
@Injectable()
export class PageDeliveryService implements OnModuleInit {
  private readonly log = new Logger('Pages');
  private readonly policy: OutboxPolicy;

  constructor(
    private readonly repo: IncidentRepository,
    private readonly budgets: BudgetRepository,
    private readonly jobsRepo: JobRepository,
    private readonly worker: JobWorker,
    private readonly writer: IncidentWriter,
    private readonly oncall: OnCallSpecService,
    private readonly pagerduty: PagerDutyEventsSender,
    private readonly slack: SlackSender,
    private readonly mail: MailSender,
    private readonly webhook: WebhookSender,
    private readonly secrets: SecretReader,
    private readonly clock: Clock,
    private readonly metrics: IncidentMetrics,
    @Inject(VIGIL_CONFIG) private readonly config: VigilConfig,
  ) {
    this.policy = { ...DEFAULT_OUTBOX_POLICY, baseSeconds: config.pageBackoffSeconds };
  }

  onModuleInit(): void {
    this.worker.define({
      name: PAGE_DELIVERY_JOB,
      maxAttempts: this.policy.maxAttempts,
      leaseSeconds: Math.ceil(this.config.pageTimeoutMs / 1000) + 20,
      run: (run) => this.deliver(run),
      onLost: (pageId) => this.repo.transaction((m) => this.repo.markFailed(m, pageId, 'every attempt was lost with its replica')),
    });
  }

  private async deliver(run: JobRun): Promise<JobOutcome> {
    const found = await this.repo.pageToSend(run.key);
    if (!found || found.page.status === 'delivered' || found.page.status === 'failed') return { status: 'succeeded', result: { skipped: 'the page is already settled' } };
    const { page, incident, alerts } = found;
    if (!incident) return { status: 'succeeded', result: { skipped: 'the incident was deleted' } };
    const started = this.clock.now();
    const recorded = await this.jobsRepo.fenced(run, async (m) => {
      // Still 'sending': an attempt went out and its outcome was never recorded (its replica died
      // mid-send). Whether the sink got it is unknown; the responder should see that it is tried again.
      if (page.status === 'sending') {
        await this.repo.appendTimeline(m, page.incidentId, [
          { kind: 'page_attempt_lost', at: started, actor: page.sink, message: `${page.action} to ${describeTarget(page.target)}: attempt ${page.attempts} ended without an outcome (its replica went away); trying again`, detail: { pageId: page.id, attempt: page.attempts } },
        ]);
      }
      await this.repo.startAttempt(m, page.id, run.attempt, started);
    });
    if (!recorded) return { status: 'failed', error: 'the claim was lost before the page went out; nothing was sent' };

    const t0 = performance.now();
    let sent: Sent;
    try {
      sent = await this.send(page, incident, alerts, this.oncall.current());
    } catch (err) {
      // Our side could not even build the request (a secret file missing): retrying will not help until someone fixes it.
      sent = { attempt: { outcome: 'permanent', error: err instanceof Error ? err.message : String(err) } };
    }
    const durationMs = Math.round(performance.now() - t0);
    const now = this.clock.now();
    const step = afterAttempt(this.policy, run.attempt, sent.attempt, page.queuedAt, now, Math.random);
    const a = sent.attempt;
    const record = { attempt: run.attempt, durationMs, httpStatus: a.httpStatus ?? null, error: a.outcome === 'delivered' ? null : a.error };
    const what = `page ${page.id} (${page.action} → ${page.stream}) of incident ${page.incidentId}`;

    const commit = async (tx: Parameters<NonNullable<JobOutcome['commit']>>[0]) => {
      const status = step.status === 'retry' ? 'pending' : step.status;
      const next = await this.repo.finishAttempt(tx, page, record, status, now);
      if (step.status === 'delivered') {
        if (sent.state) await this.repo.saveStreamState(tx, page.incidentId, page.stream, sent.state);
        if (page.action !== 'update') {
          await this.repo.appendTimeline(tx, page.incidentId, [{ kind: 'page_delivered', at: now, actor: page.sink, message: `${page.action} delivered to ${describeTarget(page.target)} (attempt ${run.attempt})`, detail: { pageId: page.id, attempt: run.attempt, httpStatus: record.httpStatus } }]);
        }
      } else if (step.status === 'failed') {
        await this.repo.appendTimeline(tx, page.incidentId, [{ kind: 'delivery_failed', at: now, actor: page.sink, message: `${page.action} to ${describeTarget(page.target)} failed: ${step.error}`, detail: { pageId: page.id, attempt: run.attempt, httpStatus: record.httpStatus } }]);
        await this.fallback(tx, incident, page, step.error, now);
      }
      if (next) await this.worker.scheduleMany([{ name: PAGE_DELIVERY_JOB, key: next, runAt: now }], tx);
    };
    const afterCommit = () => {
      this.metrics.sent(page.sink, step.status === 'retry' ? 'retry' : step.status);
      this.worker.kick();
    };
    if (step.status === 'delivered') return { status: 'succeeded', result: { httpStatus: record.httpStatus }, commit, afterCommit };
    if (step.status === 'retry') {
      this.log.warn(`${what} attempt ${run.attempt} failed (${step.error}); retry in ${step.inSeconds} s`);
      return { status: 'retry', error: step.error, inSeconds: step.inSeconds, commit, afterCommit };
    }
    this.log.warn(`${what} failed for good: ${step.error}`);
    return { status: 'failed', error: step.error, commit, afterCommit };
  }

  /** The policy's fallback targets hear of a page that could not be delivered; a failed fallback is not chased further. */
  private async fallback(tx: Parameters<NonNullable<JobOutcome['commit']>>[0], incident: IncidentRecord, page: PageRecord, error: string, now: Date): Promise<void> {
    if (page.action === 'fallback' || page.action === 'update') return;
    const drafts = levelPages(incident.snapshot.fallback, 0).map((d) => ({ ...d, action: 'fallback' as const, note: `${page.action} to ${describeTarget(page.target)} failed: ${error}` }));
    if (drafts.length === 0) return;
    await this.writer.page(tx, incident.id, drafts, now);
    await this.repo.appendTimeline(tx, incident.id, [{ kind: 'fallback_notified', at: now, actor: 'vigil', message: `fallback notified: ${drafts.map((d) => describeTarget(d.target)).join(', ')}` }]);
  }

  private async send(page: PageRecord & StreamState, incident: IncidentRecord, alerts: readonly AlertRecord[], spec: OnCallSpec): Promise<Sent> {
    const timeout = this.config.pageTimeoutMs;
    const ctx = await this.context(incident, alerts, page, spec);
    const target = page.target;
    switch (target.sink) {
      case 'pagerduty': {
        if (page.action === 'update') return { attempt: { outcome: 'delivered' } };
        const routingKey = page.routingKey ?? (await this.secrets.readRef(target.routingKey, `PagerDuty routing key of ${target.who ?? 'a policy target'}`));
        const action = page.action === 'acknowledge' || page.action === 'resolve' ? page.action : 'trigger';
        const attempt = await this.pagerduty.send(spec.sinks.pagerduty?.eventsUrl ?? PAGERDUTY_EVENTS_URL, pagerDutyEvent(ctx, action, routingKey), timeout);
        return { attempt, ...(action === 'trigger' ? { state: { routingKey } } : {}) };
      }
      case 'slack': {
        const slack = spec.sinks.slack;
        if (!slack) return { attempt: { outcome: 'permanent', error: 'no Slack sink in the OnCall spec (sinks.slack)' } };
        const token = await this.secrets.readRef(slack.token, 'Slack bot token');
        if (page.slackTs && page.slackChannel && page.action !== 'fallback') {
          return { attempt: await this.slack.update(slack.apiUrl, token, page.slackTs, slackMessage(ctx, page.slackChannel), timeout) };
        }
        const attempt = await this.slack.post(slack.apiUrl, token, slackMessage(ctx, target.channel), timeout);
        if (attempt.outcome !== 'delivered' || !attempt.ref || page.action === 'fallback') return { attempt };
        // chat.update takes the channel id chat.postMessage answered (D… for a direct message), not the name paged.
        return { attempt, state: { slackChannel: attempt.channel ?? target.channel, slackTs: attempt.ref } };
      }
      case 'email': {
        const email = spec.sinks.email;
        if (!email) return { attempt: { outcome: 'permanent', error: 'no e-mail sink in the OnCall spec (sinks.email)' } };
        if (page.action === 'update') return { attempt: { outcome: 'delivered' } };
        const password = email.password ? await this.secrets.readRef(email.password, 'SMTP password') : undefined;
        const smtp = { host: email.host, port: email.port, secure: email.secure, requireTls: email.requireTls, ...(email.username ? { username: email.username } : {}), ...(password ? { password } : {}) };
        return { attempt: await this.mail.send(smtp, incidentMail(ctx, email.from, [target.address], followUpAction(page.action)), timeout) };
      }
      case 'webhook': {
        if (page.action === 'update') return { attempt: { outcome: 'delivered' } };
        const ref = target.secret ?? spec.sinks.webhook?.secret;
        if (!ref) return { attempt: { outcome: 'permanent', error: 'no signing secret for this webhook (target secret or sinks.webhook.secret)' } };
        const secret = await this.secrets.readRef(ref, 'incident webhook secret');
        const payload = webhookPayload(ctx, followUpAction(page.action));
        const body = JSON.stringify(payload);
        const eventType = payload.type;
        const res = await this.webhook.post(target.url, body, deliveryHeaders({ id: `page-${page.id}`, eventType, body }, secret), timeout);
        const attempt = 'httpStatus' in res.result ? classifyHttp(res.result.httpStatus, undefined, this.clock.now()) : ({ outcome: 'retryable', error: res.result.error } as const);
        return { attempt };
      }
    }
  }

  private async context(incident: IncidentRecord, alerts: readonly AlertRecord[], page: PageRecord, spec: OnCallSpec): Promise<PageContext> {
    const firing = alerts.filter((a) => a.state === 'firing').length;
    const resolved = alerts.filter((a) => a.state === 'resolved' || a.state === 'stale').length;
    const base = spec.incidents.publicUrl?.replace(/\/+$/, '');
    const budget = await this.budgetOf(incident);
    const annotations = incident.annotations;
    return {
      incidentId: incident.id,
      title: incident.title,
      status: incident.status === 'suppressed' ? 'triggered' : incident.status,
      urgency: incident.urgency,
      severity: incident.severity ?? 'unknown',
      ...(incident.service ? { service: incident.service } : {}),
      ...(incident.team ? { team: incident.team } : {}),
      alerts: { firing, resolved, total: alerts.length },
      triggeredAt: incident.triggeredAt,
      ...(incident.acknowledgedBy ? { acknowledgedBy: incident.acknowledgedBy } : {}),
      ...(incident.resolvedBy ? { resolvedBy: incident.resolvedBy } : {}),
      level: page.level,
      ...(page.note ? { summary: page.note } : annotations.description ? { summary: annotations.description } : {}),
      ...(annotations.runbook_url ? { runbookUrl: annotations.runbook_url } : {}),
      ...(annotations.dashboard_url ? { dashboardUrl: annotations.dashboard_url } : {}),
      ...(base ? { incidentUrl: `${base}/incidents/${incident.id}` } : {}),
      ...(budget ? { budget: [budget] } : {}),
    };
  }

  /** The error budget of the SLO an SLO alert is about (labels service and slo), as the last cycle stored it. */
  private async budgetOf(incident: IncidentRecord): Promise<BudgetState | undefined> {
    const slo = incident.labels.slo;
    if (!incident.service || !slo) return undefined;
    const latest = await this.budgets.latest(incident.service, slo).catch(() => null);
    if (!latest?.budget) return undefined;
    return { slo, remainingPercent: Math.round(latest.budget.errorBudgetRemaining * 1000) / 10, status: latest.budget.status };
  }
}

/** E-mail and webhooks: a re-page or a fallback is another trigger; an update is not sent. */
function followUpAction(action: PageRecord['action']): 'trigger' | 'acknowledge' | 'resolve' {
  return action === 'acknowledge' || action === 'resolve' ? action : 'trigger';
}
