import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatApiToken } from '../../src/core/auth/api-token.js';

/** A fresh admin token per test run; apps started with `adminTokenEnv` adopt it at start. */
export const TEST_ADMIN_TOKEN = formatApiToken(randomBytes(32));

/** Writes TEST_ADMIN_TOKEN into `dir` and returns the env that makes the app adopt it (VIGIL_ADMIN_TOKEN_FILE). */
export async function adminTokenEnv(dir: string): Promise<{ VIGIL_ADMIN_TOKEN_FILE: string }> {
  const file = join(dir, 'vigil-admin-token');
  await writeFile(file, `${TEST_ADMIN_TOKEN}\n`, { mode: 0o600 });
  return { VIGIL_ADMIN_TOKEN_FILE: file };
}

/** Headers for supertest's `.set(...)`: the admin token, or the one given. */
export function bearer(token: string = TEST_ADMIN_TOKEN): { Authorization: string } {
  return { Authorization: `Bearer ${token}` };
}
