import type { Page } from 'playwright-core';
import request from 'supertest';
import type { BudgetListDto, HistoryDto, SloDetailDto, StoredBudgetDto } from '../../src/modules/web/api-types.js';
import { parseDuration } from '../../src/core/duration.js';
import { bearer } from '../support/auth.js';
import { pageErrors, screenshot, seriousA11yViolations, signIn } from '../support/browser.js';
import { rigSql, startUiRig, type UiRig } from '../support/ui-rig.js';
import { until } from '../support/until.js';

/**
 * The SLO list and detail pages in Debian's Chromium against the real app and PostgreSQL: what
 * they show is compared with what the API answers and with what the budget history stored.
 */

let rig: UiRig;
const api = <T>(path: string, token = rig.tokens.admin) =>
  request(rig.app.getHttpServer())
    .get(path)
    .set(bearer(token))
    .expect(200)
    .then((r) => r.body as T);

beforeAll(async () => {
  rig = await startUiRig();
}, 120_000);

afterAll(async () => {
  await rig?.stop();
});

/** A page of its own (own cookies), and the page errors it raises. */
async function openPage(viewport = { width: 1280, height: 900 }) {
  const context = await rig.browser.newContext({ viewport });
  const page = await context.newPage();
  return { page, errors: pageErrors(page), close: () => context.close() };
}

/** The same, signed in through the form with the role's token, showing `path`. */
async function openAs(role: 'viewer' | 'responder', path: string) {
  const opened = await openPage();
  await signIn(opened.page, rig.url, rig.tokens[role], path);
  return opened;
}

/** The list as drawn: each row's SLO, status, budget left and burn rates. */
async function drawnRows(page: Page) {
  await page.getByTestId('slo-table').locator('tbody tr').first().waitFor();
  const rows = page.getByTestId('slo-table').locator('tbody tr');
  const out = [];
  for (let i = 0; i < (await rows.count()); i++) {
    const row = rows.nth(i);
    const bar = row.locator('[data-remaining]');
    out.push({
      slo: await row.getAttribute('data-slo'),
      status: await row.locator('[data-status]').getAttribute('data-status'),
      remaining: (await bar.count()) > 0 ? await bar.getAttribute('data-remaining') : null,
      cells: await row.locator('td, th').allInnerTexts(),
      burns: (await row.locator('.burns').count()) > 0 ? (await row.locator('.burns').innerText()).split(' · ') : [],
    });
  }
  return out;
}

/** Waits until the list shows exactly these SLOs (the page redraws after a filter changes), else fails with what it shows. */
async function expectListed(page: Page, slos: string[]): Promise<void> {
  let shown: (string | null)[] = [];
  await until(`the list to show ${slos.join(', ')}`, async () => {
    shown = (await drawnRows(page)).map((r) => r.slo);
    return JSON.stringify(shown) === JSON.stringify(slos);
  }, 5_000).catch(() => undefined);
  expect(shown).toEqual(slos);
}

