import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** `vigil 0.1.0`: package.json's version, three folders up from this file in src/ and in dist/ alike. */
export function vigilVersion(): string {
  const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('../../../package.json', import.meta.url)), 'utf8')) as { version: string };
  return `vigil ${pkg.version}`;
}
