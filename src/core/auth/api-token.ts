import { createHash } from 'node:crypto';

/**
 * API tokens: `vgl_` + base64url of 32 random bytes (256 bits). The randomness is the caller's
 * (core reads none); everything here is a pure function of its arguments.
 */
export const TOKEN_PREFIX = 'vgl_';
export const TOKEN_BYTES = 32;
const TOKEN_SHAPE = /^vgl_[A-Za-z0-9_-]{43}$/;
/** Characters of the token shown in lists: `vgl_` + 6 (36 of the 256 bits; 220 stay secret). */
const DISPLAY_LENGTH = TOKEN_PREFIX.length + 6;

export function formatApiToken(randomBytes: Uint8Array): string {
  if (randomBytes.length !== TOKEN_BYTES) throw new Error(`an API token needs exactly ${TOKEN_BYTES} random bytes, got ${randomBytes.length}`);
  return `${TOKEN_PREFIX}${Buffer.from(randomBytes).toString('base64url')}`;
}

/**
 * True only for a token `formatApiToken` could have produced: the shape, and a canonical base64url
 * body (the 43rd character carries 2 unused bits, which must be zero), so one token has one spelling.
 */
export function isApiTokenFormat(text: string): boolean {
  if (!TOKEN_SHAPE.test(text)) return false;
  const body = text.slice(TOKEN_PREFIX.length);
  return Buffer.from(body, 'base64url').toString('base64url') === body;
}

/**
 * What is stored: SHA-256, hex. A slow password hash (bcrypt, scrypt, argon2) protects guessable
 * secrets from offline guessing; a 256-bit random token cannot be guessed from its hash, so one
 * SHA-256 suffices and keeps verification to one indexed lookup per request.
 */
export function hashApiToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The first characters, stored beside the hash so a person can tell their tokens apart in lists. */
export function displayPrefix(token: string): string {
  return token.slice(0, DISPLAY_LENGTH);
}

/** The token of an `Authorization: Bearer <token>` header; undefined for any other scheme or shape. */
export function bearerToken(header: string | undefined): string | undefined {
  const m = /^Bearer +(\S+) *$/i.exec(header ?? '');
  return m?.[1];
}

export type TokenState = 'active' | 'revoked' | 'expired';

/** A token is usable until it is revoked or its expiry passes (`now` in epoch ms). */
export function tokenState(token: { readonly revokedAt: Date | null; readonly expiresAt: Date | null }, now: number): TokenState {
  if (token.revokedAt !== null) return 'revoked';
  if (token.expiresAt !== null && token.expiresAt.getTime() <= now) return 'expired';
  return 'active';
}

/** last_used_at is written at most this often per token: it is for humans, not for accounting. */
export const LAST_USED_RESOLUTION_MS = 60_000;

export function lastUsedIsStale(lastUsedAt: Date | null, now: number): boolean {
  return lastUsedAt === null || now - lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._@:-]{0,63}$/;

/** Token names appear in logs and the audit log as the actor: short, and nothing that could forge a line. */
export function tokenNameProblem(name: string): string | undefined {
  return NAME.test(name) ? undefined : 'a token name is 1–64 letters, digits, ".", "_", "@", ":" or "-", starting with a letter or digit';
}

/** Anything shaped like a token, for scrubbing text that may have picked one up (a URL, an error). */
export const TOKEN_LIKE = /vgl_[A-Za-z0-9_-]{20,}/g;

export function scrubTokens(text: string): string {
  return text.replace(TOKEN_LIKE, 'vgl_[REDACTED]');
}