describe('the SLO list', () => {
  it('shows every SLO worst first, with the status, budget and burn rates the API gives, pending ones last', async () => {
    const { page, errors, close } = await openAs('viewer', '/slos');
    try {
      const rows = await drawnRows(page);
      const list = await api<BudgetListDto>('/api/budgets');
      // The seeded plan, least budget left first; identity/login has no stored budget.
      expect(rows.map((r) => r.slo)).toEqual(['checkout/availability', 'search/freshness', 'checkout/latency', 'search/availability', 'identity/login']);
      expect(rows.map((r) => r.slo)).toEqual([...list.budgets.map((b) => `${b.service}/${b.slo}`), ...list.pending.map((p) => `${p.service}/${p.slo}`)]);
      for (const [i, b] of list.budgets.entries()) {
        const row = rows[i]!;
        expect(row.status).toBe(b.status);
        expect(Number(row.remaining)).toBe(b.errorBudgetRemaining);
        expect(row.cells.slice(3, 7)).toEqual([b.team ?? '—', `${b.objective} %`, b.window, b.sliKind]);
        const budgetText = b.errorBudgetRemaining < 0 ? `${(-b.errorBudgetRemaining * 100).toFixed(1)} % overspent` : `${(b.errorBudgetRemaining * 100).toFixed(1)} % left`;
        expect(row.cells[2]).toBe(budgetText);
        // Shortest window first (the API's object, stored as jsonb, keeps no order).
        const windows = Object.keys(b.burnRates).sort((x, y) => parseDuration(x)! - parseDuration(y)!);
        expect(row.burns).toEqual(windows.map((w) => `${w} ${b.burnRates[w]!.toFixed(2)}×`));
      }
      expect(rows.map((r) => `${r.slo} ${r.status}`).slice(0, 2)).toEqual(['checkout/availability exhausted', 'search/freshness at-risk']);
      expect(rows[0]!.cells[2]).toBe('42.0 % overspent');
      expect(rows[4]).toMatchObject({ status: 'pending', remaining: null });
      expect(rows[4]!.cells.slice(0, 4)).toEqual(['identity / login', 'Pending', '—', '—']);
      // Status is a word and an icon, not a colour alone.
      await expect(page.locator('[data-status="exhausted"] svg').count()).resolves.toBe(1);
      expect(rows[0]!.cells[1]).toBe('Exhausted');
      expect(await seriousA11yViolations(page)).toEqual([]);
      await screenshot(page, 'slo-list');
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('reads the budgets again once a budget cycle has gone by, without a reload', async () => {
    const { page, errors, close } = await openPage();
    const where = `WHERE service = 'search' AND slo = 'availability'`;
    const [{ was }] = (await rigSql<{ was: number }>(rig, `SELECT (budget->>'errorBudgetRemaining')::float8 AS was FROM budget_latest ${where}`)) as [{ was: number }];
    try {
      // The page's timers on a clock the test moves: a minute goes by at once.
      await page.clock.install();
      await signIn(page, rig.url, rig.tokens.viewer, '/slos');
      const shown = async () => (await drawnRows(page)).find((r) => r.slo === 'search/availability')!.remaining;
      expect(Number(await shown())).toBe(was);
      // What the next budget cycle stores.
      await rigSql(rig, `UPDATE budget_latest SET budget = jsonb_set(budget, '{errorBudgetRemaining}', '0.25') ${where}`);
      await page.clock.runFor(30_000);
      expect(Number(await shown())).toBe(was);
      await page.clock.runFor(30_000);
      await until('the list to show the new budget', async () => Number(await shown()) === 0.25, 10_000);
      expect(errors).toEqual([]);
    } finally {
      await rigSql(rig, `UPDATE budget_latest SET budget = jsonb_set(budget, '{errorBudgetRemaining}', to_jsonb($1::float8)) ${where}`, [was]);
      await close();
    }
  });

  it('filters by team, service, status and search, and keeps the filters across a reload', async () => {
    const { page, close } = await openAs('viewer', '/slos');
    try {
      await drawnRows(page);
      await page.getByLabel('Team').selectOption('payments');
      await page.getByText('2 of 5 SLOs match').waitFor();
      await expectListed(page, ['checkout/availability', 'checkout/latency']);
      expect(new URL(page.url()).search).toBe('?team=payments');
      await page.reload();
      await expectListed(page, ['checkout/availability', 'checkout/latency']);
      await expect(page.getByLabel('Team').inputValue()).resolves.toBe('payments');

      await page.getByLabel('Team').selectOption('');
      await page.getByLabel('Service').selectOption('search');
      await expectListed(page, ['search/freshness', 'search/availability']);
      await page.getByLabel('Service').selectOption('');
      await page.getByLabel('Status').selectOption('pending');
      await expectListed(page, ['identity/login']);
      await page.getByLabel('Status').selectOption('');
      // The SLO's own team label (data) is searched, not only its service's (discovery).
      await page.getByLabel('Search').fill('DATA');
      await expectListed(page, ['search/freshness']);
    } finally {
      await close();
    }
  });

  it('is keyboard navigable: skip link first, then a Tab path to an SLO, Enter opens it', async () => {
    const { page, close } = await openAs('viewer', '/slos');
    try {
      // A fresh load starts at the top of the document (a client-side move focuses the new page's h1 instead).
      await page.reload();
      await drawnRows(page);
      await page.keyboard.press('Tab');
      await expect(page.locator(':focus').innerText()).resolves.toBe('Skip to content');
      let focused = '';
      for (let i = 0; i < 30 && focused !== 'checkout / availability'; i++) {
        await page.keyboard.press('Tab');
        focused = await page.locator(':focus').innerText();
      }
      expect(focused).toBe('checkout / availability');
      await page.keyboard.press('Enter');
      await page.waitForURL(`${rig.url}/slos/checkout/availability`);
      await expect(page.locator(':focus').innerText()).resolves.toBe('checkout / availability');
      await expect(page.locator('h1').innerText()).resolves.toBe('checkout / availability');
    } finally {
      await close();
    }
  });
});

describe('the SLO detail page', () => {
  it('draws the burn-down from exactly the stored points over the window, as the history API answers them', async () => {
    const { page, errors, close } = await openAs('viewer', '/slos');
    try {
      // A deep link, loaded afresh: the server answers index.html and the app draws the page.
      const history = page.waitForResponse((r) => r.url().includes('/api/slos/checkout/availability/budget/history'));
      await page.goto(`${rig.url}/slos/checkout/availability`);
      const answered = (await (await history).json()) as HistoryDto;
      const chart = page.getByTestId('burn-down');
      await chart.waitFor();
      await page.locator('.chart-canvas canvas').waitFor();
      const given = JSON.parse((await chart.getAttribute('data-series'))!) as [number[], number[]];

      const stored = rig.stored.get('checkout/availability')!;
      expect(stored.length).toBeGreaterThan(100);
      expect(given).toEqual([stored.map((s) => s.at.getTime() / 1000), stored.map((s) => s.remaining)]);
      expect(given).toEqual([answered.points.map((p) => Date.parse(p.at) / 1000), answered.points.map((p) => p.errorBudgetRemaining)]);
      // It ends overspent: the last point is the list's −42 %.
      expect(given[1].at(-1)).toBeCloseTo(-0.42, 10);
      expect(Date.parse(answered.to) - Date.parse(answered.from)).toBe(30 * 86400 * 1000);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('shows each alert window with the API’s burn rates and thresholds, the links, and the SLI against the objective', async () => {
    const { page, errors, close } = await openAs('viewer', '/slos/checkout/availability');
    try {
      const detail = await api<SloDetailDto>('/api/slos/checkout/availability');
      const budget = await api<StoredBudgetDto>('/api/slos/checkout/availability/budget');
      const rows = page.getByTestId('alert-windows').locator('tbody tr');
      await rows.first().waitFor();
      expect(await rows.count()).toBe(detail.alertWindows.length);
      for (const [i, w] of detail.alertWindows.entries()) {
        const cells = await rows.nth(i).locator('th, td').allInnerTexts();
        const long = budget.burnRates[w.longWindow]!;
        const short = budget.burnRates[w.shortWindow]!;
        const over = long > Number(w.burnRate) && short > Number(w.burnRate);
        expect(cells).toEqual([
          w.severity === 'page' ? 'Page' : 'Ticket',
          `${w.longWindow}: ${long.toFixed(2)}×`,
          `${w.shortWindow}: ${short.toFixed(2)}×`,
          `${w.burnRate}×`,
          over ? '▲ Both windows above the threshold' : '▽ Below the threshold',
        ]);
      }
      // The seeded burn (3.2× at 5m, 10 % less per longer window: 6h 2.10×, 3d 1.70×) is above only the 3-day ticket's 1×.
      expect(detail.alertWindows.map((w) => w.burnRate)).toEqual(['14.4', '6', '3', '1']);
      expect(await rows.locator('td:last-child').allInnerTexts()).toEqual(['▽ Below the threshold', '▽ Below the threshold', '▽ Below the threshold', '▲ Both windows above the threshold']);
      await expect(page.getByRole('link', { name: /Grafana dashboard/ }).getAttribute('href')).resolves.toBe('https://grafana.example.test/d/vigil-checkout');
      await expect(page.getByText('Runbook:').innerText()).resolves.toBe('Runbook: runbooks/checkout.md');
      await expect(page.getByTestId('sli').innerText()).resolves.toBe(`${(budget.sli! * 100).toFixed(3)} % against 99.9 %`);
      expect(await seriousA11yViolations(page)).toEqual([]);
      await screenshot(page, 'slo-detail');
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('downloads the monthly report as CSV through the existing report endpoint', async () => {
    const { page, close } = await openAs('viewer', '/slos/checkout/latency');
    try {
      const download = page.waitForEvent('download');
      await page.getByRole('link', { name: 'Download CSV' }).click();
      const file = await download;
      const month = new Date().toISOString().slice(0, 7);
      expect(file.suggestedFilename()).toBe(`slo-report-${month}.csv`);
      const body = await new Response((await file.createReadStream()) as unknown as ReadableStream).text();
      const byApi = await request(rig.app.getHttpServer()).get(`/api/reports/slo?month=${month}&format=csv`).set(bearer(rig.tokens.viewer)).expect(200);
      expect(body).toBe(byApi.text);
      expect(body.split('\r\n')[0]).toMatch(/^month,service,slo,objective,/);
    } finally {
      await close();
    }
  });
});

describe('roles', () => {
  it('a viewer sees no responder-only button, and the API refuses the same request made by hand', async () => {
    const { page, close } = await openAs('viewer', '/slos/checkout/availability');
    try {
      await page.getByTestId('alert-windows').waitFor();
      await expect(page.locator('[data-action="test-alert"]').count()).resolves.toBe(0);
      await expect(page.getByRole('button', { name: /test alert/i }).count()).resolves.toBe(0);
      // The same POST the button makes, from the viewer's own signed-in page with a valid CSRF token.
      const answer = await page.evaluate(async () => {
        const session = (await (await fetch('/api/session')).json()) as { csrfToken: string };
        const r = await fetch('/api/alerts/test', { method: 'POST', headers: { 'content-type': 'application/json', 'x-vigil-csrf': session.csrfToken }, body: JSON.stringify({ service: 'checkout' }) });
        return { status: r.status, body: (await r.json()) as unknown };
      });
      expect(answer).toEqual({ status: 403, body: expect.objectContaining({ statusCode: 403, role: 'viewer', permission: 'respond' }) });
      const byHand = await request(rig.app.getHttpServer()).post('/api/alerts/test').set(bearer(rig.tokens.viewer)).send({ service: 'checkout' }).expect(403);
      expect(byHand.body).toMatchObject({ role: 'viewer', permission: 'respond' });
    } finally {
      await close();
    }
  });

  it('a responder sees the button, and a confirmed test alert opens an incident the API shows', async () => {
    const { page, errors, close } = await openAs('responder', '/slos/checkout/availability');
    try {
      await page.locator('[data-action="test-alert"]').click();
      await page.locator('[data-action="confirm-test-alert"]').click();
      const sent = page.getByText(/^Test alert sent: incident /);
      await sent.waitFor();
      const id = (await sent.innerText()).replace(/^Test alert sent: incident (.+)\.$/, '$1');
      const incident = await api<{ id: string; service: string; alerts: { labels: Record<string, string> }[] }>(`/api/incidents/${id}`);
      expect(incident).toMatchObject({ id, service: 'checkout' });
      expect(incident.alerts[0]!.labels).toMatchObject({ alertname: 'VigilTestAlert', slo: 'availability', vigil_test: 'true' });
      // The SLO's own incidents: the API's slo filter takes it for this SLO and not for the service's other one.
      const open = (slo: string) => api<{ items: { id: string }[] }>(`/api/incidents?status=triggered,acknowledged&service=checkout&slo=${slo}`);
      expect((await open('availability')).items.map((i) => i.id)).toContain(id);
      expect((await open('latency')).items.map((i) => i.id)).not.toContain(id);
      // The page lists it under "Alerts firing now", linked to the incident.
      await page.reload();
      await page.getByTestId('firing').locator(`a[href="/incidents/${id}"]`).waitFor();
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
});

describe('every page', () => {
  it('has no serious or critical axe-core violations, reflows at 200 % zoom (640 CSS px), and is kept as a screenshot', async () => {
    const { page, errors, close } = await openPage({ width: 640, height: 900 });
    const fitsWidth = () => page.evaluate('document.documentElement.scrollWidth <= window.innerWidth') as Promise<boolean>;
    try {
      await page.goto(`${rig.url}/slos`);
      await page.getByLabel('API token').waitFor();
      expect(await seriousA11yViolations(page)).toEqual([]);
      expect(await fitsWidth()).toBe(true);
      await screenshot(page, 'sign-in');

      await signIn(page, rig.url, rig.tokens.viewer, '/slos');
      await drawnRows(page);
      expect(await seriousA11yViolations(page)).toEqual([]);
      expect(await fitsWidth()).toBe(true);
      await screenshot(page, 'slo-list-200-percent');

      await page.goto(`${rig.url}/slos/search/freshness`);
      await page.getByTestId('burn-down').waitFor();
      await page.getByText('Show the points as a table').click();
      expect(await seriousA11yViolations(page)).toEqual([]);
      expect(await fitsWidth()).toBe(true);
      await screenshot(page, 'slo-detail-200-percent');

      await page.goto(`${rig.url}/no/such/page`);
      await page.getByRole('heading', { name: 'Page not found' }).waitFor();
      expect(await seriousA11yViolations(page)).toEqual([]);
      await screenshot(page, 'not-found');
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
});
