// The budget benchmark's fleet and the traffic behind it: N services × 10 SLOs as native vigil/v1
// YAML, and for every SLO the constant error and total rates its SLI measures on the synthetic
// history (budget-history.js writes that history). Deterministic: same arguments, same texts.
//
// Every service exposes the same few series, labelled job=<service>:
//   http_requests_total{code="200"|"429"|"500"}        counters
//   http_request_duration_seconds{le="0.25"|"1"|"+Inf"} histogram (_bucket, _count, _sum)
// Each SLO reads them through a different SLI shape, so its rates are known exactly.

/** 10 SLOs per service: events SLIs (bare, templated, good/total) and latency SLIs. */
const SLOS = [
  { name: 'availability', objective: 99.9, sli: 'err5xx' },
  { name: 'availability-429', objective: 99.5, sli: 'err5xx429' },
  { name: 'success', objective: 99.9, sli: 'good200' },
  { name: 'errors-windowed', objective: 99.9, sli: 'err5xxWindowed' },
  { name: 'latency-250ms', objective: 97, sli: 'latency025' },
  { name: 'latency-1s', objective: 99.5, sli: 'latency1' },
  { name: 'checkout-availability', objective: 99.95, sli: 'err5xx' },
  { name: 'search-availability', objective: 99.5, sli: 'err5xx429' },
  { name: 'success-strict', objective: 99.99, sli: 'good200' },
  { name: 'latency-250ms-95', objective: 95, sli: 'latency025' },
];

/** The issue's mix by (service + SLO) index: 7 / 10 30d, 2 / 10 28d, 1 / 10 7d; plus a calendar month on every 10th service. */
const MIXED_WINDOWS = ['30d', '30d', '30d', '28d', '30d', '30d', '7d', '30d', '28d', '30d'];

export const BUCKETS = [0.25, 1];
const ERROR_5XX = [0.0002, 0.0005, 0.001, 0.002, 0.004];
const ERROR_429 = 0.001;
const SLOW_OVER_025 = [0.005, 0.01, 0.02];
const SLOW_OVER_1 = 0.002;

export const serviceName = (i, width) => `svc-${String(i).padStart(width, '0')}`;

/** Requests per second of service i, by code, and its latency shares: whole numbers of requests per minute. */
export function serviceTraffic(i) {
  const total = 20 + ((i * 37) % 181);
  const r500 = total * ERROR_5XX[i % ERROR_5XX.length];
  const r429 = total * ERROR_429;
  return {
    total,
    codes: { 200: total - r500 - r429, 429: r429, 500: r500 },
    over025: total * SLOW_OVER_025[i % SLOW_OVER_025.length],
    over1: total * SLOW_OVER_1,
  };
}

/** Error and total events per second an SLI of this shape measures on service i's traffic. */
function sliRates(sli, t) {
  switch (sli) {
    case 'err5xx':
    case 'err5xxWindowed':
      return { error: t.codes[500], total: t.total };
    case 'err5xx429':
    case 'good200':
      return { error: t.codes[500] + t.codes[429], total: t.total };
    case 'latency025':
      return { error: t.over025, total: t.total };
    case 'latency1':
      return { error: t.over1, total: t.total };
    default:
      throw new Error(`unknown SLI ${sli}`);
  }
}

/**
 * @param {{ services: number, windows: 'steady' | 'mixed', servicePrefix?: string }} opts
 *   steady: every SLO on a 7d window (the recordings cover it); mixed: the issue's 30d/28d/7d/month mix.
 *   servicePrefix renames the services (their SLIs still read job=svc-…), so no recording matches them.
 * @returns {{ inputs: {path: string, text: string}[], slos: {service: string, job: string, slo: string, window: string, error: number, total: number}[] }}
 */
export function budgetFleet({ services, windows, servicePrefix = '' }) {
  const width = Math.max(3, String(services - 1).length);
  const inputs = [];
  const slos = [];
  for (let i = 0; i < services; i++) {
    const job = serviceName(i, width);
    const service = `${servicePrefix}${job}`;
    const traffic = serviceTraffic(i);
    const lines = [
      'apiVersion: vigil/v1',
      `service: ${service}`,
      `description: Synthetic budget-benchmark service ${service}.`,
      'labels:',
      '  team: bench',
      'histograms:',
      `  http_request_duration_seconds: [${BUCKETS.join(', ')}]`,
      'slos:',
    ];
    SLOS.forEach((s, j) => {
      const window = windows === 'steady' ? '7d' : j === 9 && i % 10 === 0 ? 'month' : MIXED_WINDOWS[(i + j) % MIXED_WINDOWS.length];
      lines.push(`  - name: ${s.name}`, `    objective: ${s.objective}`, `    window: ${window}`, '    sli:', ...sliLines(s.sli, job));
      slos.push({ service, job, slo: s.name, window, ...sliRates(s.sli, traffic) });
    });
    inputs.push({ path: `slos/${service}.yaml`, text: `${lines.join('\n')}\n` });
  }
  return { inputs, slos };
}

function sliLines(sli, job) {
  const sel = `job="${job}"`;
  const q = (s) => `'${s.replace(/'/g, "''")}'`;
  switch (sli) {
    case 'err5xx':
      return ['      events:', `        errorQuery: ${q(`http_requests_total{${sel},code=~"5.."}`)}`, `        totalQuery: ${q(`http_requests_total{${sel}}`)}`];
    case 'err5xx429':
      return ['      events:', `        errorQuery: ${q(`http_requests_total{${sel},code=~"5..|429"}`)}`, `        totalQuery: ${q(`http_requests_total{${sel}}`)}`];
    case 'good200':
      return ['      events:', `        goodQuery: ${q(`http_requests_total{${sel},code="200"}`)}`, `        totalQuery: ${q(`http_requests_total{${sel}}`)}`];
    case 'err5xxWindowed':
      return [
        '      events:',
        `        errorQuery: ${q(`sum(rate(http_requests_total{${sel},code=~"5.."}[{{.window}}]))`)}`,
        `        totalQuery: ${q(`sum(rate(http_requests_total{${sel}}[{{.window}}]))`)}`,
      ];
    case 'latency025':
    case 'latency1':
      return [
        '      latency:',
        '        metric: http_request_duration_seconds',
        `        selector: ${q(`{${sel}}`)}`,
        `        threshold: ${sli === 'latency025' ? '250ms' : '1s'}`,
      ];
    default:
      throw new Error(`unknown SLI ${sli}`);
  }
}
