import { join } from 'node:path';
import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { VigilConfig } from '../../config/config.js';
import { webDirOf } from './web-dir.js';
import { WebUiMiddleware } from './web-ui.middleware.js';

/** The web UI, from the same process and origin as the API: pages here, assets by serveWebAssets. */
@Module({ providers: [WebUiMiddleware] })
export class WebModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(WebUiMiddleware).forRoutes('*');
  }
}

/**
 * The built scripts and styles under /assets. Their names carry a content hash, so browsers may
 * keep them for a year; a new build has new names and index.html (never cached) points at them.
 */
export function serveWebAssets(app: NestExpressApplication, config: VigilConfig): void {
  app.useStaticAssets(join(webDirOf(config), 'assets'), { prefix: '/assets/', immutable: true, maxAge: '365d', index: false, fallthrough: true });
}
