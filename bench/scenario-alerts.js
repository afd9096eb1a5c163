#!/usr/bin/env node
// Alertmanager webhook ingestion: `node dist/main.js` (what `npm start` runs) on a real PostgreSQL 15,
// an ingest token made with `vigil token create`, and a local PagerDuty Events v2 stand-in that the
// OnCall spec's critical route pages. autocannon posts Alertmanager v4 notifications:
//
//   node bench/scenario-alerts.js [--duration 20] [--connections 32] [--rate 0] [--groups 1000]
//                                 [--new-percent 5] [--max-inflight 64] [--log-level log]
//                                 [--instances 1] [--proxy] [--api 0] [--fsync] [--cpu-prof DIR] [--keep]
//
// --instances N starts N Vigil processes on the one database and spreads the connections over them
// round robin (a Node process uses one core; replicas are how Vigil uses more). --proxy puts a TCP
// round-robin proxy in front of them instead (bench/round-robin-proxy.js, its own process and CPU
// figure), so autocannon sees one address, as clients of a Service do. --api S adds S seconds of API
// reads after the ingestion run (GET /api/incidents/<id> of the open incidents, a viewer token, the
// same connections and addresses): the API side of scaling out. --fsync runs PostgreSQL with
// fsync on (its default), so every COMMIT behind a 2xx waits for the WAL to reach the disk; without
// it the bench's PostgreSQL skips the flushes, as the other scenarios do, and measures CPU alone.
//
// Needs `npm run build` first. Progress on stderr; one JSON object on stdout (bench/run.js renders it).
//
// The mix: --groups distinct groups (1–5 alerts each) are opened before the timed run, as the
// incidents already open when a storm starts; during the run most notifications are repeats of them
// (Alertmanager re-sends each group's whole state every group_interval) and --new-percent are
// groups never seen before: a new incident, a PagerDuty trigger. --rate 0 is a closed loop (each
// connection posts again as soon as it is answered: the most the receiver sustains); --rate N holds
// N notifications/s over all connections (autocannon overallRate) to read the latency at that rate.
//
// Nothing acknowledged may be lost: every notification carries a tag in its externalURL (a field
// Alertmanager sets per instance and Vigil keeps on the `notification_received` timeline entry), so
// every 2xx is looked up in the database by its tag, not only counted. Requests cut off by the end of
// the run (sent, never answered) may or may not be stored; they are reported apart.
//
// End to end: for each new group the time from its 2xx to the stand-in receiving the trigger for its
// dedup_key (vigil-<incident id>, the id from the 2xx body). The stand-in runs in this process, on the
// same clock as autocannon.

import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { labelsFingerprint } from '../dist/core/incidents/alertmanager-payload.js';
import { freePort } from '../dist/adapters/postgres/embedded-postgres.js';
import { benchArgs } from './args.js';
import { cleanupsOnExit, printResult, startPostgres, stopper, waitFor } from './servers.js';

const args = benchArgs(
  process.argv.slice(2),
  {
    numbers: { duration: 20, connections: 32, rate: 0, groups: 1000, 'new-percent': 5, 'max-inflight': 64, instances: 1, api: 0 },
    strings: { 'cpu-prof': '', 'log-level': 'log' },
    flags: ['keep', 'proxy', 'fsync'],
  },
  'bench/scenario-alerts.js',
);
const benchDir = dirname(fileURLToPath(import.meta.url));
const repo = join(benchDir, '..');
const progress = (msg) => process.stderr.write(`[bench:alerts] ${msg}\n`);
/** Events v2 routing keys are 32 characters. */
const ROUTING_KEY = 'R0UT1NGKEYBENCH00000000000000001';
/** A whole tag sits between these in externalURL; `#` keeps it out of any path. */
const EXTERNAL_URL = 'http://alertmanager.bench:9093/#';
const TAG = '@@tag@@';
const DATABASE = 'vigil_bench_alerts';

