import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import type { BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import { displayPrefix, formatApiToken, hashApiToken } from '../../src/core/auth/api-token.js';
import { ManualClock } from '../../src/core/ports/clock.js';
import { CACHE_MS } from '../../src/modules/auth/token-verifier.js';
import { ApiTokenRepository } from '../../src/persistence/api-token.repository.js';
import { WebSessionRepository } from '../../src/persistence/web-session.repository.js';
import { bearer } from '../support/auth.js';
import { pageErrors, screenshot, seriousA11yViolations, signIn } from '../support/browser.js';
import { rigSql, startUiRig, type UiRig } from '../support/ui-rig.js';

/**
 * Signing in to the web UI in Debian's Chromium: the session cookie's attributes, what the page
 * can and cannot read, CSRF refusals (made by hand and by a real cross-site page), sign-out, and
 * sessions ending with their token or their time. The app's clock is stepped, never waited for.
 */

let rig: UiRig;
const clock = new ManualClock(new Date());
let attacker: Server;
let attackerPort: number;

beforeAll(async () => {
  rig = await startUiRig({ clock });
  // Another web site: a page that tries to make the signed-in browser change something in Vigil.
  attacker = createServer((req, res) => {
    const target = new URL(req.url ?? '/', 'http://x').searchParams.get('target') ?? '';
    res.writeHead(200, { 'content-type': 'text/html' }).end(
      `<!doctype html><title>elsewhere</title><script>fetch(${JSON.stringify(target)}, { method: 'POST', mode: 'no-cors', credentials: 'include' })</script>`,
    );
  });
  await new Promise<void>((ok) => attacker.listen(0, '127.0.0.1', ok));
  attackerPort = (attacker.address() as AddressInfo).port;
}, 120_000);

afterAll(async () => {
  await new Promise<void>((ok) => (attacker ? attacker.close(() => ok()) : ok()));
  await rig?.stop();
});

const sql = <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => rigSql<T>(rig, text, values);

const incidents = async () => (await request(rig.app.getHttpServer()).get('/api/incidents').set(bearer(rig.tokens.admin)).expect(200)).body.items.length as number;

async function fresh(): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await rig.browser.newContext();
  const page = await context.newPage();
  return { context, page, errors: pageErrors(page) };
}

const sessionCookie = async (context: BrowserContext) => (await context.cookies()).find((c) => c.name === 'vigil_session');

