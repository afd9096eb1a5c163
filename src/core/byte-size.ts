/**
 * Byte sizes as people write them for disks: `10GiB` (binary, what df -h shows) or `10GB`
 * (decimal, what vendors sell). Both kinds are accepted because mixing them up is a 7 % error at
 * GiB and 10 % at TiB: each unit means exactly what its name says.
 */
const UNIT_BYTES: Record<string, number> = {
  B: 1,
  kB: 1e3,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  KiB: 2 ** 10,
  MiB: 2 ** 20,
  GiB: 2 ** 30,
  TiB: 2 ** 40,
};

const BYTE_SIZE_RE = /^(\d+(?:\.\d+)?)\s*([kKMGT]i?B|B)?$/;

/** Whole bytes, or undefined when the text is not a size (or not a whole number of bytes, or too large to count exactly). */
export function parseByteSize(text: string): number | undefined {
  const m = BYTE_SIZE_RE.exec(text.trim());
  const unit = m ? UNIT_BYTES[m[2] ?? 'B'] : undefined;
  if (!m || unit === undefined) return undefined;
  const bytes = Number(m[1]) * unit;
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}
