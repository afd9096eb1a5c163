import { describeToolRun, runTool, type Tool, type ToolResult } from './tool-run.js';

/** What promtool answered. Exit code: 0 passed, 1 failed checks/tests, 3 lint errors with --lint-fatal. */
export type PromtoolResult = ToolResult;

export const PROMTOOL = process.env.PROMTOOL ?? 'promtool';
const TOOL: Tool = { name: 'promtool', bin: PROMTOOL, debianPackage: 'prometheus' };

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
  return runTool(TOOL, args, files, timeoutMs);
}

/** promtool's whole answer, for assertion messages. */
export function describeRun(r: PromtoolResult): string {
  return describeToolRun(TOOL, r);
}

/**
 * `promtool test rules` for each scenario (a test file's text, by name), all started side by side
 * in `beforeAll` since each replays many evaluations; the answer asserts one of them passed.
 * `files` are the other files the test files name (`rule_files:`), read when the runs start.
 */
export function promtoolScenarios<N extends string>(scenarios: Readonly<Record<N, string>>, testFile: string, files: () => Readonly<Record<string, string>>): (name: N) => Promise<void> {
  const runs = new Map<N, Promise<PromtoolResult>>();
  beforeAll(() => {
    for (const name of Object.keys(scenarios) as N[]) {
      const run = runPromtool(['test', 'rules', testFile], { ...files(), [testFile]: scenarios[name] });
      run.catch(() => undefined); // awaited (and reported) by its own test
      runs.set(name, run);
    }
  });
  return async (name) => {
    const run = await runs.get(name)!;
    expect({ code: run.code, promtool: describeRun(run) }).toEqual({ code: 0, promtool: expect.stringContaining('SUCCESS') });
  };
}
