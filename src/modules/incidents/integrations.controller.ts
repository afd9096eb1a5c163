import { Controller, HttpCode, Logger, Post, Req, UnauthorizedException, BadRequestException, type RawBodyRequest } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { incidentIdFromDedupKey } from '../../core/incidents/page-messages.js';
import { parsePagerDutyWebhook, PAGERDUTY_SIGNATURE_HEADER, verifyPagerDutySignature } from '../../core/incidents/pagerduty-webhook.js';
import { parseSlackInteraction, SLACK_SIGNATURE_HEADER, SLACK_TIMESTAMP_HEADER, verifySlackRequest } from '../../core/incidents/slack-request.js';
import { Clock } from '../../core/ports/clock.js';
import { SecretReader } from '../../core/ports/secret-reader.js';
import { Public } from '../auth/auth.decorators.js';
import { headerOf } from '../http/headers.js';
import { IncidentsService } from './incidents.service.js';
import { OnCallSpecService } from './oncall-spec.service.js';

type RawRequest = RawBodyRequest<FastifyRequest>;

/**
 * Acks from where people are. These need no API token: the sender's signature over the raw body
 * is the credential, checked with the secret the OnCall spec names. Anything unsigned is a 401.
 */
// Not in the OpenAPI document: PagerDuty and Slack call these, not API clients (docs/incidents.md).
@ApiExcludeController()
@Controller('api/integrations')
export class IntegrationsController {
  private readonly log = new Logger('Integrations');

  constructor(
    private readonly incidents: IncidentsService,
    private readonly oncall: OnCallSpecService,
    private readonly secrets: SecretReader,
    private readonly clock: Clock,
  ) {}

  @Post('pagerduty')
  @Public()
  @HttpCode(200)
  async pagerduty(@Req() req: RawRequest) {
    const ref = this.oncall.current().sinks.pagerduty?.webhookSecret;
    if (!ref) throw unauthorized('no sinks.pagerduty.webhookSecret in the OnCall spec: PagerDuty webhooks are not accepted');
    const raw = req.rawBody ?? Buffer.alloc(0);
    const secret = await this.secrets.readRef(ref, 'PagerDuty webhook secret');
    if (!verifyPagerDutySignature(secret, raw, headerOf(req, PAGERDUTY_SIGNATURE_HEADER))) throw unauthorized('the X-PagerDuty-Signature does not verify');
    const parsed = parsePagerDutyWebhook(raw.toString('utf8'));
    if (!parsed.ok) throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: parsed.error });
    const e = parsed.event;
    const id = e.dedupKey ? incidentIdFromDedupKey(e.dedupKey) : undefined;
    if (e.type === 'ignore' || !id) return { applied: false, reason: e.type === 'ignore' ? `event ${e.eventType} is not acted on` : 'not an incident Vigil opened' };
    const r = await this.incidents.act(id, e.type === 'acknowledge' ? 'ack' : 'resolve', e.actor, 'pagerduty', `PagerDuty ${e.pagerDutyIncidentId ?? ''} ${e.eventType}`.replace(/\s+/g, ' ').trim());
    return { applied: r.changed, incident: id, ...(r.conflict ? { reason: r.conflict } : {}) };
  }

  @Post('slack/actions')
  @Public()
  @HttpCode(200)
  async slack(@Req() req: RawRequest) {
    const ref = this.oncall.current().sinks.slack?.signingSecret;
    if (!ref) throw unauthorized('no sinks.slack.signingSecret in the OnCall spec: Slack actions are not accepted');
    const raw = req.rawBody ?? Buffer.alloc(0);
    const signingSecret = await this.secrets.readRef(ref, 'Slack signing secret');
    const verified = verifySlackRequest({ signingSecret, timestamp: headerOf(req, SLACK_TIMESTAMP_HEADER), signature: headerOf(req, SLACK_SIGNATURE_HEADER), rawBody: raw, now: this.clock.now() });
    if (!verified.ok) throw unauthorized(`Slack request refused: ${verified.reason}`);
    const parsed = parseSlackInteraction(raw.toString('utf8'));
    if (parsed.kind === 'invalid') throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: parsed.error });
    if (parsed.kind === 'ignore') return { applied: false, reason: parsed.reason };
    const r = await this.incidents.act(parsed.incidentId, parsed.action, parsed.user.name, 'slack').catch((err: unknown) => {
      this.log.warn(`Slack ${parsed.action} of incident ${parsed.incidentId} by ${parsed.user.id}: ${err instanceof Error ? err.message : String(err)}`);
      return null;
    });
    return { applied: r?.changed ?? false, incident: parsed.incidentId, ...(r?.conflict ? { reason: r.conflict } : {}) };
  }
}

function unauthorized(message: string): UnauthorizedException {
  return new UnauthorizedException({ statusCode: 401, error: 'Unauthorized', message });
}
