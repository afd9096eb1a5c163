import { readFile } from 'node:fs/promises';
import type { PrometheusAuth } from '../../config/prometheus-auth.js';

/** The request headers `auth` asks for, secrets read now. */
export async function authHeaders(auth: PrometheusAuth): Promise<Record<string, string>> {
  const headers: Record<string, string> = {};
  if (auth.bearerTokenFile) headers.authorization = `Bearer ${await secret(auth.bearerTokenFile, 'PROMETHEUS_BEARER_TOKEN_FILE')}`;
  if (auth.basicAuth) {
    const password = await secret(auth.basicAuth.passwordFile, 'PROMETHEUS_PASSWORD_FILE');
    headers.authorization = `Basic ${Buffer.from(`${auth.basicAuth.username}:${password}`).toString('base64')}`;
  }
  if (auth.tenant) headers['x-scope-orgid'] = auth.tenant;
  return headers;
}

/** The file's content without its trailing newline (editors and `echo` add one). */
async function secret(file: string, variable: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${variable} (${file}): ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const value = text.replace(/\r?\n$/, '');
  if (value === '') throw new Error(`${variable} (${file}) is empty`);
  return value;
}
