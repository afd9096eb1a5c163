import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile, readlink, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parsePostmasterPid, type PostmasterPid } from '../../src/adapters/postgres/data-dir-owner.js';
import { processFacts, waitUntil } from '../../src/adapters/postgres/postgres-data-dir.js';

/** One JSON log line of the app (stdout). */
export type LogLine = { readonly level: string; readonly msg: string; readonly context?: string } & Record<string, unknown>;

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * `node dist/main.js` as a child process, what `npm start` runs: its log lines collected, with
 * waits that end on the event itself (a line, an exit) or fail at a deadline.
 */
export class VigilProcess {
  readonly lines: LogLine[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<Exit>;
  exit?: Exit;
  private readonly child: ChildProcess;
  private readonly waiters = new Set<() => void>();

  /** `user`: run as that uid/gid (as the image's USER does), which needs root. */
  constructor(env: Record<string, string>, cwd: string, user?: { readonly uid: number; readonly gid: number }) {
    const base = { ...process.env };
    // What the operator's shell might carry must not decide the database or the log level here.
    for (const name of ['DATABASE_URL', 'PROMETHEUS_URL', 'LOG_LEVEL', 'NODE_OPTIONS']) delete base[name];
    this.child = spawn(process.execPath, ['dist/main.js'], { cwd, env: { ...base, LOG_LEVEL: 'log', ...env }, stdio: ['ignore', 'pipe', 'pipe'], ...user });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      try {
        this.lines.push(JSON.parse(line) as LogLine);
      } catch {
        this.lines.push({ level: 'raw', msg: line });
      }
      this.wake();
    });
    createInterface({ input: this.child.stderr! }).on('line', (line) => this.stderr.push(line));
    this.exited = new Promise((ok) =>
      this.child.on('exit', (code, signal) => {
        this.exit = { code, signal };
        this.wake();
        ok(this.exit);
      }),
    );
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** The first log line `match` accepts; fails when the process exits first or at the deadline. */
  async waitForLine(match: (line: LogLine) => boolean, timeoutMs = 60_000): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.find(match);
      if (found) return found;
      if (this.exit) throw new Error(`vigil ${this.pid} exited (${JSON.stringify(this.exit)}) before the line; log:\n${this.transcript()}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`vigil ${this.pid}: no such line within ${timeoutMs} ms; log:\n${this.transcript()}`);
      await new Promise<void>((ok) => {
        const wake = () => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          ok();
        };
        const timer = setTimeout(wake, left);
        this.waiters.add(wake);
      });
    }
  }

  /** Waits for "listening on <url>" and then for GET /readyz to answer 200; returns the base URL. */
  async ready(timeoutMs = 60_000): Promise<string> {
    const line = await this.waitForLine((l) => l.msg.startsWith('listening on '), timeoutMs);
    const url = line.msg.slice('listening on '.length);
    const ok = await waitUntil(async () => (await readyz(url)) === 200, timeoutMs);
    if (!ok) throw new Error(`vigil ${this.pid}: ${url}/readyz never answered 200`);
    return url;
  }

  kill(signal: NodeJS.Signals): void {
    if (!this.exit) this.child.kill(signal);
  }

  async waitForExit(timeoutMs = 60_000): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, fail) => {
      timer = setTimeout(() => fail(new Error(`vigil ${this.pid} did not exit within ${timeoutMs} ms; log:\n${this.transcript()}`)), timeoutMs);
    });
    try {
      return await Promise.race([this.exited, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  transcript(): string {
    return [...this.lines.map((l) => `${l.level} ${l.context ?? ''} ${l.msg}`), ...this.stderr.map((l) => `stderr ${l}`)].join('\n');
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }
}

/** The status of GET <url>/readyz, or 0 when nothing answers. */
export async function readyz(url: string): Promise<number> {
  try {
    const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

export async function readPostmasterPid(dataDir: string): Promise<PostmasterPid | undefined> {
  const text = await readFile(join(dataDir, 'pgdata', 'postmaster.pid'), 'utf8').catch(() => undefined);
  return text === undefined ? undefined : parsePostmasterPid(text);
}

export async function isRunning(pid: number): Promise<boolean> {
  return (await processFacts(pid)).running;
}

/** Every live process working in `<dataDir>/pgdata`: the postmaster and all its children (Linux). */
export async function postgresProcessesIn(dataDir: string): Promise<number[]> {
  const databaseDir = await realpath(join(dataDir, 'pgdata')).catch(() => join(dataDir, 'pgdata'));
  const pids = (await readdir('/proc')).filter((d) => /^\d+$/.test(d)).map(Number);
  const found: number[] = [];
  for (const pid of pids) {
    if ((await readlink(`/proc/${pid}/cwd`).catch(() => '')) === databaseDir && (await isRunning(pid))) found.push(pid);
  }
  return found;
}

/**
 * For afterAll: fast shutdown (SIGINT, what pg_ctl -m fast sends) of any postgres still working in
 * `dataDir`, then SIGKILL for what remains at the deadline.
 */
export async function stopPostgresIn(dataDir: string): Promise<void> {
  const lock = await readPostmasterPid(dataDir);
  if (lock && (await isRunning(lock.pid))) {
    process.kill(lock.pid, 'SIGINT');
    if (await waitUntil(async () => !(await isRunning(lock.pid)), 30_000)) return;
  }
  for (const pid of await postgresProcessesIn(dataDir)) process.kill(pid, 'SIGKILL');
}
