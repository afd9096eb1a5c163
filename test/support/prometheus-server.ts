import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '../../src/adapters/postgres/embedded-postgres.js';
import { serverHome, spawnServer, waitUntilReady } from './server-process.js';
import type { Tool } from './tool-run.js';

export const PROMETHEUS = process.env.PROMETHEUS ?? 'prometheus';
const TOOL: Tool = { name: 'prometheus', bin: PROMETHEUS, debianPackage: 'prometheus' };

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
  const home = await serverHome('prometheus');
  const { dir, logFile, log, stop } = home;
  const rulesDir = join(dir, 'rules');

  try {
    await mkdir(rulesDir);
    for (const [name, content] of Object.entries(opts.ruleFiles ?? {})) {
      if (!/^[^/\\]+\.yaml$/.test(name)) throw new Error(`rule file name ${JSON.stringify(name)}: a plain file name ending in .yaml (the rule_files glob)`);
      await writeFile(join(rulesDir, name), content);
    }
    await writeFile(join(dir, 'prometheus.yml'), `global:\n  evaluation_interval: 1m\nrule_files:\n  - ${JSON.stringify(join(rulesDir, '*.yaml'))}\n`);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const { child: c, spawnError } = await spawnServer(
      TOOL,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${opts.dataDir ?? join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        ...(opts.lifecycle === false ? [] : ['--web.enable-lifecycle']),
        ...(opts.flags ?? []),
      ],
      logFile,
    );
    home.attach(c);
    const ready = () => fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1_000) }).then((r) => r.ok, () => false);
    await Promise.race([spawnError, waitUntilReady(`prometheus at ${url}`, c, log, ready, 20_000)]);
    return { url, rulesDir, log, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
