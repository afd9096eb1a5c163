import type { Override, Rotation, Schedule } from '../model/oncall.js';
import { handoffs, onCallAt, shiftsBetween, type OnCall } from './schedule.js';

const AT = { file: 'slos/oncall.yaml', line: 1, col: 1 };
const HOUR = 3_600_000;

function rotation(start: string, turn: Rotation['turn'], participants: string[] = ['alice', 'bob'], name = 'main'): Rotation {
  return { name, participants, start, turn, at: AT };
}
function schedule(timeZone: string, rotations: Rotation[], overrides: Override[] = []): Schedule {
  return { name: 'primary', timeZone, rotations, overrides, at: AT };
}
function override(person: string, from: string, to: string): Override {
  return { person, from: new Date(from), to: new Date(to), at: AT };
}
const iso = (d: Date | null) => d?.toISOString() ?? null;
const view = (o: OnCall) => ({ people: o.people, source: o.source, from: iso(o.from), until: iso(o.until) });

const WEEKLY = { days: 7 };

describe('onCallAt: weekly turns across a DST change hand off at the same local time', () => {
  // Europe/Berlin leaves summer time on 2026-10-25 (the last Sunday of October), America/New_York
  // on 2026-11-01 and enters it on 2026-03-08: the shift spanning the change is 169 h (or 167 h).
  it.each([
    ['Berlin, the week before the change', 'Europe/Berlin', '2026-10-05T09:00', '2026-10-15T12:00:00Z', 'bob', '2026-10-12T07:00:00.000Z', '2026-10-19T07:00:00.000Z', 168],
    ['Berlin, the week with the change', 'Europe/Berlin', '2026-10-05T09:00', '2026-10-25T12:00:00Z', 'alice', '2026-10-19T07:00:00.000Z', '2026-10-26T08:00:00.000Z', 169],
    ['Berlin, the week after the change', 'Europe/Berlin', '2026-10-05T09:00', '2026-10-28T12:00:00Z', 'bob', '2026-10-26T08:00:00.000Z', '2026-11-02T08:00:00.000Z', 168],
    ['New York, the week with its change', 'America/New_York', '2026-10-05T09:00', '2026-10-30T12:00:00Z', 'bob', '2026-10-26T13:00:00.000Z', '2026-11-02T14:00:00.000Z', 169],
    ['New York, the week after', 'America/New_York', '2026-10-05T09:00', '2026-11-03T12:00:00Z', 'alice', '2026-11-02T14:00:00.000Z', '2026-11-09T14:00:00.000Z', 168],
    ['New York, entering summer time', 'America/New_York', '2026-03-02T09:00', '2026-03-08T12:00:00Z', 'alice', '2026-03-02T14:00:00.000Z', '2026-03-09T13:00:00.000Z', 167],
  ])('%s', (_, zone, start, at, who, from, until, hours) => {
    const got = onCallAt(schedule(zone, [rotation(start, WEEKLY)]), new Date(at));
    expect(view(got)).toEqual({ people: [who], source: 'rotation', from, until });
    expect((got.until!.getTime() - got.from!.getTime()) / HOUR).toBe(hours);
  });

  it.each([
    ['Europe/Berlin', '2026-10-05T09:00'],
    ['America/New_York', '2026-10-05T09:00'],
  ])('in %s the shifts are contiguous and each starts Monday 09:00 local: no gap, no overlap', (zone, start) => {
    const s = schedule(zone, [rotation(start, WEEKLY)]);
    let shift = onCallAt(s, new Date('2026-10-06T00:00:00Z'));
    const hours: number[] = [];
    for (let i = 0; i < 6; i++) {
      const next = onCallAt(s, shift.until!);
      expect(next.from).toEqual(shift.until);
      expect(onCallAt(s, new Date(shift.until!.getTime() - 1)).people).toEqual(shift.people);
      expect(next.people).not.toEqual(shift.people);
      expect(new Intl.DateTimeFormat('en-GB', { timeZone: zone, weekday: 'short', hour: '2-digit', minute: '2-digit' }).format(next.from!)).toBe('Mon 09:00');
      hours.push((next.until!.getTime() - next.from!.getTime()) / HOUR);
      shift = next;
    }
    expect(hours).toEqual(zone === 'Europe/Berlin' ? [168, 169, 168, 168, 168, 168] : [168, 168, 169, 168, 168, 168]);
  });
});

