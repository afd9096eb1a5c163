import { ANCHOR_NS, ANCHOR_UTC_MS, mark, restoreOutcome, t } from '../../../test/support/drill-fixtures.js';
import type { DrillType } from '../model/drill.js';
import type { PhaseMark } from './drill-outcome.js';
import { formatElapsed, measureRto, stampUtc } from './rto.js';

const clock = { ns: ANCHOR_NS, utcMs: ANCHOR_UTC_MS };

describe('measureRto', () => {
  it.each<[string, DrillType, PhaseMark[], number, [string, number][]]>([
    [
      'a restore counts from the copy to the end of validation; the 2ms nobody marked is "other"; verify is not counted',
      'restore',
      [...restoreOutcome().marks],
      377_875_456_789,
      [['copy', 300_123_456_789], ['wal-replay', 61_500_000_000], ['other', 2_000_000], ['start', 4_000_000_000], ['first-write', 250_000_000], ['validation', 12_000_000_000]],
    ],
    [
      'a failover counts from the fault; the wait between the fault and promote is attributed, not dropped',
      'failover',
      [mark('fault', 0, 800), mark('promote', 2_000, 4_500), mark('first-write', 4_500, 4_550), mark('validation', 4_550, 5_550)],
      5_550_000_000,
      [['fault', 800_000_000], ['other', 1_200_000_000], ['promote', 2_500_000_000], ['first-write', 50_000_000], ['validation', 1_000_000_000]],
    ],
    [
      'marks given out of order are put in time order',
      'switchover',
      [mark('validation', 3, 4), mark('fault', 0, 1), mark('promote', 1, 3)],
      4_000_000,
      [['fault', 1_000_000], ['promote', 2_000_000], ['validation', 1_000_000]],
    ],
    [
      'a retried validation: validated is the end of the last one, the failed attempt stays in the breakdown',
      'restore',
      [mark('copy', 0, 10), mark('validation', 10, 11), mark('start', 11, 15), mark('validation', 15, 17)],
      17_000_000,
      [['copy', 10_000_000], ['validation', 1_000_000], ['start', 4_000_000], ['validation', 2_000_000]],
    ],
    ['one-nanosecond phases sum exactly', 'pitr', [{ phase: 'copy', startNs: t(0), endNs: t(0) + 1n }, { phase: 'validation', startNs: t(0) + 2n, endNs: t(0) + 3n }], 3, [['copy', 1], ['other', 1], ['validation', 1]]],
  ])('%s', (_, type, marks, total, phases) => {
    const r = measureRto(type, marks, clock);
    if (!r.measured) throw new Error(r.reason);
    expect(r.totalNs).toBe(total);
    expect(r.phases.map((p) => [p.phase, p.durationNs])).toEqual(phases);
    expect(r.phases.reduce((n, p) => n + p.durationNs, 0)).toBe(r.totalNs);
    // Contiguous: each phase starts where the one before ended.
    for (let i = 1; i < r.phases.length; i++) expect(r.phases[i]!.start).toBe(r.phases[i - 1]!.end);
  });

  it('stamps start, end and every phase in UTC with ms from the one anchor', () => {
    const r = measureRto('restore', restoreOutcome().marks, clock);
    if (!r.measured) throw new Error(r.reason);
    expect([r.start, r.end]).toEqual(['2025-03-03T02:00:00.000Z', '2025-03-03T02:06:17.875Z']);
    expect(r.phases.map((p) => `${p.phase} ${p.start} ${p.end}`)).toEqual([
      'copy 2025-03-03T02:00:00.000Z 2025-03-03T02:05:00.123Z',
      'wal-replay 2025-03-03T02:05:00.123Z 2025-03-03T02:06:01.623Z',
      'other 2025-03-03T02:06:01.623Z 2025-03-03T02:06:01.625Z',
      'start 2025-03-03T02:06:01.625Z 2025-03-03T02:06:05.625Z',
      'first-write 2025-03-03T02:06:05.625Z 2025-03-03T02:06:05.875Z',
      'validation 2025-03-03T02:06:05.875Z 2025-03-03T02:06:17.875Z',
    ]);
  });

  it.each<[string, DrillType, PhaseMark[], string]>([
    ['a restore that never finished (no validation mark)', 'restore', [mark('copy', 0, 10), mark('wal-replay', 10, 20)], 'no validation mark: the recovered cluster was never validated'],
    ['a failover without a fault mark', 'failover', [mark('promote', 0, 1), mark('validation', 1, 2)], 'no fault mark: the drill never reached the fault'],
    ['a restore that never started copying', 'restore', [mark('verify', -5, -1)], 'no copy mark: the drill never reached the restore'],
    ['a mark that ends before it starts', 'restore', [mark('copy', 0, 10), mark('validation', 12, 11)], 'mark validation ends before it starts'],
    ['overlapping phases (never clipped)', 'restore', [mark('copy', 0, 10), mark('wal-replay', 9, 20), mark('validation', 20, 21)], 'marks copy and wal-replay overlap by 0.001s'],
    ['a phase before the origin', 'failover', [mark('promote', -1, 1), mark('fault', 0, 1), mark('validation', 1, 2)], 'mark promote (2025-03-03T01:59:59.999Z to 2025-03-03T02:00:00.001Z) lies outside the RTO window 2025-03-03T02:00:00.000Z to 2025-03-03T02:00:00.002Z'],
    ['a first write after validation', 'restore', [mark('copy', 0, 1), mark('validation', 1, 2), mark('first-write', 2, 3)], 'mark first-write (2025-03-03T02:00:00.002Z to 2025-03-03T02:00:00.003Z) lies outside the RTO window 2025-03-03T02:00:00.000Z to 2025-03-03T02:00:00.002Z'],
    ['verification still running when the restore started', 'restore', [mark('verify', -5, 1), mark('copy', 0, 2), mark('validation', 2, 3)], 'verify ends at 2025-03-03T02:00:00.001Z, after the copy started: verification must finish before recovery starts'],
    ['validation before the fault', 'failover', [mark('validation', 0, 1), mark('fault', 5, 6)], 'validation ends at 2025-03-03T02:00:00.001Z, before the fault at 2025-03-03T02:00:00.005Z'],
  ])('is not measured for %s', (_, type, marks, reason) => {
    expect(measureRto(type, marks, clock)).toEqual({ measured: false, reason });
  });
});

