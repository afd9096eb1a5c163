import { resolve } from 'node:path';
import { OWNED_DIRS, planOutput, readSpecDir, writeOutput } from '../../adapters/files/spec-files.js';
import { compile } from '../../core/compile.js';
import type { Diagnostic } from '../../core/diagnostics.js';
import { serviceRuleGroups } from '../../core/generate/rule-files.js';
import type { Fleet } from '../../core/model/slo.js';

export interface GenerateResult {
  /** What did load, for display even when there are problems. */
  readonly fleet: Fleet;
  readonly counts: { readonly specFiles: number; readonly services: number; readonly slos: number; readonly rules: number };
  /** Problems that stopped the run: spec diagnostics, or a folder that could not be read or written. */
  readonly problems: readonly Diagnostic[];
  /** Paths (relative to outDir) created, updated or removed; empty whenever there is a problem. */
  readonly changed: readonly string[];
}

/**
 * What `vigil generate` does, for the service's start-up: all files or none. I/O failures become
 * problems too, so the service still starts and shows them instead of crash-looping.
 */
export async function runGenerate(slosDir: string, outDir: string, cwd = process.cwd()): Promise<GenerateResult> {
  const inputs = await readSpecDir(slosDir, cwd).catch((err: unknown) => err as Error);
  if (inputs instanceof Error) {
    return result({ services: [] }, 0, [problem(slosDir, `cannot read specs: ${inputs.message}`)]);
  }
  const { fleet, files, diagnostics } = compile(inputs);
  if (diagnostics.length > 0) return result(fleet, inputs.length, diagnostics);
  const root = resolve(cwd, outDir);
  try {
    const plan = await planOutput(root, files, OWNED_DIRS);
    await writeOutput(root, files, plan);
    return result(fleet, inputs.length, [], [...plan.create, ...plan.update, ...plan.remove]);
  } catch (err) {
    return result(fleet, inputs.length, [problem(outDir, `cannot write generated files: ${err instanceof Error ? err.message : String(err)}`)]);
  }
}

function result(fleet: Fleet, specFiles: number, problems: readonly Diagnostic[], changed: readonly string[] = []): GenerateResult {
  const written = problems.length === 0;
  return {
    fleet,
    counts: {
      specFiles,
      services: fleet.services.length,
      slos: fleet.services.reduce((n, s) => n + s.slos.length, 0),
      // Rules per service, counted once (the plain file and the PrometheusRule hold the same groups).
      rules: written ? fleet.services.reduce((n, s) => n + serviceRuleGroups(s).reduce((m, g) => m + g.rules.length, 0), 0) : 0,
    },
    problems,
    changed,
  };
}

function problem(file: string, message: string): Diagnostic {
  return { file, line: 1, col: 1, message };
}
