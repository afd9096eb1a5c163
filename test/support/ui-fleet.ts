import type { SeedPlan } from './budget-seed.js';
import { CHECKOUT_SPEC_WITH_TEAM } from './checkout-spec.js';

/**
 * A small fleet with every case the SLO pages draw: an overspent budget, one at risk, healthy
 * ones, an SLO whose team label overrides its service's, a 7-day window with its pages off, a
 * latency SLI, a service without a team, and one SLO no cycle has stored yet (pending).
 */
export const UI_SPECS: Record<string, string> = {
  'checkout.yaml': CHECKOUT_SPEC_WITH_TEAM,
  'search.yaml': `apiVersion: vigil/v1
service: search
labels:
  team: discovery
slos:
  - name: availability
    objective: 99.5
    sli:
      events:
        errorQuery: search_requests_total{code=~"5.."}
        totalQuery: search_requests_total
  - name: freshness
    objective: 99
    window: 7d
    labels:
      team: data
    sli:
      events:
        errorQuery: index_stale_reads_total
        totalQuery: index_reads_total
    alerting:
      page:
        disabled: true
`,
  'identity.yaml': `apiVersion: vigil/v1
service: identity
slos:
  - name: login
    objective: 99.95
    sli:
      events:
        errorQuery: login_failures_total{reason="server"}
        totalQuery: login_attempts_total
`,
};

/** Budget left now and the current burn, per SLO; identity/login is left out: it stays pending. */
export const UI_PLANS: Record<string, SeedPlan> = {
  'checkout/availability': { remaining: -0.42, burn: 3.2 },
  'search/freshness': { remaining: 0.1, burn: 1.5 },
  'checkout/latency': { remaining: 0.63, burn: 0.8 },
  'search/availability': { remaining: 0.9, burn: 0.2 },
};
