import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { MetricsModule } from '../metrics/metrics.module.js';
import { ErrorFilter } from './error.filter.js';
import { JsonBodyMiddleware } from './json-body.middleware.js';
import { RequestLogMiddleware } from './request-log.middleware.js';

@Module({ imports: [MetricsModule], providers: [{ provide: APP_FILTER, useClass: ErrorFilter }] })
export class HttpModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    // '*' includes paths no controller serves, so 404s get an id and a log line too.
    consumer.apply(RequestLogMiddleware, JsonBodyMiddleware).forRoutes('*');
  }
}
