import { nameHash } from '../name-hash.js';

/** Grafana refuses dashboard uids longer than this. */
export const MAX_UID_LENGTH = 40;

/**
 * `vigil-<name>`, or for names too long a prefix of it plus a hash of the whole name, so two long
 * names with the same prefix still get distinct uids and a uid never changes between runs.
 */
export function dashboardUid(name: string): string {
  const uid = `vigil-${name}`;
  if (uid.length <= MAX_UID_LENGTH) return uid;
  const hash = nameHash(name);
  return `${uid.slice(0, MAX_UID_LENGTH - hash.length - 1)}-${hash}`;
}
