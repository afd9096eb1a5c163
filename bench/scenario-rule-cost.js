#!/usr/bin/env node
// Steady-state cost of SLO rules in a real Prometheus: Vigil's layout against Sloth's and the SRE
// Workbook's (bench/rule-cost-layouts.js), for the same SLOs over the same history.
//
//   node bench/scenario-rule-cost.js [--slos 20] [--instances 10] [--days 30] [--scrape 60]
//                                    [--interval 30] [--rounds 5] [--min-ms 1500] [--keep]
//
// Needs `npm run build` first (it imports dist/), promtool and prometheus. Progress on stderr; one
// JSON object on stdout (bench/run.js renders it).
//
// History: --days + 1 days of raw request counters, 2 × --instances series per SLO (codes 200 and
// 500) scraped every --scrape seconds, and the recorded series the layouts' long windows read, as
// if their rules had run all along (Vigil's 30 s rates and 5m tiles, Sloth's 5m ratio): written
// as OpenMetrics, backfilled with promtool, then one Prometheus on it with no rules loaded.
//
// Measured: a rule evaluation is an instant query at the evaluation time, so each layout's rules
// are run as instant queries at the end of the history, one at a time as a group evaluates them,
// and Prometheus' own CPU time (utime + stime of its process) is read around them. Groups with a
// longer interval (Vigil's tiles: 5m) are weighted by how often they run against the global
// interval. The HTTP cost of a query (measured with `vector(1)` right before each class of rules)
// is subtracted: the rule manager does not pay it. The layouts alternate, each --rounds times; figures are medians. Samples read
// per round come from Prometheus' own query statistics (`stats=all`), which do not depend on the
// machine's speed.

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { benchArgs } from './args.js';
import { layouts, layoutYaml } from './rule-cost-layouts.js';
import { writeRuleCostHistory } from './rule-cost-history.js';
import { cleanupsOnExit, importOpenMetrics, printResult, startPrometheus } from './servers.js';

const args = benchArgs(
  process.argv.slice(2),
  { numbers: { slos: 20, instances: 10, days: 30, scrape: 60, interval: 30, rounds: 5, 'min-ms': 1500 }, flags: ['keep'] },
  'bench/scenario-rule-cost.js',
);
const progress = (msg) => process.stderr.write(`[bench] ${msg}\n`);
const run = promisify(execFile);
const PROMTOOL = process.env.PROMTOOL ?? 'promtool';
const DAY = 86400;
const TILE_SECONDS = 300;
const TICK_MS = 1000 / 100; // USER_HZ: /proc reports CPU time in 1/100 s on Linux

const { cleanups, cleanup } = cleanupsOnExit(progress);
const started = performance.now();
const tmp = mkdtempSync(join(os.tmpdir(), 'vigil-bench-rule-cost-'));
cleanups.push(async () => (args.keep ? progress(`kept ${tmp}`) : rmSync(tmp, { recursive: true, force: true })));
await printResult(main, cleanup);

