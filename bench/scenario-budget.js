#!/usr/bin/env node
// Budget cycle and API benchmark against a real Prometheus (and a real PostgreSQL for the API):
//
//   node bench/scenario-budget.js [--services 100] [--runs 5] [--warmup 1] [--raw-runs 1]
//                                 [--duration 10] [--connections 50] [--no-api] [--keep]
//
// Needs `npm run build` first (it imports dist/). Progress on stderr; one JSON object on stdout
// (bench/run.js renders it). 10 SLOs per service; --services 100 = 1,000 SLOs.
//
// History: 7 days + 3 h of raw traffic for every service (1 sample a minute) and Vigil's 5m
// recordings for every SLO over the last 7 days + 10 min (budget-history.js), all written as
// OpenMetrics and backfilled with promtool, then one Prometheus on it. `at` is the end of the
// history, a whole minute in the past. Three budget cycles are timed with readBudgets():
//   recorded  every SLO on a 7d window, which its recordings cover: the steady state;
//   mixed     the mix (30d mostly, 28d, 7d, calendar month) with recordings 7 days old:
//             the 7d SLOs read recordings, the longer windows fall back to the raw series;
//   raw       the same mix under new service names no recording carries (every SLI still reads
//             job=svc-…): the first cycle after installing Vigil, everything from raw series.
// Then the app boots (createApp, PostgreSQL 15, PROMETHEUS_URL at that Prometheus, the recorded
// fleet) and autocannon loads GET /api/slos/<service>/<slo>/budget.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { readBudgets } from '../dist/usecases/read-budgets.js';
import { PrometheusClient } from '../dist/adapters/prometheus/prometheus.client.js';
import { formatApiToken } from '../dist/core/auth/api-token.js';
import { compile } from '../dist/core/compile.js';
import { benchArgs } from './args.js';
import { budgetFleet } from './budget-fleet.js';
import { writeHistory } from './budget-history.js';
import { cleanupsOnExit, printResult, importOpenMetrics, startPostgres, startPrometheus, stopper, waitFor } from './servers.js';

const args = benchArgs(
  process.argv.slice(2),
  { numbers: { services: 100, runs: 5, warmup: 1, 'raw-runs': 1, duration: 10, connections: 50 }, flags: ['no-api', 'keep'] },
  'bench/scenario-budget.js',
);
const benchDir = dirname(fileURLToPath(import.meta.url));
const progress = (msg) => process.stderr.write(`[bench] ${msg}\n`);
const MINUTE = 60;
const DAY = 86400;
/** The app's own default (PROMETHEUS_TIMEOUT 30s), and its default retries. */
const QUERY_TIMEOUT_MS = 30_000;

const { cleanups, cleanup } = cleanupsOnExit(progress);

const started = performance.now();
const tmp = mkdtempSync(join(os.tmpdir(), 'vigil-bench-budget-'));
cleanups.push(async () => (args.keep ? progress(`kept ${tmp}`) : rmSync(tmp, { recursive: true, force: true })));
await printResult(main, cleanup);

