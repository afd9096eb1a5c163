import { NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import type { BudgetView } from '../../core/budget/budget-view.js';
import { ManualClock } from '../../core/ports/clock.js';
import { MetricsQuery } from '../../core/ports/metrics-query.js';
import { loadConfig } from '../../config/config.js';
import type { BudgetRepository, LatestBudget } from '../../persistence/budget.repository.js';
import type { SloService } from '../slo/slo.service.js';
import { BudgetService } from './budget.service.js';

const NOW = new Date('2026-11-29T10:00:00Z');
const view = (slo: string, remaining: number, status: BudgetView['status']): BudgetView => ({
  service: 'checkout',
  slo,
  objective: '99.9',
  window: '30d',
  windowSeconds: 2_592_000,
  sli: 0.999,
  errorBudgetRemaining: remaining,
  errorBudgetConsumed: 1 - remaining,
  allowedBadEvents: 100,
  badEvents: 100 * (1 - remaining),
  totalEvents: 100_000,
  burnRates: { '1h': 1 },
  exhaustionAt: null,
  status,
  source: 'recorded',
  computedAt: '2026-11-29T09:59:00.000Z',
});

/** The read service over an in-memory store of latest budgets and a fixed spec. */
function setup(stored: LatestBudget[], opts: { prometheus?: boolean } = { prometheus: true }) {
  const repo = {
    latest: async (service: string, slo: string) => stored.find((b) => b.service === service && b.slo === slo) ?? null,
    latestAll: async () => stored,
  };
  // The SLO's own team label wins over its service's (latency's here).
  const slos = ['availability', 'latency', 'freshness'].map((name) => ({
    service: 'checkout',
    name,
    objective: '99.9',
    windowSeconds: 2_592_000,
    sli: { kind: name === 'latency' ? 'latency' : 'events' },
    labels: name === 'latency' ? { team: 'web' } : {},
  }));
  const service = { name: 'checkout', labels: { team: 'payments' } };
  const sloService = { slos: () => slos, find: (svc: string, slo: string) => slos.find((s) => s.service === svc && s.name === slo), serviceOf: () => service };
  const prometheus = opts.prometheus ? new (class extends MetricsQuery {
    async query() {
      return [];
    }
  })() : undefined;
  return new BudgetService(loadConfig({ VIGIL_BUDGET_INTERVAL: '1m' }), repo as unknown as BudgetRepository, sloService as unknown as SloService, new ManualClock(NOW), prometheus);
}

const at = new Date('2026-11-29T09:59:00Z');

describe('BudgetService', () => {
  it('serves the stored budget with when it was computed and its age by the clock', async () => {
    const s = setup([{ service: 'checkout', slo: 'availability', at, budget: view('availability', 0.4, 'at-risk') }]);
    expect(await s.latest('checkout', 'availability')).toMatchObject({ status: 'at-risk', computedAt: at.toISOString(), ageSeconds: 60 });
  });

  it('answers 404 for an SLO not in the specs, 503 with a retry hint before the first cycle, and says when budgets are off', async () => {
    await expect(setup([]).latest('checkout', 'nope')).rejects.toThrow(NotFoundException);
    const pending = await setup([]).latest('checkout', 'availability').catch((e: ServiceUnavailableException) => e.getResponse());
    expect(pending).toMatchObject({ statusCode: 503, message: expect.stringMatching(/no budget cycle has stored checkout\/availability yet/), retryAfterSeconds: 60 });
    const off = await setup([], { prometheus: false }).latest('checkout', 'availability').catch((e: ServiceUnavailableException) => e.getResponse());
    expect(off).toMatchObject({ statusCode: 503, message: 'error budgets are off: PROMETHEUS_URL is not set' });
  });

  it('lists budgets worst first, or best first, or by name, with SLOs not stored yet apart, and only SLOs in the specs', async () => {
    const s = setup([
      { service: 'checkout', slo: 'availability', at, budget: view('availability', 0.4, 'at-risk') },
      { service: 'checkout', slo: 'latency', at, budget: view('latency', -0.2, 'exhausted') },
      { service: 'checkout', slo: 'removed-from-specs', at, budget: view('removed-from-specs', -5, 'exhausted') },
    ]);
    const worst = await s.list({ sort: 'remaining' });
    expect(worst.budgets.map((b) => [b.slo, b.team, b.sliKind])).toEqual([
      ['latency', 'web', 'latency'],
      ['availability', 'payments', 'events'],
    ]);
    expect(worst.pending).toEqual([{ service: 'checkout', slo: 'freshness', objective: '99.9', window: '30d', sliKind: 'events', team: 'payments' }]);
    expect((await s.list({ sort: '-remaining' })).budgets.map((b) => b.slo)).toEqual(['availability', 'latency']);
    expect((await s.list({ sort: 'name', status: 'exhausted' })).budgets.map((b) => b.slo)).toEqual(['latency']);
  });

  it('refuses a history range that ends before it starts, naming the field', async () => {
    const s = setup([]);
    const err = await s.history('checkout', 'availability', { from: NOW, to: at }).catch((e: { getResponse: () => unknown }) => e.getResponse());
    expect(err).toMatchObject({ statusCode: 400, problems: [{ path: 'from', message: 'must be before to' }] });
  });
});
