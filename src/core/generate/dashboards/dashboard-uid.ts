/** Grafana refuses dashboard uids longer than this. */
export const MAX_UID_LENGTH = 40;

/**
 * `vigil-<name>`, or for names too long a prefix of it plus a hash of the whole name, so two long
 * names with the same prefix still get distinct uids and a uid never changes between runs.
 */
export function dashboardUid(name: string): string {
  const uid = `vigil-${name}`;
  if (uid.length <= MAX_UID_LENGTH) return uid;
  const hash = fnv1a32(name).toString(16).padStart(8, '0');
  return `${uid.slice(0, MAX_UID_LENGTH - hash.length - 1)}-${hash}`;
}

/** FNV-1a, 32 bits: small, stable across platforms, and no crypto needed for a name. */
function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
