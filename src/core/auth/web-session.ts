import { createHash, timingSafeEqual } from 'node:crypto';
import { isAuditedMethod } from './audit-policy.js';

/**
 * Browser sessions for the web UI. A person signs in with an API token once; the server answers
 * with a session secret in an HttpOnly cookie, so no script on the page (and no XSS) can read a
 * credential, and the token itself never sits in the browser. Like tokens, only the secret's
 * SHA-256 is stored (a 256-bit random secret cannot be guessed from its hash).
 */
export const SESSION_COOKIE = 'vigil_session';
export const SESSION_PREFIX = 'vgs_';
export const SESSION_BYTES = 32;
const SESSION_SHAPE = /^vgs_[A-Za-z0-9_-]{43}$/;

/** The header a signed-in page sends with every mutating request: the CSRF proof. */
export const CSRF_HEADER = 'x-vigil-csrf';

export function formatSessionSecret(randomBytes: Uint8Array): string {
  if (randomBytes.length !== SESSION_BYTES) throw new Error(`a session secret needs exactly ${SESSION_BYTES} random bytes, got ${randomBytes.length}`);
  return `${SESSION_PREFIX}${Buffer.from(randomBytes).toString('base64url')}`;
}

export function isSessionSecretFormat(text: string): boolean {
  return SESSION_SHAPE.test(text);
}

export function hashSessionSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/**
 * The session's CSRF token, derived rather than stored: a page learns it from the session
 * endpoint (a same-origin read no other site can make) and sends it back in CSRF_HEADER. Another
 * site can make the browser send the cookie, never this value. Knowing it reveals nothing of the
 * secret (a one-way hash under its own label, so it can never equal the stored hash).
 */
export function csrfTokenOf(secret: string): string {
  return createHash('sha256').update(`vigil-csrf\0${secret}`, 'utf8').digest('base64url');
}

/** The value of one cookie in a Cookie header (RFC 6265 §5.4 pairs); undefined when absent. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const pair of (header ?? '').split(';')) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
  }
  return undefined;
}

export interface OriginInput {
  readonly method: string;
  /** The Origin header, as sent. */
  readonly origin: string | undefined;
  /** The Host header: the origin the browser addressed (behind a proxy, the one it forwards). */
  readonly host: string | undefined;
  /** Sec-Fetch-Site, which browsers send and pages cannot set. */
  readonly fetchSite: string | undefined;
}

export interface CsrfInput extends OriginInput {
  readonly csrfHeader: string | undefined;
  /** csrfTokenOf(the session's secret). */
  readonly expected: string;
}

export type CsrfRefusal = { readonly reason: 'cross-site' | 'origin-missing' | 'origin-mismatch' | 'csrf-missing' | 'csrf-mismatch'; readonly message: string };

/**
 * May a request authenticated by the session cookie change state? Reads always may (they change
 * nothing and SameSite=Strict keeps the cookie off cross-site navigations). A mutation needs all
 * of: the browser did not mark it cross-site, an Origin naming this host, and the CSRF token in
 * its header. Each alone stops the classic attack; together a bug in one is not a hole.
 */
export function csrfRefusal(r: CsrfInput): CsrfRefusal | undefined {
  const origin = originRefusal(r);
  if (origin || !isAuditedMethod(r.method)) return origin;
  if (r.csrfHeader === undefined || r.csrfHeader === '') {
    return { reason: 'csrf-missing', message: `a request that changes something with the session cookie must carry the ${CSRF_HEADER} header (GET /api/session gives its value)` };
  }
  if (!sameText(r.csrfHeader, r.expected)) return { reason: 'csrf-mismatch', message: `the ${CSRF_HEADER} header does not belong to this session` };
  return undefined;
}

/** The part of csrfRefusal that needs no session: signing in is judged by it too. */
export function originRefusal(r: OriginInput): CsrfRefusal | undefined {
  if (!isAuditedMethod(r.method)) return undefined;
  if (r.fetchSite !== undefined && r.fetchSite !== 'same-origin' && r.fetchSite !== 'none') {
    return { reason: 'cross-site', message: `a ${r.fetchSite} request may not change anything with the session cookie (Sec-Fetch-Site: ${r.fetchSite})` };
  }
  if (r.origin === undefined) {
    return { reason: 'origin-missing', message: 'a request that changes something with the session cookie must carry an Origin header; tools should send Authorization: Bearer <token> instead' };
  }
  if (r.host === undefined || hostOf(r.origin) !== r.host.toLowerCase()) {
    return { reason: 'origin-mismatch', message: `Origin ${JSON.stringify(r.origin)} is not this server (${r.host ?? 'no Host header'})` };
  }
  return undefined;
}

/** `host[:port]` of an origin, lower case; '' for "null" or anything that is not a URL. */
function hostOf(origin: string): string {
  return URL.canParse(origin) ? new URL(origin).host.toLowerCase() : '';
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A session ends at its own expiry or its token's, whichever comes first. */
export function sessionExpiry(now: number, ttlSeconds: number, tokenExpiresAt: Date | null): Date {
  const own = now + ttlSeconds * 1000;
  return new Date(tokenExpiresAt === null ? own : Math.min(own, tokenExpiresAt.getTime()));
}
