import { check } from '../../core/check.js';
import { formatDiagnostic } from '../../core/diagnostics.js';
import { readSpecDir } from '../../adapters/files/spec-files.js';
import { EXIT, type CliIo } from '../io.js';

export interface ValidateOptions {
  readonly slos: string;
}

/** `vigil validate`: every problem in every file, or a one-line summary of what is valid. */
export async function validateCommand(opts: ValidateOptions, io: CliIo): Promise<number> {
  const inputs = await readSpecDir(opts.slos, io.cwd);
  const result = check(inputs);
  if (result.diagnostics.length > 0) {
    for (const d of result.diagnostics) io.err(`${formatDiagnostic(d)}\n`);
    io.err(`${result.diagnostics.length} problem(s) in ${new Set(result.diagnostics.map((d) => d.file)).size} file(s)\n`);
    return EXIT.problems;
  }
  const slos = result.fleet.services.reduce((n, s) => n + s.slos.length, 0);
  const alerts = result.fleet.services.reduce((n, s) => n + s.alerts.length, 0);
  io.out(`${inputs.length} file(s) valid: ${result.fleet.services.length} service(s), ${slos} SLO(s), ${alerts} alert(s)\n`);
  return EXIT.ok;
}
