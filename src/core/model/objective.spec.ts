import { DAY, HOUR, MINUTE } from '../duration.js';
import { deriveTiers } from './burn-windows.js';
import { burnThreshold, errorBudgetRatio, objectiveRatio } from './objective.js';

describe('error budget arithmetic is exact decimal', () => {
  it.each([
    ['99.9', '0.001'],
    ['99.95', '0.0005'],
    ['99.99', '0.0001'],
    ['99.5', '0.005'],
    ['90', '0.1'],
    ['99.999', '0.00001'],
  ])('objective %s%% leaves a budget of %s', (objective, budget) => {
    expect(errorBudgetRatio(objective)).toBe(budget);
  });

  it.each([
    ['14.4', '99.9', '0.0144'],
    ['6', '99.9', '0.006'],
    ['3', '99.9', '0.003'],
    ['1', '99.9', '0.001'],
    ['14.4', '99.95', '0.0072'],
    ['14.4', '99.99', '0.00144'],
    ['14.4', '90', '1.44'],
  ])('burn rate %s on objective %s fires above error ratio %s', (rate, objective, threshold) => {
    expect(burnThreshold(rate, objective)).toBe(threshold);
  });

  it('keeps the objective ratio exact', () => {
    expect(objectiveRatio('99.9')).toBe('0.999');
    expect(objectiveRatio('99.95')).toBe('0.9995');
  });
});

describe('burn-rate windows derived from the SLO window', () => {
  it('is the SRE Workbook table for 30 days', () => {
    expect(deriveTiers(30 * DAY).map((t) => [t.severity, t.longWindowSeconds, t.shortWindowSeconds, t.burnRate])).toEqual([
      ['page', HOUR, 5 * MINUTE, '14.4'],
      ['page', 6 * HOUR, 30 * MINUTE, '6'],
      ['ticket', DAY, 2 * HOUR, '3'],
      ['ticket', 3 * DAY, 6 * HOUR, '1'],
    ]);
  });

  it.each([
    // 28d: every window × 28/30, rounded to the minute
    [28 * DAY, [56 * MINUTE, 5 * MINUTE, 336 * MINUTE, 28 * MINUTE, 1344 * MINUTE, 112 * MINUTE, 4032 * MINUTE, 336 * MINUTE]],
    // 7d: 5m × 7/30 = 70 s → 1m, raised to the 5m base window (a 1m rate() is empty at 1m scrapes)
    [7 * DAY, [14 * MINUTE, 5 * MINUTE, 84 * MINUTE, 7 * MINUTE, 336 * MINUTE, 28 * MINUTE, 1008 * MINUTE, 84 * MINUTE]],
    // 1d: 5m / 30 = 10 s → 0, kept at 0 so validation refuses it; others are raised to 5m
    [DAY, [5 * MINUTE, 0, 12 * MINUTE, 5 * MINUTE, 48 * MINUTE, 5 * MINUTE, 144 * MINUTE, 12 * MINUTE]],
  ])('scales windows for a %d-second SLO window and keeps the burn rates', (window, expected) => {
    const tiers = deriveTiers(window);
    expect(tiers.flatMap((t) => [t.longWindowSeconds, t.shortWindowSeconds])).toEqual(expected);
    expect(tiers.map((t) => t.burnRate)).toEqual(['14.4', '6', '3', '1']);
  });

  it('spends the same share of budget in each long window whatever the SLO window', () => {
    for (const window of [7 * DAY, 28 * DAY, 30 * DAY]) {
      const [fast] = deriveTiers(window);
      // 14.4 × 1h / 30d = 2 %; the scaled window keeps it within rounding to the minute
      expect((14.4 * fast!.longWindowSeconds) / window).toBeCloseTo(0.02, 3);
    }
  });
});
