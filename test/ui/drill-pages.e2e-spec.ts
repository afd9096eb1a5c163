import type { Page } from 'playwright-core';
import request from 'supertest';
import { reportOutline } from '../../src/core/drills/report-render.js';
import { slotAt } from '../../src/core/jobs/recurrence.js';
import type { DrillDto, DrillReport, DrillRunDto } from '../../src/modules/web/api-types.js';
import { DrillSpecService } from '../../src/modules/drills/drill-spec.service.js';
import { DrillRunRepository } from '../../src/persistence/drill-run.repository.js';
import { bearer } from '../support/auth.js';
import { keepArtifact, postFromPage, screenshot, seriousA11yViolations } from '../support/browser.js';
import { seedDrillRuns, type SeededRun } from '../support/drill-seed.js';
import { readPdf } from '../support/pdf-text.js';
import { UI_DRILLS } from '../support/ui-drills.js';
import { openAs as openSignedIn, rigSql, startUiRig, type UiRig } from '../support/ui-rig.js';

/**
 * The drill pages in Debian's Chromium: the list with overdue drills marked, a drill's RTO and
 * RPO against its objectives over six seeded weekly runs (the chart's data compared with the
 * API's), asking for a run, and a run's report: every section of the sealed report, whether its
 * hash chain verifies, and printed to an A4 PDF without the app's navigation.
 */

let rig: UiRig;
let seeded: SeededRun[];
/** Copy phase (RTO follows it) and data lost (RPO) per weekly run, oldest first: the third misses the RTO objective (1 h), the fifth the RPO one (15 min). */
const PLAN = [
  { copySeconds: 1500, lostSeconds: 2 },
  { copySeconds: 1800, lostSeconds: 1 },
  { copySeconds: 4000, lostSeconds: 30 },
  { copySeconds: 1200, lostSeconds: 5 },
  { copySeconds: 900, lostSeconds: 1200 },
  { copySeconds: 600, lostSeconds: 3 },
];

const api = <T>(path: string, token = rig.tokens.admin) =>
  request(rig.app.getHttpServer())
    .get(path)
    .set(bearer(token))
    .expect(200)
    .then((r) => r.body as T);

beforeAll(async () => {
  rig = await startUiRig({ drills: UI_DRILLS });
  const spec = rig.app.get(DrillSpecService).find('orders-restore')!;
  // The last six weekly slots, each run five seconds after its slot: the drill is not overdue.
  const slots: Date[] = [];
  for (let t = new Date(); slots.length < PLAN.length; t = new Date(slots[0]!.getTime() - 1)) slots.unshift(slotAt(spec.schedule, t)!);
  seeded = await seedDrillRuns(rig.app.get(DrillRunRepository), spec, PLAN.map((p, i) => ({ ...p, startedAt: new Date(slots[i]!.getTime() + 5000) })));
}, 120_000);

afterAll(async () => {
  await rig?.stop();
});

const openAs = (role: 'viewer' | 'responder', path: string) => openSignedIn(rig, role, path);

const fitsWidth = (page: Page) => page.evaluate('document.documentElement.scrollWidth <= window.innerWidth') as Promise<boolean>;

it('seeds what the plan says: the third run fails on RTO, the fifth on RPO', () => {
  expect(seeded.map((r) => r.verdict)).toEqual(['PASS', 'PASS', 'FAIL', 'PASS', 'FAIL', 'PASS']);
  expect(seeded[2]!.rtoMs).toBe(4_077_750);
  expect(seeded[4]!.rpoMs).toBe(1_200_000);
});

