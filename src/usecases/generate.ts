import { compile } from '../core/compile.js';
import type { Diagnostic } from '../core/diagnostics.js';
import { serviceRuleGroups } from '../core/generate/rule-files.js';
import type { Fleet } from '../core/model/slo.js';
import type { OutputPlan, SpecFiles } from '../core/ports/spec-files.js';

export interface GenerateRequest {
  readonly slosDir: string;
  /**
   * The drills folder, whose drills get alert rules (rules/vigil-drills.rules.yaml); `missingOk`
   * for a default folder a fleet need not have. Unset: no drills are read.
   */
  readonly drills?: { readonly dir: string; readonly missingOk: boolean };
  readonly outDir: string;
  /** Plan only: compare with what is on disk and write nothing (the GitOps drift gate). */
  readonly check?: boolean;
}

export interface GenerateResult {
  /** What did load, for display even when there are problems. */
  readonly fleet: Fleet;
  readonly counts: { readonly specFiles: number; readonly services: number; readonly slos: number; readonly rules: number; readonly files: number };
  /** Problems in the specs; when there are any, nothing was planned or written. */
  readonly problems: readonly Diagnostic[];
  /** The specs folder could not be read, or the output not written: a problem of the setup, not of a spec. */
  readonly ioError?: { readonly path: string; readonly message: string };
  /** What changed (or, with `check`, would change); null when nothing was planned. */
  readonly plan: OutputPlan | null;
  /** True when the plan was applied. */
  readonly written: boolean;
}

/**
 * `vigil generate` and the service's start-up, one pipeline: read the specs, compile everything,
 * then write all files or none. Spec problems stop it before anything is written.
 */
export async function generate(files: SpecFiles, req: GenerateRequest): Promise<GenerateResult> {
  const empty: Fleet = { services: [] };
  let inputs;
  try {
    inputs = await files.read(req.slosDir);
  } catch (err) {
    return result(empty, 0, [], { ioError: { path: req.slosDir, message: `cannot read specs: ${(err as Error).message}` } });
  }
  let drillInputs: Awaited<ReturnType<SpecFiles['read']>> = [];
  if (req.drills) {
    try {
      drillInputs = await files.read(req.drills.dir, { missingOk: req.drills.missingOk });
    } catch (err) {
      return result(empty, 0, [], { ioError: { path: req.drills.dir, message: `cannot read drills: ${(err as Error).message}` } });
    }
  }
  const specFiles = inputs.length + drillInputs.length;
  const compiled = compile(inputs, drillInputs);
  if (compiled.diagnostics.length > 0) return result(compiled.fleet, specFiles, compiled.diagnostics);
  let plan: OutputPlan;
  try {
    plan = await files.plan(req.outDir, compiled.files);
    if (!req.check) await files.write(req.outDir, compiled.files, plan);
  } catch (err) {
    return result(compiled.fleet, specFiles, [], { ioError: { path: req.outDir, message: `cannot write generated files: ${(err as Error).message}` } });
  }
  return result(compiled.fleet, specFiles, [], { plan, written: !req.check, files: compiled.files.length });
}

/** Paths a plan creates, updates or removes. */
export function changedPaths(plan: OutputPlan | null): string[] {
  return plan ? [...plan.create, ...plan.update, ...plan.remove] : [];
}

function result(
  fleet: Fleet,
  specFiles: number,
  problems: readonly Diagnostic[],
  more: { ioError?: GenerateResult['ioError']; plan?: OutputPlan; written?: boolean; files?: number } = {},
): GenerateResult {
  const ok = problems.length === 0 && !more.ioError;
  return {
    fleet,
    counts: {
      specFiles,
      services: fleet.services.length,
      slos: fleet.services.reduce((n, s) => n + s.slos.length, 0),
      // Rules per service, counted once (the plain file and the PrometheusRule hold the same groups).
      rules: ok ? fleet.services.reduce((n, s) => n + serviceRuleGroups(s).reduce((m, g) => m + g.rules.length, 0), 0) : 0,
      files: more.files ?? 0,
    },
    problems,
    ...(more.ioError ? { ioError: more.ioError } : {}),
    plan: more.plan ?? null,
    written: more.written ?? false,
  };
}