const { cleanups, cleanup } = cleanupsOnExit(progress);

await printResult(main, cleanup);

async function main() {
  const result = {
    scenario: 'alerts',
    loadAverage1mAtStart: os.loadavg()[0],
    workload: { groups: args.groups, newPercent: args['new-percent'], connections: args.connections, durationS: args.duration, rate: args.rate, maxInFlight: args['max-inflight'], logLevel: args['log-level'], instances: args.instances, proxy: args.proxy, fsync: args.fsync },
  };
  const tmp = mkdtempSync(join(os.tmpdir(), 'vigil-bench-alerts-'));
  cleanups.push(async () => (args.keep ? progress(`kept ${tmp}`) : rmSync(tmp, { recursive: true, force: true })));

  progress('starting PostgreSQL 15 and the PagerDuty stand-in…');
  const [db, pd] = await Promise.all([startPostgres(DATABASE, { fsync: args.fsync }), startPagerDuty()]);
  cleanups.push(db.stop, pd.close);

  // --instances N: N replicas on the one database (each its own process, so its own core), the
  // load spread over them round robin, as a load balancer in front of a Deployment would.
  const instances = [];
  for (let i = 0; i < args.instances; i++) {
    const v = await startVigil(join(tmp, `vigil-${i}`), db.url, pd.url);
    cleanups.push(v.stop);
    instances.push(v);
  }
  const vigil = instances[0];
  result.bootMs = vigil.bootMs;
  const token = createIngestToken(db.url);
  const auth = `Bearer ${token}`;

  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  cleanups.push(() => client.end());

  // The incidents already open: every existing group once, 8 at a time, then their pages drained so
  // the timed run does not share the machine with them.
  const groups = Array.from({ length: args.groups }, (_, i) => template(group(`svc-${String(i).padStart(4, '0')}`, i)));
  progress(`opening ${groups.length} incidents (one notification per group), then waiting for their ${groups.length} PagerDuty triggers…`);
  let t = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < groups.length) {
        const i = next++;
        const res = await fetch(`${vigil.url}/api/alerts/alertmanager`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: groups[i].body(`w${i}`) });
        if (res.status !== 200) throw new Error(`opening group ${i}: ${res.status} ${await res.text()}`);
        await res.arrayBuffer();
      }
    }),
  );
  await waitFor(() => pd.triggers.size >= groups.length, 120_000, () => `${pd.triggers.size} of ${groups.length} PagerDuty triggers after 120 s`).catch(async (err) => {
    throw new Error(`${err.message}; ${await outbox(client)}\n${vigil.log()}`);
  });
  result.openMs = performance.now() - t;

  let urls = instances.map((v) => v.url);
  let proxyPid;
  if (args.proxy) {
    const proxy = await startProxy(urls);
    cleanups.push(proxy.stop);
    urls = [proxy.url];
    proxyPid = proxy.pid;
  }
  const run = await load(urls, auth, groups, pd, instances.map((v) => v.pid), proxyPid);
  result.load = run.figures;

  progress('waiting for the new incidents’ PagerDuty triggers…');
  const acked = [...run.newAcked];
  t = performance.now();
  await waitFor(() => acked.every(([id]) => pd.triggers.has(`vigil-${id}`)), 120_000, () => `${acked.filter(([id]) => pd.triggers.has(`vigil-${id}`)).length} of ${acked.length} triggers after 120 s`).catch((err) => progress(err.message));
  const latencies = acked.filter(([id]) => pd.triggers.has(`vigil-${id}`)).map(([id, at]) => pd.triggers.get(`vigil-${id}`) - at);
  result.endToEnd = {
    incidents: acked.length,
    paged: latencies.length,
    ms: percentiles(latencies),
    drainedAfterLoadMs: Math.max(0, ...acked.map(([id]) => pd.triggers.get(`vigil-${id}`) ?? 0)) - run.endedAt,
    pagerDutyEvents: pd.events,
  };

  progress('checking the database against what was acknowledged…');
  result.verify = await verify(client, run);
  if (args.api > 0) result.api = await apiLoad(urls, createToken(db.url, 'viewer', 'bench-reader'), client, instances.map((v) => v.pid), proxyPid);
  result.loadAverage1mAtEnd = os.loadavg()[0];
  return result;
}

