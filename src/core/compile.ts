import { sortDiagnostics, type Diagnostic } from './diagnostics.js';
import { ruleFiles, type GeneratedFile } from './generate/rule-files.js';
import { loadSpecs, type SpecInput } from './spec/load-specs.js';
import { validateFleet, type Fleet } from './validate/validate-fleet.js';

export interface Compilation {
  /** What did load, for display even when some specs have problems. */
  readonly fleet: Fleet;
  /** Empty whenever there is a diagnostic: nothing is generated from a fleet with problems. */
  readonly files: readonly GeneratedFile[];
  readonly diagnostics: readonly Diagnostic[];
}

/** Specs in, every problem or every generated file out. The one entry point for CLI and service. */
export function compile(inputs: readonly SpecInput[], opts: { generate?: boolean } = {}): Compilation {
  const loaded = loadSpecs(inputs);
  const validated = validateFleet(loaded.documents);
  const diagnostics = sortDiagnostics([...loaded.diagnostics, ...validated.diagnostics]);
  if (diagnostics.length > 0) return { fleet: validated.fleet, files: [], diagnostics };
  // `vigil validate` needs no output: generating it would cost more than validating.
  return { fleet: validated.fleet, files: opts.generate === false ? [] : ruleFiles(validated.fleet), diagnostics };
}
