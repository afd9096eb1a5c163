// Deterministic synthetic fleet for the benchmarks: N services × M SLOs as native vigil/v1 YAML.
//
// Every SLO's SLI kind and window follow fixed proportions (by index, not by chance); the only
// variation (objectives, thresholds, labels) comes from a seeded PRNG, so the same arguments
// always produce byte-identical texts. Every generated spec is valid: `compile()` must return no
// diagnostics, or the benchmark would time the error path instead of generation.

/** SLI kinds, in the order of their fixed share of every 10 SLOs. */
export const KINDS = [
  'events-error-bare', // 3 / 10: errorQuery/totalQuery as bare counter selectors (Vigil wraps rate())
  'events-error-bare',
  'events-error-bare',
  'events-error-window', // 2 / 10: errorQuery/totalQuery templated with [{{.window}}]
  'events-error-window',
  'events-good-bare', // 2 / 10: goodQuery/totalQuery
  'events-good-bare',
  'latency', // 2 / 10: histogram, buckets declared (service-level histograms: or per SLO)
  'latency',
  'raw', // 1 / 10: raw errorRatioQuery with [{{.window}}]
];

/** SLO windows by (service + SLO) index: 7 / 10 30d (half of them by default), 2 / 10 28d, 1 / 10 7d. */
const WINDOWS = [undefined, '30d', undefined, '30d', undefined, '30d', undefined, '28d', '28d', '7d'];

const OBJECTIVES = [99.9, 99.5, 99, 99.95, 99.9, 99.99];
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const THRESHOLDS = ['100ms', '250ms', '500ms', '1s', 0.25, '2500ms'];
const TEAMS = ['payments', 'search', 'identity', 'platform', 'agents', 'storage', 'edge'];

/** mulberry32: a tiny, well-mixed 32-bit PRNG; fixed seed → fixed sequence. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = (rand, list) => list[Math.floor(rand() * list.length)];
const pad = (n, width) => String(n).padStart(width, '0');
const q = (s) => `'${s.replace(/'/g, "''")}'`; // YAML single-quoted scalar

/**
 * @param {{ services?: number, slosPerService?: number, seed?: number }} [opts]
 * @returns {{ inputs: {path: string, text: string}[], slos: {service: string, slo: string, kind: string, window: string}[], alerts: number }}
 *   inputs: one file per service, `slos/<service>.yaml`; slos: what each SLO is, to attribute generated rules to kinds.
 */
export function generateFleet({ services = 1000, slosPerService = 10, seed = 20240601 } = {}) {
  const rand = prng(seed);
  const width = String(services - 1).length;
  const inputs = [];
  const slos = [];
  let alerts = 0;
  for (let i = 0; i < services; i++) {
    const service = `svc-${pad(i, width)}`;
    const file = serviceFile(rand, service, i, slosPerService, slos);
    alerts += file.alerts;
    inputs.push({ path: `slos/${service}.yaml`, text: file.text });
  }
  return { inputs, slos, alerts };
}

/** One service per SLI kind (and per window for latency), one SLO each, no threshold alerts: for rules-per-SLO figures. */
export function oneOfEachKind() {
  const rand = prng(7);
  const inputs = [];
  const slos = [];
  const kinds = [...new Set(KINDS)];
  kinds.forEach((kind, k) => {
    const service = `kind-${kind}`;
    const lines = header(service, rand);
    lines.push('slos:');
    sloLines(rand, service, kind, 0, undefined, lines, true);
    slos.push({ service, slo: sloName(kind, 0), kind, window: '30d' });
    inputs.push({ path: `slos/${service}.yaml`, text: lines.join('\n') + '\n' });
  });
  return { inputs, slos, alerts: 0 };
}

function header(service, rand) {
  return [
    'apiVersion: vigil/v1',
    `service: ${service}`,
    `description: Synthetic benchmark service ${service}.`,
    'labels:',
    `  team: ${pick(rand, TEAMS)}`,
    `runbook: runbooks/${service}.md`,
    'histograms:',
    `  http_request_duration_seconds: [${BUCKETS.join(', ')}]`,
  ];
}

