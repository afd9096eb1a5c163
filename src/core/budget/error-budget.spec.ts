import { errorBudget, type BudgetInput } from './error-budget.js';

const DAY = 86400;
const WINDOW = 30 * DAY;
const AT = 1_800_000_000;

function input(over: Partial<BudgetInput>): BudgetInput {
  return { objective: '99.9', windowSeconds: WINDOW, window: { bad: 0, total: 0 }, burnWindows: {}, currentBurnWindow: '1h', at: AT, ...over };
}

describe('error budget', () => {
  it('99.9 % over 30d with a constant 1 % error ratio consumes 10× the budget: remaining −9', () => {
    const total = WINDOW * 100;
    const b = errorBudget(input({ window: { bad: total / 100, total }, burnWindows: { '1h': 3600 / 360_000 } }));
    expect(b.consumed).toBeCloseTo(10, 9);
    expect(b.remaining).toBeCloseTo(-9, 9);
    expect(b.burnRates['1h']).toBeCloseTo(10, 9);
    expect(b.sli).toBeCloseTo(0.99, 12);
    expect(b.allowedBadEvents).toBeCloseTo(259_200, 6);
    expect(b.status).toBe('exhausted');
    expect(b.exhaustionAt).toBeNull();
  });

  it('is event-weighted: one hour of 100 % errors at 1 req/s in 30 days of 100 req/s leaves 0.986', () => {
    const bad = 3600;
    const total = (WINDOW - 3600) * 100 + 3600;
    const b = errorBudget(input({ window: { bad, total } }));
    expect(b.remaining).toBeCloseTo(0.98609, 5);
    // A mean of 5-minute ratios would say 1 − (12 / 8640) / 0.001 = −0.389: the bug this guards against.
    expect(b.status).toBe('healthy');
  });

  it('has no data, not NaN, without traffic', () => {
    const b = errorBudget(input({ window: { bad: 0, total: 0 }, burnWindows: { '1h': null } }));
    expect(b).toMatchObject({ sli: null, consumed: 0, remaining: 1, status: 'no-data', exhaustionAt: null });
    expect(b.burnRates['1h']).toBeNull();
  });

  it.each([
    // remaining 0.5, burning at 6×: half the budget lasts 0.5 × 30d / 6 = 2.5 days → at risk (< 7 days)
    [0.5, 6, 2.5 * DAY, 'at-risk'],
    // remaining 0.9 at 1×: 27 days left → healthy
    [0.9, 1, 27 * DAY, 'healthy'],
    // remaining 0.2 at 0.5×: 12 days left, but under a quarter of the budget → at risk
    [0.2, 0.5, 12 * DAY, 'at-risk'],
  ])('with %d of the budget left at burn rate %d, exhaustion is %d s away: %s', (remaining, burn, seconds, status) => {
    const total = 1_000_000;
    const bad = (1 - remaining) * 0.001 * total;
    const b = errorBudget(input({ window: { bad, total }, burnWindows: { '1h': burn * 0.001 } }));
    expect(b.remaining).toBeCloseTo(remaining, 9);
    expect(b.exhaustionAt! - AT).toBeCloseTo(seconds, 3);
    expect(b.status).toBe(status);
  });

  it('never projects exhaustion while nothing burns', () => {
    const b = errorBudget(input({ window: { bad: 10, total: 1_000_000 }, burnWindows: { '1h': 0 } }));
    expect(b.exhaustionAt).toBeNull();
    expect(b.status).toBe('healthy');
  });
});