async function main() {
  // A whole minute in the past: the last sample of every series, and every cycle's evaluation time.
  const at = Math.floor(Date.now() / 1000 / MINUTE) * MINUTE - MINUTE;
  const rawFrom = at - 7 * DAY - 3 * 3600;
  const recordedFrom = at - 7 * DAY - 10 * MINUTE;
  const result = { scenario: 'budget', services: args.services, at, loadAverage1mAtStart: os.loadavg()[0] };

  progress(`budget: compiling three ${args.services * 10}-SLO fleets (7d; 30d/28d/7d/month; the same under new names)…`);
  let t = performance.now();
  const fleets = {
    recorded: compiled(budgetFleet({ services: args.services, windows: 'steady' })),
    mixed: compiled(budgetFleet({ services: args.services, windows: 'mixed' })),
    raw: compiled(budgetFleet({ services: args.services, windows: 'mixed', servicePrefix: 'new-' })),
  };
  result.compileMs = performance.now() - t;
  result.slos = fleets.recorded.slos.length;
  result.windows = Object.fromEntries(Object.entries(fleets).map(([k, f]) => [k, countBy(f.manifest, (s) => s.window)]));

  // Recordings carry the labels of the first two fleets (same service and SLO names); ratio names
  // are every slo:sli_error:ratio_rate<window> their rule files record for the SLO.
  const ratioNames = new Map();
  for (const f of [fleets.recorded, fleets.mixed]) for (const [key, names] of f.ratioNames) ratioNames.set(key, new Set([...(ratioNames.get(key) ?? []), ...names]));
  const recorded = fleets.recorded.manifest.map((s) => ({ ...s, ratioNames: [...(ratioNames.get(`${s.service}/${s.slo}`) ?? [])].sort() }));

  // Two time slices: promtool imports the first while the second is written, then both import side
  // by side (one core each). Slices do not overlap in time, so neither do their blocks.
  progress('budget: writing the synthetic history (OpenMetrics, two time slices) and backfilling it with promtool…');
  t = performance.now();
  const dataDir = join(tmp, 'tsdb');
  const spec = { services: args.services, rawFrom, recordedFrom, end: at, step: MINUTE, recorded };
  const middle = rawFrom + Math.floor((at - rawFrom) / 2 / MINUTE) * MINUTE;
  const slices = [
    { from: -Infinity, to: middle },
    { from: middle, to: Infinity },
  ];
  const written = [];
  const imports = [];
  let writeMs = 0;
  for (const [i, slice] of slices.entries()) {
    const w = performance.now();
    const file = join(tmp, `history-${i}.om`);
    written.push(writeHistory(file, spec, slice));
    writeMs += performance.now() - w;
    imports.push(importOpenMetrics(file, dataDir).finally(() => rmSync(file, { force: true })));
  }
  await Promise.all(imports);
  const history = { series: Math.max(...written.map((w) => w.series)), samples: sum(written.map((w) => w.samples)), bytes: sum(written.map((w) => w.bytes)) };
  result.history = { ...history, writeMs, backfillMs: performance.now() - t, rawDays: (at - rawFrom) / DAY, recordedDays: (at - recordedFrom) / DAY, stepSeconds: MINUTE };
  result.history.tsdbBytes = duBytes(dataDir);

  progress('budget: starting Prometheus on the backfilled blocks…');
  t = performance.now();
  const prom = await startPrometheus(dataDir);
  cleanups.push(prom.stop);
  result.prometheusStartMs = performance.now() - t;
  const client = new PrometheusClient(prom.url, { timeoutMs: QUERY_TIMEOUT_MS });

  result.cycles = {};
  for (const [name, runs, warmup] of [
    ['recorded', args.runs, args.warmup],
    ['mixed', args['raw-runs'], 0],
    ['raw', args['raw-runs'], 0],
  ]) {
    if (runs === 0) continue;
    progress(`budget: readBudgets(${fleets[name].slos.length} SLOs), ${name}: ${warmup} warm-up + ${runs} run(s)…`);
    result.cycles[name] = await timeCycles(client, fleets[name], at, Math.max(1, runs), warmup);
  }

  if (!args['no-api']) result.api = await apiLoad(prom.url, fleets.recorded.inputs, at);
  result.totalMs = performance.now() - started;
  result.loadAverage1mAtEnd = os.loadavg()[0];
  return result;
}

function compiled(fleet) {
  const c = compile(fleet.inputs);
  if (c.diagnostics.length > 0) throw new Error(`the budget fleet has ${c.diagnostics.length} problem(s), e.g. ${c.diagnostics[0].message}`);
  // The generated rule text, scanned rather than parsed: a YAML parser takes seconds on 1,000 SLOs' rules.
  const ratioNames = new Map();
  const record = /- record: (slo:sli_error:ratio_rate\S+)\n\s+expr: .*\n\s+labels:\n(?: {10}\S+: .*\n)*? {10}service: (\S+)\n {10}slo: (\S+)\n/g;
  for (const f of c.files) {
    if (!f.path.endsWith('.rules.yaml')) continue;
    for (const [, name, service, slo] of f.content.matchAll(record)) ratioNames.set(`${service}/${slo}`, [...(ratioNames.get(`${service}/${slo}`) ?? []), name]);
  }
  if (ratioNames.size !== fleet.slos.length) throw new Error(`found recorded ratios for ${ratioNames.size} of ${fleet.slos.length} SLOs in the generated rules: has their layout changed?`);
  return { inputs: fleet.inputs, manifest: fleet.slos, slos: c.fleet.services.flatMap((s) => s.slos), ratioNames };
}