// ───────────────────────────────────────────── the load

async function load(urls, auth, groups, pd, vigilPids, proxyPid) {
  const every = args['new-percent'] > 0 ? Math.max(1, Math.round(100 / args['new-percent'])) : 0;
  let seq = 0;
  let fresh = 0;
  const sent = new Set();
  const answered = new Set();
  const acked = new Set();
  const statuses = {};
  const newSent = new Map(); // tag → groupKey
  const newAcked = new Map(); // incident id → time of the 2xx (performance.now)
  const newAckedKeys = new Set();
  const request = {
    method: 'POST',
    path: '/api/alerts/alertmanager',
    headers: { authorization: auth, 'content-type': 'application/json' },
    setupRequest(req, context) {
      const n = seq++;
      const tag = `r${n}`;
      context.tag = tag;
      context.fresh = every > 0 && n % every === every - 1;
      let g;
      if (context.fresh) {
        const k = fresh++;
        g = template(group(`new-${k}`, k));
        newSent.set(tag, g.groupKey);
      } else g = groups[n % groups.length];
      sent.add(tag);
      return { ...req, body: g.body(tag) };
    },
    onResponse(status, body, context) {
      answered.add(context.tag);
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status < 200 || status > 299) return;
      acked.add(context.tag);
      if (!context.fresh) return;
      const at = performance.now();
      const created = JSON.parse(body).incidents.filter((i) => i.created);
      for (const i of created) newAcked.set(i.id, at);
      if (created.length > 0) newAckedKeys.add(newSent.get(context.tag));
    },
  };

  const cpu = cpuMeter(vigilPids, proxyPid);
  const benchCpu = process.cpuUsage();
  progress(
    `autocannon: ${args.connections} connections × ${args.duration} s${args.rate ? ` at ${args.rate}/s` : ', closed loop'}; repeats of ${groups.length} open groups, ${every ? `every ${every}th a new group` : 'no new groups'}…`,
  );
  const started = performance.now();
  // autocannon spreads its connections over several URLs round robin.
  const r = await autocannon({
    url: urls.length === 1 ? urls[0] : urls,
    connections: args.connections,
    duration: args.duration,
    ...(args.rate ? { overallRate: args.rate } : {}),
    requests: [request],
  });
  const endedAt = performance.now();
  const seconds = (endedAt - started) / 1000;
  const used = cpu.perSecond(seconds);
  const benchCpuUsed = process.cpuUsage(benchCpu);
  const count = (re) => Object.entries(statuses).reduce((n, [s, c]) => n + (re.test(s) ? c : 0), 0);
  const figures = {
    seconds,
    sent: sent.size,
    answered: answered.size,
    acknowledged: acked.size,
    notificationsPerSecond: acked.size / seconds,
    newGroupsSent: newSent.size,
    newGroupsAcknowledged: newAckedKeys.size,
    statuses,
    non2xx: answered.size - acked.size,
    status503: count(/^503$/),
    errors: r.errors,
    timeouts: r.timeouts,
    // autocannon's histogram: every answer, 2xx or not, in ms.
    latencyMs: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max, mean: r.latency.mean },
    autocannon: { requests: r.requests.total, requestsPerSecond: r.requests.average, non2xx: r.non2xx },
    cpu: {
      // Seconds of CPU per second of the run: Vigil's processes, their PostgreSQL backends, this one (autocannon + the stand-in), the whole machine.
      ...used,
      bench: (benchCpuUsed.user + benchCpuUsed.system) / 1e6 / seconds,
      cores: os.cpus().length,
    },
  };
  // CPU milliseconds per acknowledged notification: what decides the rate once the cores are full.
  if (figures.cpu.vigil !== undefined) figures.cpuMsPerNotification = { vigil: (1000 * figures.cpu.vigil) / figures.notificationsPerSecond, postgres: (1000 * figures.cpu.postgres) / figures.notificationsPerSecond };
  return { figures, endedAt, sent, answered, acked, newAcked, newSent, pd };
}

