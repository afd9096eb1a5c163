import type { Request, Response } from 'express';
import { SESSION_COOKIE } from '../../core/auth/web-session.js';

/**
 * HttpOnly: no script reads it. SameSite=Strict: no other site's page or link makes the browser
 * send it. Path=/api: the page and its assets never carry it. Secure whenever the browser came
 * over HTTPS, directly or through a proxy that says so (X-Forwarded-Proto can only make the cookie
 * stricter, so it is believed); on plain-HTTP localhost a Secure cookie would not be stored.
 */
function options(req: Request) {
  const secure = req.secure || req.header('x-forwarded-proto')?.split(',')[0]?.trim() === 'https';
  return { httpOnly: true, sameSite: 'strict' as const, path: '/api', secure };
}

export function setSessionCookie(req: Request, res: Response, secret: string, expiresAt: Date): void {
  res.cookie(SESSION_COOKIE, secret, { ...options(req), expires: expiresAt });
}

export function clearSessionCookie(req: Request, res: Response): void {
  res.clearCookie(SESSION_COOKIE, options(req));
}
