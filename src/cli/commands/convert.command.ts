import { resolve } from 'node:path';
import { planOutput, readSpecDir, writeOutput } from '../../adapters/files/spec-files.js';
import { convertSpecs, type ConvertTarget } from '../../core/convert/convert-specs.js';
import type { SpecInput } from '../../core/definitions/load-specs.js';
import { formatDiagnostic } from '../../core/diagnostics.js';
import { EXIT, type CliIo } from '../io.js';

const DEFAULT_SPECS_DIR = 'slos';

export interface ConvertOptions {
  readonly to: ConvertTarget;
  /** Unset: the converted files go to stdout, one after the other. */
  readonly out?: string;
}

/**
 * `vigil convert`: the specs under each path as native vigil/v1 or OpenSLO v1. Input with problems
 * is reported as by `vigil validate` and nothing is written; what the target cannot hold is
 * printed as a located warning. With --out, all files or none are written.
 */
export async function convertCommand(paths: readonly string[], opts: ConvertOptions, io: CliIo): Promise<number> {
  const inputs = await readAll(paths.length > 0 ? paths : [DEFAULT_SPECS_DIR], io.cwd);
  const r = convertSpecs(inputs, opts.to);
  if (r.diagnostics.length > 0) {
    for (const d of r.diagnostics) io.err(`${formatDiagnostic(d)}\n`);
    io.err(`${r.diagnostics.length} problem(s) in ${new Set(r.diagnostics.map((d) => d.file)).size} file(s); nothing was converted\n`);
    return EXIT.problems;
  }
  const outDir = opts.out === undefined ? undefined : resolve(io.cwd, opts.out);
  const clash = outDir === undefined ? undefined : outputClash(r.files, inputs, outDir, io.cwd);
  if (clash) {
    io.err(`vigil: ${clash}; nothing was written\n`);
    return EXIT.usage;
  }
  for (const n of r.notes) io.err(`${formatDiagnostic({ ...n, message: `warning: ${n.message}` })}\n`);
  if (outDir === undefined) {
    io.out(r.files.map((f) => f.content).join('---\n'));
    return EXIT.ok;
  }
  const files = r.files.map((f) => ({ path: f.name, content: f.content }));
  // No owned folders: convert never removes a file.
  const plan = await planOutput(outDir, files, []);
  await writeOutput(outDir, files, plan);
  for (const p of plan.create) io.out(`create ${p}\n`);
  for (const p of plan.update) io.out(`update ${p}\n`);
  io.out(`${files.length} file(s) converted to ${opts.to}, ${plan.create.length + plan.update.length} changed\n`);
  return EXIT.ok;
}

/** Every spec file under the paths, each once. */
async function readAll(paths: readonly string[], cwd: string): Promise<SpecInput[]> {
  const seen = new Set<string>();
  return (await Promise.all(paths.map((p) => readSpecDir(p, cwd)))).flat().filter((i) => !seen.has(i.path) && seen.add(i.path));
}

/** Two inputs with one output name, or an output that would replace an input. */
function outputClash(files: ReturnType<typeof convertSpecs>['files'], inputs: readonly SpecInput[], outDir: string, cwd: string): string | undefined {
  const byName = new Map<string, string>();
  const sources = new Set(inputs.map((i) => resolve(cwd, i.path)));
  for (const f of files) {
    const first = byName.get(f.name);
    if (first) return `${first} and ${f.source} would both be written to ${f.name}: convert them into different --out folders`;
    byName.set(f.name, f.source);
    if (sources.has(resolve(outDir, f.name))) return `${f.name} in ${outDir} is an input; choose another --out folder`;
  }
  return undefined;
}
