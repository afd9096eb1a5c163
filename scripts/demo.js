#!/usr/bin/env node
// `npm run demo`: watch an error budget burn, with real programs only.
//
// Starts on 127.0.0.1, each on a free port: the synthetic "shop" workload (scripts/demo-workload.js),
// a real Prometheus scraping it and evaluating the rules Vigil generates from demo/slos, a real
// Alertmanager those rules alert to, and Vigil itself (embedded PostgreSQL). Prints how to break
// things, then a status line per SLO from Vigil's budget API every 15 s. Ctrl-C (or SIGTERM, or
// the end of --for) stops every child and removes the temporary folder.
//
//   node scripts/demo.js [--for SECONDS] [--scenario]
//
// On-call: Alertmanager sends every alert to Vigil, which opens incidents and pages through the
// demo's own pager (a local HTTP server printing each page): level 1 at once, level 2 after
// ESCALATE_AFTER_S unacknowledged. --scenario also fires a test alert at start to show it.
//
// --for counts from the moment everything is ready, as does --scenario's timeline.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, rmSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startWorkload } from './demo-workload.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SLOS_DIR = join(ROOT, 'demo', 'slos');
const STATUS_EVERY_S = 15;
// --scenario: the error ratio it raises, when, and for how long.
const SCENARIO = { atS: 60, forS: 120, errorRatio: 0.2 };
// On-call: how long level 1 has to acknowledge before level 2 is paged. Short, so the demo shows it.
const ESCALATE_AFTER_S = 45;

const USAGE = `usage: node scripts/demo.js [--for SECONDS] [--scenario]
  --for SECONDS  stop by itself this many seconds after everything is ready
  --scenario     60 s after the start raise the error ratio to 20 % for 2 minutes, then restore it`;

