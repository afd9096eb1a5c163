import { summarise, type ApplyStep } from '../../../core/apply/apply-plan.js';
import type { CliIo } from '../../io.js';

/** One line per object (`created policy logs`), then a summary; with --dry-run, what would happen. */
export function printApplyReport(target: string, steps: readonly ApplyStep<unknown>[], dryRun: boolean, io: CliIo): void {
  const verb = { create: dryRun ? 'would create' : 'created', update: dryRun ? 'would update' : 'updated', unchanged: 'unchanged' };
  for (const s of steps) io.out(`${verb[s.action]} ${s.kind} ${s.name}\n`);
  const c = summarise(steps);
  io.out(`${target}: ${c.create} ${verb.create}, ${c.update} ${verb.update}, ${c.unchanged} unchanged${dryRun ? ' (dry run: nothing was changed)' : ''}\n`);
}
