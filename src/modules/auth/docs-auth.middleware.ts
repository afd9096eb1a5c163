import { Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { authorize } from '../../core/auth/roles.js';
import { forbiddenBody, unauthorizedBody, WWW_AUTHENTICATE } from './auth.errors.js';
import type { RequestAuthenticator } from './request-authenticator.js';

/** Where SwaggerModule serves the UI (and its init script, which embeds the document), the JSON and the YAML. */
export const DOCS_PATHS = ['/api/docs', '/api/docs-json', '/api/docs-yaml'];

/**
 * SwaggerModule serves the OpenAPI document from plain Express routes, which Nest guards never
 * see; this middleware, mounted in front of them, asks for a token with `read` as the API does,
 * or a web UI session (the documents are only read, so no CSRF proof is needed).
 */
export function docsAuth(authenticator: RequestAuthenticator): (req: Request, res: Response, next: NextFunction) => void {
  const log = new Logger('Auth');
  return (req, res, next) => {
    authenticator.authenticate(req).then(
      (verified) => {
        if (!verified.ok) {
          log.warn(`401 ${req.method} ${req.baseUrl}: ${verified.reason} token`, { reason: verified.reason });
          res.status(401).setHeader('WWW-Authenticate', WWW_AUTHENTICATE).json(unauthorizedBody(verified.message));
          return;
        }
        const decision = authorize(verified.principal.role, 'read');
        if (!decision.allowed) {
          res.status(403).json(forbiddenBody(`${decision.reason}, which the API documentation needs`, verified.principal.role, 'read'));
          return;
        }
        next();
      },
      (err: unknown) => next(err),
    );
  };
}
