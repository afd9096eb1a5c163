import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalSpecFiles } from '../../src/adapters/files/spec-files.js';
import { compile } from '../../src/core/compile.js';
import type { SpecInput } from '../../src/core/definitions/load-specs.js';
import { formatDiagnostic } from '../../src/core/diagnostics.js';
import { generate } from '../../src/usecases/generate.js';
import { runPromtool } from '../support/promtool.js';

/**
 * Thousands of careless edits of real specs (the repository's slos/, the promtool fixtures in
 * every format, the YAML examples in docs/), from a fixed seed so a failure reproduces: no input
 * makes Vigil throw, every problem is located inside the file it is about, `generate` leaves the
 * output folder alone when it refuses, and whatever it accepts promtool loads.
 *
 * FUZZ_SEED picks another seed, FUZZ_SECONDS another time budget (default 40 s of mutations).
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261129);
const BUDGET_MS = Number(process.env.FUZZ_SECONDS ?? 40) * 1000;
const MAX_CASES = 4000;

/** mulberry32: small, fast, and the same sequence everywhere. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Values careless hands and copy-paste put into specs. */
const TOKENS = [
  '', '-1', '0', '100', '99.9999999999999999', '1e999', 'NaN', '.inf', '99999999999999999999d', '1000000y', '0s', '5m', '{{.window}}', '[{{.window}}]',
  '"', "'", '#', '# comment', '&anchor', '*anchor', '*missing', '{', '}', '[', ']', ':', '- ', 'null', '~', 'true', 'yes', 'on', '<<: *a',
  'ünïcödé 🔥', '\t', '\\', 'a'.repeat(300), 'sum(x[5m])', 'rate(x)', 'up{job="a"', 'up{job="a"} # tail', '}{', '$1', '{{ $labels.x }}',
  'vigil/v1', 'openslo/v1', 'prometheus/v1', 'Retention', 'OnCall', 'Outputs', 'Drill', 'P1', 'a_b', 'x'.repeat(70),
];

function mutate(text: string, next: () => number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
  const lines = text.split('\n');
  const i = Math.floor(next() * lines.length);
  const j = Math.floor(next() * lines.length);
  const line = lines[i]!;
  switch (Math.floor(next() * 9)) {
    case 0: // a line lost
      lines.splice(i, 1);
      break;
    case 1: // a line pasted twice
      lines.splice(i, 0, line);
      break;
    case 2: // two lines swapped
      [lines[i], lines[j]] = [lines[j]!, line];
      break;
    case 3: // indentation off by some
      lines[i] = next() < 0.5 ? `  ${line}` : line.replace(/^ {1,2}/, '');
      break;
    case 4: { // a value replaced
      const colon = line.indexOf(': ');
      lines[i] = colon >= 0 ? `${line.slice(0, colon + 2)}${pick(TOKENS)}` : `${line}${pick(TOKENS)}`;
      break;
    }
    case 5: { // a token typed somewhere in a line
      const at = Math.floor(next() * (line.length + 1));
      lines[i] = line.slice(0, at) + pick(TOKENS) + line.slice(at);
      break;
    }
    case 6: // a key misspelt
      lines[i] = line.replace(/([a-zA-Z_]+):/, (_, k: string) => `${k.slice(0, -1) || 'x'}:`);
      break;
    case 7: // the file cut short
      return lines.slice(0, i).join('\n') + line.slice(0, Math.floor(next() * line.length));
    default: // a character dropped
      lines[i] = line.slice(0, Math.max(0, line.length - 1 - Math.floor(next() * 3)));
  }
  return lines.join('\n');
}

async function corpus(): Promise<SpecInput[]> {
  const files = async (dir: string, re: RegExp) => (await readdir(dir)).filter((f) => re.test(f)).sort().map((f) => join(dir, f));
  const specs = [...(await files('slos', /\.ya?ml$/)), ...(await files('test/promtool/fixtures', /\.ya?ml$/))];
  const out: SpecInput[] = await Promise.all(specs.map(async (path) => ({ path, text: await readFile(path, 'utf8') })));
  for (const doc of await files('docs', /\.md$/)) {
    const text = await readFile(doc, 'utf8');
    let n = 0;
    for (const m of text.matchAll(/```ya?ml\n([\s\S]*?)```/g)) {
      if (/apiVersion|version: prometheus/.test(m[1]!)) out.push({ path: `${doc}#${++n}.yaml`, text: m[1]! });
    }
  }
  return out;
}

