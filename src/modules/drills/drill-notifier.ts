import { Inject, Injectable, Logger } from '@nestjs/common';
import { VIGIL_CONFIG, type VigilConfig } from '../../config/config.js';
import type { Communication } from '../../core/drills/drill-outcome.js';
import type { DrillMessage } from '../../core/drills/drill-messages.js';
import { classifyHttp } from '../../core/incidents/sink-outcome.js';
import type { DrillSpec } from '../../core/model/drill.js';
import type { OnCallSpec } from '../../core/model/oncall.js';
import type { PageTarget } from '../../core/model/page-target.js';
import { resolveTargets } from '../../core/oncall/policy-snapshot.js';
import { Clock } from '../../core/ports/clock.js';
import { MailSender, SlackSender, type SinkAttempt } from '../../core/ports/notification-sinks.js';
import { SecretReader } from '../../core/ports/secret-reader.js';
import { WebhookSender } from '../../core/ports/webhook-sender.js';
import { deliveryHeaders } from '../../core/webhooks/signature.js';
import { OnCallSpecService } from '../incidents/oncall-spec.service.js';

/**
 * drill.started / drill.completed to a drill's `notify` targets, through the incident sinks and
 * the OnCall spec's sink settings (people and schedules resolved to their contact points now).
 * One attempt each, no outbox: a drill message informs, it pages nobody; each outcome is listed in
 * the report's communications, a failed one with its error.
 */
@Injectable()
export class DrillNotifier {
  private readonly log = new Logger('Drills');

  constructor(
    private readonly oncall: OnCallSpecService,
    private readonly secrets: SecretReader,
    private readonly slack: SlackSender,
    private readonly mail: MailSender,
    private readonly webhook: WebhookSender,
    private readonly clock: Clock,
    @Inject(VIGIL_CONFIG) private readonly config: VigilConfig,
  ) {}

  /** The OnCall spec's `incidents.publicUrl`, where people reach Vigil: reports are linked from there. */
  publicUrl(): string | null {
    return this.oncall.current().incidents.publicUrl?.replace(/\/+$/, '') ?? null;
  }

  async send(spec: DrillSpec, message: DrillMessage, runId: string): Promise<Communication[]> {
    const oc = this.oncall.current();
    const { targets, empty } = resolveTargets(oc, spec.notify, this.clock.now());
    for (const e of empty) this.log.warn(`drill ${spec.name}: ${message.event} reaches nobody through ${e}`);
    const out: Communication[] = [];
    for (const t of targets) {
      const at = this.clock.now().toISOString();
      const attempt = await this.deliver(oc, t, message, spec, runId).catch((err: unknown): SinkAttempt => ({ outcome: 'permanent', error: (err as Error).message }));
      out.push({ at, event: message.event, sink: t.sink, target: addressOf(t), outcome: attempt.outcome === 'delivered' ? 'sent' : 'failed', ...(attempt.outcome === 'delivered' ? {} : { detail: attempt.error }) });
    }
    return out;
  }

  private async deliver(oc: OnCallSpec, t: PageTarget, message: DrillMessage, spec: DrillSpec, runId: string): Promise<SinkAttempt> {
    const timeout = this.config.pageTimeoutMs;
    switch (t.sink) {
      case 'slack': {
        const slack = oc.sinks.slack;
        if (!slack) return { outcome: 'permanent', error: 'no Slack sink in the OnCall spec (sinks.slack)' };
        return this.slack.post(slack.apiUrl, await this.secrets.readRef(slack.token, 'Slack bot token'), { channel: t.channel, text: `*${message.subject}*\n${message.text}` }, timeout);
      }
      case 'email': {
        const email = oc.sinks.email;
        if (!email) return { outcome: 'permanent', error: 'no e-mail sink in the OnCall spec (sinks.email)' };
        const password = email.password ? await this.secrets.readRef(email.password, 'SMTP password') : undefined;
        const smtp = { host: email.host, port: email.port, secure: email.secure, requireTls: email.requireTls, ...(email.username ? { username: email.username } : {}), ...(password ? { password } : {}) };
        return this.mail.send(smtp, { from: email.from, to: [t.address], subject: message.subject, text: message.text }, timeout);
      }
      case 'webhook': {
        const ref = t.secret ?? oc.sinks.webhook?.secret;
        if (!ref) return { outcome: 'permanent', error: 'no signing secret for this webhook (target secret or sinks.webhook.secret)' };
        const body = JSON.stringify({ type: message.event, drill: spec.name, drillType: spec.type, runId, subject: message.subject, text: message.text });
        const res = await this.webhook.post(t.url, body, deliveryHeaders({ id: `${runId}-${message.event}`, eventType: message.event, body }, await this.secrets.readRef(ref, 'drill webhook secret')), timeout);
        return 'httpStatus' in res.result ? classifyHttp(res.result.httpStatus, undefined, this.clock.now()) : { outcome: 'retryable', error: res.result.error };
      }
      case 'pagerduty':
        // The drill parser refuses PagerDuty targets: a rehearsal must not open an incident.
        return { outcome: 'permanent', error: 'drills do not notify PagerDuty' };
    }
  }
}

/** Where a message went, as the report lists it: an address, a channel or a URL, never a secret. */
function addressOf(t: PageTarget): string {
  const who = t.who ? ` (${t.who})` : '';
  switch (t.sink) {
    case 'email':
      return `${t.address}${who}`;
    case 'slack':
      return `${t.channel}${who}`;
    case 'webhook':
      return t.url;
    case 'pagerduty':
      return `PagerDuty${who}`;
  }
}
