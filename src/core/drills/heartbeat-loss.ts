/**
 * Data lost in a failover, from the heartbeat's ledger: every commit the old primary acknowledged
 * to the writer (with the time of the acknowledgement on the writer's monotonic clock), the
 * commits sent but never acknowledged (in doubt: they may or may not have reached the disk and
 * the replica), and the rows the new primary holds after promotion.
 *
 * Lost = acknowledged and missing: a promise broken. In-doubt rows are reported apart, never
 * counted as lost (the client was never told they were safe). RPO in time is the window those
 * lost acknowledgements span on one clock: from the last surviving acknowledgement before the
 * first lost one to the last lost acknowledgement. Replication lag columns are not used: they
 * estimate what the replica lacked, the ledger shows what it lacked.
 */
export interface Ack {
  readonly seq: number;
  /** When the acknowledgement arrived, on the writer's monotonic clock. */
  readonly ackNs: bigint;
}

export interface HeartbeatLoss {
  readonly acknowledged: number;
  readonly lostTransactions: number;
  /** The lost sequence numbers, at most the first 1,000. */
  readonly lost: readonly number[];
  /** Data loss as time, ms; 0 when nothing acknowledged was lost; null when no acknowledged commit survived to measure from. */
  readonly rpoMs: number | null;
  readonly inDoubt: { readonly count: number; readonly survived: number; readonly missing: number };
}

export function heartbeatLoss(acks: readonly Ack[], inDoubt: readonly number[], survivors: Iterable<number>): HeartbeatLoss {
  const kept = new Set(survivors);
  const ordered = [...acks].sort((a, b) => a.seq - b.seq);
  const lost = ordered.filter((a) => !kept.has(a.seq));
  const survivedInDoubt = inDoubt.filter((s) => kept.has(s)).length;
  let rpoMs: number | null = 0;
  if (lost.length > 0) {
    const first = lost[0]!;
    const before = ordered.filter((a) => a.seq < first.seq && kept.has(a.seq)).at(-1);
    const lastLost = lost.reduce((m, a) => (a.ackNs > m.ackNs ? a : m));
    rpoMs = before ? Number(lastLost.ackNs - before.ackNs) / 1e6 : null;
  }
  return {
    acknowledged: ordered.length,
    lostTransactions: lost.length,
    lost: lost.slice(0, 1000).map((a) => a.seq),
    rpoMs,
    inDoubt: { count: inDoubt.length, survived: survivedInDoubt, missing: inDoubt.length - survivedInDoubt },
  };
}