describe('onCallAt: layers', () => {
  const weekly = rotation('2026-10-05T09:00', WEEKLY);

  it.each<[string, Schedule, string, ReturnType<typeof view>]>([
    [
      'an override wins over the rotation, for exactly its span',
      schedule('Europe/Berlin', [weekly], [override('carol', '2026-10-24T00:00:00Z', '2026-10-26T00:00:00Z')]),
      '2026-10-25T12:00:00Z',
      { people: ['carol'], source: 'override', from: '2026-10-24T00:00:00.000Z', until: '2026-10-26T00:00:00.000Z' },
    ],
    [
      'after an override the rotation is back, its shift starting where the override ended',
      schedule('Europe/Berlin', [weekly], [override('carol', '2026-10-24T00:00:00Z', '2026-10-26T00:00:00Z')]),
      '2026-10-26T01:00:00Z',
      { people: ['alice'], source: 'rotation', from: '2026-10-26T00:00:00.000Z', until: '2026-10-26T08:00:00.000Z' },
    ],
    [
      'the rotation shift ends where an override starts',
      schedule('Europe/Berlin', [weekly], [override('carol', '2026-10-24T00:00:00Z', '2026-10-26T00:00:00Z')]),
      '2026-10-20T00:00:00Z',
      { people: ['alice'], source: 'rotation', from: '2026-10-19T07:00:00.000Z', until: '2026-10-24T00:00:00.000Z' },
    ],
    [
      'of two overlapping overrides the later in the list wins',
      schedule('Europe/Berlin', [weekly], [override('carol', '2026-10-24T00:00:00Z', '2026-10-26T00:00:00Z'), override('dave', '2026-10-25T00:00:00Z', '2026-10-25T06:00:00Z')]),
      '2026-10-25T03:00:00Z',
      { people: ['dave'], source: 'override', from: '2026-10-25T00:00:00.000Z', until: '2026-10-25T06:00:00.000Z' },
    ],
    [
      'the earlier override resumes where the later one ends',
      schedule('Europe/Berlin', [weekly], [override('carol', '2026-10-24T00:00:00Z', '2026-10-26T00:00:00Z'), override('dave', '2026-10-25T00:00:00Z', '2026-10-25T06:00:00Z')]),
      '2026-10-25T07:00:00Z',
      { people: ['carol'], source: 'override', from: '2026-10-25T06:00:00.000Z', until: '2026-10-26T00:00:00.000Z' },
    ],
    [
      'before its start a rotation covers nobody; the gap ends at the start',
      schedule('Europe/Berlin', [weekly]),
      '2026-10-01T00:00:00Z',
      { people: [], source: 'nobody', from: null, until: '2026-10-05T07:00:00.000Z' },
    ],
    [
      'a later rotation wins where it covers',
      schedule('Europe/Berlin', [weekly, rotation('2026-10-20T18:00', { days: 1 }, ['erin'], 'evenings')]),
      '2026-10-21T12:00:00Z',
      { people: ['erin'], source: 'rotation', from: '2026-10-20T16:00:00.000Z', until: '2026-10-21T16:00:00.000Z' },
    ],
    [
      'an earlier rotation covers until the later one starts',
      schedule('Europe/Berlin', [weekly, rotation('2026-10-20T18:00', { days: 1 }, ['erin'], 'evenings')]),
      '2026-10-20T12:00:00Z',
      { people: ['alice'], source: 'rotation', from: '2026-10-19T07:00:00.000Z', until: '2026-10-20T16:00:00.000Z' },
    ],
    [
      'a schedule with nothing in it has nobody, with no bounds',
      schedule('UTC', []),
      '2026-10-20T12:00:00Z',
      { people: [], source: 'nobody', from: null, until: null },
    ],
  ])('%s', (_, s, at, want) => {
    expect(view(onCallAt(s, new Date(at)))).toEqual(want);
  });
});

describe('onCallAt: turn lengths', () => {
  it.each([
    ['daily at 08:00 in Berlin, across the change: 25 h', { days: 1 }, 'Europe/Berlin', '2026-10-20T08:00', '2026-10-25T01:00:00Z', '2026-10-24T06:00:00.000Z', '2026-10-25T07:00:00.000Z'],
    ['daily, the third day goes to the third participant', { days: 1 }, 'UTC', '2026-10-20T08:00', '2026-10-22T09:00:00Z', '2026-10-22T08:00:00.000Z', '2026-10-23T08:00:00.000Z'],
    ['custom 12 h turns are elapsed hours, even across the change', { hours: 12 }, 'Europe/Berlin', '2026-10-24T20:00', '2026-10-25T09:00:00Z', '2026-10-25T06:00:00.000Z', '2026-10-25T18:00:00.000Z'],
    ['custom 3 d turns are calendar days', { days: 3 }, 'Europe/Berlin', '2026-10-23T09:00', '2026-10-26T12:00:00Z', '2026-10-26T08:00:00.000Z', '2026-10-29T08:00:00.000Z'],
  ])('%s', (_, turn, zone, start, at, from, until) => {
    const got = onCallAt(schedule(zone, [rotation(start, turn, ['alice', 'bob', 'carol'])]), new Date(at));
    expect([iso(got.from), iso(got.until)]).toEqual([from, until]);
  });

  it('takes turns in the order listed, round and round', () => {
    const s = schedule('UTC', [rotation('2026-10-20T08:00', { hours: 12 }, ['alice', 'bob', 'carol'])]);
    const who = [0, 1, 2, 3, 4].map((i) => onCallAt(s, new Date(Date.UTC(2026, 9, 20, 9 + 12 * i))).people[0]);
    expect(who).toEqual(['alice', 'bob', 'carol', 'alice', 'bob']);
  });

  it('moves a hand-off at a time the clocks skip to just after the gap', () => {
    // 02:30 does not exist in Berlin on 2026-03-29.
    const s = schedule('Europe/Berlin', [rotation('2026-03-27T02:30', { days: 1 })]);
    expect(iso(onCallAt(s, new Date('2026-03-29T06:00:00Z')).from)).toBe('2026-03-29T01:30:00.000Z');
  });
});

