import type { Page } from 'playwright-core';
import request from 'supertest';
import type { IncidentDetailDto, IncidentListDto } from '../../src/modules/web/api-types.js';
import { bearer } from '../support/auth.js';
import { postFromPage, screenshot, seriousA11yViolations } from '../support/browser.js';
import { pdEvents } from '../support/incident-rig.js';
import { UI_PD_KEYS } from '../support/ui-oncall.js';
import { openAs as openSignedIn, startUiRig, type UiRig } from '../support/ui-rig.js';
import { until } from '../support/until.js';

/**
 * The incident pages in Debian's Chromium against the real app, PostgreSQL and the PagerDuty
 * Events v2 contract server: what the pages show is compared with what the API answers, and an
 * acknowledgement made in the browser is followed to the API and to PagerDuty.
 */

let rig: UiRig;
const http = () => request(rig.app.getHttpServer());
const api = <T>(path: string, token = rig.tokens.admin) =>
  http()
    .get(path)
    .set(bearer(token))
    .expect(200)
    .then((r) => r.body as T);

/** A synthetic critical alert through the whole path (route, incident, level 1 paged); answers the incident id. */
async function fire(service: string, summary: string): Promise<string> {
  const res = await http().post('/api/alerts/test').set(bearer(rig.tokens.responder)).send({ service, summary }).expect(201);
  return res.body.incidents[0].id as string;
}

const act = (id: string, action: 'ack' | 'resolve') => http().post(`/api/incidents/${id}/${action}`).set(bearer(rig.tokens.admin)).send({}).expect(200);

beforeAll(async () => {
  rig = await startUiRig({ incidents: true });
}, 120_000);

afterAll(async () => {
  await rig?.stop();
});

const openAs = (role: 'viewer' | 'responder', path: string, viewport?: { width: number; height: number }) => openSignedIn(rig, role, path, viewport);

/** The list as drawn: each row's incident id, status and cells. */
async function drawnIncidents(page: Page) {
  const rows = page.getByTestId('incident-table').locator('tbody tr');
  const out = [];
  for (let i = 0; i < (await rows.count()); i++) {
    const row = rows.nth(i);
    out.push({
      id: await row.getAttribute('data-incident'),
      status: await row.locator('[data-incident-status]').getAttribute('data-incident-status'),
      triggeredAt: await row.locator('[data-triggered-at]').getAttribute('data-triggered-at'),
      cells: await row.locator('th, td').allInnerTexts(),
    });
  }
  return out;
}

/** Waits until the list shows exactly these incidents, in this order, else fails with what it shows. */
async function expectListed(page: Page, ids: string[]): Promise<void> {
  let shown: (string | null)[] = [];
  await until(`the list to show ${ids.join(', ')}`, async () => {
    shown = (await drawnIncidents(page)).map((r) => r.id);
    return JSON.stringify(shown) === JSON.stringify(ids);
  }, 10_000).catch(() => undefined);
  expect(shown).toEqual(ids);
}

