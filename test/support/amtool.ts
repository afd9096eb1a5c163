import { execFile, spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** What amtool answered. */
export interface AmtoolResult {
  /** Exit code: 0 passed, 1 invalid config or receivers not as expected. */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The folder amtool ran in, when AMTOOL_KEEP=1 kept it. */
  readonly dir?: string;
}

export const AMTOOL = process.env.AMTOOL ?? 'amtool';
const KEEP = process.env.AMTOOL_KEEP === '1';

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
  const dir = await mkdtemp(join(tmpdir(), 'vigil-amtool-'));
  try {
    for (const [path, content] of Object.entries(files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), content);
    }
    const result = await exec(args, dir, timeoutMs);
    return KEEP ? { ...result, dir } : result;
  } finally {
    if (!KEEP) await rm(dir, { recursive: true, force: true });
  }
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

function exec(args: readonly string[], cwd: string, timeout: number): Promise<AmtoolResult> {
  return new Promise((resolve, reject) => {
    execFile(AMTOOL, args, { cwd, timeout, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (!error) return resolve({ code: 0, stdout, stderr });
      const e = error as NodeJS.ErrnoException & { code?: number | string; killed?: boolean; signal?: string };
      if (e.code === 'ENOENT') {
        return reject(
          new Error(
            `amtool not found (looked for "${AMTOOL}" on PATH). These tests run the real amtool and never skip: ` +
              'run `bash scripts/ensure-test-tools.sh` as root (Debian package prometheus-alertmanager) or set AMTOOL to its path.',
          ),
        );
      }
      if (typeof e.code === 'number') return resolve({ code: e.code, stdout, stderr });
      reject(new Error(`amtool ${args.join(' ')} did not finish (${e.killed ? `killed after ${timeout} ms` : (e.signal ?? e.message)})\n${stdout}${stderr}`));
    });
  });
}

/** amtool's whole answer, for assertion messages. */
export function describeRun(r: AmtoolResult): string {
  const where = r.dir ? ` in ${r.dir}` : '';
  return `amtool exited ${r.code}${where}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
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
