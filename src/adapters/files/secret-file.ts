import { readFile } from 'node:fs/promises';
import { SecretReader } from '../../core/ports/secret-reader.js';

/** Secrets come only from files; the value is never echoed, not even in errors. `option` names the flag in them. */
export async function readSecretFile(path: string, option: string): Promise<string> {
  const text = await readFile(path, 'utf8').catch(() => {
    throw new Error(`${option}: cannot read ${path}`);
  });
  const secret = text.trim();
  if (secret === '') throw new Error(`${option}: ${path} is empty`);
  return secret;
}

/** The SecretReader port on the local file system. */
export class FileSecretReader extends SecretReader {
  read(path: string, what: string): Promise<string> {
    return readSecretFile(path, what);
  }
}
