#!/usr/bin/env node
// Vigil benchmarks: measured figures, never timed assertions. Speed never fails the run; the exit
// code is non-zero only when the benchmark itself breaks (a child crashed, the fleet did not compile).
//
//   npm run bench                      # build, then this
//   node bench/run.js [--json] [--services 1000] [--per-service 10] [--runs 3] [--warmup 1]
//                     [--no-cli] [--no-rules] [--no-budget] [--no-jobs] [--jobs 5000] [--no-alerts] [--keep]
//                     [--no-drill] [--drill-scale 70] [--drill-rounds 3] [--no-ui]
//                     [--only compile,cli,rules,budget,jobs,alerts,drill,ui]
//
// Each scenario runs in a fresh child process, so its peak RSS is its own. The rules scenario
// (bench/scenario-rule-cost.js) compares the steady-state cost of Vigil's rules with Sloth's and the
// SRE Workbook's layouts in a real Prometheus; it needs prometheus and promtool, about 2 minutes and
// 2 GB of temporary disk; --no-rules skips it. The budget scenario
// (bench/scenario-budget.js, its own flags there) needs prometheus, promtool and PostgreSQL 15
// (scripts/ensure-test-tools.sh) and takes about two minutes; --no-budget skips it. The jobs scenario
// (bench/scenario-jobs.js) needs PostgreSQL 15 and takes about 15 s; --no-jobs skips it. The alerts
// scenario (bench/scenario-alerts.js, its own flags there) needs PostgreSQL 15 and takes about 50 s;
// --no-alerts skips it. The drill scenario (bench/scenario-drill.js, its own flags there) restores a
// pgbench database of --drill-scale (70 ≈ 1 GB) by hand and through Vigil's restore drill, alternated,
// and needs PostgreSQL 15 with pgbench; about 2 minutes at the default scale; --no-drill skips it.
// The ui scenario (bench/scenario-ui.js) renders the web UI's SLO list for 1,000 SLOs in Debian's
// Chromium and reports the JavaScript shipped; it needs PostgreSQL 15 and chromium and takes about
// 20 s; --no-ui skips it.
// --only runs just the scenarios named (e.g. `--only alerts`); the --no-x flags still apply to them.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { benchArgs } from './args.js';
import { generateFleet } from './fleet.js';

const GOAL_COMPILE_MS = 5000; // 10,000 SLOs, on 2 cores
const GOAL_VALIDATE_REPO_MS = 1000; // "well under a second"
const GOAL_ALERTS_PER_S = 1000; // Alertmanager notifications, 2 cores with PostgreSQL (issue #9)
const GOAL_ALERTS_P99_MS = 100;
const GOAL_RULE_COST = { sloth: 0.35, classic: 0.25 }; // steady-state rule CPU against those layouts (issue #11)
const GOAL_UI_RENDER_MS = 1000; // the SLO list of 1,000 SLOs in Chromium (issue #12)
const GOAL_UI_JS_GZIP_BYTES = 300 * 1024;

const benchDir = dirname(fileURLToPath(import.meta.url));
const repo = join(benchDir, '..');
const cli = join(repo, 'bin', 'vigil.js');
const SCENARIOS = ['compile', 'cli', 'rules', 'budget', 'jobs', 'alerts', 'drill', 'ui'];
const args = benchArgs(
  process.argv.slice(2),
  {
    numbers: { services: 1000, 'per-service': 10, runs: 3, warmup: 1, jobs: 5000, 'drill-scale': 70, 'drill-rounds': 3 },
    strings: { only: SCENARIOS.join(',') },
    flags: ['json', 'no-cli', 'no-rules', 'no-budget', 'no-jobs', 'no-alerts', 'no-drill', 'no-ui', 'keep'],
  },
  'bench/run.js',
);
const only = new Set(args.only.split(',').map((s) => s.trim()).filter(Boolean));
for (const name of only) if (!SCENARIOS.includes(name)) throw new Error(`--only: no scenario "${name}" (one of ${SCENARIOS.join(', ')})`);
const opts = {
  ...args,
  perService: args['per-service'],
  runs: Math.max(1, args.runs),
  compile: only.has('compile'),
  cli: only.has('cli') && !args['no-cli'],
  rules: only.has('rules') && !args['no-rules'],
  budget: only.has('budget') && !args['no-budget'],
  jobScenario: only.has('jobs') && !args['no-jobs'],
  alerts: only.has('alerts') && !args['no-alerts'],
  drill: only.has('drill') && !args['no-drill'],
  ui: only.has('ui') && !args['no-ui'],
};
const progress = (msg) => process.stderr.write(`[bench] ${msg}\n`);

const report = {
  machine: machine(),
  goals: {
    ruleCost: GOAL_RULE_COST,
    compileMs: GOAL_COMPILE_MS,
    compileOnCores: 2,
    validateRepoMs: GOAL_VALIDATE_REPO_MS,
    alertsPerSecond: GOAL_ALERTS_PER_S,
    alertsP99Ms: GOAL_ALERTS_P99_MS,
    uiRenderMs: GOAL_UI_RENDER_MS,
    uiJsGzipBytes: GOAL_UI_JS_GZIP_BYTES,
  },
};
const sloCount = opts.services * opts.perService;

