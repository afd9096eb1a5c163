import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { MetricsModule } from '../metrics/metrics.module.js';
import { RequestLogMiddleware } from './request-log.middleware.js';

@Module({ imports: [MetricsModule] })
export class HttpModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    // '*' includes paths no controller serves, so 404s get an id and a log line too.
    consumer.apply(RequestLogMiddleware).forRoutes('*');
  }
}
