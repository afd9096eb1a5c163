import type { SpecInput } from '../definitions/load-specs.js';
import type { GeneratedFile } from '../generate/rule-files.js';

/** What writing generated files would change under the output root, relative paths. */
export interface OutputPlan {
  readonly create: string[];
  readonly update: string[];
  readonly remove: string[];
  readonly unchanged: string[];
}

/** Where specs are read from and generated files written to (the local file system, for the CLI and the service). */
export abstract class SpecFiles {
  /** Every spec under `dir` (or the one file it names); rejects when it cannot be read, or is missing unless `missingOk`. */
  abstract read(dir: string, opts?: { readonly missingOk?: boolean }): Promise<SpecInput[]>;
  /** Compares `files` with what is under `outDir`; Vigil's own files it no longer generates are to be removed. */
  abstract plan(outDir: string, files: readonly GeneratedFile[]): Promise<OutputPlan>;
  /** Applies a plan all or nothing. */
  abstract write(outDir: string, files: readonly GeneratedFile[], plan: OutputPlan): Promise<void>;
}
