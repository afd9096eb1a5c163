import { join } from 'node:path';
import { Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { VigilConfig } from '../../config/config.js';
import { webDirOf } from './web-dir.js';
import { WebPages } from './web-pages.js';

/** The web UI, from the same process and origin as the API (serveWebUi puts it on the server). */
@Module({ providers: [WebPages] })
export class WebModule {}

/**
 * Pages and assets. Pages: a hook, so a page path no route serves still gets index.html. Assets:
 * the built scripts and styles under /assets, whose names carry a content hash, so browsers may
 * keep them for a year; a new build has new names and index.html (never cached) points at them.
 * A missing asset falls through to the API's JSON 404.
 */
export function serveWebUi(app: NestFastifyApplication, config: VigilConfig): void {
  const pages = app.get(WebPages);
  app.getHttpAdapter().getInstance().addHook('onRequest', (req, reply, done) => {
    if (!pages.isPageRequest(req)) return done();
    pages.serve(reply).catch(done);
  });
  app.useStaticAssets({ root: join(webDirOf(config), 'assets'), prefix: '/assets/', immutable: true, maxAge: '365d', index: false, wildcard: true });
}