/**
 * DB truth: every acknowledged tag stored once; unanswered ones may be stored; new groups = incidents.
 * Both reads see one snapshot: a request cut off at the end may still commit between them.
 */
async function verify(client, run) {
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    return await verifyInSnapshot(client, run);
  } finally {
    await client.query('COMMIT');
  }
}

async function verifyInSnapshot(client, run) {
  const rows = (
    await client.query(
      `SELECT substr(detail->>'externalUrl', $2) AS tag, count(*)::int AS n
         FROM incident_events
        WHERE kind = 'notification_received' AND detail->>'externalUrl' LIKE $1
        GROUP BY 1`,
      [`${EXTERNAL_URL}r%`, EXTERNAL_URL.length + 1],
    )
  ).rows;
  const stored = new Map(rows.map((r) => [r.tag, r.n]));
  let lost = 0;
  for (const tag of run.acked) if (!stored.has(tag)) lost++;
  let storedUnacknowledged = 0;
  let storedUnanswered = 0;
  for (const tag of stored.keys()) {
    if (run.acked.has(tag)) continue;
    if (run.answered.has(tag)) storedUnacknowledged++;
    else storedUnanswered++;
  }
  const incidents = (await client.query(`SELECT id::text AS id, group_key FROM incidents WHERE group_key LIKE '%service="new-%'`)).rows;
  const newIds = new Set(incidents.map((i) => i.id));
  return {
    storedNotifications: rows.reduce((n, r) => n + r.n, 0),
    acknowledged: run.acked.size,
    lost,
    storedTwice: rows.filter((r) => r.n > 1).length,
    // Non-2xx answers must have stored nothing; unanswered ones (cut off at the end) may have.
    storedUnacknowledged,
    storedUnanswered,
    unanswered: run.sent.size - run.answered.size,
    newIncidents: incidents.length,
    // Each new group was sent once: its incident exists when its notification was stored.
    newGroupsStored: new Set([...run.newSent].filter(([tag]) => stored.has(tag)).map(([, key]) => key)).size,
    newIncidentsAcknowledged: run.newAcked.size,
    newIncidentsMissing: [...run.newAcked.keys()].filter((id) => !newIds.has(id)).length,
    distinctNewGroupKeys: new Set(incidents.map((i) => i.group_key)).size,
  };
}

/** What the job table and the page outbox hold, for a run that stalls. */
async function outbox(client) {
  const jobs = (await client.query(`SELECT name, state, count(*)::int AS n FROM jobs GROUP BY 1, 2 ORDER BY 1, 2`)).rows;
  const pages = (await client.query(`SELECT sink, action, status, count(*)::int AS n FROM pages GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`)).rows;
  return `jobs: ${jobs.map((r) => `${r.name}/${r.state} ${r.n}`).join(', ')}; pages: ${pages.map((r) => `${r.sink} ${r.action}/${r.status} ${r.n}`).join(', ')}`;
}

// ───────────────────────────────────────────── payloads

/**
 * One Alertmanager group as Alertmanager 0.25+ sends it: 1–5 alerts of one service (one per SLO),
 * fingerprints as Alertmanager computes them, critical, so the critical route pages PagerDuty.
 */
