import { createHash } from 'node:crypto';
import {
  bearerToken,
  displayPrefix,
  formatApiToken,
  hashApiToken,
  isApiTokenFormat,
  lastUsedIsStale,
  scrubTokens,
  tokenNameProblem,
  tokenState,
} from './api-token.js';

const bytes = (fill: number) => new Uint8Array(32).fill(fill);
const SAMPLE = formatApiToken(Uint8Array.from({ length: 32 }, (_, i) => i * 7));

describe('formatApiToken', () => {
  it('is vgl_ and 43 base64url characters for 32 bytes', () => {
    expect(formatApiToken(bytes(0))).toBe(`vgl_${'A'.repeat(43)}`);
    expect(formatApiToken(bytes(255))).toBe(`vgl_${'_'.repeat(42)}8`);
  });

  it.each([16, 31, 33, 64])('refuses %i bytes: a token has exactly 256 random bits', (n) => {
    expect(() => formatApiToken(new Uint8Array(n))).toThrow(/exactly 32 random bytes/);
  });
});

describe('isApiTokenFormat', () => {
  it.each([
    ['a formatted token', SAMPLE, true],
    ['all zero bytes', `vgl_${'A'.repeat(43)}`, true],
    ['one character short', SAMPLE.slice(0, -1), false],
    ['one character long', `${SAMPLE}A`, false],
    ['another prefix', SAMPLE.replace('vgl_', 'ghp_'), false],
    ['standard base64 characters (+)', `vgl_+${SAMPLE.slice(5)}`, false],
    ['a non-canonical last character (unused bits set)', `vgl_${'A'.repeat(42)}B`, false],
    ['surrounding whitespace', ` ${SAMPLE}`, false],
    ['empty', '', false],
  ])('%s: %s', (_, text, ok) => {
    expect(isApiTokenFormat(text)).toBe(ok);
  });
});

describe('hashApiToken', () => {
  it('is the SHA-256 of the whole token, hex', () => {
    expect(hashApiToken(SAMPLE)).toBe(createHash('sha256').update(SAMPLE).digest('hex'));
    expect(hashApiToken(SAMPLE)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('differs for tokens one byte apart', () => {
    expect(hashApiToken(formatApiToken(bytes(1)))).not.toBe(hashApiToken(formatApiToken(bytes(2))));
  });
});

describe('displayPrefix', () => {
  it('keeps vgl_ and six characters', () => {
    expect(displayPrefix(SAMPLE)).toBe(SAMPLE.slice(0, 10));
    expect(displayPrefix(SAMPLE)).toHaveLength(10);
  });
});

describe('bearerToken', () => {
  it.each([
    ['a bearer header', `Bearer ${SAMPLE}`, SAMPLE],
    ['the scheme in any case', `bearer ${SAMPLE}`, SAMPLE],
    ['no header', undefined, undefined],
    ['an empty header', '', undefined],
    ['Basic auth', 'Basic dXNlcjpwYXNz', undefined],
    ['a bare token without scheme', SAMPLE, undefined],
    ['two tokens', `Bearer ${SAMPLE} ${SAMPLE}`, undefined],
    ['the scheme alone', 'Bearer ', undefined],
  ])('%s → %j', (_, header, token) => {
    expect(bearerToken(header)).toBe(token);
  });
});

describe('tokenState', () => {
  const now = Date.parse('2026-11-30T12:00:00Z');
  it.each([
    ['never revoked, no expiry', null, null, 'active'],
    ['expiring in a second', null, '2026-11-30T12:00:01Z', 'active'],
    ['expiring exactly now', null, '2026-11-30T12:00:00Z', 'expired'],
    ['expired yesterday', null, '2026-11-29T12:00:00Z', 'expired'],
    ['revoked (revocation wins over expiry)', '2026-11-01T00:00:00Z', '2026-11-29T12:00:00Z', 'revoked'],
  ])('%s → %s', (_, revokedAt, expiresAt, state) => {
    expect(tokenState({ revokedAt: revokedAt ? new Date(revokedAt) : null, expiresAt: expiresAt ? new Date(expiresAt) : null }, now)).toBe(state);
  });
});

describe('lastUsedIsStale', () => {
  const now = 1_000_000_000;
  it.each([
    ['never used', null, true],
    ['used 59.999 s ago', new Date(now - 59_999), false],
    ['used 60 s ago', new Date(now - 60_000), true],
    ['used an hour ago', new Date(now - 3_600_000), true],
  ])('%s: write last_used_at: %s', (_, at, stale) => {
    expect(lastUsedIsStale(at, now)).toBe(stale);
  });
});

describe('tokenNameProblem', () => {
  it.each([
    ['alertmanager', true],
    ['ci-deploy.prod', true],
    ['ops@example', true],
    ['a'.repeat(64), true],
    ['a'.repeat(65), false],
    ['', false],
    ['-leading-dash', false],
    ['with space', false],
    ['line\nbreak', false],
  ])('%j is a valid name: %s', (name, ok) => {
    expect(tokenNameProblem(name) === undefined).toBe(ok);
  });
});

describe('scrubTokens', () => {
  it('replaces anything token-shaped, wherever it is', () => {
    expect(scrubTokens(`GET /api/slos?access_token=${SAMPLE}&x=1`)).toBe('GET /api/slos?access_token=vgl_[REDACTED]&x=1');
    expect(scrubTokens('no token here, vgl_ alone')).toBe('no token here, vgl_ alone');
  });
});
