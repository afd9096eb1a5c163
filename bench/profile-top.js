#!/usr/bin/env node
// Top functions of a V8 .cpuprofile (from `node --cpu-prof`): self time, inclusive time, and self
// time by file and by package.
//
//   node --cpu-prof --cpu-prof-dir=/tmp/vigil-prof bench/scenario-compile.js --runs 1 --warmup 0
//   node bench/profile-top.js /tmp/vigil-prof/CPU.*.cpuprofile [--top 25] [--json]

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { relative } from 'node:path';

const args = process.argv.slice(2);
const json = args.includes('--json');
const topIdx = args.indexOf('--top');
const top = topIdx >= 0 ? Number(args[topIdx + 1]) : 25;
const file = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--top');
if (!file) {
  process.stderr.write('usage: node bench/profile-top.js FILE.cpuprofile [--top N] [--json]\n');
  process.exit(2);
}

const root = fileURLToPath(new URL('..', import.meta.url));
const profile = JSON.parse(readFileSync(file, 'utf8'));
const summary = summarise(profile, top);

if (json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
else {
  const ms = (x) => `${x.toFixed(0)} ms`.padStart(9);
  const pct = (x) => `${((100 * x) / summary.totalMs).toFixed(1)}%`.padStart(6);
  const out = [`profile ${file}: ${summary.totalMs.toFixed(0)} ms sampled`, '', 'self time by function:'];
  for (const f of summary.bySelf) out.push(`${ms(f.selfMs)} ${pct(f.selfMs)}  ${f.name}  ${f.where}`);
  out.push('', 'inclusive time by function (first frame per stack counts once):');
  for (const f of summary.byTotal) out.push(`${ms(f.totalMs)} ${pct(f.totalMs)}  ${f.name}  ${f.where}`);
  out.push('', 'self time by file:');
  for (const f of summary.byFile) out.push(`${ms(f.selfMs)} ${pct(f.selfMs)}  ${f.file}`);
  out.push('', 'self time by package:');
  for (const f of summary.byPackage) out.push(`${ms(f.selfMs)} ${pct(f.selfMs)}  ${f.package}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

function summarise(p, n) {
  const nodes = new Map(p.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of p.nodes) for (const c of node.children ?? []) parent.set(c, node.id);

  // Time per sample: timeDeltas[i] is the gap before sample i; attribute it to sample i.
  const selfUs = new Map();
  p.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, p.timeDeltas[i] ?? 0)));
  const totalMs = [...selfUs.values()].reduce((a, b) => a + b, 0) / 1000;

  const key = (node) => {
    const cf = node.callFrame;
    return `${cf.functionName || '(anonymous)'}\u0000${where(cf)}`;
  };
  const self = new Map();
  const total = new Map();
  const byFile = new Map();
  const byPackage = new Map();
  for (const [id, us] of selfUs) {
    const node = nodes.get(id);
    const k = key(node);
    self.set(k, (self.get(k) ?? 0) + us);
    const f = fileOf(node.callFrame);
    byFile.set(f, (byFile.get(f) ?? 0) + us);
    const pkg = packageOf(f);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
    // Inclusive: every distinct function on the stack gets the sample once (recursion counted once).
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const ck = key(nodes.get(cur));
      if (seen.has(ck)) continue;
      seen.add(ck);
      total.set(ck, (total.get(ck) ?? 0) + us);
    }
  }
  const split = (k) => {
    const [name, w] = k.split('\u0000');
    return { name, where: w };
  };
  const sorted = (m) => [...m].sort((a, b) => b[1] - a[1]);
  return {
    file,
    totalMs,
    bySelf: sorted(self).slice(0, n).map(([k, us]) => ({ ...split(k), selfMs: us / 1000 })),
    byTotal: sorted(total)
      .filter(([k]) => !/^\((root|program|idle|garbage collector)\)/.test(k))
      .slice(0, n)
      .map(([k, us]) => ({ ...split(k), totalMs: us / 1000 })),
    byFile: sorted(byFile).slice(0, n).map(([f, us]) => ({ file: f, selfMs: us / 1000 })),
    byPackage: sorted(byPackage).map(([pkg, us]) => ({ package: pkg, selfMs: us / 1000 })),
  };
}

function fileOf(cf) {
  if (!cf.url) return cf.functionName.startsWith('(') ? cf.functionName : '(native)';
  let path = cf.url;
  try {
    if (path.startsWith('file:')) path = fileURLToPath(path);
  } catch {
    /* keep the url */
  }
  return path.startsWith(root) ? relative(root, path) : path;
}

function where(cf) {
  const f = fileOf(cf);
  return cf.url ? `${f}:${cf.lineNumber + 1}:${cf.columnNumber + 1}` : f;
}

function packageOf(f) {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f);
  if (m) return m[1];
  if (f.startsWith('dist/')) return `vigil ${f.split('/').slice(0, 3).join('/')}`;
  if (f.startsWith('node:')) return 'node (built-in)';
  if (f.startsWith('(')) return f;
  return f.startsWith('bench/') ? 'bench' : f;
}
