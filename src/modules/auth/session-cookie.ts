import type { FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from '../../core/auth/web-session.js';
import { headerOf } from '../http/headers.js';

/**
 * HttpOnly: no script reads it. SameSite=Strict: no other site's page or link makes the browser
 * send it. Path=/api: the page and its assets never carry it. Secure whenever the browser came
 * over HTTPS, directly or through a proxy that says so (X-Forwarded-Proto can only make the cookie
 * stricter, so it is believed); on plain-HTTP localhost a Secure cookie would not be stored.
 */
function options(req: FastifyRequest) {
  const secure = req.protocol === 'https' || headerOf(req, 'x-forwarded-proto')?.split(',')[0]?.trim() === 'https';
  return { httpOnly: true, sameSite: 'strict' as const, path: '/api', secure };
}

export function setSessionCookie(req: FastifyRequest, res: FastifyReply, secret: string, expiresAt: Date): void {
  res.setCookie(SESSION_COOKIE, secret, { ...options(req), expires: expiresAt });
}

export function clearSessionCookie(req: FastifyRequest, res: FastifyReply): void {
  res.clearCookie(SESSION_COOKIE, options(req));
}
