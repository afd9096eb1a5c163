import { createHash } from 'node:crypto';
import { cookieValue, csrfRefusal, csrfTokenOf, formatSessionSecret, hashSessionSecret, isSessionSecretFormat, sessionExpiry, type CsrfInput } from './web-session.js';

const SECRET = formatSessionSecret(Uint8Array.from({ length: 32 }, (_, i) => i * 5));
const CSRF = csrfTokenOf(SECRET);

describe('session secrets', () => {
  it('are vgs_ and 43 base64url characters for 32 bytes, and only that shape is accepted', () => {
    expect(formatSessionSecret(new Uint8Array(32))).toBe(`vgs_${'A'.repeat(43)}`);
    expect(isSessionSecretFormat(SECRET)).toBe(true);
    expect(isSessionSecretFormat(SECRET.slice(0, -1))).toBe(false);
    expect(isSessionSecretFormat(SECRET.replace('vgs_', 'vgl_'))).toBe(false);
    expect(() => formatSessionSecret(new Uint8Array(16))).toThrow(/exactly 32 random bytes/);
  });

  it('are stored as their SHA-256, and the CSRF token is neither that hash nor the secret', () => {
    expect(hashSessionSecret(SECRET)).toBe(createHash('sha256').update(SECRET).digest('hex'));
    expect(CSRF).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(CSRF).not.toBe(Buffer.from(hashSessionSecret(SECRET), 'hex').toString('base64url'));
    expect(CSRF).not.toContain(SECRET.slice(4));
    expect(csrfTokenOf(formatSessionSecret(new Uint8Array(32)))).not.toBe(CSRF);
  });
});

describe('cookieValue', () => {
  it.each([
    ['the only cookie', 'vigil_session=abc', 'abc'],
    ['among others, with spaces', 'a=1; vigil_session=abc ; b=2', 'abc'],
    ['quoted', 'vigil_session="abc"', 'abc'],
    ['a cookie whose name ends the same', 'not_vigil_session=x', undefined],
    ['no Cookie header', undefined, undefined],
    ['a value holding "="', 'vigil_session=a=b', 'a=b'],
  ])('%s', (_, header, want) => {
    expect(cookieValue(header, 'vigil_session')).toBe(want);
  });
});

describe('csrfRefusal', () => {
  const ok: CsrfInput = { method: 'POST', origin: 'http://127.0.0.1:3000', host: '127.0.0.1:3000', fetchSite: 'same-origin', csrfHeader: CSRF, expected: CSRF };

  it.each<[string, Partial<CsrfInput>, string | undefined]>([
    ['a same-origin POST with the token passes', {}, undefined],
    ['an older browser without Sec-Fetch-Site passes on Origin and token', { fetchSite: undefined }, undefined],
    ['a GET needs nothing', { method: 'GET', origin: undefined, csrfHeader: undefined, fetchSite: 'cross-site' }, undefined],
    ['HEAD needs nothing', { method: 'HEAD', origin: undefined, csrfHeader: undefined }, undefined],
    ['a cross-site POST is refused even with the token', { fetchSite: 'cross-site' }, 'cross-site'],
    ['a same-site (other port) POST is refused', { fetchSite: 'same-site' }, 'cross-site'],
    ['a DELETE without Origin is refused', { method: 'DELETE', origin: undefined }, 'origin-missing'],
    ['Origin "null" (a sandboxed frame) is refused', { origin: 'null' }, 'origin-mismatch'],
    ['another host is refused', { origin: 'https://evil.example' }, 'origin-mismatch'],
    ['another port is refused', { origin: 'http://127.0.0.1:3001' }, 'origin-mismatch'],
    ['host letters compare case-insensitively', { origin: 'http://LOCALHOST:3000', host: 'localhost:3000' }, undefined],
    ['no token header is refused', { csrfHeader: undefined }, 'csrf-missing'],
    ['an empty token header is refused', { csrfHeader: '' }, 'csrf-missing'],
    ["another session's token is refused", { csrfHeader: csrfTokenOf(formatSessionSecret(new Uint8Array(32))) }, 'csrf-mismatch'],
    ['a token one character short is refused', { csrfHeader: CSRF.slice(1) }, 'csrf-mismatch'],
    ['PATCH is a mutation too', { method: 'PATCH', csrfHeader: undefined }, 'csrf-missing'],
  ])('%s', (_, change, reason) => {
    expect(csrfRefusal({ ...ok, ...change })?.reason).toBe(reason);
  });

  it('says what to send instead', () => {
    expect(csrfRefusal({ ...ok, csrfHeader: undefined })?.message).toMatch(/x-vigil-csrf header/);
    expect(csrfRefusal({ ...ok, origin: undefined })?.message).toMatch(/Authorization: Bearer/);
  });
});

describe('sessionExpiry', () => {
  const now = Date.parse('2026-11-29T10:00:00Z');
  it.each([
    ['a token without expiry: the session TTL', null, '2026-11-29T22:00:00.000Z'],
    ['a token expiring later: the session TTL', new Date('2026-12-01T00:00:00Z'), '2026-11-29T22:00:00.000Z'],
    ["a token expiring sooner: the token's expiry", new Date('2026-11-29T11:00:00Z'), '2026-11-29T11:00:00.000Z'],
  ])('%s', (_, tokenExpiry, want) => {
    expect(sessionExpiry(now, 12 * 3600, tokenExpiry).toISOString()).toBe(want);
  });
});
