import { link, lstat, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import type { SpecInput } from '../../core/definitions/load-specs.js';
import { GENERATED_MARKER, type GeneratedFile } from '../../core/generate/rule-files.js';
import { SpecFiles, type OutputPlan } from '../../core/ports/spec-files.js';

export type { OutputPlan } from '../../core/ports/spec-files.js';

/** The SpecFiles port on the local file system, relative paths resolved against `cwd`. */
export class LocalSpecFiles extends SpecFiles {
  constructor(private readonly cwd = process.cwd()) {
    super();
  }

  read(dir: string, opts: { readonly missingOk?: boolean } = {}): Promise<SpecInput[]> {
    return readSpecDir(dir, this.cwd, opts);
  }

  plan(outDir: string, files: readonly GeneratedFile[]): Promise<OutputPlan> {
    return planOutput(resolve(this.cwd, outDir), files, OWNED_DIRS);
  }

  write(outDir: string, files: readonly GeneratedFile[], plan: OutputPlan): Promise<void> {
    return writeOutput(resolve(this.cwd, outDir), files, plan);
  }
}

/**
 * Reads every *.yaml / *.yml under `dir` (recursively, sorted), or the one file `dir` names; paths
 * relative to `cwd` for messages. A missing folder is an error unless `missingOk` (a default
 * folder a fleet need not have, such as drills/).
 */
export async function readSpecDir(dir: string, cwd = process.cwd(), opts: { missingOk?: boolean } = {}): Promise<SpecInput[]> {
  const root = resolve(cwd, dir);
  const info = await stat(root).catch(() => undefined);
  if (!info && opts.missingOk) return [];
  if (!info) throw new Error(`spec folder ${dir} does not exist`);
  const paths = info.isFile() ? [root] : (await listFiles(root)).filter((p) => /\.ya?ml$/.test(p)).sort();
  return Promise.all(paths.map(async (p) => ({ path: relative(cwd, p) || p, text: await readFile(p, 'utf8') })));
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : Promise.resolve(e.isFile() ? [join(dir, e.name)] : []))),
  );
  return nested.flat();
}

/** Folders under the output root whose generated files Vigil owns (and so may remove when a spec goes away). */
export const OWNED_DIRS: readonly string[] = ['rules', 'dashboards', 'deploy/alertmanager', 'deploy/elasticsearch'];

/**
 * Compares generated files with what is on disk under `outDir`. Files Vigil generated earlier
 * (they carry the marker) in the folders it writes, and that it no longer generates, are removed.
 */
export async function planOutput(outDir: string, files: readonly GeneratedFile[], ownedDirs: readonly string[]): Promise<OutputPlan> {
  const plan = { create: [] as string[], update: [] as string[], remove: [] as string[], unchanged: [] as string[] };
  for (const f of files) {
    const current = await readFile(join(outDir, f.path), 'utf8').catch(() => undefined);
    if (current === undefined) plan.create.push(f.path);
    else if (current !== f.content) plan.update.push(f.path);
    else plan.unchanged.push(f.path);
  }
  const wanted = new Set(files.map((f) => f.path));
  for (const d of ownedDirs) {
    const existing = await readdir(join(outDir, d)).catch(() => [] as string[]);
    for (const name of existing.sort()) {
      const p = `${d}/${name}`;
      if (wanted.has(p)) continue;
      const text = await readFile(join(outDir, p), 'utf8').catch(() => '');
      // The marker is a comment in YAML and a description field in JSON: look near the top.
      if (text.slice(0, 4096).includes(GENERATED_MARKER.replace(/^# /, ''))) plan.remove.push(p);
    }
  }
  return plan;
}

/**
 * All or nothing: every file is written to a temporary name first; only when all are written are
 * they renamed into place, and a file replaced or removed is kept (hard-linked) until the end, so
 * a failure at any step (disk full, permissions, a folder where a file should go) puts the old set
 * back. Temporary and kept files are removed on every path.
 */
export async function writeOutput(outDir: string, files: readonly GeneratedFile[], plan: OutputPlan): Promise<void> {
  const changed = new Set([...plan.create, ...plan.update]);
  const suffix = `vigil-tmp-${process.pid}-${Date.now().toString(36)}`;
  const staged: { readonly tmp: string; readonly target: string }[] = [];
  // What was done to each path, in order, to undo it in reverse.
  const done: { readonly target: string; readonly kept?: string }[] = [];
  const kept: string[] = [];
  try {
    for (const f of files.filter((f) => changed.has(f.path))) {
      const target = join(outDir, f.path);
      await mkdir(dirname(target), { recursive: true });
      const tmp = `${target}.${suffix}`;
      staged.push({ tmp, target });
      await writeFile(tmp, f.content);
    }
    for (const { tmp, target } of staged) {
      const old = await keep(target, suffix);
      if (old) kept.push(old);
      await rename(tmp, target);
      done.push({ target, ...(old ? { kept: old } : {}) });
    }
    for (const p of plan.remove) {
      const target = join(outDir, p);
      const old = await keep(target, suffix);
      if (old) kept.push(old);
      await rm(target, { force: true });
      done.push({ target, ...(old ? { kept: old } : {}) });
    }
  } catch (err) {
    for (const d of done.reverse()) {
      if (d.kept) await rename(d.kept, d.target).catch(() => undefined);
      else await rm(d.target, { force: true }).catch(() => undefined);
    }
    throw err;
  } finally {
    await Promise.all([...staged.map((s) => s.tmp), ...kept].map((p) => rm(p, { force: true }).catch(() => undefined)));
  }
}

/** A hard link to the file at `target` (its old content, to put back), or undefined when there is none. */
async function keep(target: string, suffix: string): Promise<string | undefined> {
  const kept = `${target}.${suffix}-old`;
  if ((await lstat(target).catch(() => undefined))?.isDirectory()) throw new Error(`${target} is a folder; Vigil writes a file there`);
  try {
    await link(target, kept);
    return kept;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