/** readBudgets as the budget cycle calls it (no extra windows), timed; the last run's figures kept. */
async function timeCycles(client, fleet, at, runs, warmup) {
  const runsMs = [];
  let read;
  let queries;
  try {
    for (let i = 0; i < warmup + runs; i++) {
      const timed = timedQueries(client);
      const t = performance.now();
      read = await readBudgets(timed, fleet.slos, at);
      if (i >= warmup) runsMs.push(performance.now() - t);
      queries = timed.log;
    }
  } catch (err) {
    // Reported, not hidden: the exact error Prometheus or the client gave.
    return { warmup, runsMs, error: err instanceof Error ? err.message : String(err) };
  }
  const slowest = queries.reduce((a, b) => (b.ms > a.ms ? b : a));
  return {
    warmup,
    runsMs,
    medianMs: median(runsMs),
    queries: read.queries,
    slos: read.budgets.length,
    bySource: countBy(read.budgets, (b) => b.source),
    statuses: countBy(read.budgets, (b) => b.status),
    // Of the last run: each query's own time (up to 4 run at once), its size and its answer's.
    queryMs: { slowest: slowest.ms, slowestStart: slowest.start, sum: sum(queries.map((q) => q.ms)) },
    queryTextBytes: { max: Math.max(...queries.map((q) => q.bytes)), total: sum(queries.map((q) => q.bytes)) },
    seriesReturned: sum(queries.map((q) => q.series)),
    accuracy: accuracy(fleet.manifest, read.budgets, at),
  };
}

/** The client readBudgets needs (only `query`), each call timed. */
function timedQueries(client) {
  const log = [];
  return {
    log,
    async query(promql, time) {
      const t = performance.now();
      const answer = await client.query(promql, time);
      log.push({ ms: performance.now() - t, bytes: Buffer.byteLength(promql), series: answer.length, start: promql.slice(0, 60) });
      return answer;
    },
  };
}

/**
 * Largest relative difference between a counted total and the workload's truth: rate × the part of
 * the window the raw history spans (a raw read cannot count what was never scraped).
 */
function accuracy(manifest, budgets, at) {
  const truth = new Map(manifest.map((s) => [`${s.service}/${s.slo}`, s]));
  let worstTotal = 0;
  let worstBad = 0;
  for (const b of budgets) {
    const s = truth.get(`${b.service}/${b.slo}`);
    if (!s || b.totalEvents === null || b.badEvents === null) continue;
    const seconds = Math.min(b.windowSeconds ?? 0, 7 * DAY + 3 * 3600);
    if (!(seconds > 0)) continue;
    worstTotal = Math.max(worstTotal, Math.abs(b.totalEvents - s.total * seconds) / (s.total * seconds));
    worstBad = Math.max(worstBad, Math.abs(b.badEvents - s.error * seconds) / (s.error * seconds));
  }
  return { maxRelErrorTotal: worstTotal, maxRelErrorBad: worstBad };
}

