import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import axe from 'axe-core';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's chromium, installed by scripts/ensure-test-tools.sh; playwright-core brings no browser. */
export const CHROMIUM = '/usr/bin/chromium';
/** Git-ignored: screenshots of every page, kept by CI as artefacts. */
export const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'ui');

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Keeps a file the browser produced (a printed PDF) beside the screenshots. */
export async function keepArtifact(name: string, bytes: Buffer): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  await writeFile(join(ARTIFACTS, name), bytes);
}

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly targets: string[];
}

/**
 * axe-core's serious and critical violations on the page as it is now. The script is evaluated
 * over the DevTools protocol, which the page's Content-Security-Policy (our own scripts only)
 * does not block; the policy itself stays on, so a CSP violation by the app still shows.
 */
export async function seriousA11yViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axe.source);
  const violations = (await page.evaluate(
    `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) })))`,
  )) as AxeViolation[];
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/**
 * Errors the page itself raised: uncaught exceptions and Content-Security-Policy violations.
 * (Failed requests are not among them: some tests make the API refuse on purpose.)
 */
export function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text())) errors.push(`csp: ${m.text()}`);
  });
  return errors;
}

/**
 * Makes, from the signed-in page itself, the request a button would make: with the session's
 * cookie and a valid CSRF token, so only the role can be why the API refuses it.
 */
export async function postFromPage(page: Page, path: string, body: unknown = {}): Promise<{ status: number; body: unknown }> {
  return page.evaluate(
    async ([p, b]) => {
      const session = (await (await fetch('/api/session')).json()) as { csrfToken: string };
      const r = await fetch(p, { method: 'POST', headers: { 'content-type': 'application/json', 'x-vigil-csrf': session.csrfToken }, body: JSON.stringify(b) });
      return { status: r.status, body: (await r.json()) as unknown };
    },
    [path, body] as const,
  );
}

/** Signs in through the form, as a person does, and waits for the page to say who is signed in. */
export async function signIn(page: Page, baseUrl: string, token: string, path = '/slos'): Promise<void> {
  await page.goto(`${baseUrl}${path}`);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('who').waitFor();
}
