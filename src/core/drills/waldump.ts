/**
 * The newest commit time in pg_waldump's output (`--rmgr Transaction`): lines such as
 * `rmgr: Transaction len (rec/tot): 34/34, tx: 735, lsn: 0/03008B08, prev 0/03008AD0, desc: COMMIT 2026-11-29 13:02:01.123456 UTC`.
 * It names the latest point a recovery from the archive can still reach.
 */
export function parseWaldumpLastCommit(output: string): Date | null {
  let last: Date | null = null;
  for (const m of output.matchAll(/desc: COMMIT (\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(\.\d+)? (UTC|GMT)/g)) {
    const at = new Date(`${m[1]}T${m[2]}${(m[3] ?? '').slice(0, 4)}Z`);
    if (!last || at > last) last = at;
  }
  return last;
}
