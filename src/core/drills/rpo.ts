import { parseTimeText } from '../time-text.js';
import type { DrillOutcome } from './drill-outcome.js';

/**
 * RPO, the data a recovery lost, measured two ways:
 * - failover and switchover: from the heartbeat ledger (acknowledged commits missing on the new
 *   primary). Replication lag is not RPO: it says how far behind the replica was, not what was lost.
 * - restore and pitr: the point recovery reached against the point it should have reached (the
 *   newest commit the source held, or the requested target time).
 */
export type RpoResult =
  | {
      readonly measured: true;
      readonly method: 'heartbeat-ledger';
      readonly lostMs: number;
      readonly lostTransactions: number;
      readonly acknowledged: number;
      /** Listed apart, never counted as lost: their acknowledgement never arrived. */
      readonly inDoubt: readonly { readonly id: string; readonly sentAt: string }[];
    }
  | {
      readonly measured: true;
      readonly method: 'recovery-point';
      readonly lostMs: number;
      /** The point recovery should reach: the newest commit available (restore) or the target (pitr). */
      readonly reference: string;
      /** The last completed transaction replayed. */
      readonly achieved: string;
    }
  | { readonly measured: false; readonly reason: string };

export function measureRpo(outcome: DrillOutcome): RpoResult {
  const type = outcome.identity.type;
  if (type === 'failover' || type === 'switchover') {
    const r = outcome.rpo;
    if (!r) return { measured: false, reason: 'the heartbeat ledger was not compared with the new primary' };
    return { measured: true, method: 'heartbeat-ledger', lostMs: r.lostMs, lostTransactions: r.lostTransactions, acknowledged: r.acknowledged, inDoubt: r.inDoubt };
  }
  const rec = outcome.recovery;
  if (!rec) return { measured: false, reason: 'no recovery was recorded' };
  const reference = rec.requested.kind === 'time' ? rec.requested.at : rec.newestAvailableAt;
  if (reference === undefined) return { measured: false, reason: 'the newest commit available to the restore is unknown' };
  if (rec.achievedAt === null) return { measured: false, reason: 'the server log gave no last completed transaction' };
  const lost = millisBetween(rec.achievedAt, reference);
  if (lost === undefined) return { measured: false, reason: `unreadable time ${rec.achievedAt} or ${reference}` };
  // Recovering past a PITR target is a failure of its own (see verdict.ts), not negative loss.
  return { measured: true, method: 'recovery-point', lostMs: Math.max(0, lost), reference, achieved: rec.achievedAt };
}

/** `to − from` in ms, or undefined when either is not an RFC 3339 time. */
export function millisBetween(from: string, to: string): number | undefined {
  const a = parseTimeText(from);
  const b = parseTimeText(to);
  return a === undefined || b === undefined ? undefined : Math.round((b - a) * 1000);
}