describe('handoffs', () => {
  it('lists each change of who is on call over two weeks, override included', () => {
    const s = schedule('Europe/Berlin', [rotation('2026-10-05T09:00', WEEKLY)], [override('carol', '2026-10-24T00:00:00Z', '2026-10-26T00:00:00Z')]);
    const got = handoffs(s, new Date('2026-10-20T00:00:00Z'), new Date('2026-11-03T00:00:00Z'));
    expect(got.map((h) => [h.at.toISOString(), h.people.join(','), h.source])).toEqual([
      ['2026-10-24T00:00:00.000Z', 'carol', 'override'],
      ['2026-10-26T00:00:00.000Z', 'alice', 'rotation'],
      ['2026-10-26T08:00:00.000Z', 'bob', 'rotation'],
      ['2026-11-02T08:00:00.000Z', 'alice', 'rotation'],
    ]);
  });

  it('does not count a turn that leaves the same person on call', () => {
    const s = schedule('UTC', [rotation('2026-10-01T09:00', { days: 1 }, ['solo'])]);
    expect(handoffs(s, new Date('2026-10-02T00:00:00Z'), new Date('2026-10-10T00:00:00Z'))).toEqual([]);
  });

  it('starts with the first start when the window opens before anyone is on call', () => {
    const s = schedule('UTC', [rotation('2026-10-05T09:00', WEEKLY)]);
    const got = handoffs(s, new Date('2026-10-01T00:00:00Z'), new Date('2026-10-13T00:00:00Z'));
    expect(got.map((h) => [h.at.toISOString(), h.people.join(',')])).toEqual([
      ['2026-10-05T09:00:00.000Z', 'alice'],
      ['2026-10-12T09:00:00.000Z', 'bob'],
    ]);
  });
});

describe('shiftsBetween', () => {
  const shifts = (s: Schedule, from: string, to: string) => shiftsBetween(s, new Date(from), new Date(to)).map((x) => [x.from.toISOString(), x.until.toISOString(), x.people.join(',') || '-', x.source]);

  it.each<[string, Schedule, string, string, string[][]]>([
    [
      'cuts the window at every hand-off, an override included, and clips the first and last shift',
      schedule('Europe/Berlin', [rotation('2026-10-05T09:00', WEEKLY)], [override('carol', '2026-10-24T00:00:00Z', '2026-10-26T00:00:00Z')]),
      '2026-10-20T00:00:00Z',
      '2026-11-03T00:00:00Z',
      [
        ['2026-10-20T00:00:00.000Z', '2026-10-24T00:00:00.000Z', 'alice', 'rotation'],
        ['2026-10-24T00:00:00.000Z', '2026-10-26T00:00:00.000Z', 'carol', 'override'],
        ['2026-10-26T00:00:00.000Z', '2026-10-26T08:00:00.000Z', 'alice', 'rotation'],
        ['2026-10-26T08:00:00.000Z', '2026-11-02T08:00:00.000Z', 'bob', 'rotation'],
        ['2026-11-02T08:00:00.000Z', '2026-11-03T00:00:00.000Z', 'alice', 'rotation'],
      ],
    ],
    [
      'shows the stretch before the first rotation starts as nobody',
      schedule('UTC', [rotation('2026-10-05T09:00', WEEKLY)]),
      '2026-10-01T00:00:00Z',
      '2026-10-13T00:00:00Z',
      [
        ['2026-10-01T00:00:00.000Z', '2026-10-05T09:00:00.000Z', '-', 'nobody'],
        ['2026-10-05T09:00:00.000Z', '2026-10-12T09:00:00.000Z', 'alice', 'rotation'],
        ['2026-10-12T09:00:00.000Z', '2026-10-13T00:00:00.000Z', 'bob', 'rotation'],
      ],
    ],
    ['is one shift when one person is on call throughout', schedule('UTC', [rotation('2026-10-01T09:00', { days: 1 }, ['solo'])]), '2026-10-02T00:00:00Z', '2026-10-16T00:00:00Z', [['2026-10-02T00:00:00.000Z', '2026-10-16T00:00:00.000Z', 'solo', 'rotation']]],
  ])('%s', (_, s, from, to, expected) => {
    expect(shifts(s, from, to)).toEqual(expected);
  });
});
