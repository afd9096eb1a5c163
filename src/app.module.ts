import { Logger, Module, type BeforeApplicationShutdown, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import fastifyCookie from '@fastify/cookie';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { enabledLogLevels, type VigilConfig } from './config/config.js';
import { ConfigModule } from './config/config.module.js';
import type { Clock } from './core/ports/clock.js';
import { JobsModule } from './modules/jobs/jobs.module.js';
import { HealthModule } from './modules/health/health.module.js';
import { HttpModule } from './modules/http/http.module.js';
import { installRequestHooks, requestIdOf } from './modules/http/request-hooks.js';
import { JsonLogger } from './modules/logging/json-logger.js';
import { MetricsModule } from './modules/metrics/metrics.module.js';
import { SloModule } from './modules/slo/slo.module.js';
import { WebhooksModule } from './modules/webhooks/webhooks.module.js';
import { IncidentsModule } from './modules/incidents/incidents.module.js';
import { DrillsModule } from './modules/drills/drills.module.js';
import { BudgetModule } from './modules/budget/budget.module.js';
import { ScheduleModule } from '@nestjs/schedule';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AuditModule } from './modules/audit/audit.module.js';
import { BEARER_SCHEME } from './modules/auth/auth.decorators.js';
import { AuthModule } from './modules/auth/auth.module.js';
import { guardDocs } from './modules/auth/docs-auth.hook.js';
import { RequestAuthenticator } from './modules/auth/request-authenticator.js';
import { EventsModule } from './modules/events/events.module.js';
import { serveWebUi, WebModule } from './modules/web/web.module.js';

@Module({})
export class AppModule implements BeforeApplicationShutdown {
  static forRoot(config: VigilConfig, clock?: Clock): DynamicModule {
    return {
      module: AppModule,
      imports: [ConfigModule.forRoot(config, clock), ScheduleModule.forRoot(), HttpModule, AuthModule, AuditModule, MetricsModule, HealthModule, JobsModule, SloModule, WebhooksModule, BudgetModule, IncidentsModule, DrillsModule, EventsModule, WebModule],
    };
  }

  beforeApplicationShutdown(signal?: string): void {
    new Logger('Main').log(`shutting down${signal ? ` on ${signal}` : ''}`);
  }
}

export interface CreateAppOptions {
  /** Where JSON log lines go; stdout unless a test wants to read them. */
  readonly logWrite?: (line: string) => void;
  /** "Now" for jobs and stamps; tests step it (ManualClock) instead of sleeping. */
  readonly clock?: Clock;
}

/**
 * The app as `main.ts` runs it, without listening yet, so tests boot exactly the same thing.
 * Specs are loaded and rules generated during `init()`/`listen()` (SloService bootstrap hook).
 */
export async function createApp(config: VigilConfig, opts: CreateAppOptions = {}): Promise<NestFastifyApplication> {
  // Fastify rather than Express: the Alertmanager webhook is the hot path, and Express's router, body
  // parsers and response helpers cost about a quarter of Vigil's CPU per notification (README, "Why ESM").
  const adapter = new FastifyAdapter({
    // An Alertmanager group of 1,000 alerts is ~600 kB of JSON; Fastify's default limit is 1 MiB.
    bodyLimit: 16 * 1024 * 1024,
    // Fastify turns off Node's limit on receiving a whole request; a client that trickles one in is cut off.
    requestTimeout: 60_000,
    // The caller's x-request-id when it is safe to echo and log, a new one otherwise.
    genReqId: requestIdOf,
    requestIdHeader: false,
    // As Express did: /api/alerts/alertmanager/ is the same route (a webhook URL written with a slash still works).
    routerOptions: { ignoreTrailingSlash: true },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, opts.clock), adapter, {
    logger: new JsonLogger(enabledLogLevels(config.logLevel), opts.logWrite),
    // Throw instead of process.abort(), so the caller can log the reason and exit with 1.
    abortOnError: false,
    // PagerDuty and Slack sign the bytes they send; their signatures are checked over the raw body.
    rawBody: true,
  });
  installRequestHooks(app);
  await app.register(fastifyCookie);
  // OpenAPI: the UI at /api/docs, the document itself at /api/docs-json.
  const openapi = new DocumentBuilder()
    .setTitle('Vigil')
    .setDescription(
      'SLOs, error budgets, reports, slo.* webhooks, and incidents from Alertmanager with escalation and on-call schedules. Errors are JSON: {statusCode, error, message, problems?}. ' +
        'Every operation needs `Authorization: Bearer <token>`; its `x-vigil-permission` names the permission the token\'s role must hold.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'vgl_ API token', description: 'An API token from `vigil token create` or VIGIL_ADMIN_TOKEN_FILE' }, BEARER_SCHEME)
    .build();
  serveWebUi(app, config);
  guardDocs(app.getHttpAdapter().getInstance(), app.get(RequestAuthenticator));
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, openapi), { jsonDocumentUrl: 'api/docs-json' });
  // SIGTERM/SIGINT: close HTTP, then the connection pool, then the embedded database (DatabaseLifecycle).
  // Then exit 0 (Nest's default re-raises the signal): a shutdown that completed is a success to
  // supervisors and scripts, and a failed one still exits 1.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  return app;
}