describe('the incident list', () => {
  let triggered: string;
  let acknowledged: string;
  let resolved: string;

  beforeAll(async () => {
    resolved = await fire('search', 'Search index stale');
    acknowledged = await fire('identity', 'Login failures');
    triggered = await fire('checkout', 'Checkout errors');
    await act(acknowledged, 'ack');
    await act(resolved, 'resolve');
  });

  it('shows open incidents first, each with status, severity, service, age and who is paged, as the API answers', async () => {
    const { page, errors, close } = await openAs('viewer', '/incidents');
    try {
      await page.getByTestId('incident-table').waitFor();
      const rows = await drawnIncidents(page);
      // Open only, by default: triggered before acknowledged; the resolved one is not listed.
      expect(rows.map((r) => `${r.id} ${r.status}`).slice(0, 2)).toEqual([`${triggered} triggered`, `${acknowledged} acknowledged`]);
      expect(rows.map((r) => r.id)).not.toContain(resolved);
      const open = await api<IncidentListDto>('/api/incidents?status=triggered,acknowledged,suppressed');
      expect(rows.map((r) => r.id).sort()).toEqual(open.items.map((i) => i.id).sort());

      const byApi = (await api<IncidentDetailDto>(`/api/incidents/${triggered}`))!;
      const row = rows.find((r) => r.id === triggered)!;
      expect(row.triggeredAt).toBe(byApi.triggeredAt);
      const onCall = (await api<{ onCall: { name: string }[] }>('/api/oncall?schedule=primary')).onCall.map((p) => p.name);
      expect(onCall).toHaveLength(1);
      // Level 1 paged the team's PagerDuty service and whoever is on call for primary, as the timeline recorded it.
      expect(byApi.lastPaged).toMatchObject({ level: 1, cycle: 0, targets: ['(PagerDuty)', `${onCall[0]} (PagerDuty)`] });
      expect(row.cells).toEqual([`Checkout errors #${triggered}`, 'Triggered', 'critical', 'checkout', expect.stringMatching(/^\d+ s$|^1 min$/), `Level 1: PagerDuty, ${onCall[0]} (PagerDuty)`]);
      const ack = rows.find((r) => r.id === acknowledged)!;
      expect(ack.cells.slice(1, 4)).toEqual(['Acknowledged', 'critical', 'identity']);
      expect(ack.cells[5]).toBe('ui-admin (acknowledged)');
      // Status is a word and an icon.
      await expect(page.locator(`[data-incident="${triggered}"] [data-incident-status] svg`).count()).resolves.toBe(1);
      expect(await seriousA11yViolations(page)).toEqual([]);
      await screenshot(page, 'incident-list');
      await page.setViewportSize({ width: 640, height: 900 });
      await expect(page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).resolves.toBe(true);
      expect(await seriousA11yViolations(page)).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it("reckons ages from Vigil's clock, not the browser's: a browser three hours fast still shows seconds", async () => {
    const fast = new Date(Date.now() + 3 * 3600 * 1000);
    const { page, errors, close } = await openSignedIn(rig, 'viewer', '/incidents', undefined, { browserClock: fast });
    try {
      await page.getByTestId('incident-table').waitFor();
      expect(await page.evaluate(() => Date.now())).toBeGreaterThan(fast.getTime() - 60_000);
      const row = (await drawnIncidents(page)).find((r) => r.id === triggered)!;
      expect(row.cells[4]).toMatch(/^\d+ s$|^\d+ min$/);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('filters by status, kept in the URL', async () => {
    const { page, close } = await openAs('viewer', '/incidents');
    try {
      await page.getByTestId('incident-table').waitFor();
      await page.getByLabel('Status').selectOption('resolved');
      await expectListed(page, [resolved]);
      expect(new URL(page.url()).search).toBe('?status=resolved');
      const [row] = await drawnIncidents(page);
      expect(row!.cells[4]).toMatch(/^lasted \d+ s$/);
      expect(row!.cells[5]).toBe('—');
      await page.getByLabel('Status').selectOption('all');
      // Everything: the open ones first, then the resolved.
      const all = await until('the resolved incident among all', async () => {
        const ids = (await drawnIncidents(page)).map((r) => r.id);
        return ids.includes(resolved) ? ids : undefined;
      }, 10_000);
      expect(all.indexOf(resolved)).toBeGreaterThan(all.indexOf(acknowledged));
      await page.reload();
      await expect(page.getByLabel('Status').inputValue()).resolves.toBe('all');
    } finally {
      await close();
    }
  });
});

describe('live updates, without a reload', () => {
  /** Marks the document, so a test can tell the page was updated in place rather than loaded again. */
  const mark = (page: Page) => page.evaluate('window.__notReloaded = true');
  const notReloaded = (page: Page) => page.evaluate("window.__notReloaded === true && performance.getEntriesByType('navigation').length === 1");

  it('an incident created through the API appears in the open list page', async () => {
    const { page, errors, close } = await openAs('viewer', '/incidents');
    try {
      await page.locator('[data-live="live"]').waitFor();
      await page.getByTestId('incident-table').waitFor();
      await mark(page);
      const before = (await drawnIncidents(page)).map((r) => r.id);
      const id = await fire('checkout', 'Checkout created while the list is open');
      expect(before).not.toContain(id);
      const row = page.locator(`[data-incident="${id}"]`);
      await row.waitFor();
      await expect(row.locator('th').innerText()).resolves.toBe(`Checkout created while the list is open #${id}`);
      // Newest open first: it is the first row.
      expect((await drawnIncidents(page))[0]!.id).toBe(id);
      await expect(notReloaded(page)).resolves.toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('an acknowledgement and a resolve made elsewhere show on the open detail page and the list', async () => {
    const id = await fire('search', 'Search acknowledged elsewhere');
    const detail = await openAs('viewer', `/incidents/${id}`);
    const list = await openAs('viewer', '/incidents');
    try {
      await Promise.all([detail.page.locator('[data-live="live"]').waitFor(), list.page.locator('[data-live="live"]').waitFor()]);
      await detail.page.getByTestId('timeline').waitFor();
      await list.page.locator(`[data-incident="${id}"]`).waitFor();
      await Promise.all([mark(detail.page), mark(list.page)]);
      await act(id, 'ack');
      await detail.page.locator('[data-kind="acknowledged"]').waitFor();
      await detail.page.locator('[data-incident-status="acknowledged"]').waitFor();
      await list.page.locator(`[data-incident="${id}"] [data-incident-status="acknowledged"]`).waitFor();
      await act(id, 'resolve');
      await detail.page.locator('[data-incident-status="resolved"]').waitFor();
      // The open list drops it.
      await list.page.locator(`[data-incident="${id}"]`).waitFor({ state: 'detached' });
      await expect(notReloaded(detail.page)).resolves.toBe(true);
      await expect(notReloaded(list.page)).resolves.toBe(true);
      expect([...detail.errors, ...list.errors]).toEqual([]);
    } finally {
      await Promise.all([detail.close(), list.close()]);
    }
  });
});

describe('the incident detail page', () => {
  it('a responder acknowledges in the browser: the API says acknowledged and PagerDuty receives the acknowledge on every stream paged', async () => {
    const id = await fire('checkout', 'Checkout latency');
    const key = `vigil-${id}`;
    // The trigger reached PagerDuty first (the team's service and the primary on call).
    const triggers = await until('the triggers at PagerDuty', () => {
      const t = pdEvents(rig.pd!).filter((e) => e.dedupKey === key && e.action === 'trigger' && e.status === 202);
      return t.length === 2 ? t : undefined;
    });
    const { page, errors, close } = await openAs('responder', `/incidents/${id}`);
    try {
      await page.getByTestId('timeline').waitFor();
      await expect(page.locator('[data-incident-status]').first().innerText()).resolves.toBe('Triggered');
      await page.locator('[data-action="acknowledge"]').click();
      await page.getByText('Acknowledged.', { exact: true }).waitFor();

      const after = await api<IncidentDetailDto>(`/api/incidents/${id}`);
      expect(after).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'ui-responder' });
      expect(after.timeline.filter((e) => e.kind === 'acknowledged').map((e) => e.message)).toEqual(['acknowledged by ui-responder via api']);
      // The page shows what the API stored: the new status, and no Acknowledge button any more.
      await expect(page.locator('[data-incident-status]').first().innerText()).resolves.toBe('Acknowledged');
      await expect(page.locator('[data-action="acknowledge"]').count()).resolves.toBe(0);
      await page.locator('[data-kind="acknowledged"]').waitFor();

      const acks = await until('the acknowledgements at PagerDuty', () => {
        const a = pdEvents(rig.pd!).filter((e) => e.dedupKey === key && e.action === 'acknowledge' && e.status === 202);
        return a.length === triggers.length ? a : undefined;
      });
      expect(acks.map((a) => a.routingKey).sort()).toEqual(triggers.map((t) => t.routingKey).sort());
      expect(acks.map((a) => a.routingKey)).toContain(UI_PD_KEYS.team);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('a responder adds a note and resolves; the timeline shows both as the API stored them', async () => {
    const id = await fire('search', 'Search errors');
    const { page, errors, close } = await openAs('responder', `/incidents/${id}`);
    try {
      await page.getByLabel('Add a note to the timeline').fill('Rolled back deploy 4711');
      await page.locator('[data-action="note"]').click();
      await page.locator('[data-kind="note"]').waitFor();
      await page.locator('[data-action="resolve"]').click();
      await page.locator('[data-kind="resolved"]').waitFor();
      // The resolve reaches PagerDuty on both streams (the delivery worker writes those entries, not
      // this page's request): the page, still open, follows until it shows the whole timeline.
      const after = await until('the resolve delivered', async () => {
        const i = await api<IncidentDetailDto>(`/api/incidents/${id}`);
        return i.timeline.filter((e) => e.kind === 'page_delivered').length === 4 ? i : undefined;
      });
      expect(after.status).toBe('resolved');
      expect(after.timeline.filter((e) => e.kind === 'note').map((e) => [e.actor, e.message])).toEqual([['ui-responder', 'Rolled back deploy 4711']]);
      const drawnKinds = () => page.getByTestId('timeline').locator('li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-kind')));
      let drawn: (string | null)[] = [];
      await until('the page to show the whole timeline', async () => JSON.stringify((drawn = await drawnKinds())) === JSON.stringify(after.timeline.map((e) => e.kind)), 10_000).catch(() => undefined);
      expect(drawn).toEqual(after.timeline.map((e) => e.kind));
      // Alerts inside: the test alert, resolved by hand.
      await expect(page.getByTestId('alerts').locator('tbody tr').allInnerTexts()).resolves.toEqual([expect.stringContaining('VigilTestAlert')]);
      expect(after.alerts.map((a) => a.state)).toEqual(['resolved']);
      await expect(page.locator('[data-action="resolve"]').count()).resolves.toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('is keyboard operable: Tab reaches Acknowledge from the top of the page, Enter acknowledges', async () => {
    const id = await fire('identity', 'Acknowledged with the keyboard');
    const { page, errors, close } = await openAs('responder', `/incidents/${id}`);
    try {
      await page.getByTestId('timeline').waitFor();
      await page.reload();
      await page.getByTestId('timeline').waitFor();
      let focused = '';
      for (let i = 0; i < 20 && focused !== 'Acknowledge'; i++) {
        await page.keyboard.press('Tab');
        focused = await page.locator(':focus').innerText();
      }
      expect(focused).toBe('Acknowledge');
      await page.keyboard.press('Enter');
      await page.getByText('Acknowledged.', { exact: true }).waitFor();
      expect((await api<IncidentDetailDto>(`/api/incidents/${id}`)).status).toBe('acknowledged');
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('a viewer sees no acknowledge, resolve or note controls, and the API answers 403 to the same request made by hand', async () => {
    const id = await fire('identity', 'Token refresh failing');
    const { page, errors, close } = await openAs('viewer', `/incidents/${id}`);
    try {
      await page.getByTestId('timeline').waitFor();
      await expect(page.locator('[data-action]').count()).resolves.toBe(0);
      await expect(page.getByRole('button', { name: /acknowledge|resolve|add note/i }).count()).resolves.toBe(0);
      // The same POST the button makes, from the viewer's signed-in page with a valid CSRF token.
      const answer = await postFromPage(page, `/api/incidents/${id}/ack`);
      expect(answer).toEqual({ status: 403, body: expect.objectContaining({ statusCode: 403, role: 'viewer', permission: 'respond' }) });
      const byHand = await http().post(`/api/incidents/${id}/ack`).set(bearer(rig.tokens.viewer)).send({}).expect(403);
      expect(byHand.body).toMatchObject({ role: 'viewer', permission: 'respond' });
      expect((await api<IncidentDetailDto>(`/api/incidents/${id}`)).status).toBe('triggered');
      expect(await seriousA11yViolations(page)).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('has no serious or critical axe-core violations with the controls shown, reflows at 200 % zoom, and is kept as a screenshot', async () => {
    const id = await fire('checkout', 'Checkout payment provider timeouts');
    for (const [name, viewport] of [['incident-detail', { width: 1280, height: 900 }], ['incident-detail-200-percent', { width: 640, height: 900 }]] as const) {
      const { page, errors, close } = await openAs('responder', `/incidents/${id}`, viewport);
      try {
        await page.getByTestId('timeline').waitFor();
        await page.locator('[data-kind="escalated"]').waitFor();
        expect(await seriousA11yViolations(page)).toEqual([]);
        await expect(page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).resolves.toBe(true);
        await screenshot(page, name);
        expect(errors).toEqual([]);
      } finally {
        await close();
      }
    }
  });
});
