import { Logger } from '@nestjs/common';
import type { onRequestAsyncHookHandler } from 'fastify';
import { authorize } from '../../core/auth/roles.js';
import { forbiddenBody, unauthorizedBody, WWW_AUTHENTICATE } from './auth.errors.js';
import type { RequestAuthenticator } from './request-authenticator.js';

/** Where SwaggerModule serves the UI (its assets, and its init script, which embeds the document), the JSON and the YAML. */
const DOCS_PATH = /^\/api\/docs(?:\/|-json(?:$|\?)|-yaml(?:$|\?)|$|\?)/;

/**
 * SwaggerModule serves the OpenAPI document from plain Fastify routes, which Nest guards never
 * see; this hook, run before every route, asks those paths for a token with `read` as the API
 * does, or a web UI session (the documents are only read, so no CSRF proof is needed).
 */
export function docsAuth(authenticator: RequestAuthenticator): onRequestAsyncHookHandler {
  const log = new Logger('Auth');
  return async (req, reply) => {
    if (!DOCS_PATH.test(req.url)) return;
    const verified = await authenticator.authenticate(req);
    if (!verified.ok) {
      log.warn(`401 ${req.method} ${req.url.split('?')[0]}: ${verified.reason} token`, { reason: verified.reason });
      return reply.code(401).header('WWW-Authenticate', WWW_AUTHENTICATE).send(unauthorizedBody(verified.message));
    }
    const decision = authorize(verified.principal.role, 'read');
    if (!decision.allowed) return reply.code(403).send(forbiddenBody(`${decision.reason}, which the API documentation needs`, verified.principal.role, 'read'));
  };
}