function sloName(kind, j) {
  return `${kind}-${j}`;
}

function serviceFile(rand, service, i, m, manifest) {
  const lines = header(service, rand);
  lines.push('slos:');
  for (let j = 0; j < m; j++) {
    const kind = KINDS[j % KINDS.length];
    const window = WINDOWS[(i * 3 + j) % WINDOWS.length];
    sloLines(rand, service, kind, j, window, lines, j % 4 === 0);
    manifest.push({ service, slo: sloName(kind, j), kind, window: window ?? '30d' });
  }
  // A couple of threshold alerts per service.
  lines.push(
    'alerts:',
    '  - name: HighErrorRate',
    `    expr: ${q(`sum(rate(http_requests_total{service="${service}",code=~"5.."}[5m])) / sum(rate(http_requests_total{service="${service}"}[5m])) > 0.05`)}`,
    '    for: 5m',
    '    severity: critical',
    '    summary: Error rate above 5 %',
    '  - name: InstanceDown',
    `    expr: ${q(`up{job="${service}"} == 0`)}`,
    '    for: 2m',
    '    severity: warning',
    `    summary: An instance of ${service} is down`,
    '    labels:',
    '      component: scrape',
  );
  return { text: lines.join('\n') + '\n', alerts: 2 };
}

function sloLines(rand, service, kind, j, window, lines, extras) {
  const objective = kind === 'raw' || kind === 'latency' ? pick(rand, OBJECTIVES.slice(0, 4)) : pick(rand, OBJECTIVES);
  const route = `/api/v${1 + (j % 3)}/r${j}`;
  const sel = `service="${service}",route="${route}"`;
  lines.push(`  - name: ${sloName(kind, j)}`);
  lines.push(`    description: ${kind} SLO ${j} of ${service}.`);
  lines.push(`    objective: ${objective}`);
  if (window) lines.push(`    window: ${window}`);
  lines.push('    sli:');
  switch (kind) {
    case 'events-error-bare':
      lines.push(
        '      events:',
        `        errorQuery: ${q(`http_requests_total{${sel},code=~"5.."}`)}`,
        `        totalQuery: ${q(`http_requests_total{${sel}}`)}`,
      );
      break;
    case 'events-error-window':
      lines.push(
        '      events:',
        `        errorQuery: ${q(`sum(rate(http_requests_total{${sel},code=~"(5..|429)"}[{{.window}}]))`)}`,
        `        totalQuery: ${q(`sum by (service) (rate(http_requests_total{${sel}}[{{ .window }}]))`)}`,
      );
      break;
    case 'events-good-bare':
      lines.push(
        '      events:',
        `        goodQuery: ${q(`grpc_server_handled_total{${sel},grpc_code="OK"}`)}`,
        `        totalQuery: ${q(`grpc_server_handled_total{${sel}}`)}`,
      );
      break;
    case 'latency': {
      const threshold = pick(rand, THRESHOLDS);
      lines.push(
        '      latency:',
        '        metric: http_request_duration_seconds',
        `        selector: ${q(`{${sel}}`)}`,
        `        threshold: ${threshold}`,
      );
      if (j % 2 === 1) lines.push(`        buckets: [${BUCKETS.join(', ')}]`);
      break;
    }
    case 'raw':
      lines.push(
        '      raw:',
        `        errorRatioQuery: ${q(
          `1 - (sum(rate(job_runs_total{${sel},result="success"}[{{.window}}])) / sum(rate(job_runs_total{${sel}}[{{.window}}])))`,
        )}`,
      );
      break;
    default:
      throw new Error(`unknown kind ${kind}`);
  }
  if (extras) {
    lines.push(
      '    labels:',
      `      criticality: "${1 + (j % 3)}"`,
      '    alerting:',
      `      name: ${kind.replace(/(^|-)([a-z])/g, (_, __, c) => c.toUpperCase())}${j}Burn`,
      '      page:',
      '        for: 2m',
      '        labels:',
      '          pager: primary',
      '      ticket:',
      '        annotations:',
      '          dashboard: https://grafana.example.com/d/slo',
    );
  }
}
