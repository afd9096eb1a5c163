import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** What tells a database outage apart from a bug: pg's connection errors and PostgreSQL's own codes. */
const DB_DOWN_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', '57P01', '57P02', '57P03', '53300']);
const DB_DOWN_TEXT = /Connection terminated|timeout exceeded when trying to connect|Query read timeout|connection (?:is )?(?:closed|lost)|Client has encountered a connection error|terminating connection|the database system is (?:starting up|shutting down|in recovery mode)/i;

export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 4; depth++) {
    const x = e as { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown };
    if (typeof x.code === 'string' && (DB_DOWN_CODES.has(x.code) || x.code.startsWith('08'))) return true;
    if (typeof x.message === 'string' && DB_DOWN_TEXT.test(x.message)) return true;
    e = x.driverError ?? x.cause;
  }
  return false;
}

/** How long a client should wait before retrying a 503. */
const RETRY_AFTER_SECONDS = 5;

/**
 * Every error leaves as JSON `{statusCode, error, message, problems?}`. A database that is down or
 * hung is a 503 with Retry-After (the request may succeed shortly), never a 500; an unexpected
 * error is a 500 that names the request id and is logged with its stack, and its text (which may
 * hold hosts, ports or SQL) is not sent to the caller.
 */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly log = new Logger('Http');

  catch(err: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<FastifyReply>();
    if (res.sent) return;
    if (err instanceof HttpException) {
      const status = err.getStatus();
      const body = err.getResponse();
      // A string: Fastify's own refusals (bad JSON, body too large) reach here as HttpExceptions with its message.
      const json = typeof body === 'string' ? { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message: body } : body;
      if (status === 503) res.header('retry-after', String((json as { retryAfterSeconds?: number }).retryAfterSeconds ?? RETRY_AFTER_SECONDS));
      res.status(status).send(json);
      return;
    }
    const requestId = host.switchToHttp().getRequest<FastifyRequest>().id;
    if (isDatabaseUnavailable(err)) {
      this.log.warn(`database unavailable: ${err instanceof Error ? err.message : String(err)}`);
      res.header('retry-after', String(RETRY_AFTER_SECONDS));
      res.status(503).send({ statusCode: 503, error: 'Service Unavailable', message: 'the database is unavailable; retry shortly' });
      return;
    }
    this.log.error(`unhandled error: ${err instanceof Error ? err.message : String(err)}`, err instanceof Error ? err.stack : undefined);
    res.status(500).send({ statusCode: 500, error: 'Internal Server Error', message: `internal error${requestId ? ` (request id ${requestId})` : ''}; see the server log` });
  }
}
