import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type NestMiddleware } from '@nestjs/common';
import type { Request, Response, NextFunction } from 'express';
import { requestContext } from '../logging/request-context.js';
import { MetricsService } from '../metrics/metrics.service.js';

const REQUEST_ID = 'x-request-id';
// A caller's id is echoed into headers and logs: accept only what cannot forge a log line.
const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Gives every request an id (the caller's x-request-id, or a new one), echoes it, makes it
 * visible to every log line of the request, and logs and counts the request when it ends.
 */
@Injectable()
export class RequestLogMiddleware implements NestMiddleware {
  private readonly log = new Logger('Http');

  constructor(private readonly metrics: MetricsService) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const given = req.header(REQUEST_ID);
    const requestId = given && SAFE_ID.test(given) ? given : randomUUID();
    const started = process.hrtime.bigint();
    res.setHeader(REQUEST_ID, requestId);
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeOf(req);
      this.metrics.observeRequest(req.method, route, res.statusCode, seconds);
      const fields = { requestId, method: req.method, route, path: req.originalUrl, status: res.statusCode, durationMs: Math.round(seconds * 1e4) / 10 };
      this.log.log(`${req.method} ${req.originalUrl} ${res.statusCode}`, fields);
    });
    requestContext.run({ requestId }, next);
  }
}

/** The matched route template; unmatched paths share one label so scanners cannot blow up cardinality. */
export function routeOf(req: Request): string {
  const path: unknown = req.route?.path;
  return typeof path === 'string' ? `${req.baseUrl}${path}` : 'unmatched';
}
