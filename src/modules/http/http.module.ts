import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { MetricsModule } from '../metrics/metrics.module.js';
import { ErrorFilter } from './error.filter.js';

/** Errors as JSON; the per-request hooks (id, body type, access log) are Fastify's (request-hooks.ts). */
@Module({ imports: [MetricsModule], providers: [{ provide: APP_FILTER, useClass: ErrorFilter }] })
export class HttpModule {}
