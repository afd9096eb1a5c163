/** The spec both budget integration tests run: an events SLI and a latency SLI on one service, 30-day windows. */
export const CHECKOUT_SPEC = `apiVersion: vigil/v1
service: checkout
slos:
  - name: availability
    objective: 99.9
    sli:
      events:
        errorQuery: http_requests_total{job="checkout",code=~"5.."}
        totalQuery: http_requests_total{job="checkout"}
  - name: latency
    objective: 99
    sli:
      latency:
        metric: http_request_duration_seconds
        selector: '{job="checkout"}'
        threshold: 0.25
        buckets: [0.1, 0.25, 1]
`;

/** The same service with a team label and a runbook, as most specs have: what the web UI and SLO API tests read. */
export const CHECKOUT_SPEC_WITH_TEAM = CHECKOUT_SPEC.replace('service: checkout\n', 'service: checkout\nlabels:\n  team: payments\nrunbook: runbooks/checkout.md\n');