let args;
try {
  args = parseArgs({ options: { for: { type: 'string' }, scenario: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } } }).values;
} catch (err) {
  console.error(`${err.message}\n${USAGE}`);
  process.exit(2);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const runForS = args.for === undefined ? undefined : Number(args.for);
if (runForS !== undefined && !(Number.isFinite(runForS) && runForS > 0)) {
  console.error(`--for must be a number of seconds above 0, got ${JSON.stringify(args.for)}\n${USAGE}`);
  process.exit(2);
}

/** Every child process started so far, in start order; stopped in reverse. */
const children = [];
const timers = new Set();
let workload;
let pager;
let tmp;
let stopping;
let forced = false;

const log = (msg) => console.log(`[demo] ${msg}`);

/** A port the kernel just handed out on 127.0.0.1, released for the child to take. */
function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
const alive = (c) => c.proc.exitCode === null && c.proc.signalCode === null;

async function logTail(c, lines = 25) {
  const text = await readFile(c.logFile, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/**
 * Starts a child in its own process group, so a terminal's Ctrl-C reaches only this script, which
 * then stops the children in order (Vigil must stop its PostgreSQL), and so that a group kill
 * leaves nothing behind.
 */
function startChild(name, command, argv, opts = {}) {
  const logFile = join(tmp, 'logs', `${name}.log`);
  const fd = openSync(logFile, 'a');
  const proc = spawn(command, argv, { stdio: ['ignore', fd, fd], detached: true, cwd: ROOT, ...opts });
  closeSync(fd);
  const c = { name, proc, logFile };
  c.failed = new Promise((_, fail) => {
    proc.once('error', (e) =>
      fail(
        e.code === 'ENOENT'
          ? new Error(`${command} not found: install it with \`apt-get install -y prometheus prometheus-alertmanager\` (Debian) and run again`)
          : e,
      ),
    );
    proc.once('exit', async (code, signal) => {
      if (stopping) return;
      fail(new Error(`${name} exited (${code ?? signal}) unexpectedly; the end of ${logFile}:\n${await logTail(c)}`));
    });
  });
  c.failed.catch(() => undefined);
  children.push(c);
  return c;
}

/** Polls `url` until it answers 2xx; fails early when the child dies. */
async function waitReady(c, url, timeoutS) {
  const deadline = Date.now() + timeoutS * 1000;
  const poll = (async () => {
    for (;;) {
      if (stopping) throw new Error('stopped');
      const ok = await fetch(url, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
      if (ok) return;
      if (Date.now() > deadline) throw new Error(`${c.name} not ready at ${url} after ${timeoutS} s; the end of ${c.logFile}:\n${await logTail(c)}`);
      await sleep(250);
    }
  })();
  await Promise.race([poll, c.failed]);
}

/** SIGTERM, then SIGKILL for the whole group after `graceMs` or when anything outlives the leader. */
async function stopChild(c, graceMs) {
  const pid = c.proc.pid;
  if (pid === undefined) return;
  if (alive(c)) {
    const exited = new Promise((ok) => c.proc.once('exit', ok));
    c.proc.kill('SIGTERM');
    const timeout = setTimeout(() => killGroup(pid), graceMs);
    await exited;
    clearTimeout(timeout);
  }
  for (let i = 0; i < 20 && groupAlive(pid); i++) {
    if (i === 10) killGroup(pid);
    await new Promise((ok) => setTimeout(ok, 100));
  }
}

function groupAlive(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function killGroup(pid) {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function shutdown(reason, code = 0) {
  if (stopping) return stopping;
  stopping = (async () => {
    log(`${reason}: stopping…`);
    for (const t of timers) {
      clearTimeout(t);
      clearInterval(t);
    }
    await workload?.close();
    pager?.closeAllConnections();
    pager?.close();
    // Vigil first (it stops its own PostgreSQL and finishes a budget cycle in flight), then the rest.
    for (const c of [...children].reverse()) {
      if (c.proc.pid === undefined) continue; // never started (e.g. binary not found)
      await stopChild(c, c.name === 'vigil' ? 20_000 : 10_000);
      log(`stopped ${c.name} (pid ${c.proc.pid})`);
    }
    if (tmp) await rm(tmp, { recursive: true, force: true });
    log(`removed ${tmp ?? 'nothing'}; bye`);
    process.exit(code);
  })();
  return stopping;
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (!stopping) return void shutdown(`${signal} received`);
    if (forced) return;
    forced = true;
    log(`${signal} again: killing everything now`);
    for (const c of children) if (c.proc.pid) killGroup(c.proc.pid);
  });
}
// Last resort (an exception in this script): never leave a server or a folder behind.
process.on('exit', () => {
  for (const c of children) if (c.proc.pid && groupAlive(c.proc.pid)) killGroup(c.proc.pid);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const pct = (r, digits = 1) => `${(r * 100).toFixed(digits)} %`;

/** The demo's admin token: every /api call needs one (README, "API tokens"). Made per run, shown once below. */
const TOKEN = `vgl_${randomBytes(32).toString('base64url')}`;

async function getJson(url, init) {
  const res = await fetch(url, { ...init, headers: { authorization: `Bearer ${TOKEN}`, ...(init?.headers ?? {}) }, signal: AbortSignal.timeout(5000) });
  const body = await res.json().catch(() => ({}));
  return { status: res.status, body };
}

/** One line per SLO from Vigil's budget API, with what each state means for a newcomer. */
async function printStatus(vigilUrl, slos, startedAt) {
  const t = Math.round((Date.now() - startedAt) / 1000);
  console.log(`── t+${t}s  shop workload: 50 req/s, errors ${pct(workload.errorRatio)}, slow ${pct(workload.slowRatio)}`);
  for (const { service, name } of slos) {
    const id = `${service}/${name}`.padEnd(18);
    try {
      const { status, body } = await getJson(`${vigilUrl}/api/slos/${service}/${name}/budget`);
      if (status === 503) {
        console.log(`   ${id} waiting for Vigil's first budget cycle`);
        continue;
      }
      if (status !== 200) {
        console.log(`   ${id} budget API answered ${status}: ${body.message ?? JSON.stringify(body)}`);
        continue;
      }
      if (body.status === 'no-data') {
        console.log(`   ${id} no traffic recorded yet (Prometheus needs a few scrapes): budget 100 %, status no-data`);
        continue;
      }
      const rates = body.burnRates ?? {};
      const shortest = '5m' in rates ? '5m' : Object.keys(rates)[0];
      const burn = shortest && rates[shortest] !== null ? `${rates[shortest].toFixed(2)}x` : 'n/a';
      const sli = body.sli === null ? 'n/a' : pct(body.sli, 3);
      console.log(
        `   ${id} budget left ${pct(body.errorBudgetRemaining).padStart(9)}   burn ${shortest ?? '5m'} ${burn.padStart(7)}   SLI ${sli.padStart(9)}   ${body.status}`,
      );
    } catch (err) {
      console.log(`   ${id} budget API unreachable: ${err.message}`);
    }
  }
}

/**
 * The demo's pager: a local HTTP server the OnCall spec's webhook targets point at. Each signed
 * incident.* event Vigil sends is printed, so the escalation can be watched as it happens.
 */
function startPager(port) {
  const server = createHttpServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      res.writeHead(200).end('ok');
      try {
        const event = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        const who = req.url.replace(/^\/pages\//, '');
        console.log(`   📟 PAGE to ${who}: ${event.type} #${event.incident.id} "${event.incident.title}" (${event.incident.alerts.firing} firing)`);
      } catch {
        console.log(`   📟 PAGE to ${req.url}: (unreadable body)`);
      }
    });
  });
  return new Promise((ok) => server.listen(port, '127.0.0.1', () => ok(server)));
}

/** The demo's on-call spec: primary paged at once through the pager, secondary after ESCALATE_AFTER_S unacknowledged. */
function oncallSpec(pagerUrl, secretFile) {
  return `# Written by scripts/demo.js: pages go to the demo's local pager (${pagerUrl}).
apiVersion: vigil/v1
kind: OnCall
people:
  - { name: alice, displayName: Alice (primary), email: alice@example.com }
  - { name: bob, displayName: Bob (secondary), email: bob@example.com }
schedules:
  - name: primary
    timeZone: UTC
    rotations: [{ name: weekly, type: weekly, start: 2026-01-05T09:00, participants: [alice] }]
  - name: secondary
    timeZone: UTC
    rotations: [{ name: weekly, type: weekly, start: 2026-01-05T09:00, participants: [bob] }]
policies:
  - name: demo
    levels:
      - after: 0s
        targets: [{ webhook: { url: ${pagerUrl}/pages/primary-alice } }]
      - after: ${ESCALATE_AFTER_S}s
        targets: [{ webhook: { url: ${pagerUrl}/pages/secondary-bob } }]
    repeat: 0
routes:
  - { name: everything, matchers: ['alertname=~".+"'], policy: demo }
defaultPolicy: demo
sinks:
  webhook: { secret: { file: ${secretFile} } }
incidents: { flapWindow: 10m, staleAfter: 2h }
`;
}

/** Prints each new timeline entry of every incident: the escalation as Vigil records it. */
async function printTimelines(vigilUrl, seen) {
  const { status, body } = await getJson(`${vigilUrl}/api/incidents?limit=20`).catch(() => ({ status: 0, body: {} }));
  if (status !== 200) return;
  for (const i of body.items ?? []) {
    const { body: detail } = await getJson(`${vigilUrl}/api/incidents/${i.id}`).catch(() => ({ body: {} }));
    for (const e of detail.timeline ?? []) {
      if (seen.has(`${i.id}:${e.id}`)) continue;
      seen.add(`${i.id}:${e.id}`);
      if (e.kind === 'notification_received' || e.kind === 'page_delivered') continue;
      console.log(`   🧾 incident #${i.id} [${detail.status}] ${e.kind}: ${e.message}`);
    }
  }
}

async function main() {
  if (!existsSync(join(ROOT, 'dist', 'main.js'))) throw new Error('dist/main.js is missing: run `npm run build` (npm run demo does it)');
  tmp = await mkdtemp(join(tmpdir(), 'vigil-demo-'));
  // mkdtemp makes it 0700; as root, the embedded PostgreSQL runs as the `postgres` user and must reach its folder.
  await chmod(tmp, 0o711);
  const outDir = join(tmp, 'out');
  await mkdir(join(tmp, 'logs'));
  const [workloadPort, promPort, amPort, vigilPort, pagerPort] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
  const promUrl = `http://127.0.0.1:${promPort}`;
  const amUrl = `http://127.0.0.1:${amPort}`;
  const vigilUrl = `http://127.0.0.1:${vigilPort}`;
  log(`working folder ${tmp} (logs in ${join(tmp, 'logs')}; removed on exit)`);

  // demo/slos plus an OnCall spec that pages the local pager: the URL carries this run's port.
  const slosDir = join(tmp, 'slos');
  await cp(SLOS_DIR, slosDir, { recursive: true });
  const pagerUrl = `http://127.0.0.1:${pagerPort}`;
  await writeFile(join(tmp, 'webhook-secret'), `${randomBytes(24).toString('base64url')}\n`, { mode: 0o600 });
  await writeFile(join(slosDir, 'oncall.yaml'), oncallSpec(pagerUrl, join(tmp, 'webhook-secret')));
  pager = await startPager(pagerPort);

  workload = await startWorkload({ port: workloadPort });
  log(`shop workload on ${workload.url} (50 req/s, errors ${pct(workload.errorRatio)})`);

  // The same rules Vigil regenerates at its start, written first so Prometheus loads them at once.
  const gen = startChild('vigil-generate', process.execPath, [join(ROOT, 'bin', 'vigil.js'), 'generate', '--slos', slosDir, '--out', outDir]);
  const genCode = await Promise.race([new Promise((ok) => gen.proc.once('exit', ok)), gen.failed]);
  if (genCode !== 0) throw new Error(`vigil generate failed (${genCode}):\n${await logTail(gen)}`);
  children.splice(children.indexOf(gen), 1);
  log(`generated ${join(outDir, 'rules', 'shop.rules.yaml')} from demo/slos`);

  await writeFile(
    join(tmp, 'alertmanager.yml'),
    `# Everything goes to Vigil, which decides who is paged (the demo's on-call spec).
route:
  receiver: vigil
  group_by: [alertname, service, slo]
  group_wait: 10s
  group_interval: 1m
  repeat_interval: 1h
receivers:
  - name: vigil
    webhook_configs:
      - url: ${vigilUrl}/api/alerts/alertmanager
        send_resolved: true
        # The demo's admin token; a real deployment gives Alertmanager a token of role ingest.
        http_config:
          authorization:
            credentials_file: ${join(tmp, 'vigil-admin-token')}
`,
  );
  const am = startChild('alertmanager', 'prometheus-alertmanager', [
    `--config.file=${join(tmp, 'alertmanager.yml')}`,
    `--storage.path=${join(tmp, 'alertmanager-data')}`,
    `--web.listen-address=127.0.0.1:${amPort}`,
    '--cluster.listen-address=', // no HA gossip port
  ]);
  await waitReady(am, `${amUrl}/-/ready`, 30);
  log(`Alertmanager ready on ${amUrl}`);

  await writeFile(
    join(tmp, 'prometheus.yml'),
    `# Scrape every 5 s and evaluate every 15 s so the 1h budgets of demo/slos move within minutes.
global:
  scrape_interval: 5s
  evaluation_interval: 15s
rule_files:
  - ${JSON.stringify(join(outDir, 'rules', '*.rules.yaml'))}
alerting:
  alertmanagers:
    - static_configs:
        - targets: ["127.0.0.1:${amPort}"]
scrape_configs:
  - job_name: shop
    static_configs:
      - targets: ["127.0.0.1:${workloadPort}"]
`,
  );
  const prom = startChild('prometheus', 'prometheus', [
    `--config.file=${join(tmp, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(tmp, 'prometheus-data')}`,
    `--web.listen-address=127.0.0.1:${promPort}`,
    '--web.enable-lifecycle',
  ]);
  await waitReady(prom, `${promUrl}/-/ready`, 30);
  log(`Prometheus ready on ${promUrl}`);

  const env = {
    ...process.env,
    PORT: String(vigilPort),
    PROMETHEUS_URL: promUrl,
    VIGIL_BUDGET_INTERVAL: `${STATUS_EVERY_S}s`,
    VIGIL_SLOS_DIR: slosDir,
    // The pager listens on loopback, which the webhook target policy refuses unless allowed.
    VIGIL_WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
    VIGIL_OUT_DIR: outDir,
    VIGIL_DATA_DIR: join(tmp, 'vigil-data'),
    VIGIL_ADMIN_TOKEN_FILE: join(tmp, 'vigil-admin-token'),
  };
  await writeFile(env.VIGIL_ADMIN_TOKEN_FILE, `${TOKEN}\n`, { mode: 0o600 });
  // The demo brings its own database: never write demo budgets into a configured one.
  delete env.DATABASE_URL;
  log('starting Vigil (embedded PostgreSQL: a few seconds)…');
  const vigil = startChild('vigil', process.execPath, [join(ROOT, 'dist', 'main.js')], { env });
  await waitReady(vigil, `${vigilUrl}/readyz`, 120);
  log(`Vigil ready on ${vigilUrl}`);

  const { body: list } = await getJson(`${vigilUrl}/api/slos`);
  const slos = (list.slos ?? []).map((s) => ({ service: s.service, name: s.name }));
  const first = slos[0] ?? { service: 'shop', name: 'availability' };

  console.log(`
Vigil demo running. Everything is on 127.0.0.1 and stops with Ctrl-C.

  Prometheus    ${promUrl}   (try: ${promUrl}/graph?g0.expr=slo:error_budget_remaining:ratio)
  Alertmanager  ${amUrl}
  Vigil API     curl -H "Authorization: Bearer ${TOKEN}" ${vigilUrl}/api/budgets
                ${vigilUrl}/api/slos/${first.service}/${first.name}/budget  (same header; a demo-only admin token)
                ${vigilUrl}/metrics  (no token)
                ${vigilUrl}/api/docs-json
  Workload      ${workload.url}/metrics
  Incidents     curl -H "Authorization: Bearer ${TOKEN}" ${vigilUrl}/api/incidents
  On call       curl -H "Authorization: Bearer ${TOKEN}" '${vigilUrl}/api/oncall?schedule=primary'

Break things (in another terminal):
  curl -X POST '${workload.url}/error-rate?ratio=0.2'    # 20 % of requests fail
  curl -X POST '${workload.url}/slow-ratio?ratio=0.05'   # 5 % slower than 250 ms
  curl -X POST '${workload.url}/error-rate?ratio=0'      # heal
Watch:
  watch -n5 node bin/vigil.js budget --slos demo/slos --prometheus ${promUrl}
  curl -s ${amUrl}/api/v2/alerts   # burn-rate alerts, once they fire
Page someone (a synthetic alert through the whole path; level 2 follows after ${ESCALATE_AFTER_S} s unacknowledged):
  curl -X POST -H "Authorization: Bearer ${TOKEN}" -H 'content-type: application/json' -d '{"service":"shop"}' ${vigilUrl}/api/alerts/test
  curl -X POST -H "Authorization: Bearer ${TOKEN}" -H 'content-type: application/json' -d '{}' ${vigilUrl}/api/incidents/<id>/ack
${args.scenario ? `\nScenario: errors go to ${pct(SCENARIO.errorRatio, 0)} at t+${SCENARIO.atS}s for ${SCENARIO.forS / 60} minutes.\n` : ''}${runForS ? `Stopping by itself at t+${runForS}s.\n` : ''}`);

  const startedAt = Date.now();
  const watchdog = Promise.race(children.map((c) => c.failed));
  const tick = () => printStatus(vigilUrl, slos, startedAt);
  await tick();
  timers.add(setInterval(() => void tick(), STATUS_EVERY_S * 1000));
  const seen = new Set();
  timers.add(setInterval(() => void printTimelines(vigilUrl, seen), 2000));
  if (args.scenario) {
    // A test alert at once: its incident pages level 1 now and escalates to level 2 unacknowledged.
    const fired = await getJson(`${vigilUrl}/api/alerts/test`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ service: 'shop', summary: 'Demo: a synthetic alert nobody acknowledges' }) });
    log(`scenario: fired a test alert → incident #${fired.body.incidents?.[0]?.id ?? '?'} (level 2 is paged at t+${ESCALATE_AFTER_S}s unless acknowledged)`);
    timers.add(
      setTimeout(() => {
        const before = workload.errorRatio;
        workload.setErrorRatio(SCENARIO.errorRatio);
        log(`scenario: error ratio ${pct(before)} → ${pct(SCENARIO.errorRatio)} for ${SCENARIO.forS} s`);
        timers.add(
          setTimeout(() => {
            workload.setErrorRatio(before);
            log(`scenario: error ratio back to ${pct(before)}`);
          }, SCENARIO.forS * 1000),
        );
      }, SCENARIO.atS * 1000),
    );
  }
  if (runForS) timers.add(setTimeout(() => void shutdown(`--for ${runForS} s elapsed`), runForS * 1000));
  await watchdog; // rejects only when a child dies on its own
}

main().catch((err) => {
  if (stopping) return; // a signal during start-up: shutdown() is already on it
  console.error(`[demo] ${err.message}`);
  void shutdown('failed', 1);
});
