#!/usr/bin/env node
// The web UI's SLO list for a fleet of --slos SLOs (default 1,000: 100 services × 10, bench/fleet.js),
// in Debian's Chromium driven by playwright-core: the time from navigation start until the list's
// rows are in the page (the app marks `slo-list:rendered` once they are committed), on a fresh
// browser context each run (empty cache: the bundle is fetched too), and what the page fetched.
// Also the JavaScript and CSS shipped, raw and gzipped, from dist/web/build.json.
//
//   node bench/scenario-ui.js [--slos 1000] [--runs 5] [--warmup 1]
//
// Each run also gives the page's own resource timings: when the script, GET /api/session and
// GET /api/budgets had arrived (the rest, up to the mark, is drawing the rows).
//
// The app runs in this process (createApp from dist, as `npm start` builds it) on a real PostgreSQL 15;
// one budget cycle is stored for every SLO with the budget job's own arithmetic (assembleBudgets) and
// writes (BudgetRepository.saveCycle), so the list shows a budget, burn rates and a status per row.
// Needs `npm run build` first. Progress on stderr; one JSON object on stdout (bench/run.js renders it).

import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { DataSource } from 'typeorm';
import { createApp } from '../dist/app.module.js';
import { loadConfig } from '../dist/config/config.js';
import { displayPrefix, formatApiToken, hashApiToken } from '../dist/core/auth/api-token.js';
import { assembleBudgets, burnWindowNames } from '../dist/core/budget/budget-cycle.js';
import { sloKey, sloWindow } from '../dist/core/budget/budget-queries.js';
import { budgetView } from '../dist/core/budget/budget-view.js';
import { check } from '../dist/core/check.js';
import { errorBudgetRatio } from '../dist/core/model/objective.js';
import { ApiTokenRepository } from '../dist/persistence/api-token.repository.js';
import { BudgetRepository, snapshotOf } from '../dist/persistence/budget.repository.js';
import { benchArgs } from './args.js';
import { generateFleet, prng } from './fleet.js';
import { cleanupsOnExit, printResult, startPostgres } from './servers.js';

const args = benchArgs(process.argv.slice(2), { numbers: { slos: 1000, runs: 5, warmup: 1 }, flags: [] }, 'bench/scenario-ui.js');
const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const progress = (msg) => process.stderr.write(`[bench:ui] ${msg}\n`);
const { cleanups, cleanup } = cleanupsOnExit(progress);

await printResult(main, cleanup);

