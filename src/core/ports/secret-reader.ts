/** Secrets come from files (Kubernetes secrets, systemd credentials), never from env values or flags. */
export abstract class SecretReader {
  /** The trimmed content of `path`; rejects naming `what` (the variable or flag), never echoing the value. */
  abstract read(path: string, what: string): Promise<string>;
}
