import request from 'supertest';
import type { OnCallNow } from '../../src/modules/web/api-types.js';
import { bearer } from '../support/auth.js';
import { pageErrors, screenshot, seriousA11yViolations, signIn } from '../support/browser.js';
import { startUiRig, type UiRig } from '../support/ui-rig.js';

/**
 * The on-call page in Debian's Chromium: every schedule, who is on call now, the hand-offs, the
 * overrides and the next two weeks, exactly as GET /api/oncall computes them from the OnCall
 * spec (test/support/ui-oncall.ts: carol overrides primary from tomorrow).
 */

let rig: UiRig;

beforeAll(async () => {
  rig = await startUiRig({ incidents: true });
}, 120_000);

afterAll(async () => {
  await rig?.stop();
});

it('shows each schedule as the API computes it: on call now, hand-offs, the override, and the shifts of the next two weeks', async () => {
  const context = await rig.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = pageErrors(page);
  try {
    // What the page was given ("now" moves on; a second call would answer later shifts).
    const answer = page.waitForResponse((r) => r.url() === `${rig.url}/api/oncall`);
    await signIn(page, rig.url, rig.tokens.viewer, '/oncall');
    const api = (await (await answer).json()) as { at: string; schedules: OnCallNow[] };
    await page.locator('[data-schedule="secondary"]').waitFor();
    // And the API computes the same from the spec when asked for that instant.
    const again = (await request(rig.app.getHttpServer()).get(`/api/oncall?at=${encodeURIComponent(api.at)}`).set(bearer(rig.tokens.viewer)).expect(200)).body;
    expect(again).toEqual(api);
    expect(api.schedules.map((s) => s.schedule)).toEqual(['primary', 'secondary']);
    for (const s of api.schedules) {
      const section = page.locator(`[data-schedule="${s.schedule}"]`);
      const now = await section.getByTestId('on-call-now').innerText();
      expect(now.startsWith(s.onCall.map((p) => p.displayName).join(', '))).toBe(true);
      const rows = await section.getByTestId('shifts').locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-from'), tr.getAttribute('data-until'), tr.getAttribute('data-people')]));
      expect(rows).toEqual(s.shifts.map((x) => [x.from, x.until, x.onCall.map((p) => p.name).join(',')]));
      // Two weeks, no gap, no overlap.
      expect(Date.parse(s.shifts.at(-1)!.until) - Date.parse(s.shifts[0]!.from)).toBe(14 * 86_400_000);
      s.shifts.slice(1).forEach((x, i) => expect(x.from).toBe(s.shifts[i]!.until));
    }
    const primary = api.schedules[0]!;
    expect(primary.overrides).toEqual([expect.objectContaining({ person: { name: 'carol', displayName: 'Carol Example' }, active: false })]);
    await expect(page.locator('[data-schedule="primary"]').getByTestId('overrides').innerText()).resolves.toMatch(/^Carol Example: \w{3} \d+ \w{3}, \d\d:\d\d to \w{3} \d+ \w{3}, \d\d:\d\d$/);
    // carol's override is a shift of its own, between two of the rotation's.
    expect(primary.shifts.map((x) => x.source)).toContain('override');
    expect(primary.shifts.find((x) => x.source === 'override')!.onCall).toEqual([{ name: 'carol', displayName: 'Carol Example' }]);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'oncall');
    await page.setViewportSize({ width: 640, height: 900 });
    await expect(page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).resolves.toBe(true);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'oncall-200-percent');
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});
