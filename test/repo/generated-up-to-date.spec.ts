import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';

/**
 * The GitOps gate CI runs: the committed rules/ must be exactly what the committed slos/ generate.
 * Fix a failure with `npx vigil generate` and commit the result.
 */
async function vigil(...argv: string[]) {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t), cwd: process.cwd() };
  return { code: await main(argv, io), out, err };
}

describe('the repository', () => {
  it('has valid specs in slos/ and drills/ (the restore, PITR and failover examples)', async () => {
    const r = await vigil('validate');
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^\d+ file\(s\) valid: 7 service\(s\), \d+ SLO\(s\), \d+ alert\(s\), 3 drill\(s\)\n$/);
    expect(r.code).toBe(0);
  });

  it('commits rules/ exactly as slos/ generate them (vigil generate --check)', async () => {
    const r = await vigil('generate', '--check');
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^\d+ generated file\(s\) up to date\n$/);
    expect(r.code).toBe(0);
  });
});
