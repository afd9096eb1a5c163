import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { requestContext } from '../logging/request-context.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { headerOf } from './headers.js';

const REQUEST_ID = 'x-request-id';
// A caller's id is echoed into headers and logs: accept only what cannot forge a log line.
const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);
/** Slack posts interactive actions as a form; the route accepts nothing its signature check has not verified. */
const FORM_ROUTES = new Set(['/api/integrations/slack/actions']);

/** Fastify's `genReqId`: the caller's x-request-id when it is safe to echo, a new one otherwise. */
export function requestIdOf(raw: IncomingMessage): string {
  const given = raw.headers[REQUEST_ID];
  return typeof given === 'string' && SAFE_ID.test(given) ? given : randomUUID();
}

/** The matched route template; unmatched paths share one label so scanners cannot blow up cardinality. */
export function routeOf(req: FastifyRequest): string {
  const url = req.is404 ? undefined : req.routeOptions.url;
  return url ?? 'unmatched';
}

/**
 * The hooks every request goes through, matched or not:
 * - its id is echoed (on the raw response, so errors and 404s carry it too) and is visible to every
 *   log line its handler writes (AsyncLocalStorage, entered once the body is read: the parser's
 *   callbacks would not carry it);
 * - a body that is not JSON is refused before it is read (415);
 * - when it ends it is logged and counted.
 */
export function installRequestHooks(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  const metrics = app.get(MetricsService);
  const log = new Logger('Http');
  fastify.addHook('onRequest', (req, reply, done) => {
    reply.raw.setHeader(REQUEST_ID, req.id);
    const refusal = bodyTypeRefusal(req);
    if (refusal) {
      void reply.code(415).send({ statusCode: 415, error: 'Unsupported Media Type', message: refusal });
      return;
    }
    done();
  });
  fastify.addHook('preHandler', (req, _reply, done) => requestContext.run({ requestId: req.id }, done));
  fastify.addHook('onResponse', (req: FastifyRequest, reply: FastifyReply, done) => {
    const route = routeOf(req);
    metrics.observeRequest(req.method, route, reply.statusCode, reply.elapsedTime / 1000);
    log.log(`${req.method} ${req.url} ${reply.statusCode}`, { requestId: req.id, method: req.method, route, path: req.url, status: reply.statusCode, durationMs: Math.round(reply.elapsedTime * 10) / 10 });
    done();
  });
}

/**
 * Request bodies are JSON only. A form post (application/x-www-form-urlencoded, multipart) or
 * text/plain is what a plain HTML form on any web site can send cross-origin without a
 * preflight; refusing every other type closes that door and gives callers a clear 415.
 */
function bodyTypeRefusal(req: FastifyRequest): string | undefined {
  if (!WITH_BODY.has(req.method)) return undefined;
  const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (!hasBody) return undefined;
  const contentType = headerOf(req, 'content-type');
  const mediaType = contentType?.split(';')[0]!.trim().toLowerCase();
  if (mediaType === 'application/json') return undefined;
  // The route the router matched (a trailing slash or a query string does not change it).
  if (mediaType === 'application/x-www-form-urlencoded' && FORM_ROUTES.has(routeOf(req))) return undefined;
  return `request bodies must be JSON (content-type: application/json), got ${contentType ? JSON.stringify(contentType) : 'no content-type'}`;
}
