// The synthetic "shop" service of `npm run demo`: no real traffic, only the metrics of it.
// Counters grow on a timer at a steady rate; the share of 5xx answers and of slow requests
// can be changed while it runs, so a budget can be burnt on demand:
//
//   curl -X POST 'http://127.0.0.1:<port>/error-rate?ratio=0.2'   # 20 % of requests fail
//   curl -X POST 'http://127.0.0.1:<port>/slow-ratio?ratio=0.05'  # 5 % take longer than 250 ms
//   curl http://127.0.0.1:<port>/error-rate
//
// Prometheus adds job="shop" (the scrape job), so the series carry no job label of their own.
import { createServer } from 'node:http';
import client from 'prom-client';

const TICK_MS = 100;

/**
 * Starts the workload on 127.0.0.1:`port`. `rate` is simulated requests per second.
 * Errors and slow requests are counted with carried remainders, so over any minute the ratios
 * are exact rather than random.
 */
export async function startWorkload({ port, rate = 50, errorRatio = 0, slowRatio = 0 }) {
  const registry = new client.Registry();
  const requests = new client.Counter({
    name: 'http_requests_total',
    help: 'Requests answered by the shop, by status code (simulated).',
    labelNames: ['code'],
    registers: [registry],
  });
  const duration = new client.Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer a shop request (simulated).',
    // prom-client's defaults, as declared under histograms: in demo/slos/shop.yaml.
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  // Both codes exist from the first scrape: rate() over a series that appears late misses its start.
  requests.inc({ code: '200' }, 0);
  requests.inc({ code: '500' }, 0);

  const state = { errorRatio, slowRatio };
  let requestDebt = 0;
  let errorDebt = 0;
  let slowDebt = 0;
  const timer = setInterval(() => {
    requestDebt += (rate * TICK_MS) / 1000;
    const n = Math.floor(requestDebt);
    requestDebt -= n;
    errorDebt += n * state.errorRatio;
    const errors = Math.min(n, Math.floor(errorDebt));
    errorDebt -= errors;
    slowDebt += n * state.slowRatio;
    const slow = Math.min(n, Math.floor(slowDebt));
    slowDebt -= slow;
    if (n - errors > 0) requests.inc({ code: '200' }, n - errors);
    if (errors > 0) requests.inc({ code: '500' }, errors);
    for (let i = 0; i < n; i++) {
      // Fast requests stay under the SLO's 250 ms threshold, slow ones above it.
      duration.observe(i < slow ? 0.3 + Math.random() * 0.9 : 0.01 + Math.random() * 0.19);
    }
  }, TICK_MS);

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => send(res, 500, { error: String(err) }));
  });

  async function handle(req, res) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/metrics' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': registry.contentType });
      res.end(await registry.metrics());
      return;
    }
    const knob = { '/error-rate': 'errorRatio', '/slow-ratio': 'slowRatio' }[url.pathname];
    if (knob && req.method === 'GET') return send(res, 200, { ratio: state[knob] });
    if (knob && req.method === 'POST') {
      const raw = url.searchParams.get('ratio');
      const ratio = raw === null || raw.trim() === '' ? NaN : Number(raw);
      if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) {
        return send(res, 400, { error: `ratio must be a number from 0 to 1, got ${JSON.stringify(raw)}` });
      }
      const previous = state[knob];
      state[knob] = ratio;
      return send(res, 200, { ratio, previous });
    }
    if (knob) return send(res, 405, { error: 'use GET or POST' });
    if (url.pathname === '/' && req.method === 'GET') {
      return send(res, 200, { service: 'shop', requestsPerSecond: rate, errorRatio: state.errorRatio, slowRatio: state.slowRatio });
    }
    send(res, 404, { error: 'not found: GET /metrics, GET|POST /error-rate, GET|POST /slow-ratio' });
  }

  await new Promise((ok, fail) => server.once('error', fail).listen(port, '127.0.0.1', () => ok()));
  return {
    url: `http://127.0.0.1:${port}`,
    get errorRatio() {
      return state.errorRatio;
    },
    get slowRatio() {
      return state.slowRatio;
    },
    setErrorRatio(r) {
      state.errorRatio = r;
    },
    close() {
      clearInterval(timer);
      server.closeAllConnections();
      return new Promise((ok) => server.close(() => ok()));
    },
  };
}

function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(`${JSON.stringify(body)}\n`);
}
