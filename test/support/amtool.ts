import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeToolRun, runTool, type Tool, type ToolResult } from './tool-run.js';

/** What amtool answered. Exit code: 0 passed, 1 invalid config or receivers not as expected. */
export type AmtoolResult = ToolResult;

export const AMTOOL = process.env.AMTOOL ?? 'amtool';
const TOOL: Tool = { name: 'amtool', bin: AMTOOL, debianPackage: 'prometheus-alertmanager' };

/**
 * Runs the real amtool on files written into a fresh temporary folder (its working directory),
 * so paths in the arguments are relative to that folder.
 * A missing amtool is an error, never a skip: scripts/ensure-test-tools.sh installs it.
 * AMTOOL_KEEP=1 keeps the folders (their paths are printed with amtool's output) to rerun by hand.
 */
export async function runAmtool(
  args: readonly string[],
  files: Readonly<Record<string, string>>,
  timeoutMs = 60_000,
): Promise<AmtoolResult> {
  return runTool(TOOL, args, files, timeoutMs);
}

/**
 * The receivers an alert with these labels reaches, in the order Alertmanager walks the routing
 * tree (`amtool config routes test`).
 */
export async function routeReceivers(config: string, labels: Readonly<Record<string, string>>): Promise<string[]> {
  const args = ['config', 'routes', 'test', '--config.file=alertmanager.yml', ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)];
  const r = await runAmtool(args, { 'alertmanager.yml': config });
  if (r.code !== 0) throw new Error(`amtool ${args.join(' ')} failed\n${describeRun(r)}`);
  return r.stdout.trim().split(',');
}

/** amtool's whole answer, for assertion messages. */
export function describeRun(r: AmtoolResult): string {
  return describeToolRun(TOOL, r);
}

export const ALERTMANAGER = process.env.ALERTMANAGER ?? 'prometheus-alertmanager';

/** A real Alertmanager on a free local port, for what amtool cannot show (inhibition). */
export interface RunningAlertmanager {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Starts Alertmanager with `config` (clustering off, storage in a temporary folder) and waits
 * until it is ready. A missing binary is an error, never a skip. Notifications wait for
 * group_wait (30s), so short tests send none.
 */
export async function startAlertmanager(config: string): Promise<RunningAlertmanager> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-alertmanager-'));
  await writeFile(join(dir, 'alertmanager.yml'), config);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let log = '';
  const child = spawn(
    ALERTMANAGER,
    ['--config.file=alertmanager.yml', `--storage.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address='],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout.on('data', (d: Buffer) => void (log += d.toString()));
  child.stderr.on('data', (d: Buffer) => void (log += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'ENOENT'
          ? new Error(`Alertmanager not found (looked for "${ALERTMANAGER}" on PATH); run \`bash scripts/ensure-test-tools.sh\` as root or set ALERTMANAGER`)
          : e,
      ),
    );
    child.once('exit', (code) => reject(new Error(`Alertmanager exited with ${code} before it was ready\n${log}`)));
  });
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await Promise.race([failed, waitReady(url)]);
  } catch (e) {
    await stop().catch(() => undefined);
    throw e;
  }
  failed.catch(() => undefined);
  return { url, stop };
}

async function waitReady(url: string, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(`${url}/-/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`Alertmanager at ${url} not ready after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}
