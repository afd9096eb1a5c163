import { checkWalContinuity, endLsnOf, formatLsn, lsnToBigInt, parseSegmentName, segmentName, segmentOfLsn } from './wal-segments.js';

describe('WAL segment names', () => {
  it.each([
    ['000000010000000000000003', 1, 3],
    ['0000000100000001000000FF', 1, 0x1ff],
    ['0000000200000002000000A0', 2, 0x2a0],
  ])('%s is timeline %d, segment %d', (name, timeline, number) => {
    expect(parseSegmentName(name)).toEqual({ name, timeline, number });
    expect(segmentName(timeline, number)).toBe(name);
  });

  it.each(['00000001000000000000000', '000000010000000000000100', '00000001.history', '000000010000000000000003.partial', 'zz0000010000000000000003'])(
    'refuses %s',
    (name) => expect(parseSegmentName(name)).toBeNull(),
  );

  it('maps LSNs to the segment that holds them and back', () => {
    expect(segmentOfLsn(1, '0/3000028')).toBe('000000010000000000000003');
    expect(segmentOfLsn(3, '1/FF000000')).toBe('0000000300000001000000FF');
    expect(endLsnOf(parseSegmentName('000000010000000000000003')!)).toBe('0/4000000');
    expect(formatLsn(lsnToBigInt('16/B374D848'))).toBe('16/B374D848');
  });
});

describe('WAL archive continuity', () => {
  const archive = (...numbers: number[]) => numbers.map((n) => segmentName(1, n));

  it('holds from the backup’s first segment to the newest, across a log boundary', () => {
    expect(checkWalContinuity([...archive(0xfe, 0xff, 0x100, 0x101), '00000001.history', '000000010000000000000100.00000028.backup'], segmentName(1, 0xfe))).toEqual({
      ok: true,
      from: '0000000100000000000000FE',
      to: '000000010000000100000001',
      segments: 4,
    });
  });

  it('names the first missing segment, the last one recovery can reach, and what lies beyond the gap', () => {
    expect(checkWalContinuity(archive(3, 4, 6, 7), segmentName(1, 3))).toEqual({
      ok: false,
      from: '000000010000000000000003',
      missing: '000000010000000000000005',
      lastContiguous: '000000010000000000000004',
      unreachable: 2,
    });
  });

  it('reports the backup’s own first segment missing with nothing recoverable', () => {
    expect(checkWalContinuity(archive(4), segmentName(1, 3))).toMatchObject({ ok: false, missing: '000000010000000000000003', lastContiguous: null, unreachable: 1 });
  });

  it('ignores older segments and other timelines', () => {
    expect(checkWalContinuity([...archive(1, 2, 3), segmentName(2, 5)], segmentName(1, 3))).toEqual({ ok: true, from: segmentName(1, 3), to: segmentName(1, 3), segments: 1 });
  });
});
