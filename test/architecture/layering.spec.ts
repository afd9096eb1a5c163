import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const DEPCRUISE = join(process.cwd(), 'node_modules/.bin/depcruise');
const CONFIG = join(process.cwd(), '.dependency-cruiser.cjs');

async function cruise(cwd: string) {
  try {
    const r = await run(DEPCRUISE, ['src', 'web', '--config', CONFIG, '--output-type', 'err'], { cwd });
    return { code: 0, output: r.stdout + r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, output: err.stdout + err.stderr };
  }
}

describe('layering (dependency-cruiser)', () => {
  it('finds no violation in src/ and web/', async () => {
    const r = await cruise(process.cwd());
    expect(r.output).toContain('no dependency violations found');
    expect(r.code).toBe(0);
  }, 60_000);

  it('refuses a core module that imports an adapter or node:fs, a service or use case that imports an adapter, a web page that imports server code, and allows module wiring to', async () => {
    const r = await cruise(join(process.cwd(), 'test/fixtures/layering'));
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/core-is-pure: src\/core\/impure\.ts → src\/adapters\/disk\.ts/);
    expect(r.output).toMatch(/core-no-node-io: src\/core\/impure\.ts → (node:)?fs/);
    expect(r.output).toMatch(/modules-reach-adapters-only-in-wiring: src\/modules\/thing\/thing\.service\.ts → src\/adapters\/disk\.ts/);
    expect(r.output).toMatch(/usecases-use-ports: src\/usecases\/do-thing\.ts → src\/adapters\/disk\.ts/);
    expect(r.output).toMatch(/web-reads-types-and-pure-core: web\/thing\.page\.tsx → src\/modules\/thing\/thing\.service\.ts/);
    expect(r.output).not.toMatch(/web-reads-types-and-pure-core: web\/thing\.page\.tsx → src\/core/);
    expect(r.output).not.toMatch(/thing\.module\.ts/);
  }, 60_000);
});

describe('core purity beyond imports', () => {
  // `new Date(x)` converts a time it was given; only `new Date()` reads the clock.
  it('reads no clock, randomness, environment or process state in src/core', async () => {
    const files = (await readdir('src/core', { recursive: true })).filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'));
    const offenders: string[] = [];
    for (const f of files) {
      const text = await readFile(join('src/core', f), 'utf8');
      for (const [i, line] of text.split('\n').entries()) {
        if (/Date\.now\(|new Date\(\s*\)|Math\.random\(|process\.|performance\.now\(/.test(line)) offenders.push(`src/core/${f}:${i + 1}: ${line.trim()}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
