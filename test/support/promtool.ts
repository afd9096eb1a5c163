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
