import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export interface ToolOutput {
  readonly stdout: string;
  readonly stderr: string;
}

/** A PostgreSQL tool that failed: its name, exit status and what it printed, for the drill's timeline. */
export class ToolFailed extends Error {
  constructor(
    readonly tool: string,
    readonly exitCode: number | string | null,
    readonly stderr: string,
    /** What it printed before failing: pg_waldump prints the records it read before the end of WAL. */
    readonly stdout = '',
  ) {
    super(`${tool} failed (${exitCode ?? 'killed'}): ${stderr.trim().split('\n').slice(-3).join(' / ') || 'no output'}`);
  }
}

/**
 * Runs the PostgreSQL server tools of one binaries folder (pg_ctl, pg_verifybackup, pg_waldump …)
 * and plain system tools (cp, rm) as the drill's OS user: initdb and postgres refuse to run as
 * root, and files the server reads must belong to it. When Vigil is not root it runs them as itself.
 * Arguments go to execFile, never through a shell; TZ=UTC, so times they print (pg_waldump) are UTC.
 */
export class PostgresTools {
  constructor(
    readonly binDir: string,
    readonly osUser: string,
    private readonly asRoot = process.getuid?.() === 0,
  ) {}

  /** A tool of the binaries folder. */
  pg(tool: string, args: readonly string[], timeoutMs = 60 * 60_000, signal?: AbortSignal): Promise<ToolOutput> {
    return this.run(join(this.binDir, tool), args, timeoutMs, signal);
  }

  /** A system tool (by absolute path or on PATH), as the OS user. */
  async run(command: string, args: readonly string[], timeoutMs = 60 * 60_000, signal?: AbortSignal): Promise<ToolOutput> {
    const [file, argv] = this.asRoot ? ['runuser', ['-u', this.osUser, '--', command, ...args]] : [command, [...args]];
    try {
      const { stdout, stderr } = await exec(file, argv, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, killSignal: 'SIGKILL', env: { ...process.env, TZ: 'UTC' }, ...(signal ? { signal } : {}) });
      return { stdout, stderr };
    } catch (err) {
      const e = err as { code?: number | string; signal?: string; stderr?: string; stdout?: string };
      throw new ToolFailed(command.split('/').pop()!, e.code ?? e.signal ?? null, e.stderr ?? '', e.stdout ?? '');
    }
  }

  /** `postgres --version` and the like: the first line, for the report's tool versions. */
  async version(tool: string): Promise<string> {
    return (await this.pg(tool, ['--version'], 30_000)).stdout.trim().split('\n')[0]!;
  }
}
