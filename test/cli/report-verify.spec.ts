import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildDrillReport, type DrillReport } from '../../src/core/drills/drill-report.js';
import { serializeSealed } from '../../src/core/drills/report-chain.js';
import { failoverOutcome, failoverSpec, restoreOutcome, restoreSpec } from '../support/drill-fixtures.js';
import { vigil } from '../support/cli.js';

const run = promisify(execFile);

/** `vigil report verify` on a chain of three drill reports as Vigil stores them: restore, failover, restore. */
const FILES = ['reports/000001-orders-restore.json', 'reports/000002-orders-failover.json', 'reports/000003-orders-restore.json'];

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-report-'));
  await mkdir(join(dir, 'reports'));
  const reports: DrillReport[] = [];
  const restore2 = { ...restoreOutcome(), identity: { ...restoreOutcome().identity, runId: 'run-2025-04-03-orders-restore' } };
  for (const [spec, outcome] of [[restoreSpec(), restoreOutcome()], [failoverSpec(), failoverOutcome()], [restoreSpec(), restore2]] as const) {
    reports.push(buildDrillReport({ spec, outcome, chainTip: reports.at(-1) ?? null, previousFindings: [], preparedBy: 'vigil 0.1.0', preparedAt: outcome.identity.finishedAt }));
  }
  await Promise.all(reports.map((r, i) => writeFile(join(dir, FILES[i]!), serializeSealed(r))));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function flipByte(file: string, position: number): Promise<void> {
  const bytes = await readFile(join(dir, file));
  bytes[position] = bytes[position]! ^ 0x01;
  await writeFile(join(dir, file), bytes);
}

describe('vigil report verify', () => {
  it('prints OK for each report of an intact chain, in sequence order, and exits 0', async () => {
    const r = await vigil(dir, 'report', 'verify', 'reports');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const lines = r.out.split('\n').filter(Boolean);
    expect(lines.slice(0, 3).map((l) => l.replace(/hash [0-9a-f]{64}/, 'hash H'))).toEqual(FILES.map((f, i) => `OK ${f} (sequence ${i + 1}, hash H)`));
    expect(lines[3]).toMatch(/^3 report\(s\) verified; chain head [0-9a-f]{64}$/);
  });

  it('verifies one report file on its own', async () => {
    const r = await vigil(dir, 'report', 'verify', FILES[1]!);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`OK ${FILES[1]} (sequence 2,`);
  });

  it.each([0, 100, 1000, 2500, -2])('exits 1 naming the middle file after its byte %d is flipped', async (offset) => {
    const size = (await readFile(join(dir, FILES[1]!))).length;
    await flipByte(FILES[1]!, offset < 0 ? size + offset : offset);
    const r = await vigil(dir, 'report', 'verify', 'reports');
    expect(r.code).toBe(1);
    expect(r.out.split('\n').filter(Boolean)).toEqual([expect.stringMatching(new RegExp(`^OK ${FILES[0]} `))]);
    expect(r.err).toContain(`BROKEN ${FILES[1]}: `);
    expect(r.err).toContain('chain broken: 1 of 3 report(s) verified');
  });

  it('names the flipped file when it is verified on its own too', async () => {
    await flipByte(FILES[1]!, 500);
    const r = await vigil(dir, 'report', 'verify', FILES[1]!);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`^BROKEN ${FILES[1]}: `));
  });

  it('exits 1 when a report was removed from the chain, naming the one after the gap', async () => {
    await rm(join(dir, FILES[1]!));
    const r = await vigil(dir, 'report', 'verify', 'reports');
    expect(r.code).toBe(1);
    expect(r.err).toContain(`BROKEN ${FILES[2]}: sequence gap: expected 2, found 3`);
  });

  it('exits 1 on a folder without reports, and 2 on a path that does not exist', async () => {
    await mkdir(join(dir, 'empty'));
    expect((await vigil(dir, 'report', 'verify', 'empty')).code).toBe(1);
    expect(await vigil(dir, 'report', 'verify', 'missing')).toMatchObject({ code: 2, err: 'vigil: missing does not exist\n' });
  });

  it('reports the exit code as a shell sees it', async () => {
    const bin = join(process.cwd(), 'bin/vigil.js');
    await expect(run('node', [bin, 'report', 'verify', 'reports'], { cwd: dir })).resolves.toMatchObject({ stdout: expect.stringContaining('3 report(s) verified') });
    await flipByte(FILES[1]!, 300);
    await expect(run('node', [bin, 'report', 'verify', 'reports'], { cwd: dir })).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining(`BROKEN ${FILES[1]}`) });
  });
});
