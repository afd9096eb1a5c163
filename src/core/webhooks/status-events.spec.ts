import type { BudgetStatus } from '../budget/error-budget.js';
import { nextStatuses, statusEvents, type SloBudgetState, type SloEventType } from './status-events.js';

const AT = 1_764_000_000;

function state(status: BudgetStatus, slo = 'availability'): SloBudgetState {
  return {
    service: 'checkout',
    slo,
    objective: '99.9',
    status,
    sli: status === 'no-data' ? null : 0.9995,
    errorBudgetRemaining: 0.5,
    burnRates: { '1h': 2, '6h': null },
    windowSeconds: 2_592_000,
  };
}

const previousOf = (status: BudgetStatus | null): Map<string, BudgetStatus> =>
  new Map(status === null ? [] : [['checkout/availability', status]]);

describe('statusEvents', () => {
  it.each<[string, BudgetStatus | null, BudgetStatus, SloEventType | null]>([
    ['a first evaluation that is healthy fires nothing', null, 'healthy', null],
    ['a first evaluation that is at risk fires slo.at_risk (an SRE wants to know)', null, 'at-risk', 'slo.at_risk'],
    ['a first evaluation that is exhausted fires slo.exhausted', null, 'exhausted', 'slo.exhausted'],
    ['a first evaluation without data fires nothing', null, 'no-data', null],
    ['healthy staying healthy fires nothing', 'healthy', 'healthy', null],
    ['healthy becoming at risk fires slo.at_risk', 'healthy', 'at-risk', 'slo.at_risk'],
    ['healthy becoming exhausted fires slo.exhausted', 'healthy', 'exhausted', 'slo.exhausted'],
    ['at risk staying at risk fires nothing', 'at-risk', 'at-risk', null],
    ['at risk becoming exhausted fires slo.exhausted', 'at-risk', 'exhausted', 'slo.exhausted'],
    ['at risk becoming healthy fires slo.recovered', 'at-risk', 'healthy', 'slo.recovered'],
    ['exhausted staying exhausted fires nothing', 'exhausted', 'exhausted', null],
    ['exhausted becoming at risk (budget partly back) fires slo.at_risk', 'exhausted', 'at-risk', 'slo.at_risk'],
    ['exhausted becoming healthy fires slo.recovered', 'exhausted', 'healthy', 'slo.recovered'],
    ['healthy losing its data fires nothing', 'healthy', 'no-data', null],
    ['at risk losing its data fires nothing', 'at-risk', 'no-data', null],
    ['exhausted losing its data fires nothing (no spurious recovery)', 'exhausted', 'no-data', null],
    ['a stored no-data previous is treated as never seen: healthy fires nothing', 'no-data', 'healthy', null],
    ['a stored no-data previous is treated as never seen: exhausted fires', 'no-data', 'exhausted', 'slo.exhausted'],
  ])('%s', (_, before, now, expected) => {
    const events = statusEvents(previousOf(before), [state(now)], AT);
    expect(events.map((e) => e.type)).toEqual(expected === null ? [] : [expected]);
  });

  it('carries the evaluation, the previous status and the budget figures in the event', () => {
    expect(statusEvents(previousOf('at-risk'), [state('exhausted')], AT)).toEqual([
      {
        type: 'slo.exhausted',
        at: AT,
        service: 'checkout',
        slo: 'availability',
        objective: '99.9',
        previousStatus: 'at-risk',
        status: 'exhausted',
        sli: 0.9995,
        errorBudgetRemaining: 0.5,
        burnRates: { '1h': 2, '6h': null },
        windowSeconds: 2_592_000,
      },
    ]);
  });

  it('reports previousStatus null on a first evaluation and for a stored no-data', () => {
    expect(statusEvents(previousOf(null), [state('at-risk')], AT)[0]?.previousStatus).toBeNull();
    expect(statusEvents(previousOf('no-data'), [state('at-risk')], AT)[0]?.previousStatus).toBeNull();
  });

  it('judges each SLO by its own key, in the order given', () => {
    const previous = new Map<string, BudgetStatus>([
      ['checkout/availability', 'healthy'],
      ['checkout/latency', 'exhausted'],
    ]);
    const events = statusEvents(previous, [state('exhausted', 'availability'), state('healthy', 'latency'), state('healthy', 'new')], AT);
    expect(events.map((e) => [e.slo, e.type])).toEqual([
      ['availability', 'slo.exhausted'],
      ['latency', 'slo.recovered'],
    ]);
  });

  it('fires nothing when nothing was evaluated', () => {
    expect(statusEvents(previousOf('exhausted'), [], AT)).toEqual([]);
  });
});

describe('nextStatuses', () => {
  it.each<[string, BudgetStatus | null, BudgetStatus, BudgetStatus | undefined]>([
    ['a new status replaces the previous one', 'healthy', 'exhausted', 'exhausted'],
    ['no-data keeps the last known status', 'exhausted', 'no-data', 'exhausted'],
    ['no-data on a first evaluation stays unknown', null, 'no-data', undefined],
    ['a first known status is stored', null, 'at-risk', 'at-risk'],
  ])('%s', (_, before, now, kept) => {
    expect(nextStatuses(previousOf(before), [state(now)]).get('checkout/availability')).toBe(kept);
  });

  it('keeps SLOs that were not evaluated this time and leaves its input alone', () => {
    const previous = new Map<string, BudgetStatus>([['billing/latency', 'at-risk']]);
    const next = nextStatuses(previous, [state('healthy')]);
    expect([...next]).toEqual([
      ['billing/latency', 'at-risk'],
      ['checkout/availability', 'healthy'],
    ]);
    expect([...previous]).toEqual([['billing/latency', 'at-risk']]);
  });

  it('lets a data gap end without an event when the status did not change across it', () => {
    let previous = previousOf('exhausted');
    for (const status of ['no-data', 'no-data', 'exhausted'] as const) {
      expect(statusEvents(previous, [state(status)], AT)).toEqual([]);
      previous = nextStatuses(previous, [state(status)]);
    }
  });
});
