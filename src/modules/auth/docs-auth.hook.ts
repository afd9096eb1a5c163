import { Logger } from '@nestjs/common';
import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify';
import { authorize } from '../../core/auth/roles.js';
import { forbiddenBody, unauthorizedBody, WWW_AUTHENTICATE } from './auth.errors.js';
import type { RequestAuthenticator } from './request-authenticator.js';

/** The routes SwaggerModule adds: the UI (its assets, and its init script, which embeds the document), the JSON and the YAML. */
const DOCS_ROUTE = /^\/api\/docs(?:$|\/|-json$|-yaml$)/;

/**
 * SwaggerModule serves the OpenAPI document from plain Fastify routes, which Nest guards never
 * see. Each of them, as it is added, gets this check: a token with `read`, as the API asks, or a
 * web UI session (the documents are only read, so no CSRF proof is needed). Call before
 * SwaggerModule.setup; other routes carry nothing of it.
 */
export function guardDocs(fastify: FastifyInstance, authenticator: RequestAuthenticator): void {
  const log = new Logger('Auth');
  const check: onRequestAsyncHookHandler = async (req, reply) => {
    const verified = await authenticator.authenticate(req);
    if (!verified.ok) {
      log.warn(`401 ${req.method} ${req.url.split('?')[0]}: ${verified.reason} token`, { reason: verified.reason });
      return reply.code(401).header('WWW-Authenticate', WWW_AUTHENTICATE).send(unauthorizedBody(verified.message));
    }
    const decision = authorize(verified.principal.role, 'read');
    if (!decision.allowed) return reply.code(403).send(forbiddenBody(`${decision.reason}, which the API documentation needs`, verified.principal.role, 'read'));
    return undefined;
  };
  fastify.addHook('onRoute', (route) => {
    if (!DOCS_ROUTE.test(route.url)) return;
    const own = route.onRequest ? [route.onRequest].flat() : [];
    route.onRequest = [check, ...own];
  });
}
