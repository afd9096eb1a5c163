import { parseWaldumpLastCommit } from '../../core/drills/waldump.js';
import { parseSegmentName, segmentName } from '../../core/drills/wal-segments.js';
import { ToolFailed, type PostgresTools } from './postgres-tools.js';

/**
 * Where a WAL segment can be read as a plain file: the folder holding it under its own name, or
 * null when the archive does not have it.
 */
export type SegmentPlace = (segment: string) => Promise<string | null>;

/**
 * The newest commit in the archived WAL from `first` up to `last`, read back segment by segment
 * with pg_waldump, newest first. At most 8 segments (each one a whole read): null when those hold
 * no commit, or when a segment is not in the archive.
 */
export async function lastCommitUpTo(tools: PostgresTools, first: string, last: string, place: SegmentPlace, signal: AbortSignal): Promise<Date | null> {
  const from = parseSegmentName(first)!;
  const to = parseSegmentName(last)!;
  for (let n = to.number; n >= from.number && n > to.number - 8; n--) {
    const name = segmentName(to.timeline, n);
    const dir = await place(name);
    if (!dir) return null;
    // pg_waldump stops with an error at the end of the WAL that was written; what it printed before is what counts.
    const out = await tools.pg('pg_waldump', ['--path', dir, '--rmgr', 'Transaction', name, name], 10 * 60_000, signal).then(
      (r) => r.stdout,
      (err: unknown) => (err instanceof ToolFailed ? err.stdout : ''),
    );
    const at = parseWaldumpLastCommit(out);
    if (at) return at;
  }
  return null;
}
