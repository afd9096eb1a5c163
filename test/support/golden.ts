import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** UPDATE_GOLDEN=1 npm test rewrites expected files instead of comparing against them. */
export const UPDATE_GOLDEN = process.env.UPDATE_GOLDEN === '1';

/** The expected text of a golden file, written first when UPDATE_GOLDEN is set. */
export async function golden(path: string, actual: string): Promise<string> {
  if (UPDATE_GOLDEN) {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, actual);
    return actual;
  }
  return readFile(path, 'utf8').catch(() => {
    throw new Error(`golden file ${path} is missing; run UPDATE_GOLDEN=1 npm test and review it`);
  });
}
