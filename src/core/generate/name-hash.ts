/**
 * Eight hex digits of FNV-1a (32 bits) of `text`: for names that must be shortened or mapped and
 * still stay distinct and stable between runs. Small and platform-independent; no crypto needed.
 */
export function nameHash(text: string): string {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
