#!/usr/bin/env node
// `vigil validate` on one multi-megabyte spec file, to show validation stays linear in its size:
// a service with a huge `labels:` map, SLOs by the thousand, threshold alerts by the ten thousand.
//
//   node bench/large-spec.js [--runs 3]
//
// Each shape is written into a fresh folder and validated with the real CLI (`node bin/vigil.js
// validate`) in a child process; its user CPU time (from /proc, Node's start-up included) is
// printed, median of --runs. Information only: nothing fails on speed.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchArgs } from './args.js';

const args = benchArgs(process.argv.slice(2), { numbers: { runs: 3 }, flags: [] }, 'bench/large-spec.js');
const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'vigil.js');

const slo = (i) =>
  [
    `  - name: route-${i}-availability`,
    `    description: Share of requests to route ${i} answered without a 5xx, measured at the gateway.`,
    '    objective: 99.9',
    '    sli:',
    '      events:',
    `        errorQuery: http_requests_total{service="big",route="/api/v1/resource-${i}",code=~"5.."}`,
    `        totalQuery: http_requests_total{service="big",route="/api/v1/resource-${i}"}`,
  ].join('\n');
const alert = (i) => [`  - name: Alert${i}`, `    expr: up{job="j${i}"} == 0`, '    severity: warning', `    summary: job ${i} is down`].join('\n');
const range = (n, f) => Array.from({ length: n }, (_, i) => f(i)).join('\n');
const ONE_SLO = '  - name: a\n    objective: 99\n    sli: { events: { errorQuery: e_total, totalQuery: t_total } }';

const shapes = [
  ['labels: 30,000 keys', `apiVersion: vigil/v1\nservice: big\nlabels:\n${range(30_000, (i) => `  l${i}: v${i}`)}\nslos:\n${ONE_SLO}\n`],
  ...[1000, 2000, 4000].map((n) => [`SLOs: ${n.toLocaleString('en')}`, `apiVersion: vigil/v1\nservice: big\nslos:\n${range(n, slo)}\n`]),
  ['threshold alerts: 20,000', `apiVersion: vigil/v1\nservice: big\nalerts:\n${range(20_000, alert)}\n`],
];

/** User CPU seconds of `vigil validate` in `dir`: this process's cutime (its waited-for children's user time, proc(5)) before and after. */
function validateUserSeconds(dir) {
  const before = childrenUserSeconds();
  const r = spawnSync(process.execPath, [cli, 'validate'], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`vigil validate exited ${r.status}: ${r.stderr}`);
  return childrenUserSeconds() - before;
}

function childrenUserSeconds() {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  // After "pid (comm) ", fields start at state (field 3); cutime is field 16. Clock ticks: 100/s on Linux.
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16 - 3]) / 100;
}

const rows = [];
for (const [name, text] of shapes) {
  const dir = mkdtempSync(join(os.tmpdir(), 'vigil-bench-large-'));
  try {
    mkdirSync(join(dir, 'slos'));
    writeFileSync(join(dir, 'slos', 'big.yaml'), text);
    const times = Array.from({ length: args.runs }, () => validateUserSeconds(dir)).sort((a, b) => a - b);
    rows.push([name, `${(Buffer.byteLength(text) / 1024).toFixed(0)} KiB`, `${times[Math.floor(times.length / 2)].toFixed(2)} s`]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
process.stdout.write(`vigil validate on one large file: user CPU of the child, median of ${args.runs} (load ${os.loadavg()[0].toFixed(1)})\n`);
for (const [name, size, time] of rows) process.stdout.write(`  ${name.padEnd(26)} ${size.padStart(9)}   ${time}\n`);
