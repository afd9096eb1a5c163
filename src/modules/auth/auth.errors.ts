import { ForbiddenException, UnauthorizedException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Permission, Role } from '../../core/auth/roles.js';
import type { CsrfRefusal } from '../../core/auth/web-session.js';
import { errorDtoSchema, openApi } from '../http/zod.pipe.js';

/** RFC 6750: a 401 names the scheme and realm, so a client knows which credentials to send. */
export const WWW_AUTHENTICATE = 'Bearer realm="vigil"';

export function unauthorizedBody(message: string) {
  return { statusCode: 401, error: 'Unauthorized', message };
}

export function forbiddenBody(message: string, role?: Role, permission?: Permission) {
  return { statusCode: 403, error: 'Forbidden', message, ...(role ? { role } : {}), ...(permission ? { permission } : {}) };
}

/** The header goes on the response now; Nest's exception filter keeps it when it writes the body. */
export function unauthorized(res: FastifyReply, message: string): UnauthorizedException {
  res.header('WWW-Authenticate', WWW_AUTHENTICATE);
  return new UnauthorizedException(unauthorizedBody(message));
}

export function forbidden(message: string, role?: Role, permission?: Permission): ForbiddenException {
  return new ForbiddenException(forbiddenBody(message, role, permission));
}

/** A session-cookie mutation without its CSRF proof: `reason` says which proof was missing. */
export function csrfForbidden(refusal: CsrfRefusal): ForbiddenException {
  return new ForbiddenException({ statusCode: 403, error: 'Forbidden', message: refusal.message, reason: refusal.reason });
}

export const AUTH_ERROR_SCHEMA = openApi(
  errorDtoSchema.extend({
    role: z.string().optional().describe("403: the token's role"),
    permission: z.string().optional().describe('403: the permission the operation needs'),
    reason: z.string().optional().describe('403 to a web UI session: the CSRF check that failed (cross-site, origin-missing, origin-mismatch, csrf-missing, csrf-mismatch)'),
  }),
);
