import { readFile } from 'node:fs/promises';
import type { SecretRef } from '../../core/model/oncall.js';
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

/**
 * The SecretReader port on the local file system and the process environment. Read at each use,
 * so a rotated Kubernetes secret (the file is replaced) takes effect without a restart.
 */
export class FileSecretReader extends SecretReader {
  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {
    super();
  }

  read(path: string, what: string): Promise<string> {
    return readSecretFile(path, what);
  }

  async readRef(ref: SecretRef, what: string): Promise<string> {
    if ('file' in ref) return readSecretFile(ref.file, what);
    const value = this.env[ref.env]?.trim();
    if (!value) throw new Error(`${what}: environment variable ${ref.env} is not set`);
    return value;
  }
}