function group(service, i) {
  const alertname = 'AvailabilityBudgetBurn';
  const slos = ['availability', 'latency', 'errors', 'freshness', 'throughput'].slice(0, 1 + (i % 5));
  const startsAt = new Date(Date.now() - 10 * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
  const team = `team-${i % 20}`;
  const alerts = slos.map((slo) => {
    const labels = { alert_tier: 'page', alertname, burn_rate: '14.4', long_window: '1h', service, severity: 'critical', short_window: '5m', slo, team };
    return {
      status: 'firing',
      labels,
      annotations: { runbook_url: `runbooks/${service}.md`, summary: `${service} ${slo} SLO is burning its error budget 14.4x too fast` },
      startsAt,
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus.example:9090/graph?g0.expr=slo%3Asli_error%3Aratio_rate1h&g0.tab=1',
      fingerprint: labelsFingerprint(labels),
    };
  });
  const common = { ...alerts[0].labels };
  if (alerts.length > 1) delete common.slo;
  return {
    receiver: 'vigil',
    status: 'firing',
    alerts,
    groupLabels: { alertname, service },
    commonLabels: common,
    commonAnnotations: alerts.length === 1 ? alerts[0].annotations : { runbook_url: `runbooks/${service}.md` },
    externalURL: `${EXTERNAL_URL}${TAG}`,
    version: '4',
    groupKey: `{}/{severity=~"critical|warning"}:{alertname="${alertname}", service="${service}"}`,
    truncatedAlerts: 0,
  };
}

/** Serialised once; each send only splices its tag in. */
function template(notification) {
  const [head, tail] = JSON.stringify(notification).split(TAG);
  return { groupKey: notification.groupKey, body: (tag) => head + tag + tail };
}

// ───────────────────────────────────────────── servers

/**
 * PagerDuty Events v2 stand-in: 202 {status, message, dedup_key} for every event, the first arrival
 * of each trigger's dedup_key kept (performance.now, this process's clock).
 */
async function startPagerDuty() {
  const triggers = new Map();
  const events = {};
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const at = performance.now();
      let event;
      try {
        event = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'invalid event', message: 'Event object is invalid' }));
        return;
      }
      if (req.method !== 'POST' || req.url !== '/v2/enqueue') {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'not found', message: 'Not found' }));
        return;
      }
      events[event.event_action] = (events[event.event_action] ?? 0) + 1;
      if (event.event_action === 'trigger' && !triggers.has(event.dedup_key)) triggers.set(event.dedup_key, at);
      res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'success', message: 'Event processed', dedup_key: event.dedup_key }));
    });
  });
  const port = await freePort();
  await new Promise((ok, fail) => server.once('error', fail).listen(port, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${port}/v2/enqueue`,
    triggers,
    events,
    close: () => new Promise((ok) => server.close(() => ok())).finally(() => server.closeAllConnections()),
  };
}

/** `node dist/main.js` with a one-file OnCall spec; resolves once it listens and /readyz answers 200. */
async function startVigil(tmp, databaseUrl, eventsUrl) {
  for (const d of ['slos', 'out', 'data', 'secrets']) mkdirSync(join(tmp, d), { recursive: true });
  const keyFile = join(tmp, 'secrets', 'pagerduty-routing-key');
  writeFileSync(keyFile, ROUTING_KEY, { mode: 0o600 });
  writeFileSync(join(tmp, 'slos', 'oncall.yaml'), oncallSpec(keyFile, eventsUrl));
  const base = { ...process.env };
  for (const name of ['DATABASE_URL', 'PROMETHEUS_URL', 'LOG_LEVEL', 'NODE_OPTIONS']) delete base[name];
  const nodeFlags = args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${args['cpu-prof']}`] : [];
  progress(`starting node dist/main.js (VIGIL_INGEST_MAX_INFLIGHT=${args['max-inflight']})${nodeFlags.length ? `, profiled into ${args['cpu-prof']}` : ''}…`);
  const port = await freePort();
  const t = performance.now();
  const child = spawn(process.execPath, [...nodeFlags, 'dist/main.js'], {
    cwd: repo,
    env: {
      ...base,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      VIGIL_SLOS_DIR: join(tmp, 'slos'),
      VIGIL_OUT_DIR: join(tmp, 'out'),
      VIGIL_DATA_DIR: join(tmp, 'data'),
      VIGIL_INGEST_MAX_INFLIGHT: String(args['max-inflight']),
      LOG_LEVEL: args['log-level'],
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The last lines only (at LOG_LEVEL=log, the default, every request is a line), and the last warnings and errors apart.
  const tail = [];
  const problems = [];
  const keep = (line) => {
    const to = /^\{"time":"[^"]*","level":"(?:warn|error|fatal)"/.test(line) || line.startsWith('stderr') ? problems : tail;
    to.push(line);
    if (to.length > 100) to.shift();
  };
  createInterface({ input: child.stderr }).on('line', (l) => keep(`stderr ${l}`));
  const lines = createInterface({ input: child.stdout });
  const log = () => `${tail.slice(-20).join('\n')}\n${problems.length ? `last warnings and errors:\n${problems.slice(-20).join('\n')}` : 'no warnings or errors'}`.slice(-8000);
  const stop = stopper(child, () => args.keep && writeFileSync(join(tmp, 'vigil.log'), log()));
  lines.on('line', keep);
  // A port chosen here rather than PORT=0: at LOG_LEVEL=warn the "listening on" line is not written.
  const url = `http://127.0.0.1:${port}`;
  let exited;
  child.once('exit', (code, signal) => (exited = code ?? signal));
  await waitFor(
    async () => {
      if (exited !== undefined) throw new Error(`vigil exited (${exited}) before it was ready:\n${log()}`);
      return fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) }).then((r) => r.status === 200, () => false);
    },
    60_000,
    () => `${url}/readyz never answered 200:\n${log()}`,
  ).catch(async (err) => {
    await stop();
    throw err;
  });
  return { url, pid: child.pid, bootMs: performance.now() - t, log, stop };
}

