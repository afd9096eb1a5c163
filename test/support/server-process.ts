import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { missingToolError, type Tool } from './tool-run.js';

/** A real server (Prometheus, Alertmanager) a test started, logging to a file. */
export interface ServerProcess {
  readonly child: ChildProcess;
  /** Rejects when the binary cannot be started (a missing one says how to install it); never resolves. */
  readonly spawnError: Promise<never>;
}

/** Starts the tool with its output appended to `logFile`. A missing binary is an error, never a skip. */
export async function spawnServer(tool: Tool, args: readonly string[], logFile: string, cwd?: string): Promise<ServerProcess> {
  const log = createWriteStream(logFile);
  await new Promise<void>((ok, fail) => log.once('open', () => ok()).once('error', fail));
  const child = spawn(tool.bin, args, { cwd, stdio: ['ignore', log, log] });
  // Last resort when a test run dies without afterAll: never leave a server behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  const spawnError = new Promise<never>((_, fail) =>
    child.once('error', (e: NodeJS.ErrnoException) => fail(e.code === 'ENOENT' ? missingToolError(tool) : e)),
  );
  spawnError.catch(() => undefined);
  return { child, spawnError };
}

/** SIGTERM by its PID, SIGKILL after 5 s; nothing when it already exited. */
export async function stopServer(c: ChildProcess | undefined): Promise<void> {
  if (!c || c.exitCode !== null || c.signalCode !== null) return;
  const exited = new Promise<void>((ok) => c.once('exit', () => ok()));
  c.kill('SIGTERM');
  const timer = setTimeout(() => c.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

function hasExited(c: ChildProcess): boolean {
  return c.exitCode !== null || c.signalCode !== null;
}

/** A server's own temporary folder with its log file; `stop` ends the process attached and removes the folder (safe twice). */
export interface ServerHome {
  readonly dir: string;
  readonly logFile: string;
  log(): Promise<string>;
  attach(child: ChildProcess): void;
  stop(): Promise<void>;
}

export async function serverHome(name: string): Promise<ServerHome> {
  const dir = await mkdtemp(join(tmpdir(), `vigil-${name}-`));
  const logFile = join(dir, `${name}.log`);
  let child: ChildProcess | undefined;
  return {
    dir,
    logFile,
    log: () => readFile(logFile, 'utf8').catch(() => ''),
    attach: (c) => void (child = c),
    stop: async () => {
      const c = child;
      child = undefined;
      await stopServer(c);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `ready` every 100 ms until it says yes; fails with the server's log when it exits or takes too long. */
export async function waitUntilReady(
  what: string,
  c: ChildProcess,
  log: () => Promise<string>,
  ready: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (hasExited(c)) throw new Error(`${what} exited (${c.exitCode ?? c.signalCode}) before it was ready:\n${await log()}`);
    if (await ready()) return;
    if (Date.now() > deadline) throw new Error(`${what} not ready after ${timeoutMs} ms:\n${await log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
