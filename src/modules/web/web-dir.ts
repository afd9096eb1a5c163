import { fileURLToPath } from 'node:url';
import type { VigilConfig } from '../../config/config.js';

/**
 * Where the built UI is: VIGIL_WEB_DIR, else dist/web of this installation (three folders up
 * from this file, in src/ and in dist/ alike), wherever the process was started from.
 */
export function webDirOf(config: VigilConfig): string {
  return config.webDir ?? fileURLToPath(new URL('../../../dist/web', import.meta.url));
}