if (opts.compile) {
  progress('rules per SLO kind: one single-SLO service per SLI kind');
  report.kinds = scenario(['--kinds', '--no-phases', '--runs', '1', '--warmup', '0']);

  progress(`compile() on ${fmtInt(sloCount)} SLOs / ${fmtInt(opts.services)} services in a fresh process (${opts.warmup} warm-up + ${opts.runs} runs + 1 phase run)…`);
  report.compile = scenario(['--services', opts.services, '--per-service', opts.perService, '--runs', opts.runs, '--warmup', opts.warmup]);
}

if (opts.cli) report.cli = cliScenarios();
if (opts.rules) report.rules = ruleCostScenario();
if (opts.budget) report.budget = budgetScenario();
if (opts.jobScenario) report.jobs = jobsScenario();
if (opts.alerts) report.alerts = alertsScenario();
if (opts.drill) report.drill = drillScenario();
if (opts.ui) report.ui = uiScenario();
report.machine.loadAverage1mAtEnd = os.loadavg()[0];

if (opts.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
else process.stdout.write(render(report));
// A broken budget scenario is reported with the other figures, then fails the run.
if (report.rules?.failed || report.budget?.failed || report.jobs?.failed || report.alerts?.failed || report.drill?.failed || report.ui?.failed) process.exitCode = 1;

// ───────────────────────────────────────────── scenarios

function scenario(args) {
  const r = spawnSync(process.execPath, [join(benchDir, 'scenario-compile.js'), ...args.map(String)], {
    cwd: repo,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`scenario-compile ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1));
}

/** Steady-state rule cost of Vigil's, Sloth's and the classic layout in a real Prometheus; reported, not thrown, on failure. */
function ruleCostScenario() {
  progress('rule cost: Vigil, Sloth and SRE Workbook rules for 20 SLOs over 31 days of history in a real Prometheus (bench/scenario-rule-cost.js, about 2 minutes; --no-rules skips it)…');
  const r = spawnSync(process.execPath, [join(benchDir, 'scenario-rule-cost.js'), ...(opts.keep ? ['--keep'] : [])], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const last = (r.stdout ?? '').trim().split('\n').at(-1);
  if (r.status !== 0 || !last) return { failed: `bench/scenario-rule-cost.js exited ${r.status ?? r.signal} (its error is above)` };
  return JSON.parse(last);
}

/** Budget cycle + API load against real servers; its failure is reported, not thrown, so the figures above still print. */
function budgetScenario() {
  progress('budget cycle and API load against a real Prometheus and PostgreSQL (bench/scenario-budget.js, about 2 minutes; --no-budget skips it)…');
  const r = spawnSync(process.execPath, [join(benchDir, 'scenario-budget.js'), ...(opts.keep ? ['--keep'] : [])], {
    cwd: repo,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const last = (r.stdout ?? '').trim().split('\n').at(-1);
  if (r.status !== 0 || !last) return { failed: `bench/scenario-budget.js exited ${r.status ?? r.signal} (its error is above)` };
  return JSON.parse(last);
}

/** Delayed jobs due at one second, two instances claiming them from one PostgreSQL; reported, not thrown, on failure. */
function jobsScenario() {
  progress(`job throughput: ${fmtInt(opts.jobs)} delayed jobs due at the same second, two instances (bench/scenario-jobs.js, about 15 s; --no-jobs skips it)…`);
  const r = spawnSync(process.execPath, [join(benchDir, 'scenario-jobs.js'), '--jobs', String(opts.jobs)], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const last = (r.stdout ?? '').trim().split('\n').at(-1);
  if (r.status !== 0 || !last) return { failed: `bench/scenario-jobs.js exited ${r.status ?? r.signal} (its error is above)` };
  return JSON.parse(last);
}

/** Alertmanager notifications into `node dist/main.js` on PostgreSQL, pages to a PagerDuty stand-in; reported, not thrown, on failure. */
function alertsScenario() {
  progress('alert ingestion: Alertmanager webhooks into node dist/main.js on PostgreSQL 15, pages to a PagerDuty stand-in (bench/scenario-alerts.js, about 50 s; --no-alerts skips it)…');
  // fsync on: the 2xx promises a stored notification, so the figure includes the WAL flush behind each COMMIT.
  const r = spawnSync(process.execPath, [join(benchDir, 'scenario-alerts.js'), '--fsync', ...(opts.keep ? ['--keep'] : [])], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const last = (r.stdout ?? '').trim().split('\n').at(-1);
  if (r.status !== 0 || !last) return { failed: `bench/scenario-alerts.js exited ${r.status ?? r.signal} (its error is above)` };
  return JSON.parse(last);
}

/** Restore of a pgbench database by hand and through Vigil's restore drill, alternated; reported, not thrown, on failure. */
function drillScenario() {
  progress(`restore drill overhead: pgbench scale ${opts['drill-scale']} restored by hand and by Vigil's restore drill, alternated (bench/scenario-drill.js, about 2 minutes at scale 70; --no-drill skips it)…`);
  const r = spawnSync(process.execPath, [join(benchDir, 'scenario-drill.js'), '--scale', String(opts['drill-scale']), '--rounds', String(opts['drill-rounds']), ...(opts.keep ? ['--keep'] : [])], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const last = (r.stdout ?? '').trim().split('\n').at(-1);
  if (r.status !== 0 || !last) return { failed: `bench/scenario-drill.js exited ${r.status ?? r.signal} (its error is above)` };
  return JSON.parse(last);
}

/** The web UI's SLO list for 1,000 SLOs in Chromium, and the bundle's size; reported, not thrown, on failure. */
function uiScenario() {
  progress('web UI: the SLO list for 1,000 SLOs in Chromium, fresh context each run (bench/scenario-ui.js, about 20 s; --no-ui skips it)…');
  const r = spawnSync(process.execPath, [join(benchDir, 'scenario-ui.js')], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const last = (r.stdout ?? '').trim().split('\n').at(-1);
  if (r.status !== 0 || !last) return { failed: `bench/scenario-ui.js exited ${r.status ?? r.signal} (its error is above)` };
  return JSON.parse(last);
}

function cliScenarios() {
  const tmp = mkdtempSync(join(os.tmpdir(), 'vigil-bench-'));
  try {
    progress(`writing the ${fmtInt(sloCount)}-SLO fleet to ${tmp}/slos`);
    const fleet = generateFleet({ services: opts.services, slosPerService: opts.perService });
    mkdirSync(join(tmp, 'slos'), { recursive: true });
    for (const f of fleet.inputs) writeFileSync(join(tmp, f.path), f.text);

    progress('vigil generate (empty out/)…');
    const generateCold = runCli(['generate', '--slos', 'slos', '--out', 'out'], tmp);
    const out = dirStats(join(tmp, 'out'));
    progress('vigil generate again (nothing changed)…');
    const generateUnchanged = runCli(['generate', '--slos', 'slos', '--out', 'out'], tmp);
    progress(`vigil validate on the ${fmtInt(sloCount)}-SLO fleet…`);
    const validateFleet = runCli(['validate', '--slos', 'slos'], tmp);

    const repoSlos = join(repo, 'slos');
    const repoSpecFiles = existsSync(repoSlos) ? listFiles(repoSlos).filter((p) => /\.ya?ml$/.test(p)).length : 0;
    progress('vigil validate on the repository slos/ (median of 5)…');
    const validateRepoRuns = Array.from({ length: 5 }, () => runCli(['validate', '--slos', 'slos'], repo));
    progress('node start-up alone (median of 5)…');
    const nodeRuns = Array.from({ length: 5 }, () => timed(process.execPath, ['-e', '0'], repo));
    return {
      tempDir: opts.keep ? tmp : undefined,
      generateCold: { ...generateCold, output: out },
      generateUnchanged,
      validateFleet,
      validateRepo: {
        specFiles: repoSpecFiles,
        runsMs: validateRepoRuns.map((r) => r.wallMs),
        medianMs: median(validateRepoRuns.map((r) => r.wallMs)),
        maxRssBytes: Math.max(...validateRepoRuns.map((r) => r.maxRssBytes ?? 0)),
        exitCode: validateRepoRuns[0].exitCode,
        lastLine: validateRepoRuns[0].lastLine,
      },
      nodeStartup: { runsMs: nodeRuns.map((r) => r.wallMs), medianMs: median(nodeRuns.map((r) => r.wallMs)) },
    };
  } finally {
    if (!opts.keep) rmSync(tmp, { recursive: true, force: true });
  }
}

/** The real CLI in a fresh node process; wall time includes node start-up. Peak RSS via a preload that only reads it. */
function runCli(args, cwd) {
  const rssFile = join(os.tmpdir(), `vigil-bench-rss-${process.pid}-${Date.now()}`);
  const preload = pathToFileURL(join(benchDir, 'rss-preload.js')).href;
  const r = timed(process.execPath, ['--import', preload, cli, ...args], cwd, { VIGIL_BENCH_RSS_FILE: rssFile });
  let maxRssBytes;
  try {
    maxRssBytes = Number(readFileSync(rssFile, 'utf8')) * 1024;
    rmSync(rssFile, { force: true });
  } catch {
    maxRssBytes = undefined;
  }
  return { command: `vigil ${args.join(' ')}`, ...r, maxRssBytes };
}

function timed(cmd, args, cwd, env = {}) {
  const t = performance.now();
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 256 * 1024 * 1024 });
  const wallMs = performance.now() - t;
  const text = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n');
  return { wallMs, exitCode: r.status, lastLine: text.at(-1) ?? '' };
}

// ───────────────────────────────────────────── rendering

function render(r) {
  const c = r.compile;
  const lines = [];
  const row = (label, value, note = '') => lines.push(`  ${label.padEnd(46)} ${value}${note ? `   ${note}` : ''}`);
  lines.push('Vigil benchmarks: measured figures, not assertions (speed never fails this run)', '');
  const m = r.machine;
  lines.push('machine', `  ${m.cpu} · ${m.cores} cores · ${fmtBytes(m.totalMemoryBytes)} RAM · node ${m.node} · ${m.platform} ${m.arch}`);
  lines.push(`  load average (1 min) ${m.loadAverage1mAtStart.toFixed(2)} at start, ${m.loadAverage1mAtEnd.toFixed(2)} at end (other work on the machine inflates every figure)`, '');
  if (c) renderCompile(r, c, lines, row);
  if (r.cli) renderCli(r, c, lines, row);
  if (r.rules) renderRuleCost(r.rules, r.goals.ruleCost, lines, row);
  if (r.budget) renderBudget(r.budget, lines, row);
  if (r.jobs) renderJobs(r.jobs, lines, row);
  if (r.alerts) renderAlerts(r.alerts, r.goals, lines, row);
  if (r.drill) renderDrill(r.drill, lines, row);
  if (r.ui) renderUi(r.ui, r.goals, lines, row);
  lines.push('PASS / OVER GOAL are information only: this benchmark never fails on speed.', '');
  return lines.join('\n');
}

function renderCompile(r, c, lines, row) {
  const m = r.machine;
  lines.push(`generate+validate ${fmtInt(c.slos)} SLOs / ${fmtInt(c.services)} services: compile() in-process, fresh child process`);
  row(`wall time (median of ${c.runsMs.length}, after ${c.warmup} warm-up)`, fmtMs(c.medianMs), `runs: ${c.runsMs.map(fmtMs).join(', ')}`);
  row(`goal: under ${r.goals.compileMs / 1000} s on ${r.goals.compileOnCores} cores`, goal(c.medianMs, r.goals.compileMs), `(this machine: ${m.cores} cores; compile() is single-threaded)`);
  row('peak RSS (whole child: fleet texts + all runs)', fmtBytes(c.maxRssBytes), `RSS before the first compile: ${fmtBytes(c.rssBeforeCompileBytes)}`);
  if (c.phases) {
    const p = c.phases;
    row('phases (one extra run, not in the median)', `loadSpecs ${fmtMs(p.loadSpecsMs)} · validateFleet ${fmtMs(p.validateFleetMs)}`);
    row('', `rule model ${fmtMs(p.ruleModelMs)} · YAML serialisation ${fmtMs(p.yamlSerialiseMs)}`);
  }
  row('input', `${fmtInt(c.inputFiles)} files, ${fmtBytes(c.inputBytes)}, ${fmtInt(c.thresholdAlerts)} threshold alerts`);
  row('output', `${fmtInt(c.output.files)} files, ${fmtBytes(c.output.bytes)}`, `(*.rules.yaml ${fmtBytes(c.output.rulesYamlBytes)}, *.prometheusrule.yaml ${fmtBytes(c.output.prometheusRuleBytes)})`);
  const t = c.rules.total;
  row('rules in *.rules.yaml (PrometheusRule: same)', `${fmtInt(t.records)} recording, ${fmtInt(t.alerts)} alerting`, `(${(t.records / c.slos).toFixed(1)} + ${(t.alerts / c.slos).toFixed(1)} per SLO incl. threshold alerts)`);
  lines.push('');

  lines.push('rules per SLO by SLI kind (counted in the generated *.rules.yaml)');
  const windows = ['30d', '28d', '7d'];
  lines.push(`  ${'kind'.padEnd(22)}${'share'.padStart(7)}${'recording'.padStart(11)}${'alerting'.padStart(10)}   recording by window (${windows.join(' / ')})   single-SLO reference`);
  for (const [kind, k] of Object.entries(c.rules.byKind)) {
    const range = (min, max) => (min === max ? String(min) : `${min}–${max}`);
    const byWin = windows.map((w) => (k.byWindow[w] ? (k.byWindow[w].records / k.byWindow[w].slos).toFixed(0) : '-')).join(' / ');
    const ref = r.kinds.rules.byKind[kind];
    lines.push(
      `  ${kind.padEnd(22)}${`${((100 * k.slos) / c.slos).toFixed(0)}%`.padStart(7)}${range(k.recordsMin, k.recordsMax).padStart(11)}${range(k.alertsMin, k.alertsMax).padStart(10)}   ${byWin.padEnd(34)}   ${ref ? `${ref.records} rec + ${ref.alerts} alerts (30d)` : ''}`,
    );
  }
  const th = c.rules.thresholdAlertGroups;
  lines.push(`  ${'threshold alerts'.padEnd(22)}${''.padStart(7)}${'0'.padStart(11)}${String(th.alerts / Math.max(1, th.groups)).padStart(10)}   per service (${fmtInt(th.groups)} groups)`, '');
}

function renderCli(r, c, lines, row) {
  const x = r.cli;
  const slos = c?.slos ?? sloCount;
  lines.push('CLI end-to-end on disk (fresh node process each; wall time includes node start-up)');
  const cliRow = (label, run, note = '') =>
    row(label, fmtMs(run.wallMs ?? run.medianMs), [`peak RSS ${fmtBytes(run.maxRssBytes)}`, run.exitCode === 0 ? '' : `EXIT ${run.exitCode}`, note].filter(Boolean).join(' · '));
  cliRow(`vigil generate, ${fmtInt(slos)} SLOs, empty out/`, x.generateCold, `"${x.generateCold.lastLine}"`);
  row('', `wrote ${fmtInt(x.generateCold.output.files)} files, ${fmtBytes(x.generateCold.output.bytes)}`);
  cliRow('vigil generate again, nothing changed', x.generateUnchanged, `"${x.generateUnchanged.lastLine}"`);
  cliRow(`vigil validate, ${fmtInt(slos)} SLOs`, x.validateFleet, `"${x.validateFleet.lastLine}"`);
  const v = x.validateRepo;
  cliRow(`vigil validate slos/ of the repo (median of ${v.runsMs.length})`, v, `${v.specFiles} spec file(s) · "${v.lastLine}"`);
  row(`goal: well under ${r.goals.validateRepoMs / 1000} s`, goal(v.medianMs, r.goals.validateRepoMs), v.specFiles === 0 ? '(slos/ holds no specs yet: this is start-up + an empty read)' : '');
  row(`node start-up alone, node -e 0 (median of ${x.nodeStartup.runsMs.length})`, fmtMs(x.nodeStartup.medianMs));
  if (x.tempDir) row('fleet and output kept in', x.tempDir);
  lines.push('');
}

function renderAlerts(a, goals, lines, row) {
  lines.push('alert ingestion: Alertmanager v4 webhooks into node dist/main.js, one real PostgreSQL 15, pages to a local PagerDuty stand-in');
  if (a.failed) {
    lines.push(`  FAILED: ${a.failed}`, '');
    return;
  }
  const w = a.workload;
  const l = a.load;
  const v = a.verify;
  const e = a.endToEnd;
  lines.push(`  load average (1 min) ${a.loadAverage1mAtStart.toFixed(2)} at its start, ${a.loadAverage1mAtEnd.toFixed(2)} at its end; boot to ready ${fmtMs(a.bootMs)}`);
  row('workload', `${fmtInt(w.groups)} open groups (1–5 alerts each) re-sent, ${w.newPercent}% new groups; ${w.connections} conns × ${w.durationS} s${w.rate ? ` at ${fmtInt(w.rate)}/s` : ', closed loop'}`, `VIGIL_INGEST_MAX_INFLIGHT ${w.maxInFlight}, LOG_LEVEL ${w.logLevel}, PostgreSQL fsync ${w.fsync ? 'on' : 'off'}`);
  row('notifications acknowledged (2xx)', `${fmtInt(Math.round(l.notificationsPerSecond))}/s sustained`, `${fmtInt(l.acknowledged)} in ${l.seconds.toFixed(1)} s`);
  row(`goal: ≥ ${fmtInt(goals.alertsPerSecond)}/s`, l.notificationsPerSecond >= goals.alertsPerSecond ? 'PASS' : `OVER GOAL (${((100 * l.notificationsPerSecond) / goals.alertsPerSecond).toFixed(0)}% of the goal)`);
  row('latency (every answer)', `p50 ${l.latencyMs.p50} ms · p90 ${l.latencyMs.p90} ms · p99 ${l.latencyMs.p99} ms · max ${l.latencyMs.max} ms`);
  row(`goal: p99 < ${goals.alertsP99Ms} ms`, l.latencyMs.p99 < goals.alertsP99Ms ? 'PASS' : `OVER GOAL (${(l.latencyMs.p99 / goals.alertsP99Ms).toFixed(1)}×)`);
  row('non-2xx · of them 503 · errors · timeouts', `${l.non2xx} · ${l.status503} · ${l.errors} · ${l.timeouts}`, Object.entries(l.statuses).map(([s, n]) => `${s}: ${fmtInt(n)}`).join(', '));
  row('database vs acknowledged', `${fmtInt(v.acknowledged)} acknowledged, ${v.lost} lost, ${v.storedTwice} stored twice, ${v.storedUnacknowledged} stored after a non-2xx`, v.lost + v.storedTwice + v.storedUnacknowledged === 0 ? '' : 'NOT ZERO');
  row('', `${v.unanswered} cut off unanswered at the end, ${v.storedUnanswered} of them stored (Alertmanager would retry them: idempotent)`);
  row('incidents opened by new groups', `${fmtInt(v.newIncidents)} in the database for ${fmtInt(v.newGroupsStored)} new groups stored`, `${v.newIncidents === v.newGroupsStored ? '' : 'NOT EQUAL; '}${fmtInt(v.newIncidentsAcknowledged)} acknowledged, ${v.newIncidentsMissing} of them missing`);
  const ms = (x) => (x === null ? '?' : fmtMs(x));
  row('2xx → PagerDuty trigger received', `p50 ${ms(e.ms.p50)} · p99 ${ms(e.ms.p99)} · max ${ms(e.ms.max)}`, `${fmtInt(e.paged)} of ${fmtInt(e.incidents)} paged; last one ${fmtMs(Math.max(0, e.drainedAfterLoadMs))} after the load ended`);
  const c = l.cpu;
  if (c.vigil !== undefined) {
    row('CPU (cores busy, of the run)', `Vigil ${c.vigil.toFixed(2)} · its PostgreSQL ${c.postgres.toFixed(2)} · autocannon+stand-in ${c.bench.toFixed(2)} · machine ${c.machine.toFixed(2)} of ${c.cores}`);
    row('CPU per notification', `Vigil ${l.cpuMsPerNotification.vigil.toFixed(2)} ms · PostgreSQL ${l.cpuMsPerNotification.postgres.toFixed(2)} ms`, `(${c.cores} cores ÷ their sum: at most ${fmtInt(Math.round((1000 * c.cores) / (l.cpuMsPerNotification.vigil + l.cpuMsPerNotification.postgres)))}/s here)`);
  }
  lines.push('');
}

function renderDrill(d, lines, row) {
  lines.push('restore drill overhead: the same restore by hand (raw) and through runRestoreDrill (drill), alternated');
  if (d.failed) {
    lines.push(`  FAILED: ${d.failed}`, '');
    return;
  }
  const s = d.setup;
  const cores = (x) => (x === undefined ? '?' : x.toFixed(2));
  lines.push(`  load average (1 min) ${d.loadAverage1mAtStart.toFixed(2)} at its start, ${d.loadAverage1mAtEnd.toFixed(2)} at its end; machine CPU busy ${cores(d.machineBusyCoresAtStart)} cores before, ${cores(d.machineBusyCoresDuringRuns)} during the runs, ${cores(d.machineBusyCoresAtEnd)} after`);
  row('database', `pgbench scale ${s.scale}: ${fmtBytes(s.databaseBytes)}, base backup ${fmtBytes(s.baseBackupBytes)}`, `init ${fmtMs(s.pgbenchInitMs)}, pg_basebackup ${fmtMs(s.baseBackupMs)}`);
  row('WAL to replay (written after the backup)', fmtBytes(s.walAfterBackupBytes), `${fmtInt(s.transactionsAfterBackup)} pgbench transactions in ${s.pgbenchSeconds} s, ${s.clients} clients; ${s.archivedSegments} segments archived in all`);
  const m = d.medians;
  const runs = (kind, f) => d.runs.filter((x) => x.kind === kind && !x.warmup).map((x) => fmtMs(f(x))).join(', ');
  const n = d.runs.filter((x) => x.kind === 'raw' && !x.warmup).length;
  row(`raw: to validated (median of ${n})`, fmtMs(m.raw.toValidatedMs), `runs: ${runs('raw', (x) => x.toValidatedMs)}`);
  row('', ['copy', 'start', 'replay', 'validation'].map((p) => `${p} ${fmtMs(m.raw.phases[p])}`).join(' · '), `then stop ${fmtMs(m.raw.phases.stop)}, rm -rf ${fmtMs(m.raw.phases.remove)}`);
  row('raw: with stop and rm -rf', fmtMs(m.raw.wallMs), `runs: ${runs('raw', (x) => x.wallMs)}`);
  row(`drill: end to end (median of ${n})`, fmtMs(m.drill.wallMs), `runs: ${runs('drill', (x) => x.wallMs)}`);
  row('drill: its RTO (copy → validated)', fmtMs(m.drill.rtoMs), `runs: ${runs('drill', (x) => x.rtoMs)}`);
  row('', ['copy', 'start', 'wal-replay', 'first-write', 'validation'].map((p) => `${p} ${fmtMs(m.drill.phases[p])}`).join(' · ') + (m.drill.phases.other ? ` · other ${fmtMs(m.drill.phases.other)}` : ''));
  row('drill: outside the RTO', `verify ${fmtMs(m.drill.phases.verify)} (tool versions ${fmtMs(m.drill.steps.toolVersionsMs)}, pg_verifybackup + WAL checks ${fmtMs(m.drill.steps.verifyBackupMs)})`, `removal ${fmtMs(m.drill.steps.removeMs)}`);
  row('drill: tools it ran (median wall, --version calls included)', Object.entries(m.drill.tools).sort((a, b) => b[1].ms - a[1].ms).map(([t, x]) => `${t} ${x.calls > 1 ? `×${x.calls} ` : ''}${fmtMs(x.ms)}`).join(' · '));
  const ratio = (x) => `${x.toFixed(3)} (goal ≤ ${d.ratios.goal}: ${x <= d.ratios.goal ? 'PASS' : 'OVER GOAL'})`;
  const p = d.pairedRatios;
  const byRound = (k) => `rounds: ${p.byRound.map((x) => x[k].toFixed(2)).join(', ')}`;
  lines.push('  ratios: of the medians; and the median of each round\'s own ratio (steadier when the machine drifts)');
  row('drill end to end ÷ raw with teardown', ratio(d.ratios.wall), `paired ${p.wall.toFixed(3)}; ${byRound('wall')}`);
  row('the same without teardown', ratio(d.ratios.wallLessTeardown), `paired ${p.wallLessTeardown.toFixed(3)}; ${byRound('wallLessTeardown')}  ((drill − its removal) ÷ raw to validated)`);
  row('drill RTO ÷ raw to validated', ratio(d.ratios.rto), `paired ${p.rto.toFixed(3)}; ${byRound('rto')}  (the RTO leaves out pg_verifybackup, which raw does not do)`);
  const w = d.runs.filter((x) => x.warmup);
  if (w.length > 0) row('warm-up pair (not in the medians)', w.map((x) => `${x.kind} ${fmtMs(x.wallMs)}`).join(' · '));
  lines.push('');
}

function renderJobs(j, lines, row) {
  lines.push('durable jobs: delayed jobs due at the same second, two instances (processes) on one real PostgreSQL 15');
  if (j.failed) {
    lines.push(`  FAILED: ${j.failed}`, '');
    return;
  }
  lines.push(`  load average (1 min) ${j.loadAverage1mAtStart.toFixed(2)} at its start, ${j.loadAverage1mAtEnd.toFixed(2)} at its end`);
  row(`${fmtInt(j.jobs)} jobs, concurrency ${j.concurrency} per instance`, `${fmtInt(Math.round(j.jobsPerSecond))} jobs/s`, `all done ${j.spanSeconds.toFixed(2)} s after they fell due`);
  row('lateness (claimed − due)', `p50 ${fmtMs(j.latenessSeconds.p50 * 1000)} · p99 ${fmtMs(j.latenessSeconds.p99 * 1000)} · max ${fmtMs(j.latenessSeconds.max * 1000)}`, '(a queue of all of them at once: lateness is mostly waiting in line)');
  row('duplicates (runs, effects beyond one per job)', `${j.duplicateRuns}, ${j.duplicateEffects}`, j.duplicateRuns + j.duplicateEffects === 0 ? '' : 'NOT ZERO: a job ran twice');
  row('split', Object.entries(j.byInstance).map(([k, n]) => `${k} ${fmtInt(n)}`).join(' · '));
  lines.push('');
}

function renderRuleCost(rc, goals, lines, row) {
  if (rc.failed) {
    lines.push('rule cost in a real Prometheus', `  FAILED: ${rc.failed}`, '');
    return;
  }
  const s = rc.setup;
  lines.push(
    `rule cost in a real Prometheus, steady state: ${s.slos} SLOs, ${s.rawSeriesPerSlo} raw series each scraped every ${s.scrapeSeconds} s, ${s.historyDays} days of raw and recorded history`,
    `  Prometheus CPU per ${s.intervalSeconds} s evaluation round (longer-interval groups weighted; HTTP cost, median ${rc.overheadMsPerQuery.toFixed(2)} ms/query, taken out), median of ${rc.layouts.vigil.cpuMsRuns.length}`,
  );
  const labels = { vigil: 'Vigil (SLO window from 5m tiles)', untiled: 'Vigil before tiles', sloth: "Sloth's layout", classic: 'SRE Workbook classic (every window raw)' };
  for (const [k, v] of Object.entries(rc.layouts)) {
    row(labels[k] ?? k, `${v.cpuMsPerRound.toFixed(1)} ms`, `${fmtInt(v.samplesPerRound)} samples read · ${v.rules} rules in ${v.groups} groups · runs: ${v.cpuMsRuns.map((x) => x.toFixed(0)).join(', ')} ms`);
  }
  const pass = (x, g) => `${x.toFixed(2)}× (goal ≤ ${g}×: ${x <= g ? 'PASS' : 'OVER GOAL'})`;
  row('Vigil vs Sloth · vs classic', `${pass(rc.ratios.vigilToSloth, goals.sloth)} · ${pass(rc.ratios.vigilToClassic, goals.classic)}`);
  row('before tiles: vs Sloth · vs classic', `${rc.ratios.untiledToSloth.toFixed(2)}× · ${rc.ratios.untiledToClassic.toFixed(2)}×`, `samples read: Vigil ${rc.ratios.samplesVigilToSloth.toFixed(2)}× Sloth's`);
  lines.push('');
}

function renderUi(u, goals, lines, row) {
  lines.push('web UI: the SLO list in Debian\'s Chromium (playwright-core), app and PostgreSQL 15 on this machine');
  if (u.failed) {
    lines.push(`  FAILED: ${u.failed}`, '');
    return;
  }
  lines.push(`  load average (1 min) ${u.loadAverage1mAtStart.toFixed(2)} at its start, ${u.loadAverage1mAtEnd.toFixed(2)} at its end`);
  const rendered = median(u.runs.map((x) => x.renderedMs));
  const at = (k) => fmtMs(median(u.runs.map((x) => x.phasesMs[k])));
  row(`${fmtInt(u.slos)} SLOs rendered, from navigation (median of ${u.runs.length}, after ${u.warmup} warm-up)`, fmtMs(rendered), `runs: ${u.runs.map((x) => fmtMs(x.renderedMs)).join(', ')}`);
  row(`goal: under ${goals.uiRenderMs / 1000} s`, goal(rendered, goals.uiRenderMs), '(fresh browser context: the bundle is fetched each run)');
  row('arrived (median)', `script ${at('scriptEnd')} · /api/session ${at('sessionEnd')} · /api/budgets ${at('budgetsEnd')}`, `/api/budgets body ${fmtBytes(u.runs[0].budgetsApiBytes)}`);
  const js = u.shipped.js;
  row('JavaScript shipped (all of it, one file)', `${fmtBytes(js.gzipBytes)} gzip`, `${fmtBytes(js.bytes)} raw; CSS ${fmtBytes(u.shipped.css.gzipBytes)} gzip`);
  row(`goal: under ${fmtBytes(goals.uiJsGzipBytes)} gzip`, js.gzipBytes <= goals.uiJsGzipBytes ? `PASS (${((100 * js.gzipBytes) / goals.uiJsGzipBytes).toFixed(0)}% of the goal)` : 'OVER GOAL');
  lines.push('');
}

function renderBudget(b, lines, row) {
  if (b.failed) {
    lines.push('budget cycle against a real Prometheus', `  FAILED: ${b.failed}`, '');
    return;
  }
  const h = b.history;
  lines.push(`budget cycle: readBudgets() on ${fmtInt(b.slos)} SLOs / ${fmtInt(b.services)} services, real Prometheus, fresh child process`);
  lines.push(`  load average (1 min) ${b.loadAverage1mAtStart.toFixed(2)} at its start, ${b.loadAverage1mAtEnd.toFixed(2)} at its end; whole scenario ${fmtMs(b.totalMs)}`);
  row('history, 1 sample a minute', `${h.rawDays.toFixed(2)} days raw + ${h.recordedDays.toFixed(2)} days of 5m recordings`, `${fmtInt(h.series)} series, ${(h.samples / 1e6).toFixed(1)} M samples, TSDB ${fmtBytes(h.tsdbBytes)}`);
  row('', `written in ${fmtMs(h.writeMs)} (${fmtBytes(h.bytes)} OpenMetrics), write + promtool backfill ${fmtMs(h.backfillMs)}`);
  const cases = [
    ['recorded', 'recorded: every SLO 7d, recordings cover it'],
    ['mixed', `mixed: ${Object.entries(b.windows.mixed).map(([w, n]) => `${w} ×${n}`).join(', ')}`],
    ['raw', 'raw: the same, no recordings (first cycle)'],
  ];
  for (const [key, label] of cases) {
    const c = b.cycles[key];
    if (!c) continue;
    if (c.error) {
      row(label, `FAILED: ${c.error}`);
      continue;
    }
    const timing = c.runsMs.length > 1 ? `${fmtMs(c.medianMs)} median of ${c.runsMs.length}, after ${c.warmup} warm-up` : `${fmtMs(c.medianMs)} (1 run, no warm-up)`;
    row(label, timing, c.runsMs.length > 1 ? `runs: ${c.runsMs.map(fmtMs).join(', ')}` : '');
    const sources = Object.entries(c.bySource).map(([s, n]) => `${fmtInt(n)} ${s}`).join(', ');
    row('', `${c.queries} queries${key === 'recorded' ? ` (goal ≤ 10: ${c.queries <= 10 ? 'PASS' : 'OVER GOAL'})` : ''} · sources: ${sources} · slowest query ${fmtMs(c.queryMs.slowest)} · largest query text ${fmtBytes(c.queryTextBytes.max)}`);
    row('', `counts vs the workload's truth: max relative error ${c.accuracy.maxRelErrorTotal.toExponential(1)} (total), ${c.accuracy.maxRelErrorBad.toExponential(1)} (bad)`);
  }
  lines.push(
    `  recorded: one query reads every SLO's 7d of 1-minute recordings; a 30d fleet's would read ${(30 / 7).toFixed(1)}× the samples (not measured here).`,
    `  mixed/raw: windows longer than the history read its ${h.rawDays.toFixed(1)} days of raw series only; 30 days of raw history would cost more.`,
    '',
  );
  const a = b.api;
  if (a) {
    const l = a.load;
    lines.push('API under load: the app (createApp, PostgreSQL 15, that Prometheus, the 7d fleet) in its own process; autocannon here');
    row('app boot to listening', fmtMs(a.bootMs), a.firstCycle ? `first budget ${fmtMs(a.firstBudgetAfterListenMs)} after listen (cycle: ${a.firstCycle.queries} queries, ${a.firstCycle.seconds.toFixed(2)} s)` : '');
    row(`autocannon, ${l.connections} conns × ${l.durationS} s, ${l.paths.length} paths`, `${fmtInt(Math.round(l.requestsPerSecond))} req/s · p50 ${l.latencyMs.p50} ms · p90 ${l.latencyMs.p90} ms · p99 ${l.latencyMs.p99} ms · max ${l.latencyMs.max} ms`);
    row('requests · non-2xx · errors · timeouts', `${fmtInt(l.requests)} · ${l.non2xx} · ${l.errors} · ${l.timeouts}`, 'client, app, Prometheus and PostgreSQL share the machine');
    lines.push('');
  }
}

function goal(ms, goalMs) {
  const share = `${fmtMs(ms)} = ${((100 * ms) / goalMs).toFixed(0)}% of the goal`;
  return ms <= goalMs ? `PASS (${share})` : `OVER GOAL (${share}, ${(ms / goalMs).toFixed(1)}×)`;
}

// ───────────────────────────────────────────── helpers

function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model?.trim() ?? 'unknown',
    cores: cpus.length,
    availableParallelism: os.availableParallelism?.() ?? cpus.length,
    totalMemoryBytes: os.totalmem(),
    node: process.version,
    platform: os.platform(),
    arch: os.arch(),
    loadAverage1mAtStart: os.loadavg()[0],
  };
}

function dirStats(dir) {
  const files = listFiles(dir);
  return { files: files.length, bytes: files.reduce((n, f) => n + statSync(f).size, 0) };
}

function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : [],
  );
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function fmtInt(n) {
  return n.toLocaleString('en-US');
}

function fmtMs(ms) {
  if (ms === undefined) return '?';
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}

function fmtBytes(b) {
  if (b === undefined || !Number.isFinite(b)) return '?';
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let i = 0;
  while (b >= 1024 && i < units.length - 1) {
    b /= 1024;
    i++;
  }
  return `${b.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}
