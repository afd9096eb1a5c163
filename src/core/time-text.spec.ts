import { parseTimeText } from './time-text.js';

describe('parseTimeText', () => {
  it.each([
    ['1764000000', 1_764_000_000],
    ['1764000000.5', 1_764_000_000.5],
    ['2026-11-23T12:00:00Z', Date.UTC(2026, 10, 23, 12) / 1000],
    ['2026-11-23', Date.UTC(2026, 10, 23) / 1000],
  ])('%s → %d', (text, seconds) => expect(parseTimeText(text)).toBe(seconds));

  it.each(['yesterday', '', '12:00'])('refuses %j', (text) => expect(parseTimeText(text)).toBeUndefined());
});
