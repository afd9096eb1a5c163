// @ts-check
// k6 version of the budget API load in bench/scenario-budget.js: GET /api/slos/:service/:slo/budget
// with a bearer token, served from PostgreSQL (budget_latest). For users to run against their own
// Vigil; test/bench/k6-scripts.spec.ts type-checks it against @types/k6.
//
//   VIGIL_URL=https://vigil.example VIGIL_TOKEN_FILE=./viewer-token k6 run bench/k6/budget-api.js
//
// A `viewer` token is enough (vigil token create --role viewer --name k6). SLOs are read from
// GET /api/slos once in setup(), so the script follows whatever fleet it is pointed at.

import http from 'k6/http';
import { check, fail } from 'k6';

const BASE = __ENV.VIGIL_URL ?? 'http://127.0.0.1:3000';
const TOKEN = open(__ENV.VIGIL_TOKEN_FILE ?? './viewer-token').trim();
const params = { headers: { authorization: `Bearer ${TOKEN}` }, tags: { kind: 'budget' } };

/** @type {import('k6/options').Options} */
export const options = {
  vus: Number(__ENV.VUS ?? 50),
  duration: __ENV.DURATION ?? '30s',
  thresholds: {
    'http_req_duration{kind:budget}': ['p(99)<100'],
    http_req_failed: ['rate<0.001'],
  },
};

/** @returns {{ slos: { service: string; name: string }[] }} */
export function setup() {
  const res = http.get(`${BASE}/api/slos`, { headers: params.headers });
  if (res.status !== 200) fail(`GET /api/slos answered ${res.status}`);
  const body = /** @type {{ slos: { service: string; name: string }[] }} */ (res.json());
  if (body.slos.length === 0) fail('the fleet has no SLOs');
  return { slos: body.slos.map((s) => ({ service: s.service, name: s.name })) };
}

/** @param {{ slos: { service: string; name: string }[] }} data */
export default function (data) {
  const slo = data.slos[(__VU + __ITER) % data.slos.length];
  if (!slo) return;
  const res = http.get(`${BASE}/api/slos/${encodeURIComponent(slo.service)}/${encodeURIComponent(slo.name)}/budget`, params);
  check(res, { 'budget served (200)': (r) => r.status === 200 });
}
