import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** What a command-line tool (promtool, amtool) answered. */
export interface ToolResult {
  /** Exit code of the tool. */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The folder it ran in, when <NAME>_KEEP=1 kept it. */
  readonly dir?: string;
}

export interface Tool {
  /** Name in messages and the prefix of its environment variables (PROMTOOL, PROMTOOL_KEEP). */
  readonly name: string;
  readonly bin: string;
  /** The Debian package scripts/ensure-test-tools.sh installs it from. */
  readonly debianPackage: string;
}

/**
 * Runs the real tool on files written into a fresh temporary folder (its working directory), so
 * paths in arguments and in the files are relative to that folder. A missing tool is an error,
 * never a skip. <NAME>_KEEP=1 keeps the folders to rerun by hand.
 */
export async function runTool(
  tool: Tool,
  args: readonly string[],
  files: Readonly<Record<string, string>>,
  timeoutMs: number,
): Promise<ToolResult> {
  const keep = process.env[`${tool.name.toUpperCase()}_KEEP`] === '1';
  const dir = await mkdtemp(join(tmpdir(), `vigil-${tool.name}-`));
  try {
    for (const [path, content] of Object.entries(files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), content);
    }
    const result = await exec(tool, args, dir, timeoutMs);
    return keep ? { ...result, dir } : result;
  } finally {
    if (!keep) await rm(dir, { recursive: true, force: true });
  }
}

function exec(tool: Tool, args: readonly string[], cwd: string, timeout: number): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    execFile(tool.bin, args, { cwd, timeout, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (!error) return resolve({ code: 0, stdout, stderr });
      const e = error as NodeJS.ErrnoException & { code?: number | string; killed?: boolean; signal?: string };
      if (e.code === 'ENOENT') return reject(missingToolError(tool));
      if (typeof e.code === 'number') return resolve({ code: e.code, stdout, stderr });
      reject(new Error(`${tool.name} ${args.join(' ')} did not finish (${e.killed ? `killed after ${timeout} ms` : (e.signal ?? e.message)})\n${stdout}${stderr}`));
    });
  });
}

/** What a test says when the tool is not installed: never a skip, and how to get it. */
export function missingToolError(tool: Tool): Error {
  return new Error(
    `${tool.name} not found (looked for "${tool.bin}" on PATH). These tests run the real ${tool.name} and never skip: ` +
      `run \`bash scripts/ensure-test-tools.sh\` as root (Debian package ${tool.debianPackage}) or set ${tool.name.toUpperCase()} to its path.`,
  );
}

/** The tool's whole answer, for assertion messages. */
export function describeToolRun(tool: Tool, r: ToolResult): string {
  const where = r.dir ? ` in ${r.dir}` : '';
  return `${tool.name} exited ${r.code}${where}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
}
