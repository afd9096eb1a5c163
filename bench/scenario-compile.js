#!/usr/bin/env node
// One benchmark scenario, meant to run in a fresh process so its peak RSS is its own:
// compile() in-process on a synthetic fleet. Prints one JSON object on stdout.
//
//   node bench/scenario-compile.js [--services 1000] [--per-service 10] [--runs 3] [--warmup 1] [--no-phases] [--kinds]
//
// --kinds compiles one single-SLO service per SLI kind instead (rules-per-kind reference).
// Profile it with: node --cpu-prof --cpu-prof-dir=/tmp/vigil-prof bench/scenario-compile.js --runs 1 --warmup 0 --no-phases

import { compile } from '../dist/core/compile.js';
import { benchArgs } from './args.js';
import { generateFleet, oneOfEachKind } from './fleet.js';

const args = benchArgs(
  process.argv.slice(2),
  { numbers: { services: 1000, 'per-service': 10, runs: 3, warmup: 1 }, flags: ['no-phases', 'kinds'] },
  'bench/scenario-compile.js',
);
const opts = { ...args, perService: args['per-service'], runs: Math.max(1, args.runs), phases: !args['no-phases'] };
const t0 = performance.now();
const fleet = opts.kinds ? oneOfEachKind() : generateFleet({ services: opts.services, slosPerService: opts.perService });
const fleetMs = performance.now() - t0;
const inputBytes = fleet.inputs.reduce((n, i) => n + Buffer.byteLength(i.text), 0);
const rssBeforeCompileBytes = process.memoryUsage().rss;

for (let i = 0; i < opts.warmup; i++) check(compile(fleet.inputs));
const runsMs = [];
let last;
for (let i = 0; i < opts.runs; i++) {
  last = undefined; // let the previous output go before the next run
  const t = performance.now();
  last = compile(fleet.inputs);
  runsMs.push(performance.now() - t);
  check(last);
}
const maxRssAfterRunsKb = process.resourceUsage().maxRSS;

const phases = opts.phases ? await phaseRun(fleet.inputs) : undefined;

const result = {
  scenario: opts.kinds ? 'compile-one-slo-per-kind' : 'compile',
  services: new Set(fleet.slos.map((s) => s.service)).size,
  slos: fleet.slos.length,
  thresholdAlerts: fleet.alerts,
  inputFiles: fleet.inputs.length,
  inputBytes,
  fleetGenerationMs: fleetMs,
  warmup: opts.warmup,
  runsMs,
  medianMs: median(runsMs),
  rssBeforeCompileBytes,
  // process.resourceUsage().maxRSS is in KiB: the peak of this whole process (fleet texts included).
  maxRssBytes: maxRssAfterRunsKb * 1024,
  phases,
  output: last ? outputStats(last.files) : undefined,
  rules: last ? rulesByKind(last.files, fleet.slos) : undefined,
  diagnostics: last ? last.diagnostics.length : undefined,
};
process.stdout.write(`${JSON.stringify(result)}\n`);

function check(compilation) {
  if (compilation.diagnostics.length > 0) {
    const first = compilation.diagnostics.slice(0, 5).map((d) => `${d.file}:${d.line}:${d.col}: ${d.message}`);
    throw new Error(`the synthetic fleet has ${compilation.diagnostics.length} problem(s), e.g.\n${first.join('\n')}`);
  }
}

/** The same work as compile(), phase by phase (one extra run, not part of the median). */
async function phaseRun(inputs) {
  const { loadSpecs } = await import('../dist/core/definitions/load-specs.js');
  const { validateFleet } = await import('../dist/core/validate/validate-fleet.js');
  const { serviceRuleGroups, ruleFiles } = await import('../dist/core/generate/rule-files.js');
  const lap = (() => {
    let t = performance.now();
    return () => {
      const now = performance.now();
      const d = now - t;
      t = now;
      return d;
    };
  })();
  const loaded = loadSpecs(inputs);
  const loadMs = lap();
  const validated = validateFleet(loaded.documents);
  const validateMs = lap();
  validated.fleet.services.forEach((s) => serviceRuleGroups(s));
  const ruleModelMs = lap();
  // ruleFiles() builds the rule model again and serialises it: the difference is the YAML.
  const bytes = ruleFiles(validated.fleet).reduce((n, f) => n + f.content.length, 0);
  const yamlMs = Math.max(0, lap() - ruleModelMs);
  return { loadSpecsMs: loadMs, validateFleetMs: validateMs, ruleModelMs, yamlSerialiseMs: yamlMs, yamlBytes: bytes };
}

function outputStats(files) {
  const bytes = (pred) => files.filter(pred).reduce((n, f) => n + Buffer.byteLength(f.content), 0);
  return {
    files: files.length,
    bytes: bytes(() => true),
    rulesYamlBytes: bytes((f) => f.path.endsWith('.rules.yaml')),
    prometheusRuleBytes: bytes((f) => f.path.endsWith('.prometheusrule.yaml')),
  };
}

/**
 * Counts `record:` and `alert:` per rule group in the plain *.rules.yaml files (the PrometheusRule
 * files hold the same groups) and attributes each SLO's groups (vigil-<service>-<slo>-sli /
 * -alerts) to its SLI kind; other groups are the services' threshold alerts.
 */
function rulesByKind(files, slos) {
  const sloOfGroup = new Map();
  for (const s of slos) {
    sloOfGroup.set(`vigil-${s.service}-${s.slo}-sli`, s);
    sloOfGroup.set(`vigil-${s.service}-${s.slo}-alerts`, s);
    sloOfGroup.set(`vigil-${s.service}-${s.slo}-sli-tiles`, s);
  }
  const perSlo = new Map(); // "service/slo" → { kind, window, records, alerts }
  const other = { groups: 0, records: 0, alerts: 0 };
  let records = 0;
  let alerts = 0;
  for (const f of files) {
    if (!f.path.endsWith('.rules.yaml')) continue;
    let target = other;
    for (const line of f.content.split('\n')) {
      const group = /^\s*- name: (\S+)\s*$/.exec(line);
      if (group) {
        const s = sloOfGroup.get(group[1]);
        if (s) {
          const k = `${s.service}/${s.slo}`;
          if (!perSlo.has(k)) perSlo.set(k, { kind: s.kind, window: s.window, records: 0, alerts: 0 });
          target = perSlo.get(k);
        } else {
          target = other;
          other.groups++;
        }
        continue;
      }
      if (/^\s*- record: /.test(line)) {
        target.records++;
        records++;
      } else if (/^\s*- alert: /.test(line)) {
        target.alerts++;
        alerts++;
      }
    }
  }
  const byKind = {};
  for (const s of perSlo.values()) {
    const k = (byKind[s.kind] ??= { slos: 0, records: 0, alerts: 0, recordsMin: Infinity, recordsMax: 0, alertsMin: Infinity, alertsMax: 0, byWindow: {} });
    k.slos++;
    k.records += s.records;
    k.alerts += s.alerts;
    k.recordsMin = Math.min(k.recordsMin, s.records);
    k.recordsMax = Math.max(k.recordsMax, s.records);
    k.alertsMin = Math.min(k.alertsMin, s.alerts);
    k.alertsMax = Math.max(k.alertsMax, s.alerts);
    const w = (k.byWindow[s.window] ??= { slos: 0, records: 0, alerts: 0 });
    w.slos++;
    w.records += s.records;
    w.alerts += s.alerts;
  }
  return { total: { records, alerts }, sloGroupsFound: perSlo.size, thresholdAlertGroups: other, byKind };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
