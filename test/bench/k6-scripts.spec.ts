import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

/**
 * The k6 scripts users run (bench/k6/) cannot be run here (no k6 package), so k6's published
 * types (@types/k6) judge them: `tsc` with checkJs over bench/k6/tsconfig.json. The same check on
 * copies with one mistake each must fail, so a type check that checks nothing would be caught.
 */
const run = promisify(execFile);
const TSC = resolve('node_modules/typescript/bin/tsc');

async function typeCheck(dir: string): Promise<{ code: number; output: string }> {
  try {
    const r = await run(process.execPath, [TSC, '-p', join(dir, 'tsconfig.json')], { maxBuffer: 8 * 1024 * 1024 });
    return { code: 0, output: r.stdout + r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('bench/k6 scripts against k6 types', () => {
  it('the committed scripts type-check', async () => {
    expect(await typeCheck('bench/k6')).toEqual({ code: 0, output: '' });
  }, 60_000);

  it.each([
    ['an executor k6 does not have', 'alert-ingestion.js', "executor: 'constant-arrival-rate'", "executor: 'constant-arrival-rates'", /constant-arrival-rates/],
    ['a request parameter of the wrong type', 'budget-api.js', "tags: { kind: 'budget' } }", "tags: { kind: 'budget' }, timeout: true }", /timeout/],
  ])('a copy with %s fails the check', async (_what, file, from, to, error) => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-k6-'));
    try {
      await cp('bench/k6', dir, { recursive: true });
      const text = await readFile(join(dir, file), 'utf8');
      expect(text).toContain(from);
      await writeFile(join(dir, file), text.replace(from, to));
      // The copy's types come from this repository's node_modules, as the original's do.
      await writeFile(join(dir, 'tsconfig.json'), JSON.stringify({ extends: resolve('bench/k6/tsconfig.json'), compilerOptions: { typeRoots: [resolve('node_modules/@types')] }, include: ['*.js'] }));
      const r = await typeCheck(dir);
      expect(r.code).not.toBe(0);
      expect(r.output).toMatch(error);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
