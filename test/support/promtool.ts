import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** What promtool answered. */
export interface PromtoolResult {
  /** Exit code: 0 passed, 1 failed checks/tests, 3 lint errors with --lint-fatal. */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The folder promtool ran in, when PROMTOOL_KEEP=1 kept it. */
  readonly dir?: string;
}

export const PROMTOOL = process.env.PROMTOOL ?? 'promtool';
const KEEP = process.env.PROMTOOL_KEEP === '1';

/**
 * Runs the real promtool on files written into a fresh temporary folder (its working directory),
 * so paths in the arguments and in test files (`rule_files:`) are relative to that folder.
 * A missing promtool is an error, never a skip: scripts/ensure-test-tools.sh installs it.
 * PROMTOOL_KEEP=1 keeps the folders (their paths are printed with promtool's output) to rerun by hand.
 */
export async function runPromtool(
  args: readonly string[],
  files: Readonly<Record<string, string>>,
  timeoutMs = 5 * 60_000,
): Promise<PromtoolResult> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-promtool-'));
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

function exec(args: readonly string[], cwd: string, timeout: number): Promise<PromtoolResult> {
  return new Promise((resolve, reject) => {
    execFile(PROMTOOL, args, { cwd, timeout, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (!error) return resolve({ code: 0, stdout, stderr });
      const e = error as NodeJS.ErrnoException & { code?: number | string; killed?: boolean; signal?: string };
      if (e.code === 'ENOENT') {
        return reject(
          new Error(
            `promtool not found (looked for "${PROMTOOL}" on PATH). These tests run the real promtool and never skip: ` +
              'run `bash scripts/ensure-test-tools.sh` as root (Debian package prometheus) or set PROMTOOL to its path.',
          ),
        );
      }
      if (typeof e.code === 'number') return resolve({ code: e.code, stdout, stderr });
      reject(new Error(`promtool ${args.join(' ')} did not finish (${e.killed ? `killed after ${timeout} ms` : (e.signal ?? e.message)})\n${stdout}${stderr}`));
    });
  });
}

/** promtool's whole answer, for assertion messages. */
export function describeRun(r: PromtoolResult): string {
  const where = r.dir ? ` in ${r.dir}` : '';
  return `promtool exited ${r.code}${where}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
}
