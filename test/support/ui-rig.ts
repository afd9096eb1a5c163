import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app.module.js';
import { loadConfig } from '../../src/config/config.js';
import { displayPrefix, formatApiToken, hashApiToken } from '../../src/core/auth/api-token.js';
import type { Role } from '../../src/core/auth/roles.js';
import { check } from '../../src/core/check.js';
import type { Slo } from '../../src/core/model/slo.js';
import type { Clock } from '../../src/core/ports/clock.js';
import { ApiTokenRepository } from '../../src/persistence/api-token.repository.js';
import type { BudgetSnapshot } from '../../src/persistence/budget.repository.js';
import { adminTokenEnv } from './auth.js';
import { launchChromium, pageErrors, signIn } from './browser.js';
import { seedBudgetHistory } from './budget-seed.js';
import { UI_PLANS, UI_SPECS } from './ui-fleet.js';
import { writeUiOnCall } from './ui-oncall.js';
import { PagerDutyContractServer } from './pagerduty-contract-server.js';
import { startTestPostgres, type TestPostgres } from './postgres-server.js';

/** Snapshots every 6 hours over the last 29 days: fewer than the ~500 buckets of a 30-day chart, so each is shown. */
const HISTORY_STEP = 6 * 3600;
const HISTORY_SPAN = 29 * 86400;

export interface UiRig {
  readonly url: string;
  readonly app: NestFastifyApplication;
  readonly db: TestPostgres;
  readonly browser: Browser;
  readonly tokens: Record<Role, string>;
  /** What the seeding stored, per "service/slo", oldest first. */
  readonly stored: Map<string, BudgetSnapshot[]>;
  readonly work: string;
  /** With `incidents`: the PagerDuty contract server pages go to. */
  readonly pd?: PagerDutyContractServer;
  readonly stop: () => Promise<void>;
}

export interface UiRigOptions {
  readonly env?: Record<string, string>;
  readonly clock?: Clock;
  /** An OnCall spec (test/support/ui-oncall.ts) whose pages go to a PagerDuty contract server. */
  readonly incidents?: boolean;
  /** Drill specs, by file name, for drills/. */
  readonly drills?: Record<string, string>;
}

/**
 * The app as `npm start` runs it (createApp + listen) on a real PostgreSQL, with budget history
 * stored as the budget job stores it, a token per role, and a real Chromium.
 */
export async function startUiRig(opts: UiRigOptions = {}): Promise<UiRig> {
  const work = await mkdtemp(join(tmpdir(), 'vigil-ui-'));
  await chmod(work, 0o755);
  let db: TestPostgres | undefined;
  let app: NestFastifyApplication | undefined;
  let browser: Browser | undefined;
  let pd: PagerDutyContractServer | undefined;
  const stop = async () => {
    await browser?.close();
    await app?.close();
    await pd?.close();
    await db?.stop();
    await rm(work, { recursive: true, force: true });
  };
  try {
    await mkdir(join(work, 'slos'));
    for (const [file, text] of Object.entries(UI_SPECS)) await writeFile(join(work, 'slos', file), text);
    await mkdir(join(work, 'drills'));
    for (const [file, text] of Object.entries(opts.drills ?? {})) await writeFile(join(work, 'drills', file), text);
    const extra: Record<string, string> = {};
    if (opts.incidents) {
      pd = await PagerDutyContractServer.start();
      await writeFile(join(work, 'slos', 'oncall.yaml'), await writeUiOnCall(work, pd.url, opts.clock?.now() ?? new Date()));
      await writeFile(join(work, 'extra-ca.pem'), pd.caPem);
      extra.VIGIL_EXTRA_CA_FILE = join(work, 'extra-ca.pem');
    }
    [db, browser] = await Promise.all([startTestPostgres('vigil_ui_test'), launchChromium()]);
    const config = loadConfig({
      PORT: '0',
      DATABASE_URL: db.url,
      VIGIL_SLOS_DIR: join(work, 'slos'),
      VIGIL_DRILLS_DIR: join(work, 'drills'),
      VIGIL_OUT_DIR: join(work, 'out'),
      VIGIL_GRAFANA_URL: 'https://grafana.example.test/',
      LOG_LEVEL: 'warn',
      ...(await adminTokenEnv(work)),
      ...extra,
      ...opts.env,
    });
    app = await createApp(config, { logWrite: () => {}, ...(opts.clock ? { clock: opts.clock } : {}) });
    await app.listen(0, '127.0.0.1');
    const url = await app.getUrl();

    const tokens = {} as Record<Role, string>;
    const repo = app.get(ApiTokenRepository);
    for (const role of ['admin', 'responder', 'viewer', 'ingest'] as const) {
      const token = formatApiToken(randomBytes(32));
      await repo.create({ name: `ui-${role}`, role, tokenHash: hashApiToken(token), prefix: displayPrefix(token), createdBy: 'test', expiresAt: null });
      tokens[role] = token;
    }

    const slos = check(Object.entries(UI_SPECS).map(([file, text]) => ({ path: `slos/${file}`, text }))).fleet.services.flatMap((s) => [...s.slos]);
    const now = Math.floor((opts.clock?.now() ?? new Date()).getTime() / 60_000) * 60;
    const times = Array.from({ length: HISTORY_SPAN / HISTORY_STEP + 1 }, (_, i) => now - HISTORY_SPAN + i * HISTORY_STEP);
    const seeded = slos.filter((s) => UI_PLANS[`${s.service}/${s.name}`]);
    const stored = await seedBudgetHistory(app.get(DataSource), seeded, (s: Slo) => UI_PLANS[`${s.service}/${s.name}`]!, times);
    return { url, app, db, browser, tokens, stored, work, ...(pd ? { pd } : {}), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** A browser context of its own (own cookies), signed in through the form with the role's token, showing `path`; and the errors the page raises. */
export async function openAs(
  rig: UiRig,
  role: Role,
  path: string,
  viewport = { width: 1280, height: 900 },
  opts: { browserClock?: Date } = {},
): Promise<{ page: Page; errors: string[]; close: () => Promise<void> }> {
  const context = await rig.browser.newContext({ viewport });
  const page = await context.newPage();
  // A browser whose clock is wrong: Date in the page reads this time (timers keep running).
  if (opts.browserClock) await page.clock.setSystemTime(opts.browserClock);
  const errors = pageErrors(page);
  await signIn(page, rig.url, rig.tokens[role], path);
  return { page, errors, close: () => context.close() };
}

/** One statement on the rig's database, outside the app: what the tables say. */
export async function rigSql<T extends pg.QueryResultRow>(rig: UiRig, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: rig.db.url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}
