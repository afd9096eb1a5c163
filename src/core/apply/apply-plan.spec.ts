import { planApply, summarise } from './apply-plan.js';

describe('planApply', () => {
  it('creates what is absent, updates what differs, leaves the rest, in name order', () => {
    const desired = new Map([
      ['b', { v: 2 }],
      ['a', { v: 1 }],
      ['c', { v: 3 }],
    ]);
    const current = new Map<string, { v: number } | undefined>([
      ['a', { v: 1 }],
      ['b', { v: 9 }],
    ]);
    const steps = planApply('policy', desired, current, (d, c) => d.v === c.v);
    expect(steps.map((s) => [s.name, s.action])).toEqual([
      ['a', 'unchanged'],
      ['b', 'update'],
      ['c', 'create'],
    ]);
    expect(summarise(steps)).toEqual({ create: 1, update: 1, unchanged: 1 });
  });
});
