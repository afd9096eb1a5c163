import { parseTimeText } from './time-text.js';

describe('parseTimeText', () => {
  it.each([
    ['epoch seconds', '1764000000', 1_764_000_000],
    ['epoch seconds with a fraction', '1764000000.5', 1_764_000_000.5],
    ['the epoch itself', '0', 0],
    ['RFC 3339 in UTC', '2026-11-23T12:00:00Z', Date.UTC(2026, 10, 23, 12) / 1000],
    ['RFC 3339 with an offset', '2026-11-23T13:30:00+01:30', Date.UTC(2026, 10, 23, 12) / 1000],
    ['RFC 3339 with a fraction and a lowercase t and z', '2026-11-23t12:00:00.25z', Date.UTC(2026, 10, 23, 12) / 1000 + 0.25],
    ['a leap day', '2028-02-29T00:00:00Z', Date.UTC(2028, 1, 29) / 1000],
    ['the last accepted second', '2100-01-01T00:00:00Z', 4_102_444_800],
  ])('reads %s: %s → %d', (_, text, seconds) => expect(parseTimeText(text)).toBe(seconds));

  it.each([
    ['a word', 'yesterday'],
    ['nothing', ''],
    ['a bare clock time', '12:00'],
    ['a date without a time (ambiguous time zone)', '2026-11-23'],
    ['a time without an offset', '2026-11-23T12:00:00'],
    ['a negative epoch', '-1'],
    ['an epoch far in the future', '99999999999999'],
    ['30 February', '2025-02-30T00:00:00Z'],
    ['29 February of a common year', '2025-02-29T00:00:00Z'],
    ['month 13', '2025-13-01T00:00:00Z'],
    ['hour 24', '2025-01-01T24:00:00Z'],
    ['a year before 1970', '1969-12-31T23:59:59Z'],
    ['the JavaScript minimum date', '-271821-04-20T00:00:00Z'],
    ['after 2100', '2100-01-01T00:00:01Z'],
    ['an exponent', '1e9'],
  ])('refuses %s: %j', (_, text) => expect(parseTimeText(text)).toBeUndefined());
});
