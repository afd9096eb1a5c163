import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: three folders up from this file in src/ and in dist/ alike. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** `vigil 0.1.0`: package.json's version. */
export function vigilVersion(): string {
  return `vigil ${packageVersion()}`;
}

export interface BuildInfo {
  readonly version: string;
  /** The git commit built, or `unknown`. */
  readonly revision: string;
}

/**
 * What `vigil_build_info` reports. The revision comes from a `REVISION` file at the package root
 * (an image build writes it: there is no .git in an image), else from the checkout's .git (a
 * source checkout run with `npm start`), else `unknown`.
 */
export function buildInfo(): BuildInfo {
  return { version: packageVersion(), revision: revisionFile() ?? gitRevision() ?? 'unknown' };
}

function packageVersion(): string {
  return (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

function revisionFile(): string | undefined {
  const file = join(ROOT, 'REVISION');
  return existsSync(file) ? commitOrUndefined(readFileSync(file, 'utf8')) : undefined;
}

/** HEAD, following one symbolic ref into refs/ or packed-refs; git itself is not needed. */
function gitRevision(): string | undefined {
  try {
    const git = join(ROOT, '.git');
    const head = readFileSync(join(git, 'HEAD'), 'utf8').trim();
    const ref = /^ref: (\S+)$/.exec(head)?.[1];
    if (!ref) return commitOrUndefined(head);
    if (existsSync(join(git, ref))) return commitOrUndefined(readFileSync(join(git, ref), 'utf8'));
    const packed = readFileSync(join(git, 'packed-refs'), 'utf8').split('\n').find((l) => l.endsWith(` ${ref}`));
    return packed ? commitOrUndefined(packed.split(' ')[0]!) : undefined;
  } catch {
    return undefined;
  }
}

function commitOrUndefined(text: string): string | undefined {
  const t = text.trim();
  return /^[0-9a-f]{7,64}$/.test(t) ? t : undefined;
}