describe('signing in', () => {
  it.each([
    ['a token that does not exist', () => formatApiToken(randomBytes(32)), 'no such token'],
    ['text that is not a token', () => 'hunter2', 'this is not a Vigil API token (vgl_ followed by 43 characters)'],
    ["an ingest token (it can read nothing)", () => rig.tokens.ingest, "role 'ingest' lacks permission 'read' (read SLOs, budgets, reports and webhook registrations), which signing in to the web UI needs"],
  ])('refuses %s, says why under the field, and sets no cookie', async (_, token, message) => {
    const { context, page, errors } = await fresh();
    try {
      await page.goto(`${rig.url}/slos`);
      await page.getByLabel('API token').fill(token());
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect(page.getByRole('alert').innerText()).resolves.toBe(message);
      await expect(page.getByLabel('API token').getAttribute('aria-invalid')).resolves.toBe('true');
      expect(await sessionCookie(context)).toBeUndefined();
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('sets an HttpOnly, SameSite=Strict cookie for /api only, which the page cannot read; no storage holds a credential', async () => {
    const { context, page, errors } = await fresh();
    try {
      const answer = page.waitForResponse((r) => r.url() === `${rig.url}/api/session` && r.request().method() === 'POST');
      await signIn(page, rig.url, rig.tokens.viewer);
      const setCookie = (await (await answer).headerValue('set-cookie')) ?? '';
      expect(setCookie).toMatch(/^vigil_session=vgs_[A-Za-z0-9_-]{43}; Path=\/api; Expires=[^;]+; HttpOnly; SameSite=Strict$/);

      const cookie = (await sessionCookie(context))!;
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api', secure: false });
      // VIGIL_SESSION_TTL's default, 12 h, from the app's clock (cookie expiry has whole seconds).
      expect(Math.abs(cookie.expires - (clock.now().getTime() / 1000 + 12 * 3600))).toBeLessThan(2);
      expect(cookie.value).not.toContain(rig.tokens.viewer.slice(4));
      await expect(page.evaluate('document.cookie')).resolves.not.toContain('vigil_session');
      const storage = (await page.evaluate('JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage } })')) as string;
      expect(JSON.parse(storage)).toEqual({ local: {}, session: {} });

      // Stored as the SHA-256 of the cookie's secret, tied to the viewer's token.
      const rows = await sql<{ name: string; ended_at: Date | null }>(
        'SELECT t.name, s.ended_at FROM web_sessions s JOIN api_tokens t ON t.id = s.token_id WHERE s.secret_hash = $1',
        [createHash('sha256').update(cookie.value).digest('hex')],
      );
      expect(rows).toEqual([{ name: 'ui-viewer', ended_at: null }]);
      // The sign-in is in the audit log, under the token's name, with the session's id.
      const [session] = await sql<{ id: string }>('SELECT id FROM web_sessions WHERE secret_hash = $1', [createHash('sha256').update(cookie.value).digest('hex')]);
      const audited = await sql<{ actor: string; role: string; status: number; detail: unknown }>(`SELECT actor, role, status, detail FROM audit_log WHERE method = 'POST' AND route = '/api/session' AND detail->>'session' = $1`, [session!.id]);
      expect(audited).toEqual([{ actor: 'ui-viewer', role: 'viewer', status: 201, detail: { session: session!.id } }]);
      await expect(page.getByTestId('who').innerText()).resolves.toBe('Signed in as ui-viewer (viewer) Sign out');
      const who = (await page.evaluate('fetch("/api/session").then((r) => r.json())')) as Record<string, unknown>;
      const expiresAt = new Date(clock.now().getTime() + 12 * 3600 * 1000).toISOString();
      expect(who).toEqual({ name: 'ui-viewer', role: 'viewer', permissions: ['read', 'audit'], via: 'session', csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), expiresAt, serverTime: clock.now().toISOString() });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe('a change made with the session cookie', () => {
  it('is refused with a JSON 403 naming the missing proof, and changes nothing', async () => {
    const { context, page } = await fresh();
    try {
      await signIn(page, rig.url, rig.tokens.responder);
      const before = await incidents();
      const noHeader = await page.evaluate(async () => {
        const r = await fetch('/api/alerts/test', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
        return { status: r.status, body: (await r.json()) as unknown };
      });
      expect(noHeader).toEqual({ status: 403, body: { statusCode: 403, error: 'Forbidden', reason: 'csrf-missing', message: expect.stringMatching(/x-vigil-csrf header/) } });

      // Another origin, even with the right CSRF token (as if it had leaked): the cookie rides along, the Origin gives it away.
      const csrf = ((await page.evaluate('fetch("/api/session").then((r) => r.json())')) as { csrfToken: string }).csrfToken;
      const foreign = await context.request.post(`${rig.url}/api/alerts/test`, { headers: { origin: 'https://evil.example', 'x-vigil-csrf': csrf }, data: {} });
      expect(foreign.status()).toBe(403);
      expect(await foreign.json()).toMatchObject({ reason: 'origin-mismatch', message: 'Origin "https://evil.example" is not this server (' + new URL(rig.url).host + ')' });
      const noOrigin = await context.request.post(`${rig.url}/api/alerts/test`, { headers: { 'x-vigil-csrf': csrf }, data: {} });
      expect(await noOrigin.json()).toMatchObject({ statusCode: 403, reason: 'origin-missing' });

      expect(await incidents()).toBe(before);
      const audited = await sql<{ status: number; detail: { csrf: string } }>(`SELECT status, detail FROM audit_log WHERE actor = 'ui-responder' AND route = '/api/alerts/test' ORDER BY id`);
      expect(audited.map((a) => `${a.status} ${a.detail.csrf}`)).toEqual(['403 csrf-missing', '403 origin-mismatch', '403 origin-missing']);
    } finally {
      await context.close();
    }
  });

  it.each([
    // localhost and 127.0.0.1 are different sites: SameSite=Strict keeps the cookie home, so Vigil sees nobody.
    ['from another site, the browser does not send the cookie', 'localhost', 401],
    // Another port of the same host is the same site: the cookie goes, and Sec-Fetch-Site: same-site gives it away.
    ['from another origin of the same site, the cookie goes but the request is refused', '127.0.0.1', 403],
  ])('%s (a real page posting in the signed-in browser)', async (_, host, status) => {
    const { context, page } = await fresh();
    try {
      await signIn(page, rig.url, rig.tokens.responder);
      const before = await incidents();
      const target = `${rig.url}/api/alerts/test`;
      const seen = page.waitForResponse((r) => r.url() === target);
      await page.goto(`http://${host}:${attackerPort}/?target=${encodeURIComponent(target)}`);
      expect((await seen).status()).toBe(status);
      expect(await incidents()).toBe(before);
    } finally {
      await context.close();
    }
  });

  it('with the CSRF token from the same origin, goes through (the test alert button)', async () => {
    const { context, page, errors } = await fresh();
    try {
      await signIn(page, rig.url, rig.tokens.responder, '/slos/checkout/latency');
      const before = await incidents();
      await page.locator('[data-action="test-alert"]').click();
      await page.locator('[data-action="confirm-test-alert"]').click();
      await page.getByText(/^Test alert sent: incident /).waitFor();
      expect(await incidents()).toBe(before + 1);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe('the session ends', () => {
  it('at sign-out: the cookie is gone, and replaying it is refused', async () => {
    const { context, page, errors } = await fresh();
    try {
      await signIn(page, rig.url, rig.tokens.viewer);
      const cookie = (await sessionCookie(context))!;
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByLabel('API token').waitFor();
      expect(await sessionCookie(context)).toBeUndefined();
      expect(await seriousA11yViolations(page)).toEqual([]);
      const replay = await rig.browser.newContext();
      try {
        await replay.addCookies([{ ...cookie }]);
        const r = await replay.request.get(`${rig.url}/api/session`);
        expect(r.status()).toBe(401);
        expect(await r.json()).toMatchObject({ statusCode: 401, message: 'the session was signed out; sign in again' });
      } finally {
        await replay.close();
      }
      const hash = createHash('sha256').update(cookie.value).digest('hex');
      const [row] = await sql<{ ended_at: Date | null }>('SELECT ended_at FROM web_sessions WHERE secret_hash = $1', [hash]);
      expect(row!.ended_at).toBeInstanceOf(Date);
      // The hourly prune (web-sessions-prune) deletes it, and only sessions that are over.
      const live = (await sql<{ n: number }>('SELECT count(*)::int AS n FROM web_sessions WHERE ended_at IS NULL'))[0]!.n;
      expect(await rig.app.get(WebSessionRepository).prune(clock.now())).toBeGreaterThanOrEqual(1);
      expect(await sql('SELECT 1 FROM web_sessions WHERE secret_hash = $1', [hash])).toEqual([]);
      expect((await sql<{ n: number }>('SELECT count(*)::int AS n FROM web_sessions WHERE ended_at IS NULL'))[0]!.n).toBe(live);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it(`when its token is revoked, within ${CACHE_MS / 1000} s: the next page asks to sign in again`, async () => {
    const token = formatApiToken(randomBytes(32));
    await rig.app.get(ApiTokenRepository).create({ name: 'ui-revoked', role: 'viewer', tokenHash: hashApiToken(token), prefix: displayPrefix(token), createdBy: 'test', expiresAt: null });
    const { context, page } = await fresh();
    try {
      await signIn(page, rig.url, token);
      await page.getByRole('link', { name: 'search / availability' }).waitFor();
      await rig.app.get(ApiTokenRepository).revoke('ui-revoked');
      clock.advance(CACHE_MS / 1000);
      const refused = page.waitForResponse((r) => r.status() === 401);
      await page.getByRole('link', { name: 'search / availability' }).click();
      await page.getByText('Your session has ended. Sign in again to continue.').waitFor();
      expect(await (await refused).json()).toMatchObject({ statusCode: 401, message: 'the token this session was opened with was revoked' });
      // The dead session's cookie was cleared with the refusal.
      expect(await sessionCookie(context)).toBeUndefined();
    } finally {
      await context.close();
    }
  });

  // Last: it steps the app's clock 12 hours on.
  it('after VIGIL_SESSION_TTL (12 h by default)', async () => {
    const { context, page } = await fresh();
    try {
      await signIn(page, rig.url, rig.tokens.viewer);
      await screenshot(page, 'signed-in');
      clock.advance(12 * 3600 - 60);
      expect((await context.request.get(`${rig.url}/api/session`)).status()).toBe(200);
      clock.advance(60);
      const r = await context.request.get(`${rig.url}/api/session`);
      expect(r.status()).toBe(401);
      expect(await r.json()).toMatchObject({ message: 'the session has expired; sign in again' });
    } finally {
      await context.close();
    }
  });
});