/** The ingest token an operator gives Alertmanager: `vigil token create --role ingest`, printed once on stdout. */
function createIngestToken(databaseUrl) {
  return createToken(databaseUrl, 'ingest', 'bench-alertmanager');
}

function createToken(databaseUrl, role, name) {
  const r = spawnSync(process.execPath, [join(repo, 'bin', 'vigil.js'), 'token', 'create', '--role', role, '--name', name], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: databaseUrl },
  });
  const token = r.stdout.trim();
  if (r.status !== 0 || !token.startsWith('vgl_')) throw new Error(`vigil token create failed (${r.status ?? r.signal}): ${r.stderr}`);
  return token;
}

/** Critical alerts page one PagerDuty routing key at once; everything else notifies it too (never reached here). */
function oncallSpec(keyFile, eventsUrl) {
  return `apiVersion: vigil/v1
kind: OnCall
description: bench/scenario-alerts.js
people:
  - { name: bench, email: bench@example.com }
policies:
  - name: critical
    levels:
      - after: 0s
        targets: [{ pagerduty: { routingKey: { file: ${keyFile} } } }]
  - name: warning
    levels:
      - targets: [{ pagerduty: { routingKey: { file: ${keyFile} } } }]
routes:
  - { name: critical, matchers: ['severity="critical"'], policy: critical }
defaultPolicy: warning
sinks:
  pagerduty:
    eventsUrl: ${eventsUrl}
`;
}

// ───────────────────────────────────────────── helpers

/**
 * CPU seconds so far (Linux /proc; undefined elsewhere): Vigil's process, the PostgreSQL backends
 * serving the bench database (their command line names it), and the whole machine.
 */