describe('stampUtc', () => {
  it.each([
    [0, '2025-03-03T02:00:00.000Z'],
    [999_999, '2025-03-03T02:00:00.000Z'],
    [1_000_000, '2025-03-03T02:00:00.001Z'],
    // Before the anchor, rounded down too: -1ns is in the previous millisecond.
    [-1, '2025-03-03T01:59:59.999Z'],
    [-1_000_000, '2025-03-03T01:59:59.999Z'],
    [-1_000_001, '2025-03-03T01:59:59.998Z'],
    [3_600_000_000_000, '2025-03-03T03:00:00.000Z'],
  ])('%d ns from the anchor stamps as %s', (offset, text) => {
    expect(stampUtc(clock, ANCHOR_NS + BigInt(offset))).toBe(text);
  });
});

describe('formatElapsed', () => {
  it.each([
    [0, '0.000s'],
    [1, '0.001s'], // rounded up: a missed objective never prints as the objective
    [3_456_000_000, '3.456s'],
    [59_999_000_000, '59.999s'],
    [60_000_000_000, '1m 00.000s'],
    [723_456_789_012, '12m 03.457s'],
    [3_600_000_000_000, '1h 00m 00.000s'],
    [3_600_000_000_001, '1h 00m 00.001s'],
    [93_784_000_000_000, '26h 03m 04.000s'],
  ])('%d ns prints as %s', (ns, text) => {
    expect(formatElapsed(ns)).toBe(text);
  });
});
