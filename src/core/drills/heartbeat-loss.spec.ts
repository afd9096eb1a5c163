import { heartbeatLoss, type Ack } from './heartbeat-loss.js';

const ms = (n: number) => BigInt(n) * 1_000_000n;
/** Acknowledgements every 5 ms from seq 1. */
const acks = (n: number): Ack[] => Array.from({ length: n }, (_, i) => ({ seq: i + 1, ackNs: ms(1000 + 5 * i) }));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('heartbeat loss', () => {
  it('counts acknowledged commits missing after promotion, and the time they span from the last one kept', () => {
    // 1–600 reached the replica; 601–1000 were acknowledged by the primary alone.
    expect(heartbeatLoss(acks(1000), [1001], range(1, 600))).toEqual({
      acknowledged: 1000,
      lostTransactions: 400,
      lost: range(601, 1000),
      rpoMs: (1000 - 600) * 5,
      inDoubt: { count: 1, survived: 0, missing: 1 },
    });
  });

  it('loses nothing when every acknowledged commit survived; in-doubt ones that survived are reported, not counted', () => {
    expect(heartbeatLoss(acks(10), [11, 12], range(1, 11))).toEqual({ acknowledged: 10, lostTransactions: 0, lost: [], rpoMs: 0, inDoubt: { count: 2, survived: 1, missing: 1 } });
  });

  it('gives no RPO time when no acknowledged commit survived to measure from', () => {
    expect(heartbeatLoss(acks(3), [], [])).toMatchObject({ lostTransactions: 3, rpoMs: null });
  });

  it('lists at most 1,000 lost sequence numbers but counts them all', () => {
    const r = heartbeatLoss(acks(2500), [], [1]);
    expect(r.lostTransactions).toBe(2499);
    expect(r.lost).toHaveLength(1000);
  });

  it('does not depend on the order the ledger was read in', () => {
    expect(heartbeatLoss([...acks(20)].reverse(), [], range(1, 12))).toEqual(heartbeatLoss(acks(20), [], range(1, 12)));
  });
});
