import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GENERATED_MARKER } from '../../core/generate/rule-files.js';

/** Reads the files of `dir` whose names end with `suffix`: name → content; an absent folder is empty. */
export async function readRuleFiles(dir: string, suffix: string): Promise<Map<string, string>> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const names = entries.filter((e) => e.isFile() && e.name.endsWith(suffix)).map((e) => e.name).sort();
  return new Map(await Promise.all(names.map(async (n) => [n, await readFile(join(dir, n), 'utf8')] as const)));
}

/** Content of each named file in `dir`, undefined where it does not exist. */
export async function readCurrent(dir: string, names: Iterable<string>): Promise<Map<string, string | undefined>> {
  const entries = await Promise.all(
    [...names].map(async (n) => [n, await readFile(join(dir, n), 'utf8').catch(() => undefined)] as const),
  );
  return new Map(entries);
}

/** YAML files in `dir` that Vigil wrote (they start with its marker): name → content. */
export async function readGeneratedFiles(dir: string): Promise<Map<string, string>> {
  const all = await readRuleFiles(dir, '');
  return new Map([...all].filter(([n, text]) => /\.ya?ml$/.test(n) && text.startsWith(GENERATED_MARKER)));
}

export interface RuleDirChange {
  readonly write: ReadonlyMap<string, string>;
  readonly remove: readonly string[];
}

/**
 * Writes every file under a temporary name, then renames each into place (atomic per file), so
 * Prometheus never reads a half-written rule file and a failed write leaves the old files intact.
 */
export async function changeRuleDir(dir: string, change: RuleDirChange): Promise<void> {
  await mkdir(dir, { recursive: true });
  const staged: [string, string][] = [];
  try {
    for (const [name, content] of change.write) {
      // A dot-name that does not end in .yaml: never matched by a rule_files glob while it exists.
      const tmp = join(dir, `.${name}.vigil-tmp-${process.pid}`);
      await writeFile(tmp, content);
      staged.push([tmp, join(dir, name)]);
    }
  } catch (err) {
    await Promise.all(staged.map(([tmp]) => rm(tmp, { force: true })));
    throw err;
  }
  for (const [tmp, target] of staged) await rename(tmp, target);
  for (const name of change.remove) await rm(join(dir, name), { force: true });
}
