import { readFile } from 'node:fs/promises';

/** Secrets come only from files; the value is never echoed, not even in errors. `option` names the flag in them. */
export async function readSecretFile(path: string, option: string): Promise<string> {
  const text = await readFile(path, 'utf8').catch(() => {
    throw new Error(`${option}: cannot read ${path}`);
  });
  const secret = text.trim();
  if (secret === '') throw new Error(`${option}: ${path} is empty`);
  return secret;
}
