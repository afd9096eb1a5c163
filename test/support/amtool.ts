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
