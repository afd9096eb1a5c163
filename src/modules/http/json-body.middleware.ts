import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);
/** Slack posts interactive actions as a form; the route accepts nothing its signature check has not verified. */
const FORM_ROUTES = new Set(['/api/integrations/slack/actions']);

/**
 * Request bodies are JSON only. A form post (application/x-www-form-urlencoded, multipart) or
 * text/plain is what a plain HTML form on any web site can send cross-origin without a
 * preflight; refusing every other type closes that door and gives callers a clear 415.
 */
@Injectable()
export class JsonBodyMiddleware implements NestMiddleware {
  use(req: Request, res: Response, next: NextFunction): void {
    const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    const form = FORM_ROUTES.has(req.originalUrl.split('?')[0]!) && req.is('application/x-www-form-urlencoded');
    if (WITH_BODY.has(req.method) && hasBody && !req.is('application/json') && !form) {
      res.status(415).json({
        statusCode: 415,
        error: 'Unsupported Media Type',
        message: `request bodies must be JSON (content-type: application/json), got ${req.headers['content-type'] ? JSON.stringify(req.headers['content-type']) : 'no content-type'}`,
      });
      return;
    }
    next();
  }
}
