import { LocalSpecFiles } from '../../adapters/files/spec-files.js';
import { formatDiagnostic } from '../../core/diagnostics.js';
import { changedPaths, generate } from '../../usecases/generate.js';
import { EXIT, type CliIo } from '../io.js';
import { DEFAULT_DRILLS_DIR } from './validate.command.js';

export interface GenerateOptions {
  readonly slos: string;
  /** Unset: `drills`, and a fleet without that folder has no drills; set: the folder must exist. */
  readonly drills?: string;
  readonly out: string;
  readonly check: boolean;
}

/**
 * `vigil generate`: all files or none. `--check` writes nothing and exits 1 when the committed
 * output differs from what the specs generate (a GitOps drift gate).
 */
export async function generateCommand(opts: GenerateOptions, io: CliIo): Promise<number> {
  const drills = { dir: opts.drills ?? DEFAULT_DRILLS_DIR, missingOk: opts.drills === undefined };
  const r = await generate(new LocalSpecFiles(io.cwd), { slosDir: opts.slos, drills, outDir: opts.out, check: opts.check });
  if (r.ioError) {
    io.err(`vigil: ${r.ioError.message}\n`);
    return EXIT.usage;
  }
  if (r.problems.length > 0) {
    for (const d of r.problems) io.err(`${formatDiagnostic(d)}\n`);
    io.err(`${r.problems.length} problem(s); nothing was written\n`);
    return EXIT.problems;
  }
  const plan = r.plan!;
  const changes = [...plan.create.map((p) => `create ${p}`), ...plan.update.map((p) => `update ${p}`), ...plan.remove.map((p) => `remove ${p}`)];
  if (opts.check) {
    if (changes.length === 0) {
      io.out(`${plan.unchanged.length} generated file(s) up to date\n`);
      return EXIT.ok;
    }
    for (const c of changes) io.err(`would ${c}\n`);
    io.err(`${changes.length} generated file(s) out of date; run vigil generate\n`);
    return EXIT.problems;
  }
  for (const c of changes) io.out(`${c}\n`);
  io.out(`${r.counts.files} file(s) generated, ${changedPaths(plan).length} changed\n`);
  return EXIT.ok;
}