describe('the drill list', () => {
  it('shows each drill with its schedule and last run against its objectives, the one never run marked overdue', async () => {
    const { page, errors, close } = await openAs('viewer', '/drills');
    try {
      await page.getByTestId('drill-table').waitFor();
      const { drills } = await api<{ drills: DrillDto[] }>('/api/drills');
      expect(drills.map((d) => [d.name, d.overdue])).toEqual([
        ['billing-restore', true],
        ['orders-restore', false],
      ]);
      for (const d of drills) {
        const row = page.locator(`[data-drill="${d.name}"]`);
        await expect(row.locator('[data-overdue]').getAttribute('data-overdue')).resolves.toBe(String(d.overdue));
        await expect(row.locator('[data-overdue]').innerText()).resolves.toBe(d.overdue ? 'Overdue' : 'On schedule');
      }
      const orders = page.locator('[data-drill="orders-restore"]');
      const cells = await orders.locator('td').allInnerTexts();
      // The last run: PASS, RTO 10 min copy + 77.75 s of the other phases, RPO 3 s.
      expect(cells[2]).toMatch(/^Pass \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
      expect(cells.slice(3)).toEqual(['11m 17.750s ▽ within 1h 00m 00.000s', '3.000s ▽ within 15m 00.000s']);
      await expect(page.locator('[data-drill="billing-restore"] td').nth(2).innerText()).resolves.toBe('Never run');
      expect(await seriousA11yViolations(page)).toEqual([]);
      await screenshot(page, 'drill-list');
      await page.setViewportSize({ width: 640, height: 900 });
      expect(await fitsWidth(page)).toBe(true);
      expect(await seriousA11yViolations(page)).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
});

describe('a drill', () => {
  it('charts RTO and RPO per run against the objectives: exactly the runs the API gives', async () => {
    const { page, errors, close } = await openAs('viewer', '/drills/orders-restore');
    try {
      await page.locator('[data-testid="rto-chart"] canvas').waitFor();
      await page.locator('[data-testid="rpo-chart"] canvas').waitFor();
      const { runs } = await api<{ runs: DrillRunDto[] }>('/api/drills/orders-restore/runs?limit=52');
      const oldestFirst = [...runs].reverse();
      const x = oldestFirst.map((r) => Date.parse(r.startedAt) / 1000);
      const rto = JSON.parse((await page.getByTestId('rto-chart').getAttribute('data-series'))!) as [number[], number[]];
      const rpo = JSON.parse((await page.getByTestId('rpo-chart').getAttribute('data-series'))!) as [number[], number[]];
      expect(rto).toEqual([x, oldestFirst.map((r) => r.rtoSeconds)]);
      expect(rpo).toEqual([x, oldestFirst.map((r) => r.rpoSeconds)]);
      // What was seeded, in seconds: copy + 77.75 s for RTO, the data lost for RPO.
      expect(rto[1]).toEqual(PLAN.map((p) => p.copySeconds + 77.75));
      expect(rpo[1]).toEqual(PLAN.map((p) => p.lostSeconds));
      await expect(page.getByTestId('rto-chart').getAttribute('data-objective')).resolves.toBe('3600');
      await expect(page.getByTestId('rpo-chart').getAttribute('data-objective')).resolves.toBe('900');
      await expect(page.getByTestId('rto-chart').locator('figcaption').innerText()).resolves.toBe('RTO per run: 6 measured run(s), 1 above the objective of 1h 00m 00.000s; the dashed line is the objective.');
      await expect(page.getByTestId('rpo-chart').locator('figcaption').innerText()).resolves.toBe('RPO per run: 6 measured run(s), 1 above the objective of 15m 00.000s; the dashed line is the objective.');
      // The runs, newest first, each verdict a word and an icon.
      const verdicts = await page.getByTestId('runs').locator('[data-verdict]').evaluateAll((els) => els.map((e) => e.getAttribute('data-verdict')));
      expect(verdicts).toEqual(runs.map((r) => r.verdict));
      expect(await seriousA11yViolations(page)).toEqual([]);
      await screenshot(page, 'drill-detail');
      await page.setViewportSize({ width: 640, height: 900 });
      expect(await fitsWidth(page)).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('a responder runs it now after a confirmation: the run is a durable job requested in their name, and the page follows it to its verdict', async () => {
    const { page, errors, close } = await openAs('responder', '/drills/orders-restore');
    try {
      await page.locator('[data-action="run-drill"]').click();
      await page.locator('[data-action="confirm-run-drill"]').click();
      const said = page.getByText(/^Run requested: /);
      await said.waitFor();
      const runId = (await said.innerText()).replace(/^Run requested: (\S+)\. .*$/, '$1');
      expect(runId).toMatch(/^orders-restore-\d{8}-\d{6}-[0-9a-f]{8}$/);
      const jobs = await rigSql(rig, `SELECT payload FROM jobs WHERE name = 'drill-run' AND key = $1`, [runId]);
      expect(jobs).toEqual([{ payload: { drill: 'orders-restore', requestedBy: 'ui-responder' } }]);
      // The page follows the run without a reload. This rig's drills cannot reach a database, so the
      // job fails before a run starts; the run a replica would record is written here instead.
      const row = page.locator(`[data-run="${runId}"]`);
      await rigSql(rig, `INSERT INTO drill_runs (run_id, drill, type, trigger, requested_by, started_at) VALUES ($1, 'orders-restore', 'restore', 'manual', 'ui-responder', now())`, [runId]);
      await row.locator('[data-verdict="running"]').waitFor({ timeout: 30_000 });
      await rigSql(rig, `UPDATE drill_runs SET finished_at = now(), verdict = 'PASS', rto_ms = 42000, rpo_ms = 0 WHERE run_id = $1`, [runId]);
      await row.locator('[data-verdict="PASS"]').waitFor({ timeout: 30_000 });
      expect(await page.getByText(/^Run requested: /).count()).toBe(1);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('a viewer sees no run button, and the API answers 403 to the same request made by hand', async () => {
    const { page, close } = await openAs('viewer', '/drills/orders-restore');
    try {
      await page.getByTestId('runs').waitFor();
      await expect(page.locator('[data-action="run-drill"]').count()).resolves.toBe(0);
      const answer = await postFromPage(page, '/api/drills/orders-restore/runs');
      expect(answer).toEqual({ status: 403, body: expect.objectContaining({ role: 'viewer', permission: 'respond' }) });
    } finally {
      await close();
    }
  });
});

describe("a run's report", () => {
  it('shows every section of the sealed report and that its hash chain verifies', async () => {
    const run = seeded[2]!;
    const { page, errors, close } = await openAs('viewer', `/drill-runs/${run.runId}`);
    try {
      await page.getByTestId('verification').waitFor();
      const report = await api<DrillReport>(`/api/drill-runs/${run.runId}/report`);
      const titles = reportOutline(report).map((s) => s.title);
      expect(titles).toHaveLength(16);
      await expect(page.locator('[data-section] h2').allInnerTexts()).resolves.toEqual(titles);
      await expect(page.locator('h1').innerText()).resolves.toBe('DR drill report: orders-restore — ✘ FAIL');
      await expect(page.getByTestId('verification').getAttribute('data-verified')).resolves.toBe('true');
      await expect(page.getByTestId('verification').innerText()).resolves.toContain(`✔ Verifies: this report (000003-${run.runId}-r1.json, SHA-256 ${report.hash}) is the sealed text, and the chain from report 1 to it (3 reports) is unbroken.`);
      expect(await seriousA11yViolations(page)).toEqual([]);
      await screenshot(page, 'drill-report');
      await page.setViewportSize({ width: 640, height: 900 });
      expect(await fitsWidth(page)).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('prints to an A4 PDF with every section and without the navigation (print stylesheet)', async () => {
    const run = seeded[0]!;
    const { page, close } = await openAs('viewer', `/drill-runs/${run.runId}`);
    try {
      await page.getByTestId('verification').waitFor();
      const report = await api<DrillReport>(`/api/drill-runs/${run.runId}/report`);
      const titles = reportOutline(report).map((s) => s.title);
      await page.emulateMedia({ media: 'print' });
      // In print, the app's header, navigation and buttons are not laid out at all (no boxes), the report is.
      const boxes = (selector: string) => page.locator(selector).first().evaluate((e) => e.getClientRects().length);
      for (const chrome of ['header.top', 'nav', '.no-print', 'a.skip']) await expect(boxes(chrome)).resolves.toBe(0);
      for (const shown of ['h1', '[data-testid="verification"]', '[data-section="Sign-off"]']) await expect(boxes(shown)).resolves.toBeGreaterThan(0);
      // The page asks for A4 itself (@page), so the PDF is A4 without being told.
      const printed = await page.pdf({ preferCSSPageSize: true, printBackground: true });
      await keepArtifact('drill-report.pdf', printed);
      const pdf = await readPdf(printed);
      // A4 is 595.28 × 841.89 pt; Chromium rounds to its own units (594.96 × 841.92), which pdfinfo still names A4.
      const [w, h] = pdf.pageSize.split(' x ').map((v) => parseFloat(v));
      expect([Math.abs(w! - 595.28) < 1, Math.abs(h! - 841.89) < 1, pdf.pageSize.endsWith('(A4)')]).toEqual([true, true, true]);
      expect(pdf.pages).toBeGreaterThanOrEqual(2);
      const text = pdf.text.replace(/\s+/g, ' ');
      for (const t of [report.identity.runId, report.hash, 'Hash chain', '✔ Verifies', 'DR drill report: orders-restore', ...titles]) expect(text).toContain(t);
      for (const chrome of ['Signed in as', 'Sign out', 'Print or save as PDF', 'All drills']) expect(text).not.toContain(chrome);
    } finally {
      await close();
    }
  });

  it('says so when a report no longer verifies (its text edited in the database behind Vigil)', async () => {
    const run = seeded.at(-1)!;
    // Reports are immutable to Vigil (a trigger refuses UPDATE); a superuser can switch triggers off for a session.
    await rigSql(rig, `SET session_replication_role = replica; UPDATE drill_reports SET canonical = replace(canonical, '"host":"drill-runner-1"', '"host":"drill-runner-2"') WHERE run_id = '${run.runId}'`);
    const { page, errors, close } = await openAs('viewer', `/drill-runs/${run.runId}`);
    try {
      await page.getByTestId('verification').waitFor();
      await expect(page.getByTestId('verification').getAttribute('data-verified')).resolves.toBe('false');
      await expect(page.getByTestId('verification').innerText()).resolves.toContain(`✘ Does not verify: this report (000006-${run.runId}-r1.json): content altered: hash mismatch`);
      expect(await seriousA11yViolations(page)).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
});
