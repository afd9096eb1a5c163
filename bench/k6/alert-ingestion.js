// @ts-check
// k6 version of bench/scenario-alerts.js, for users to run against their own Vigil (k6 cannot be
// installed where Vigil is developed, so `npm run bench` measures the same mix with autocannon and
// test/bench/k6-scripts.spec.ts type-checks this file against @types/k6).
//
//   VIGIL_URL=https://vigil.example VIGIL_INGEST_TOKEN_FILE=./ingest-token k6 run bench/k6/alert-ingestion.js
//
// The token is an `ingest` one (vigil token create --role ingest --name k6), read from a file, never
// written here. The mix: GROUPS incidents opened once in setup(), then repeats of them (Alertmanager
// re-sends a group's whole state every group_interval) with NEW_PERCENT of brand-new groups, which
// page. Goals as in the README: ≥ 1,000 notifications/s with p99 < 100 ms.

import http from 'k6/http';
import { check } from 'k6';
import { Counter } from 'k6/metrics';

const BASE = __ENV.VIGIL_URL ?? 'http://127.0.0.1:3000';
const TOKEN = open(__ENV.VIGIL_INGEST_TOKEN_FILE ?? './ingest-token').trim();
const GROUPS = Number(__ENV.GROUPS ?? 1000);
const NEW_PERCENT = Number(__ENV.NEW_PERCENT ?? 5);
const RATE = Number(__ENV.RATE ?? 1000);

/** @type {import('k6/options').Options} */
export const options = {
  scenarios: {
    notifications: {
      executor: 'constant-arrival-rate',
      rate: RATE,
      timeUnit: '1s',
      duration: __ENV.DURATION ?? '1m',
      preAllocatedVUs: 64,
      maxVUs: 256,
    },
  },
  thresholds: {
    'http_req_duration{kind:notification}': ['p(99)<100'],
    http_req_failed: ['rate<0.001'],
  },
};

const stored = new Counter('vigil_notifications_stored');
const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

/**
 * An Alertmanager v4 notification of one group: 1–5 SLO burn alerts of one service.
 * @param {string} service
 * @param {number} i
 * @param {string} tag
 */
function notification(service, i, tag) {
  const slos = ['availability', 'latency', 'errors', 'freshness', 'throughput'].slice(0, 1 + (i % 5));
  const startsAt = new Date(Date.now() - 10 * 60_000).toISOString();
  const alerts = slos.map((slo) => ({
    status: 'firing',
    labels: { alertname: 'AvailabilityBudgetBurn', alert_tier: 'page', burn_rate: '14.4', long_window: '1h', short_window: '5m', service, severity: 'critical', slo, team: `team-${i % 20}` },
    annotations: { summary: `${service} ${slo} SLO is burning its error budget 14.4x too fast`, runbook_url: `runbooks/${service}.md` },
    startsAt,
    endsAt: '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus.example:9090/graph',
  }));
  return JSON.stringify({
    receiver: 'vigil',
    status: 'firing',
    alerts,
    groupLabels: { alertname: 'AvailabilityBudgetBurn', service },
    commonLabels: { alertname: 'AvailabilityBudgetBurn', service },
    commonAnnotations: {},
    // Alertmanager's own URL; Vigil keeps it on the incident's timeline, so a run can be found again.
    externalURL: `http://alertmanager.example:9093/#k6-${tag}`,
    version: '4',
    groupKey: `{}:{alertname="AvailabilityBudgetBurn", service="${service}"}`,
    truncatedAlerts: 0,
  });
}

/** @param {string} body */
function post(body) {
  const res = http.post(`${BASE}/api/alerts/alertmanager`, body, { headers, tags: { kind: 'notification' } });
  if (check(res, { 'stored (2xx)': (r) => r.status >= 200 && r.status < 300 })) stored.add(1);
  return res;
}

export function setup() {
  for (let i = 0; i < GROUPS; i++) post(notification(`svc-${String(i).padStart(4, '0')}`, i, `open-${i}`));
}

export default function () {
  const n = Number(`${__VU}${String(__ITER).padStart(6, '0')}`);
  const fresh = NEW_PERCENT > 0 && n % Math.round(100 / NEW_PERCENT) === 0;
  const i = fresh ? n : n % GROUPS;
  post(notification(fresh ? `new-${__VU}-${__ITER}` : `svc-${String(i).padStart(4, '0')}`, i, `${__VU}-${__ITER}`));
}
