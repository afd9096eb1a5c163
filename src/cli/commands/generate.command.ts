import { resolve } from 'node:path';
import { compile } from '../../core/compile.js';
import { formatDiagnostic } from '../../core/diagnostics.js';
import { OWNED_DIRS, planOutput, readSpecDir, writeOutput } from '../../adapters/files/spec-files.js';
import { EXIT, type CliIo } from '../io.js';

export interface GenerateOptions {
  readonly slos: string;
  readonly out: string;
  readonly check: boolean;
}

/**
 * `vigil generate`: all files or none. `--check` writes nothing and exits 1 when the committed
 * output differs from what the specs generate (a GitOps drift gate).
 */
export async function generateCommand(opts: GenerateOptions, io: CliIo): Promise<number> {
  const result = compile(await readSpecDir(opts.slos, io.cwd));
  if (result.diagnostics.length > 0) {
    for (const d of result.diagnostics) io.err(`${formatDiagnostic(d)}\n`);
    io.err(`${result.diagnostics.length} problem(s); nothing was written\n`);
    return EXIT.problems;
  }
  const outDir = resolve(io.cwd, opts.out);
  const plan = await planOutput(outDir, result.files, OWNED_DIRS);
  const changes = [
    ...plan.create.map((p) => `create ${p}`),
    ...plan.update.map((p) => `update ${p}`),
    ...plan.remove.map((p) => `remove ${p}`),
  ];
  if (opts.check) {
    if (changes.length === 0) {
      io.out(`${plan.unchanged.length} generated file(s) up to date\n`);
      return EXIT.ok;
    }
    for (const c of changes) io.err(`would ${c}\n`);
    io.err(`${changes.length} generated file(s) out of date; run vigil generate\n`);
    return EXIT.problems;
  }
  await writeOutput(outDir, result.files, plan);
  for (const c of changes) io.out(`${c}\n`);
  io.out(`${result.files.length} file(s) generated, ${changes.length} changed\n`);
  return EXIT.ok;
}
