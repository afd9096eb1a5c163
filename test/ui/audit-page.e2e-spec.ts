import request from 'supertest';
import type { AuditPageDto } from '../../src/modules/web/api-types.js';
import { bearer } from '../support/auth.js';
import { pageErrors, screenshot, seriousA11yViolations, signIn } from '../support/browser.js';
import { startUiRig, type UiRig } from '../support/ui-rig.js';
import { until } from '../support/until.js';

/**
 * The audit log page in Debian's Chromium: newest first, 50 entries a page, each page exactly
 * what GET /api/audit answers for it; shown to the roles with `audit` and to no other.
 */

let rig: UiRig;

beforeAll(async () => {
  rig = await startUiRig();
  // 60 audited calls (a bearer caller's sign-out is a DELETE, kept in the log like every change), so there is a second page.
  for (let i = 0; i < 60; i++) await request(rig.app.getHttpServer()).delete('/api/session').set(bearer(rig.tokens.responder)).expect(204);
}, 120_000);

afterAll(async () => {
  await rig?.stop();
});

const audit = (query: string) => request(rig.app.getHttpServer()).get(`/api/audit?${query}`).set(bearer(rig.tokens.viewer)).expect(200).then((r) => r.body as AuditPageDto);
const drawn = (page: import('playwright-core').Page) => page.getByTestId('audit-table').locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-entry')));

it('a viewer pages through it newest first, each page what the API answers, the cursor in the URL', async () => {
  const context = await rig.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = pageErrors(page);
  try {
    await signIn(page, rig.url, rig.tokens.viewer, '/slos');
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByTestId('audit-table').waitFor();
    // Signing in was audited too: the API's first page, read now, is what the page shows.
    const first = await audit('limit=50');
    expect(first.entries).toHaveLength(50);
    expect(await drawn(page)).toEqual(first.entries.map((e) => e.id));
    // Newest first: ids (the cursor) fall down the page.
    const ids = first.entries.map((e) => BigInt(e.id));
    expect(ids.every((id, i) => i === 0 || id < ids[i - 1]!)).toBe(true);
    const top = page.getByTestId('audit-table').locator('tbody tr').first();
    await expect(top.locator('td, th').allInnerTexts()).resolves.toEqual([expect.stringMatching(/ UTC$/), `${first.entries[0]!.actor} (${first.entries[0]!.role})`, `${first.entries[0]!.method} ${first.entries[0]!.path}`, `${first.entries[0]!.status} done`, first.entries[0]!.detail ? JSON.stringify(first.entries[0]!.detail) : '—']);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'audit-log');
    // 200 % zoom: the layout reflows, the table scrolls inside its region.
    await page.setViewportSize({ width: 640, height: 900 });
    await expect(page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).resolves.toBe(true);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.setViewportSize({ width: 1280, height: 900 });

    await page.getByRole('link', { name: 'Older entries' }).click();
    await page.waitForURL(`${rig.url}/audit?before=${first.nextCursor}`);
    const second = await audit(`limit=50&before=${first.nextCursor}`);
    let shown: (string | null)[] = [];
    await until('the second page', async () => JSON.stringify((shown = await drawn(page))) === JSON.stringify(second.entries.map((e) => e.id)), 10_000).catch(() => undefined);
    expect(shown).toEqual(second.entries.map((e) => e.id));
    expect(second.entries.length).toBeGreaterThan(10);
    await page.getByRole('link', { name: 'Newest entries' }).click();
    await page.waitForURL(`${rig.url}/audit`);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});

it('a responder has no Audit log in the menu, and the page says the API refused', async () => {
  const context = await rig.browser.newContext();
  const page = await context.newPage();
  try {
    await signIn(page, rig.url, rig.tokens.responder, '/slos');
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link').allInnerTexts()).resolves.toEqual(['SLOs', 'Incidents', 'On call', 'Drills']);
    await page.goto(`${rig.url}/audit`);
    await expect(page.getByRole('alert').innerText()).resolves.toBe("Could not load the audit log: role 'responder' lacks permission 'audit' (read the audit log), which GET /api/audit needs");
  } finally {
    await context.close();
  }
});
