import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { VIGIL_CONFIG, type VigilConfig } from '../../config/config.js';
import { headerOf } from '../http/headers.js';
import { webDirOf } from './web-dir.js';

/** Paths that are never pages: the API, the probes and the scrape. */
const NOT_PAGES = /^\/(?:api|metrics|healthz|readyz|assets)(?:\/|$)/;

/**
 * The page shell has no data in it (every datum comes from /api, behind the guard), so it is
 * served to anyone. It may run only our own scripts and styles, talk only to this origin, and
 * not be framed.
 */
const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-cache',
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/**
 * Client-side routing: a browser asking for a page path (/slos/checkout/availability, on a reload
 * or a shared link) gets index.html and the app draws the page. Only GETs that accept HTML: a
 * script asking for an unknown path still gets the API's JSON 404.
 */
@Injectable()
export class WebPages {
  private readonly log = new Logger('Web');
  private index?: Buffer;

  constructor(@Inject(VIGIL_CONFIG) private readonly config: VigilConfig) {}

  /** A browser asking for a page: a GET or HEAD that accepts HTML, of a path that is not the API's. */
  isPageRequest(req: FastifyRequest): boolean {
    return (req.method === 'GET' || req.method === 'HEAD') && !NOT_PAGES.test(req.url.split('?')[0]!) && (headerOf(req, 'accept') ?? '').includes('text/html');
  }

  async serve(reply: FastifyReply): Promise<FastifyReply> {
    const index = await this.indexHtml();
    if (!index) {
      return reply.code(503).send({ statusCode: 503, error: 'Service Unavailable', message: `the web UI is not built (no index.html in ${webDirOf(this.config)}): run npm run build` });
    }
    return reply.code(200).headers(PAGE_HEADERS).send(index);
  }

  /** Read once; retried while missing, so a build that finishes after the start is picked up. */
  private async indexHtml(): Promise<Buffer | undefined> {
    if (this.index) return this.index;
    try {
      this.index = await readFile(join(webDirOf(this.config), 'index.html'));
    } catch (err) {
      this.log.warn(`web UI not served: ${err instanceof Error ? err.message : String(err)}`);
    }
    return this.index;
  }
}
