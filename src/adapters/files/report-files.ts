import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { StoredRecord } from '../../core/drills/report-chain.js';

/**
 * The stored drill reports `path` names: one report file, or every *.json directly in a folder
 * (a chain). Names are `path` joined with the file name, as the user typed it, for messages.
 */
export async function readReportFiles(path: string, cwd: string): Promise<{ readonly folder: boolean; readonly files: StoredRecord[] }> {
  const root = resolve(cwd, path);
  const info = await stat(root).catch(() => undefined);
  if (!info) throw new Error(`${path} does not exist`);
  if (info.isFile()) return { folder: false, files: [{ name: path, text: await readFile(root, 'utf8') }] };
  const names = (await readdir(root, { withFileTypes: true })).filter((e) => e.isFile() && e.name.endsWith('.json')).map((e) => e.name);
  return { folder: true, files: await Promise.all(names.map(async (n) => ({ name: join(path, n), text: await readFile(join(root, n), 'utf8') }))) };
}
