import { nameHash } from '../name-hash.js';

/** Grafana refuses dashboard uids longer than this. */
export const MAX_UID_LENGTH = 40;
/** What Grafana accepts in a uid (`util.IsValidShortUID`); service names may also hold `.`. */
const UID_RE = /^[A-Za-z0-9_-]+$/;

/**
 * `vigil-<name>` when Grafana accepts that; otherwise what it refuses (`.`) becomes `-`, cut to
 * leave room for a hash of the whole name, so two names never share a uid (`api.gateway` and
 * `api-gateway`, two long names with one prefix) and a uid never changes between runs.
 */
export function dashboardUid(name: string): string {
  const uid = `vigil-${name}`;
  if (uid.length <= MAX_UID_LENGTH && UID_RE.test(uid)) return uid;
  const hash = nameHash(name);
  return `${uid.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, MAX_UID_LENGTH - hash.length - 1)}-${hash}`;
}
