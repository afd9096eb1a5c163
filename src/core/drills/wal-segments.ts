/**
 * WAL segment file names and the continuity of an archive, as PostgreSQL names them
 * (`TTTTTTTTXXXXXXXXYYYYYYYY`: timeline, then the segment number split in "log" and "seg" parts,
 * each 8 hex digits). With the default 16 MiB segments a log holds 0x100 segments.
 * Checked before a restore starts: a gap in the archive is named with the latest point that
 * can still be recovered, instead of a restore that stops short and calls it the end.
 */

export const DEFAULT_SEGMENT_BYTES = 16 * 1024 * 1024;
const NAME_RE = /^([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})$/;

export interface WalSegment {
  readonly name: string;
  readonly timeline: number;
  /** The segment's number counted from the start of WAL: log × segments per log + seg. */
  readonly number: number;
}

export function parseSegmentName(name: string, segmentBytes = DEFAULT_SEGMENT_BYTES): WalSegment | null {
  const m = NAME_RE.exec(name);
  if (!m) return null;
  const perLog = segmentsPerLog(segmentBytes);
  const seg = parseInt(m[3]!, 16);
  if (seg >= perLog) return null;
  return { name, timeline: parseInt(m[1]!, 16), number: parseInt(m[2]!, 16) * perLog + seg };
}

export function segmentName(timeline: number, number: number, segmentBytes = DEFAULT_SEGMENT_BYTES): string {
  const perLog = segmentsPerLog(segmentBytes);
  return [timeline, Math.floor(number / perLog), number % perLog].map((n) => n.toString(16).toUpperCase().padStart(8, '0')).join('');
}

/** The first segment holding `lsn` (`X/Y` as PostgreSQL prints it). */
export function segmentOfLsn(timeline: number, lsn: string, segmentBytes = DEFAULT_SEGMENT_BYTES): string {
  return segmentName(timeline, Number(lsnToBigInt(lsn) / BigInt(segmentBytes)), segmentBytes);
}

/** The LSN just past a segment: where recovery from an archive that ends with it stops at the latest. */
export function endLsnOf(segment: WalSegment, segmentBytes = DEFAULT_SEGMENT_BYTES): string {
  return formatLsn(BigInt(segment.number + 1) * BigInt(segmentBytes));
}

export function lsnToBigInt(lsn: string): bigint {
  const m = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(lsn);
  if (!m) throw new Error(`not an LSN: "${lsn}"`);
  return (BigInt(`0x${m[1]}`) << 32n) | BigInt(`0x${m[2]}`);
}

export function formatLsn(v: bigint): string {
  return `${(v >> 32n).toString(16).toUpperCase()}/${(v & 0xffffffffn).toString(16).toUpperCase()}`;
}

export type WalContinuity =
  | { readonly ok: true; readonly from: string; readonly to: string; readonly segments: number }
  | {
      readonly ok: false;
      readonly from: string;
      /** The first segment recovery would need and the archive lacks. */
      readonly missing: string;
      /** The last segment before the gap, or null when even the first one is missing. */
      readonly lastContiguous: string | null;
      /** Archived segments past the gap, which recovery cannot reach. */
      readonly unreachable: number;
    };

/**
 * Whether the archive holds every segment from `startSegment` (the backup's first WAL) to the
 * newest one archived on its timeline. File names that are not segments of that timeline
 * (history files, `.partial`, `.backup` labels, other timelines) are ignored.
 */
export function checkWalContinuity(archived: readonly string[], startSegment: string, segmentBytes = DEFAULT_SEGMENT_BYTES): WalContinuity {
  const start = parseSegmentName(startSegment, segmentBytes);
  if (!start) throw new Error(`not a WAL segment name: "${startSegment}"`);
  const numbers = new Set<number>();
  for (const name of archived) {
    const s = parseSegmentName(name, segmentBytes);
    if (s && s.timeline === start.timeline && s.number >= start.number) numbers.add(s.number);
  }
  const newest = numbers.size > 0 ? Math.max(...numbers) : start.number;
  for (let n = start.number; n <= newest; n++) {
    if (!numbers.has(n)) {
      return {
        ok: false,
        from: startSegment,
        missing: segmentName(start.timeline, n, segmentBytes),
        lastContiguous: n > start.number ? segmentName(start.timeline, n - 1, segmentBytes) : null,
        unreachable: [...numbers].filter((x) => x > n).length,
      };
    }
  }
  return { ok: true, from: startSegment, to: segmentName(start.timeline, newest, segmentBytes), segments: newest - start.number + 1 };
}

function segmentsPerLog(segmentBytes: number): number {
  return Math.floor(0x100000000 / segmentBytes);
}
