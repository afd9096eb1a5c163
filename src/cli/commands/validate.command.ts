import { check } from '../../core/check.js';
import { formatDiagnostic } from '../../core/diagnostics.js';
import { readSpecDir } from '../../adapters/files/spec-files.js';
import { EXIT, type CliIo } from '../io.js';

export const DEFAULT_DRILLS_DIR = 'drills';

export interface ValidateOptions {
  readonly slos: string;
  /** Unset: `drills`, and a fleet without that folder has no drills; set: the folder must exist. */
  readonly drills?: string;
}

/** `vigil validate`: every problem in every file, or a one-line summary of what is valid. */
export async function validateCommand(opts: ValidateOptions, io: CliIo): Promise<number> {
  const inputs = await readSpecDir(opts.slos, io.cwd);
  const drillInputs = await readSpecDir(opts.drills ?? DEFAULT_DRILLS_DIR, io.cwd, { missingOk: opts.drills === undefined });
  const result = check(inputs, drillInputs);
  if (result.diagnostics.length > 0) {
    for (const d of result.diagnostics) io.err(`${formatDiagnostic(d)}\n`);
    io.err(`${result.diagnostics.length} problem(s) in ${new Set(result.diagnostics.map((d) => d.file)).size} file(s)\n`);
    return EXIT.problems;
  }
  const slos = result.fleet.services.reduce((n, s) => n + s.slos.length, 0);
  const alerts = result.fleet.services.reduce((n, s) => n + s.alerts.length, 0);
  io.out(`${inputs.length + drillInputs.length} file(s) valid: ${result.fleet.services.length} service(s), ${slos} SLO(s), ${alerts} alert(s), ${result.drills.length} drill(s)\n`);
  return EXIT.ok;
}
