import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface JsonObjectFile {
  /** For messages. */
  readonly path: string;
  /** The pattern matched against the file name: its groups carry what the name encodes. */
  readonly match: RegExpExecArray;
  readonly body: Record<string, unknown>;
}

/**
 * Reads the files `vigil generate` wrote into `dir` whose names match `pattern`, in name order.
 * Each must hold a JSON object; any problem is an error naming the path and the reason.
 */
export async function readJsonObjectFiles(dir: string, pattern: RegExp): Promise<JsonObjectFile[]> {
  const names = await readdir(dir).catch(() => {
    throw new Error(`${dir} does not exist: run vigil generate first (or pass --out)`);
  });
  const files: JsonObjectFile[] = [];
  for (const name of names.sort()) {
    const match = pattern.exec(name);
    if (!match) continue;
    const path = join(dir, name);
    let body: unknown;
    try {
      body = JSON.parse(await readFile(path, 'utf8'));
    } catch (err) {
      throw new Error(`${path}: not valid JSON (${(err as Error).message})`);
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error(`${path}: expected a JSON object`);
    files.push({ path, match, body: body as Record<string, unknown> });
  }
  return files;
}