let base: SpecInput[];
beforeAll(async () => {
  base = await corpus();
});

it('no mutated spec throws; every problem is located in its file; promtool loads every accepted one', async () => {
  const next = random(SEED);
  const started = Date.now();
  const accepted: { path: string; content: string; input: string }[] = [];
  let cases = 0;
  let refused = 0;
  while (cases < MAX_CASES && Date.now() - started < BUDGET_MS) {
    const input = base[Math.floor(next() * base.length)]!;
    let text = input.text;
    const edits = 1 + Math.floor(next() * 3);
    for (let e = 0; e < edits; e++) text = mutate(text, next);
    const path = `fuzz/case-${cases}.yaml`;
    const lineCount = text.split('\n').length;
    let result;
    try {
      result = compile([{ path, text }]);
    } catch (err) {
      throw new Error(`seed ${SEED}, case ${cases} (from ${input.path}) threw ${(err as Error).stack}\n--- input ---\n${text}`);
    }
    for (const d of result.diagnostics) {
      // One line as users see it: a value in a message cannot forge a second `file:line:col:` line.
      const located = d.file === path && d.line >= 1 && d.line <= lineCount + 1 && d.col >= 1 && !formatDiagnostic(d).includes('\n');
      if (!located) throw new Error(`seed ${SEED}, case ${cases}: problem not located in the file: ${JSON.stringify(d)}\n--- input ---\n${text}`);
    }
    if (result.diagnostics.length > 0) refused++;
    else for (const f of result.files) if (f.path.endsWith('.rules.yaml') && accepted.length < 400) accepted.push({ path: `r${accepted.length}.rules.yaml`, content: f.content, input: `case ${cases} (from ${input.path}):\n${text}` });
    cases++;
  }
  // Enough cases on any machine to mean something; both outcomes happen.
  expect(cases).toBeGreaterThanOrEqual(300);
  expect(refused).toBeGreaterThan(cases / 10);
  expect(accepted.length).toBeGreaterThan(0);
  const files = Object.fromEntries(accepted.map((f) => [f.path, f.content]));
  const r = await runPromtool(['check', 'rules', ...Object.keys(files)], files);
  // The inputs behind the files promtool refused (no SUCCESS line after their name), to reproduce them.
  const refusedBy = accepted.filter((f) => !new RegExp(`Checking ${f.path}\\n\\s+SUCCESS`).test(r.stdout)).map((f) => `--- ${f.path}: ${f.input}`);
  expect({ code: r.code, stderr: r.stderr, inputs: refusedBy.join('\n') }).toEqual({ code: 0, stderr: '', inputs: '' });
}, 180_000);

it('generate leaves the output folder exactly as it was when a mutated spec is refused', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-fuzz-'));
  try {
    await mkdir(join(dir, 'slos'));
    for (const f of await readdir('slos')) await writeFile(join(dir, 'slos', f), await readFile(join('slos', f), 'utf8'));
    const specs = new LocalSpecFiles(dir);
    const run = () => generate(specs, { slosDir: 'slos', outDir: '.' });
    expect((await run()).problems).toEqual([]);
    const snapshot = async () => {
      const all = await readdir(dir, { recursive: true });
      const entries = await Promise.all(all.filter((p) => !p.startsWith('slos')).sort().map(async (p) => [p, await readFile(join(dir, p), 'utf8').catch(() => '(folder)')]));
      return Object.fromEntries(entries);
    };
    const before = await snapshot();
    const next = random(SEED + 1);
    // The specs, not slos/Kustomization (kustomize's, which no spec reader reads).
    const names = (await readdir(join(dir, 'slos'))).filter((n) => n.endsWith('.yaml')).sort();
    let refusals = 0;
    for (let i = 0; i < 60 && refusals < 20; i++) {
      const name = names[Math.floor(next() * names.length)]!;
      const original = await readFile(join('slos', name), 'utf8');
      const mutated = mutate(mutate(original, next), next);
      // Only refused ones are run: an accepted edit would rightly change the output.
      if (compile([{ path: `slos/${name}`, text: mutated }]).diagnostics.length === 0) continue;
      await writeFile(join(dir, 'slos', name), mutated);
      const r = await run();
      await writeFile(join(dir, 'slos', name), original);
      expect(r.problems.length).toBeGreaterThan(0);
      refusals++;
      expect(r.written).toBe(false);
      expect(await snapshot()).toEqual(before);
    }
    expect(refusals).toBeGreaterThanOrEqual(10);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 120_000);