async function apiLoad(prometheusUrl, inputs, at) {
  const out = {};
  progress('api: starting PostgreSQL 15…');
  let t = performance.now();
  const pg = await startPostgres('vigil_bench');
  cleanups.push(pg.stop);
  out.postgresStartMs = performance.now() - t;

  const appDir = join(tmp, 'app');
  mkdirSync(join(appDir, 'slos'), { recursive: true });
  for (const f of inputs) writeFileSync(join(appDir, f.path), f.text);
  // Every /api call carries a token, as in production: the load includes verifying it.
  const token = formatApiToken(randomBytes(32));
  const tokenFile = join(appDir, 'admin-token');
  writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
  const auth = { authorization: `Bearer ${token}` };
  progress(`api: booting the app (${inputs.length} spec files, rules written to a temp dir)…`);
  t = performance.now();
  const logFile = join(appDir, 'app.log');
  const app = spawn(process.execPath, [join(benchDir, 'budget-app.js')], {
    cwd: appDir,
    env: {
      ...process.env,
      DATABASE_URL: pg.url,
      PROMETHEUS_URL: prometheusUrl,
      VIGIL_SLOS_DIR: join(appDir, 'slos'),
      VIGIL_OUT_DIR: join(appDir, 'out'),
      VIGIL_DATA_DIR: join(appDir, 'data'),
      LOG_LEVEL: 'debug',
      PORT: '0',
      VIGIL_BENCH_AT: String(at),
      VIGIL_ADMIN_TOKEN_FILE: tokenFile,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = [];
  app.stderr.on('data', (d) => log.push(d));
  app.once('error', (err) => log.push(Buffer.from(`spawn failed: ${err.message}\n`)));
  const appLog = () => Buffer.concat(log).toString('utf8');
  cleanups.push(
    stopper(app, () => {
      try {
        writeFileSync(logFile, appLog());
      } catch {
        // the temp dir may be gone already
      }
    }),
  );
  const url = await new Promise((ok, fail) => {
    let text = '';
    app.stdout.on('data', (d) => {
      text += d;
      const m = /listening (\S+)/.exec(text);
      if (m) ok(m[1]);
    });
    app.once('exit', (code, signal) => fail(new Error(`the app exited (${code ?? signal}) before listening:\n${appLog().slice(-4000)}`)));
  });
  out.bootMs = performance.now() - t;

  // Budgets exist once the first cycle (started at boot) has stored its results.
  const paths = ['svc-000/availability', 'svc-001/latency-250ms', 'svc-042/success', 'svc-099/errors-windowed'].map((p) => `/api/slos/${p}/budget`);
  t = performance.now();
  await waitFor(
    () => fetch(`${url}${paths[0]}`, { headers: auth, signal: AbortSignal.timeout(5000) }).then((r) => r.status === 200, () => false),
    120_000,
    () => `no budget after 120 s:\n${appLog().slice(-4000)}`,
  );
  out.firstBudgetAfterListenMs = performance.now() - t;
  const cycleLine = /budget cycle \S+: (\d+) SLO\(s\), (\d+) quer(?:y|ies), ([\d.]+) s/.exec(appLog());
  if (cycleLine) out.firstCycle = { slos: Number(cycleLine[1]), queries: Number(cycleLine[2]), seconds: Number(cycleLine[3]) };
  const sample = await (await fetch(`${url}${paths[0]}`, { headers: auth })).json();
  out.sampleBudget = { status: sample.status, source: sample.source, sli: sample.sli };

  progress(`api: autocannon ${args.connections} connections × ${args.duration} s on ${paths.length} budget paths…`);
  const r = await autocannon({
    url,
    connections: args.connections,
    duration: args.duration,
    requests: paths.map((path) => ({ method: 'GET', path, headers: auth })),
  });
  out.load = {
    connections: args.connections,
    durationS: args.duration,
    paths,
    requests: r.requests.total,
    requestsPerSecond: r.requests.average,
    latencyMs: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max, mean: r.latency.mean },
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
  };
  return out;
}

// ───────────────────────────────────────────── helpers

function sum(xs) {
  return xs.reduce((a, b) => a + b, 0);
}

function countBy(xs, f) {
  const out = {};
  for (const x of xs) out[f(x)] = (out[f(x)] ?? 0) + 1;
  return out;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function duBytes(dir) {
  return readdirSync(dir, { withFileTypes: true }).reduce((n, e) => {
    const p = join(dir, e.name);
    return n + (e.isDirectory() ? duBytes(p) : e.isFile() ? statSync(p).size : 0);
  }, 0);
}
