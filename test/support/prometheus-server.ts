import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/adapters/postgres/embedded-postgres.js';

export const PROMETHEUS = process.env.PROMETHEUS ?? 'prometheus';

export interface TestPrometheus {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  /** The folder its `rule_files` glob (`<rulesDir>/*.yaml`) reads; empty at start. */
  readonly rulesDir: string;
  /** Everything the server logged so far (its rule errors are only there). */
  readonly log: () => Promise<string>;
  /** Stops the server by its PID and removes its folder; safe to call twice. */
  readonly stop: () => Promise<void>;
}

export interface TestPrometheusOptions {
  /** `--web.enable-lifecycle` (POST /-/reload); on unless false. */
  readonly lifecycle?: boolean;
  /**
   * TSDB folder to run on instead of a fresh one inside the server's own folder, e.g. one holding
   * backfilled blocks. It belongs to the caller: `stop` leaves it in place.
   */
  readonly dataDir?: string;
  /** Rule files written into `rulesDir` before the start, name (`*.yaml`) → content. */
  readonly ruleFiles?: Readonly<Record<string, string>>;
  /** More command-line flags, e.g. `--storage.tsdb.retention.time=400d`. */
  readonly flags?: readonly string[];
}

/**
 * A real Prometheus (Debian package `prometheus`, installed by scripts/ensure-test-tools.sh) on a
 * free loopback port with its own data folder and the lifecycle API on (unless `lifecycle: false`). A missing binary is an
 * error, never a skip.
 */
export async function startTestPrometheus(opts: TestPrometheusOptions = {}): Promise<TestPrometheus> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-prometheus-'));
  const rulesDir = join(dir, 'rules');
  const logFile = join(dir, 'prometheus.log');
  let child: ChildProcess | undefined;

  const stop = async () => {
    const c = child;
    child = undefined;
    if (c && c.exitCode === null && c.signalCode === null) {
      const exited = new Promise<void>((ok) => c.once('exit', () => ok()));
      c.kill('SIGTERM');
      const timer = setTimeout(() => c.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await mkdir(rulesDir);
    for (const [name, content] of Object.entries(opts.ruleFiles ?? {})) {
      if (!/^[^/\\]+\.yaml$/.test(name)) throw new Error(`rule file name ${JSON.stringify(name)}: a plain file name ending in .yaml (the rule_files glob)`);
      await writeFile(join(rulesDir, name), content);
    }
    await writeFile(join(dir, 'prometheus.yml'), `global:\n  evaluation_interval: 1m\nrule_files:\n  - ${JSON.stringify(join(rulesDir, '*.yaml'))}\n`);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const log = createWriteStream(logFile);
    await new Promise<void>((ok, fail) => log.once('open', () => ok()).once('error', fail));
    const c = spawn(
      PROMETHEUS,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${opts.dataDir ?? join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        ...(opts.lifecycle === false ? [] : ['--web.enable-lifecycle']),
        ...(opts.flags ?? []),
      ],
      { stdio: ['ignore', log, log] },
    );
    child = c;
    // Last resort when a test run dies without afterAll: never leave a server behind.
    const killOnExit = () => c.kill('SIGKILL');
    process.once('exit', killOnExit);
    c.once('exit', () => process.off('exit', killOnExit));
    const spawnError = new Promise<never>((_, fail) =>
      c.once('error', (e: NodeJS.ErrnoException) =>
        fail(
          e.code === 'ENOENT'
            ? new Error(
                `prometheus not found (looked for "${PROMETHEUS}" on PATH). These tests run a real Prometheus and never skip: ` +
                  'run `bash scripts/ensure-test-tools.sh` as root (Debian package prometheus) or set PROMETHEUS to its path.',
              )
            : e,
        ),
      ),
    );
    spawnError.catch(() => undefined);
    await Promise.race([spawnError, waitReady(url, c, () => readFile(logFile, 'utf8').catch(() => ''))]);
    return { url, rulesDir, log: () => readFile(logFile, 'utf8').catch(() => ''), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function waitReady(url: string, c: ChildProcess, log: () => Promise<string>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (c.exitCode !== null || c.signalCode !== null) {
      throw new Error(`prometheus exited (${c.exitCode ?? c.signalCode}) before it was ready:\n${await log()}`);
    }
    const ok = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1_000) }).then((r) => r.ok, () => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`prometheus at ${url} not ready after ${timeoutMs} ms:\n${await log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