/** --api: GET /api/incidents/<id> over the open incidents, closed loop, the ingestion run's connections. */
async function apiLoad(urls, token, client, vigilPids, proxyPid) {
  const ids = (await client.query(`SELECT id::text FROM incidents WHERE status <> 'resolved' ORDER BY id LIMIT 1000`)).rows.map((r) => r.id);
  let n = 0;
  const statuses = {};
  progress(`API reads: GET /api/incidents/<id> of ${ids.length} incidents, ${args.connections} connections × ${args.api} s…`);
  const cpu = cpuMeter(vigilPids, proxyPid);
  const r = await autocannon({
    url: urls.length === 1 ? urls[0] : urls,
    connections: args.connections,
    duration: args.api,
    requests: [
      {
        method: 'GET',
        headers: { authorization: `Bearer ${token}` },
        setupRequest: (req) => ({ ...req, path: `/api/incidents/${ids[n++ % ids.length]}` }),
        onResponse: (status) => void (statuses[status] = (statuses[status] ?? 0) + 1),
      },
    ],
  });
  const seconds = args.api;
  const used = cpu.perSecond(seconds);
  const ok = Object.entries(statuses).reduce((sum, [st, c]) => sum + (st.startsWith('2') ? c : 0), 0);
  const vigil = used.vigil;
  return {
    requestsPerSecond: ok / seconds,
    statuses,
    latencyMs: { p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max },
    cpu: used,
    cpuMsPerRequest: vigil !== undefined && ok > 0 ? (1000 * vigil * seconds) / ok : undefined,
  };
}

/** bench/round-robin-proxy.js over `urls`, in a process of its own. */
async function startProxy(urls) {
  const child = spawn(process.execPath, [join(benchDir, 'round-robin-proxy.js'), ...urls.map((u) => new URL(u).host)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise((ok, fail) => {
    child.once('error', fail);
    child.once('exit', (code) => fail(new Error(`round-robin proxy exited ${code}`)));
    createInterface({ input: child.stdout }).once('line', ok);
  });
  const port = Number(/^listening (\d+)$/.exec(line)?.[1]);
  const stop = () => new Promise((ok) => (child.exitCode !== null ? ok() : (child.once('exit', ok), child.kill('SIGTERM'))));
  return { url: `http://127.0.0.1:${port}`, pid: child.pid, stop };
}

/**
 * CPU from now on, per second of `seconds` when asked: Vigil's processes, their PostgreSQL
 * backends, the whole machine, and the proxy when there is one. Undefined where /proc is not read.
 */
function cpuMeter(vigilPids, proxyPid) {
  const before = cpuTimes(vigilPids);
  const proxyBefore = proxyPid ? cpuTimes([proxyPid])?.vigil : undefined;
  return {
    perSecond(seconds) {
      const after = cpuTimes(vigilPids);
      const proxyAfter = proxyPid ? cpuTimes([proxyPid])?.vigil : undefined;
      const rate = (k) => (after && before ? (after[k] - before[k]) / seconds : undefined);
      return {
        vigil: rate('vigil'),
        postgres: rate('postgres'),
        machine: rate('machine'),
        ...(proxyBefore !== undefined && proxyAfter !== undefined ? { proxy: (proxyAfter - proxyBefore) / seconds } : {}),
      };
    },
  };
}

function cpuTimes(pids) {
  const tick = 100; // USER_HZ on Linux
  const used = (p) => {
    const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / tick;
  };
  try {
    let postgres = 0;
    for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      try {
        if (readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(` ${DATABASE} `)) postgres += used(p);
      } catch {
        // gone meanwhile
      }
    }
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/).slice(1).map(Number);
    const machine = (cpu[0] + cpu[1] + cpu[2] + cpu[5] + cpu[6] + cpu[7]) / tick; // user nice system irq softirq steal
    return { vigil: pids.reduce((sum, p) => sum + used(p), 0), postgres, machine };
  } catch {
    return undefined;
  }
}

function percentiles(xs) {
  if (xs.length === 0) return { p50: null, p99: null, max: null };
  const s = [...xs].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
  return { p50: at(0.5), p99: at(0.99), max: s.at(-1) };
}
