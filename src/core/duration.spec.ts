import { durationProblem, esDuration, formatDuration, parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['5m', 300],
    ['1h30m', 5400],
    ['30d', 2592000],
    ['1w', 604800],
    ['90s', 90],
  ])('reads %s as %d seconds', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each(['', '5', 'm5', '1.5h', '5mm', '-1m', '1h 30m'])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('formatDuration', () => {
  it.each([
    [300, '5m'],
    [5400, '1h30m'],
    [2592000, '30d'],
    [20160, '5h36m'],
    [0, '0s'],
  ])('writes %d seconds as %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});

describe('esDuration', () => {
  it.each([
    [0, '0s'],
    [45, '45s'],
    [90, '90s'],
    [3600, '1h'],
    [36 * 3600, '36h'],
    [86400, '1d'],
    [7 * 365 * 86400, '2555d'],
  ])('writes %i seconds as %s', (seconds, text) => {
    expect(esDuration(seconds)).toBe(text);
  });
});

describe('durations too long for Prometheus', () => {
  it.each([
    ['99999999999999999999d', false],
    ['1000000y', false],
    ['293y', false],
    ['292y', true],
    ['106751d', true],
    ['106752d', false],
  ])('%s is usable: %s', (text, usable) => {
    expect(parseDuration(text) !== undefined).toBe(usable);
    expect(durationProblem(text) === undefined).toBe(usable);
  });

  it('says why, naming the limit', () => {
    expect(durationProblem('99999999999999999999d')).toBe('"99999999999999999999d" is longer than the longest duration Prometheus reads (106751d23h47m16s, about 292 years)');
    expect(durationProblem('5 minutes')).toBe('"5 minutes" is not a duration (use e.g. 30s, 5m, 1h30m, 30d)');
  });
});