async function main() {
  const build = JSON.parse(readFileSync(join(repo, 'dist', 'web', 'build.json'), 'utf8'));
  const result = {
    scenario: 'ui',
    loadAverage1mAtStart: os.loadavg()[0],
    shipped: { js: build.sizes[build.js], css: build.sizes[build.css] },
  };
  const tmp = mkdtempSync(join(os.tmpdir(), 'vigil-bench-ui-'));
  cleanups.push(async () => rmSync(tmp, { recursive: true, force: true }));
  const fleet = generateFleet({ services: Math.ceil(args.slos / 10), slosPerService: 10 });
  mkdirSync(join(tmp, 'slos'));
  for (const f of fleet.inputs) writeFileSync(join(tmp, f.path), f.text);
  const slos = check(fleet.inputs).fleet.services.flatMap((s) => [...s.slos]);

  progress(`starting PostgreSQL 15 and the app with ${slos.length} SLOs…`);
  const db = await startPostgres('vigil_bench_ui');
  cleanups.push(db.stop);
  const config = loadConfig({ PORT: '0', DATABASE_URL: db.url, VIGIL_SLOS_DIR: join(tmp, 'slos'), VIGIL_DRILLS_DIR: join(tmp, 'drills'), VIGIL_OUT_DIR: join(tmp, 'out'), LOG_LEVEL: 'error' });
  const app = await createApp(config, { logWrite: () => {} });
  cleanups.push(() => app.close());
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();

  const token = formatApiToken(randomBytes(32));
  await app.get(ApiTokenRepository).create({ name: 'bench-viewer', role: 'viewer', tokenHash: hashApiToken(token), prefix: displayPrefix(token), createdBy: 'bench', expiresAt: null });
  await storeOneCycle(app, slos);

  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true });
  cleanups.push(() => browser.close());
  // One sign-in; every run is a fresh context holding only that session cookie (no cached assets).
  const signedIn = await browser.newContext();
  const signInPage = await signedIn.newPage();
  await signInPage.goto(`${url}/`);
  await signInPage.getByLabel('API token').fill(token);
  await signInPage.getByRole('button', { name: 'Sign in' }).click();
  await signInPage.getByTestId('slo-table').waitFor();
  const cookies = await signedIn.cookies();
  await signedIn.close();

  const runs = [];
  for (let i = 0; i < args.warmup + args.runs; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      await context.addCookies(cookies);
      const page = await context.newPage();
      await page.goto(`${url}/slos`);
      await page.waitForFunction(() => performance.getEntriesByName('slo-list:rendered').length > 0, undefined, { timeout: 60_000 });
      const run = await page.evaluate(() => {
        const rendered = performance.getEntriesByName('slo-list:rendered')[0].startTime;
        const resources = performance.getEntriesByType('resource');
        const budgets = resources.find((r) => r.name.endsWith('/api/budgets'));
        const session = resources.find((r) => r.name.endsWith('/api/session'));
        const script = resources.find((r) => r.initiatorType === 'script' || r.name.endsWith('.js'));
        return {
          phasesMs: { scriptEnd: script?.responseEnd, sessionEnd: session?.responseEnd, budgetsStart: budgets?.requestStart, budgetsEnd: budgets?.responseEnd },
          renderedMs: rendered,
          rows: document.querySelectorAll('[data-testid="slo-table"] tbody tr').length,
          budgetsApiMs: budgets ? budgets.responseEnd - budgets.requestStart : null,
          budgetsApiBytes: budgets ? budgets.encodedBodySize : null,
          fetchedBytes: resources.reduce((sum, r) => sum + r.transferSize, 0),
        };
      });
      if (run.rows !== slos.length) throw new Error(`the list showed ${run.rows} rows, expected ${slos.length}`);
      if (i >= args.warmup) runs.push(run);
      progress(`run ${i + 1}${i < args.warmup ? ' (warm-up)' : ''}: rendered at ${run.renderedMs.toFixed(0)} ms`);
    } finally {
      await context.close();
    }
  }
  return { ...result, slos: slos.length, warmup: args.warmup, runs, loadAverage1mAtEnd: os.loadavg()[0] };
}

/** One budget cycle for every SLO: a spread of budgets left (overspent to untouched) and burns, fixed by a seeded PRNG. */
async function storeOneCycle(app, slos) {
  const random = prng(20261129);
  const at = Math.floor(Date.now() / 1000);
  const counts = new Map();
  const ratios = new Map();
  for (const slo of slos) {
    const budget = Number(errorBudgetRatio(slo.objective));
    const key = sloKey(slo.service, slo.name);
    counts.set(key, new Map([[sloWindow(slo, at).key, { bad: (random() * 1.5) * budget * 1e6, total: 1e6, source: 'recorded' }]]));
    ratios.set(key, Object.fromEntries(burnWindowNames(slo).map((w) => [w, random() * 4 * budget])));
  }
  const budgets = assembleBudgets(slos, { counts, ratios, uncovered: [] }, at);
  const when = new Date(at * 1000);
  await app.get(DataSource).transaction((m) =>
    app.get(BudgetRepository).saveCycle(m, {
      cycle: { at: when, jobId: null, replica: 'bench', slos: slos.length, queries: 0, events: 0, durationMs: 0 },
      snapshots: budgets.map((b) => snapshotOf(b, when)),
      latest: budgets.map(budgetView),
      days: [],
    }),
  );
}
