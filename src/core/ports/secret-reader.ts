import type { SecretRef } from '../model/oncall.js';

/** Secrets come from files (Kubernetes secrets, systemd credentials) or named environment variables, never from specs or flags. */
export abstract class SecretReader {
  /** The trimmed content of `path`; rejects naming `what` (the variable or flag), never echoing the value. */
  abstract read(path: string, what: string): Promise<string>;
  /** The secret a spec refers to: a file's trimmed content or an environment variable's value. */
  abstract readRef(ref: SecretRef, what: string): Promise<string>;
}
