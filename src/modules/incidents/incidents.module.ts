import { readFile } from 'node:fs/promises';
import { Module } from '@nestjs/common';
import { AlertmanagerApiClient } from '../../adapters/alertmanager/alertmanager-api.client.js';
import { SmtpMailer } from '../../adapters/email/smtp-mailer.js';
import { FileSecretReader } from '../../adapters/files/secret-file.js';
import { LocalSpecFiles } from '../../adapters/files/spec-files.js';
import { PagerDutyEventsClient } from '../../adapters/pagerduty/pagerduty-events.client.js';
import { SlackClient } from '../../adapters/slack/slack.client.js';
import { WebhookHttpClient } from '../../adapters/webhooks/webhook-http.client.js';
import { VIGIL_CONFIG, type VigilConfig } from '../../config/config.js';
import { AlertmanagerApi } from '../../core/ports/alertmanager-api.js';
import { Clock } from '../../core/ports/clock.js';
import { MailSender, PagerDutyEventsSender, SlackSender } from '../../core/ports/notification-sinks.js';
import { SecretReader } from '../../core/ports/secret-reader.js';
import { SpecFiles } from '../../core/ports/spec-files.js';
import { WebhookSender } from '../../core/ports/webhook-sender.js';
import { PersistenceModule } from '../../persistence/persistence.module.js';
import { JobsModule } from '../jobs/jobs.module.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { AlertIngestService } from './alert-ingest.service.js';
import { AlertmanagerSuppressionsService } from './alertmanager-suppressions.service.js';
import { AlertsController } from './alerts.controller.js';
import { EscalationService } from './escalation.service.js';
import { IncidentMetrics } from './incident-metrics.js';
import { IncidentWriter } from './incident-writer.js';
import { IncidentsController } from './incidents.controller.js';
import { IncidentsService } from './incidents.service.js';
import { IntegrationsController } from './integrations.controller.js';
import { OnCallController } from './oncall.controller.js';
import { OnCallMetrics } from './oncall-metrics.js';
import { OnCallSpecService } from './oncall-spec.service.js';
import { PageDeliveryService } from './page-delivery.service.js';

const EXTRA_CA = Symbol('EXTRA_CA');

/** VIGIL_EXTRA_CA_FILE, read once at start: a missing file stops the start with its name. */
async function extraCa(config: VigilConfig): Promise<string | undefined> {
  if (!config.extraCaFile) return undefined;
  return readFile(config.extraCaFile, 'utf8').catch(() => {
    throw new Error(`VIGIL_EXTRA_CA_FILE: cannot read ${config.extraCaFile}`);
  });
}

/** On-call: Alertmanager in, incidents, escalation and schedules, pages out, acks back (docs/incidents.md). */
@Module({
  imports: [PersistenceModule, JobsModule, MetricsModule],
  controllers: [AlertsController, IncidentsController, OnCallController, IntegrationsController],
  providers: [
    { provide: SpecFiles, useFactory: () => new LocalSpecFiles() },
    { provide: SecretReader, useFactory: () => new FileSecretReader() },
    { provide: EXTRA_CA, inject: [VIGIL_CONFIG], useFactory: extraCa },
    { provide: PagerDutyEventsSender, inject: [Clock, EXTRA_CA], useFactory: (clock: Clock, ca: string | undefined) => new PagerDutyEventsClient({ clock, ...(ca ? { ca } : {}) }) },
    { provide: SlackSender, inject: [Clock], useFactory: (clock: Clock) => new SlackClient({ clock }) },
    { provide: AlertmanagerApi, useFactory: () => new AlertmanagerApiClient() },
    { provide: MailSender, inject: [EXTRA_CA], useFactory: (ca: string | undefined) => new SmtpMailer(ca ? { ca } : {}) },
    { provide: WebhookSender, inject: [VIGIL_CONFIG], useFactory: (config: VigilConfig) => new WebhookHttpClient(config.webhookAllowList) },
    OnCallSpecService,
    IncidentMetrics,
    OnCallMetrics,
    IncidentWriter,
    AlertIngestService,
    IncidentsService,
    EscalationService,
    AlertmanagerSuppressionsService,
    PageDeliveryService,
  ],
  // The drills send drill.started / drill.completed through the same sinks and settings.
  exports: [OnCallSpecService, SecretReader, SlackSender, MailSender, WebhookSender],
})
export class IncidentsModule {}
