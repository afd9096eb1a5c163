import type { SloBudget } from './budget-cycle.js';
import type { WindowCount } from './budget-queries.js';
import { dayUpdates, dayWindows, MAX_DAYS_RECOUNTED } from './day-ledger.js';

const T = (iso: string) => Date.parse(iso) / 1000;

describe('dayWindows', () => {
  it('counts today so far on every cycle, and nothing else on the first one', () => {
    expect(dayWindows(T('2026-11-23T00:10:00Z'), null)).toEqual([{ key: 'today', seconds: 600, at: T('2026-11-23T00:10:00Z') }]);
  });

  it('recounts the day that just ended, whole, on the first cycle after midnight', () => {
    const w = dayWindows(T('2026-11-23T00:00:30Z'), T('2026-11-22T23:59:30Z'));
    expect(w).toEqual([
      { key: 'today', seconds: 30, at: T('2026-11-23T00:00:30Z') },
      { key: 'day:2026-11-22', seconds: 86400, at: T('2026-11-23T00:00:00Z') },
    ]);
  });

  it('recounts every day missed while Vigil was down, up to a month back', () => {
    const days = (at: string, last: string) => dayWindows(T(at), T(last)).filter((w) => w.key.startsWith('day:')).map((w) => w.key);
    expect(days('2026-11-23T08:00:00Z', '2026-11-20T12:00:00Z')).toEqual(['day:2026-11-20', 'day:2026-11-21', 'day:2026-11-22']);
    expect(days('2026-11-23T08:00:00Z', '2025-01-01T00:00:00Z')).toHaveLength(MAX_DAYS_RECOUNTED);
    expect(days('2026-11-23T08:00:00Z', '2026-11-23T07:59:00Z')).toEqual([]);
  });
});

describe('dayUpdates', () => {
  const budget = (status: SloBudget['status']) => ({ service: 'checkout', slo: 'availability', status }) as SloBudget;
  const counts = (entries: [string, WindowCount][]) => new Map([['checkout/availability', new Map(entries)]]);
  const at = T('2026-11-23T12:00:00Z');

  it("adds the time since the last cycle to today's row, under the status found now", () => {
    const u = dayUpdates([budget('at-risk')], counts([['today', { bad: 5, total: 1000, source: 'recorded' }]]), at, at - 60, 60);
    expect(u).toEqual([{ day: '2026-11-23', service: 'checkout', slo: 'availability', bad: 5, total: 1000, addObserved: 60, addAtRisk: 60, addExhausted: 0, final: false }]);
  });

  it('caps the time at two intervals: while Vigil was down nothing was observed', () => {
    const [u] = dayUpdates([budget('exhausted')], counts([['today', { bad: 1, total: 2, source: 'raw' }]]), at, at - 3600, 60);
    expect(u).toMatchObject({ addObserved: 120, addExhausted: 120, addAtRisk: 0 });
  });

  it('marks recounted ended days final, adding no time, and skips ratio-only SLIs', () => {
    const u = dayUpdates(
      [budget('healthy')],
      counts([
        ['30d', { bad: 9, total: 9, source: 'recorded' }],
        ['day:2026-11-22', { bad: 7, total: 70_000, source: 'recorded' }],
      ]),
      at,
      at - 60,
      60,
    );
    expect(u).toEqual([{ day: '2026-11-22', service: 'checkout', slo: 'availability', bad: 7, total: 70_000, addObserved: 0, addAtRisk: 0, addExhausted: 0, final: true }]);
    expect(dayUpdates([budget('healthy')], counts([['today', { bad: 0.01, total: 1, source: 'ratio' }]]), at, at - 60, 60)).toEqual([]);
  });
});