async function main() {
  const slos = Array.from({ length: args.slos }, (_, i) => {
    const name = `s${String(i + 1).padStart(2, '0')}`;
    return { name, errors: `requests_total{slo="${name}",code="500"}`, total: `requests_total{slo="${name}"}` };
  });
  const all = layouts(slos, args.interval);
  for (const [name, groups] of Object.entries(all)) {
    const file = join(tmp, `${name}.rules.yaml`);
    writeFileSync(file, layoutYaml(groups));
    await run(PROMTOOL, ['check', 'rules', file]).catch((err) => {
      throw new Error(`the ${name} layout does not pass promtool check rules:\n${err.stdout}${err.stderr}`);
    });
  }

  // Whole tiles before now: the end of the history and the time every rule is evaluated at.
  const end = Math.floor(Date.now() / 1000 / TILE_SECONDS) * TILE_SECONDS - TILE_SECONDS;
  const start = end - (args.days + 1) * DAY;
  const history = join(tmp, 'history.om');
  progress(`writing ${args.days + 1} days of history: ${args.slos} SLOs × ${2 * args.instances} raw series every ${args.scrape} s, and the recordings…`);
  let t = performance.now();
  const samples = await writeRuleCostHistory(history, {
    start,
    end,
    scrapeSeconds: args.scrape,
    intervalSeconds: args.interval,
    tileSeconds: TILE_SECONDS,
    slos: slos.map((s) => ({
      name: s.name,
      raw: Array.from({ length: args.instances }, (_, i) => ['200', '500'].map((code) => ({ labels: { slo: s.name, i: String(i), code } }))).flat(),
      vigil: {
        error: recordedLabels(all.vigil, `vigil-bench-${s.name}-sli`, 'slo:sli_error:rate5m'),
        total: recordedLabels(all.vigil, `vigil-bench-${s.name}-sli`, 'slo:sli_total:rate5m'),
        errorTile: recordedLabels(all.vigil, `vigil-bench-${s.name}-sli-tiles`, 'slo:sli_error:rate5m_every5m'),
        totalTile: recordedLabels(all.vigil, `vigil-bench-${s.name}-sli-tiles`, 'slo:sli_total:rate5m_every5m'),
      },
      sloth: { sloth_id: `bench-${s.name}`, sloth_service: 'bench', sloth_slo: s.name, sloth_window: '5m' },
    })),
  });
  const writeSeconds = (performance.now() - t) / 1000;
  const historyBytes = statSync(history).size;
  progress(`${fmtInt(samples)} samples (${(historyBytes / 2 ** 30).toFixed(2)} GiB of OpenMetrics) in ${writeSeconds.toFixed(1)} s; promtool backfills them…`);
  t = performance.now();
  const dataDir = join(tmp, 'data');
  await importOpenMetrics(history, dataDir);
  rmSync(history);
  const importSeconds = (performance.now() - t) / 1000;
  progress(`backfilled in ${importSeconds.toFixed(1)} s; starting Prometheus`);

  const prom = await startPrometheus(dataDir);
  cleanups.push(() => prom.stop());
  const query = queryAt(prom.url, end);
  const cpuMs = () => cpuTicks(prom.pid) * TICK_MS;

  // Every layout's reads, checked before timing: a rule that reads nothing would look cheap.
  const rounds = {};
  for (const [name, groups] of Object.entries(all)) {
    const classes = [...new Set(groups.map((g) => g.interval))].map((interval) => ({
      interval,
      exprs: groups.filter((g) => g.interval === interval).flatMap((g) => g.rules.map((r) => r.expr)),
    }));
    let samplesPerRound = 0;
    for (const c of classes) {
      let read = 0;
      for (const expr of c.exprs) read += (await query(expr, true)).samples;
      c.samples = read;
      samplesPerRound += (read * args.interval) / c.interval;
    }
    rounds[name] = { classes, samplesPerRound, rules: groups.reduce((n, g) => n + g.rules.length, 0), groups: groups.length, cpuMs: [] };
  }
  for (const name of ['vigil', 'untiled', 'sloth']) {
    const longest = rounds[name].classes.flatMap((c) => c.exprs).find((e) => e.includes('[30d]'));
    if (!longest || (await query(longest, true)).series !== 1) throw new Error(`${name}: its 30d window reads no history: ${longest}`);
  }

  // The HTTP cost of a query, to take out of every rule's: measured right before each class of
  // rules, since it drifts with the machine as much as the rules' own cost does.
  const overheadMs = [];
  const names = Object.keys(rounds);
  progress(`measuring ${args.rounds} rounds…`);
  for (let r = 0; r < args.rounds; r++) {
    for (const name of [...names.slice(r % names.length), ...names.slice(0, r % names.length)]) {
      let perRound = 0;
      for (const c of rounds[name].classes) {
        const overhead = await perQueryMs(query, cpuMs, ['vector(1)'], args['min-ms'] / 2);
        overheadMs.push(overhead);
        const ms = (await perQueryMs(query, cpuMs, c.exprs, args['min-ms'])) - overhead;
        perRound += (Math.max(0, ms) * c.exprs.length * args.interval) / c.interval;
      }
      rounds[name].cpuMs.push(perRound);
    }
    progress(`round ${r + 1}: ${names.map((n) => `${n} ${rounds[n].cpuMs.at(-1).toFixed(1)} ms`).join(', ')}`);
  }

  const result = Object.fromEntries(
    names.map((n) => [n, { rules: rounds[n].rules, groups: rounds[n].groups, samplesPerRound: Math.round(rounds[n].samplesPerRound), cpuMsPerRound: median(rounds[n].cpuMs), cpuMsRuns: rounds[n].cpuMs }]),
  );
  const ratio = (a, b) => result[a].cpuMsPerRound / result[b].cpuMsPerRound;
  return {
    scenario: 'rule-cost',
    setup: { slos: args.slos, rawSeriesPerSlo: 2 * args.instances, historyDays: args.days + 1, scrapeSeconds: args.scrape, intervalSeconds: args.interval, samples, historyBytes, writeSeconds, importSeconds },
    overheadMsPerQuery: median(overheadMs),
    layouts: result,
    ratios: {
      vigilToSloth: ratio('vigil', 'sloth'),
      vigilToClassic: ratio('vigil', 'classic'),
      untiledToSloth: ratio('untiled', 'sloth'),
      untiledToClassic: ratio('untiled', 'classic'),
      samplesVigilToSloth: result.vigil.samplesPerRound / result.sloth.samplesPerRound,
      samplesVigilToClassic: result.vigil.samplesPerRound / result.classic.samplesPerRound,
    },
    seconds: (performance.now() - started) / 1000,
  };
}

function recordedLabels(groups, groupName, record) {
  const rule = groups.find((g) => g.name === groupName)?.rules.find((r) => r.record === record);
  if (!rule) throw new Error(`no ${record} in group ${groupName}: did Vigil's rule layout change?`);
  return rule.labels;
}

/** Instant queries at `time`; with `stats`, also the samples Prometheus read and the series returned. */
function queryAt(url, time) {
  return async (promql, stats = false) => {
    const params = new URLSearchParams({ query: promql, time: String(time), ...(stats ? { stats: 'all' } : {}) });
    const res = await fetch(`${url}/api/v1/query`, { method: 'POST', body: params });
    const body = await res.json();
    if (body.status !== 'success') throw new Error(`${promql}: ${body.error}`);
    return { series: body.data.result.length, samples: body.data.stats?.samples?.totalQueryableSamples ?? 0 };
  };
}

/** Prometheus CPU per query over the list, repeated until at least `minMs` of wall time has passed. */
async function perQueryMs(query, cpuMs, exprs, minMs) {
  const begin = performance.now();
  const before = cpuMs();
  let n = 0;
  do {
    for (const e of exprs) await query(e);
    n += exprs.length;
  } while (performance.now() - begin < minMs);
  return (cpuMs() - before) / n;
}

function cpuTicks(pid) {
  // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are the 12th and 13th.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function fmtInt(n) {
  return n.toLocaleString('en-US');
}
