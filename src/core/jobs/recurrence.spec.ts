import { cron, describeRecurrence, every, longestGapSeconds, nextSlotAfter, recurrenceProblem, slotAt, slotsBetween } from './recurrence.js';

const t = (iso: string) => new Date(iso);

describe('slotAt: the latest slot at or before a time', () => {
  it.each([
    ['an interval aligns to the epoch', every(60), '2026-11-29T10:15:42.123Z', '2026-11-29T10:15:00.000Z'],
    ['a time exactly on a slot is that slot', every(60), '2026-11-29T10:15:00.000Z', '2026-11-29T10:15:00.000Z'],
    ['a 7 s interval is still the same on every replica', every(7), '1970-01-01T00:00:20.000Z', '1970-01-01T00:00:14.000Z'],
    ['cron in UTC', cron('*/15 * * * *'), '2026-11-29T10:44:59.999Z', '2026-11-29T10:30:00.000Z'],
    ['cron exactly on its minute', cron('*/15 * * * *'), '2026-11-29T10:45:00.000Z', '2026-11-29T10:45:00.000Z'],
    ['cron in a time zone: 09:00 in New York is 14:00 UTC in winter', cron('0 9 * * *', 'America/New_York'), '2026-11-29T20:00:00Z', '2026-11-29T14:00:00.000Z'],
    ['… and 13:00 UTC in summer', cron('0 9 * * *', 'America/New_York'), '2026-07-01T20:00:00Z', '2026-07-01T13:00:00.000Z'],
  ])('%s', (_, r, at, slot) => expect(slotAt(r, t(at))?.toISOString()).toBe(slot));

  it('is null for a cron expression that has not fired yet', () => {
    expect(slotAt(cron('0 0 0 1 1 * 2099'), t('2026-11-29T00:00:00Z'))).toBeNull();
  });
});

describe('nextSlotAfter', () => {
  it.each([
    ['an interval', every(60), '2026-11-29T10:15:00.000Z', '2026-11-29T10:16:00.000Z'],
    ['cron skips the hour DST removes (02:30 Berlin on 29 March 2026 does not exist)', cron('30 2 * * *', 'Europe/Berlin'), '2026-03-28T01:30:00.000Z', '2026-03-29T01:00:00.000Z'],
    ['cron after the DST change is an hour earlier in UTC', cron('30 2 * * *', 'Europe/Berlin'), '2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z'],
  ])('%s', (_, r, after, next) => expect(nextSlotAfter(r, t(after))?.toISOString()).toBe(next));
});

describe('slotsBetween: the slots nobody ran', () => {
  it('lists the slots strictly between two slots', () => {
    const r = slotsBetween(every(60), t('2026-11-29T10:00:00Z'), t('2026-11-29T10:04:00Z'), 100);
    expect(r.slots.map((s) => s.toISOString())).toEqual(['2026-11-29T10:01:00.000Z', '2026-11-29T10:02:00.000Z', '2026-11-29T10:03:00.000Z']);
    expect(r.total).toBe(3);
  });

  it('keeps only the latest `limit` but counts them all (a week of a 1 s job)', () => {
    const r = slotsBetween(every(1), t('2026-11-22T00:00:00Z'), t('2026-11-29T00:00:00Z'), 2);
    expect(r.total).toBe(7 * 86400 - 1);
    expect(r.slots.map((s) => s.toISOString())).toEqual(['2026-11-28T23:59:58.000Z', '2026-11-28T23:59:59.000Z']);
  });

  it('lists cron slots in their time zone', () => {
    const r = slotsBetween(cron('0 9 * * *', 'Europe/Berlin'), t('2026-03-27T08:00:00Z'), t('2026-03-31T07:00:00Z'), 10);
    // 09:00 Berlin is 08:00 UTC before 29 March and 07:00 UTC after.
    expect(r.slots.map((s) => s.toISOString())).toEqual(['2026-03-28T08:00:00.000Z', '2026-03-29T07:00:00.000Z', '2026-03-30T07:00:00.000Z']);
    expect(r.total).toBe(3);
  });

  it('is empty when the two are adjacent or reversed', () => {
    expect(slotsBetween(every(60), t('2026-11-29T10:00:00Z'), t('2026-11-29T10:01:00Z'), 10)).toEqual({ slots: [], total: 0 });
    expect(slotsBetween(every(60), t('2026-11-29T10:05:00Z'), t('2026-11-29T10:01:00Z'), 10)).toEqual({ slots: [], total: 0 });
  });
});

describe('recurrenceProblem and describeRecurrence', () => {
  it.each([
    ['a zero interval', every(0), /at least 1s/],
    ['a fractional interval', every(1.5), /whole number of seconds/],
    ['an unknown time zone', cron('* * * * *', 'Mars/Olympus'), /unknown time zone "Mars\/Olympus"/],
    ['a minute of 61', cron('61 * * * *'), /invalid cron expression "61 \* \* \* \*"/],
    ['a day no month has (croner accepts it, and it never fires)', cron('0 3 31 2 *'), /cron expression "0 3 31 2 \*" never fires: no date matches it/],
  ])('refuses %s', (_, r, message) => expect(recurrenceProblem(r)).toMatch(message));

  it.each([
    [every(60), 'every 1m'],
    [every(90), 'every 1m30s'],
    [cron('0 9 * * 1-5', 'Europe/Berlin'), 'cron 0 9 * * 1-5 Europe/Berlin'],
  ])('describes %j as %s', (r, text) => {
    expect(recurrenceProblem(r)).toBeUndefined();
    expect(describeRecurrence(r)).toBe(text);
  });
});

describe('longestGapSeconds: how long a schedule rightly goes without a slot, over a year', () => {
  const YEAR = { spanSeconds: 365 * 86400, maxSlots: 1000 };
  const DAY = 86400;
  it.each([
    ['an interval is its own gap', every(600), 600],
    ['daily', cron('0 2 * * *'), DAY],
    ['monthly: 31 days, not the 30.4 of an average month', cron('0 3 1 * *'), 31 * DAY],
    ['quarterly on the 1st: October to January, 92 days', cron('0 3 1 1,4,7,10 *'), 92 * DAY],
    // 2025: 1 July to 7 October; in Berlin both are summer time.
    ['quarterly on the first Tuesday: up to 98 days', cron('0 10 * 1,4,7,10 2#1', 'Europe/Berlin'), 98 * DAY],
    // A local time keeps its hour across DST in the schedule's zone, so in UTC one gap a year is 25 h.
    ['daily at 10:00 Berlin: the night summer time ends is 25 hours long', cron('0 10 * * *', 'Europe/Berlin'), DAY + 3600],
    ['monthly on the 30th: February has none, so January to March', cron('0 3 30 * *'), 59 * DAY],
    ['yearly: the slot after the year counts, so the gap is the year', cron('0 3 1 1 *'), 365 * DAY],
    ['29 February: four years, read from the slots after the span', cron('0 3 29 2 *'), (4 * 365 + 1) * DAY],
  ])('%s', (_, r, seconds) => expect(longestGapSeconds(r, new Date('2025-01-01T00:00:00Z'), YEAR)).toBe(seconds));

  it('reads at most maxSlots slots: every minute on the 1st looks like every minute after 100', () => {
    expect(longestGapSeconds(cron('* * 1 * *'), new Date('2025-01-01T00:00:00Z'), { spanSeconds: 365 * DAY, maxSlots: 100 })).toBe(60);
  });

  it('is null for a schedule that never fires', () => {
    expect(longestGapSeconds(cron('0 3 31 2 *'), new Date('2025-01-01T00:00:00Z'), YEAR)).toBeNull();
  });
});
