import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startArchivingPrimary, type ArchivingPrimary } from '../support/archiving-postgres.js';
import { vigil } from '../support/cli.js';
import { startTestPostgres, type TestPostgres } from '../support/postgres-server.js';

/**
 * `vigil drill run` end to end: a drill spec in drills/, a real PostgreSQL 15 primary archiving
 * its WAL and a base backup of it, Vigil's own database on another real PostgreSQL. The run is
 * recorded, its report sealed into the chain, exported as files and verified by `vigil report verify`.
 */

let primary: ArchivingPrimary;
let vigilDb: TestPostgres;
let dir: string;
const saved = { ...process.env };

beforeAll(async () => {
  [primary, vigilDb] = await Promise.all([startArchivingPrimary(), startTestPostgres('vigil_drill_cli_test')]);
  await primary.query(`CREATE TABLE orders (id int PRIMARY KEY)`);
  await primary.query(`INSERT INTO orders SELECT generate_series(1, 5000)`);
  const base = await primary.baseBackup('base');
  await primary.query(`INSERT INTO orders SELECT generate_series(5001, 6000)`);
  await primary.switchWal();
  dir = await mkdtemp(join(tmpdir(), 'vigil-drill-cli-'));
  // The drill's OS user (postgres) must reach the work folder inside it.
  await chmod(dir, 0o711);
  await mkdir(join(dir, 'slos'));
  await mkdir(join(dir, 'drills'));
  const drill = (name: string, expectOrders: number) => `apiVersion: vigil/v1
kind: Drill
name: ${name}
owner: platform
type: restore
target:
  binDir: /usr/lib/postgresql/15/bin
  primary: { env: DRILL_PRIMARY_URL }
  backup: { baseBackup: ${base}, walArchive: ${primary.archiveDir} }
  osUser: postgres
objectives: { rto: 10m, rpo: 5m }
checks:
  - { name: orders-like-primary, rowCount: public.orders }
  - { name: order-count, sql: "SELECT count(*) FROM orders", expect: ${expectOrders} }
abort: { maxDuration: 20m }
`;
  await writeFile(join(dir, 'drills', 'orders.yaml'), `${drill('orders-restore', 6000)}---\n${drill('orders-restore-wrong', 7000)}`);
  Object.assign(process.env, {
    DATABASE_URL: vigilDb.url,
    VIGIL_DRILL_WORK_DIR: join(dir, 'work'),
    DRILL_PRIMARY_URL: `postgresql://postgres@/postgres?host=${encodeURIComponent(primary.socketDir)}&port=${primary.port}`,
  });
}, 120_000);

afterAll(async () => {
  process.env = saved;
  await Promise.all([primary?.stop(), vigilDb?.stop()]);
  await rm(dir, { recursive: true, force: true });
});

it('runs a restore drill: PASS with RTO and RPO, FAIL naming the check, a sign-off as a new revision, all sealed in one chain that verifies until a byte is flipped', async () => {
  const pass = await vigil(dir, 'drill', 'run', 'orders-restore');
  expect(pass.err).toBe('');
  expect(pass.code).toBe(0);
  expect(pass.out).toMatch(/^PASS orders-restore run orders-restore-\S+: RTO \S+, RPO 0 ms\nreport sequence 1, hash [0-9a-f]{64}\n$/);

  const fail = await vigil(dir, 'drill', 'run', 'orders-restore-wrong');
  expect(fail.code).toBe(1);
  expect(fail.out).toMatch(/^FAIL orders-restore-wrong run /);
  expect(fail.out).toContain('order-count');
  expect(fail.out).toMatch(/7000/);
  expect(fail.out).toMatch(/6000/);
  expect(fail.out).toMatch(/report sequence 2, hash [0-9a-f]{64}/);
  // Nothing is left of the scratch clusters.
  expect(await readdir(join(dir, 'work', 'scratch'))).toEqual([]);

  const runId = /run (\S+):/.exec(pass.out)![1]!;
  const md = await vigil(dir, 'drill', 'report', runId, '--format', 'md');
  expect(md.code).toBe(0);
  expect(md.out).toContain('PASS');
  expect(md.out).toContain('orders-like-primary');

  // An auditor's review is a new revision at the chain's end; the sealed report stays as it was.
  const signed = await vigil(dir, 'drill', 'sign-off', runId, '--reviewed-by', 'Dana Auditor', '--note', 'checked against the ticket');
  expect(signed.err).toBe('');
  expect(signed.out).toMatch(new RegExp(`^run ${runId} reviewed by Dana Auditor: revision 2, report sequence 3, hash [0-9a-f]{64}\\n$`));
  const revised = JSON.parse((await vigil(dir, 'drill', 'report', runId)).out) as { revision: number; corrects: string; correction: string; signOff: { reviewedBy: string; reviewedAt: string } };
  expect(revised).toMatchObject({ revision: 2, corrects: runId, correction: 'reviewed by Dana Auditor: checked against the ticket', signOff: { reviewedBy: 'Dana Auditor' } });

  expect((await vigil(dir, 'drill', 'export', 'evidence')).out).toMatch(/^3 report\(s\) written to .*evidence; chain head [0-9a-f]{64}\n$/);
  const verified = await vigil(dir, 'report', 'verify', 'evidence');
  expect(verified.code).toBe(0);
  expect(verified.out).toMatch(/3 report\(s\) verified/);

  const files = (await readdir(join(dir, 'evidence'))).sort();
  const first = join(dir, 'evidence', files[0]!);
  const text = await readFile(first, 'utf8');
  const at = text.indexOf('"verdict"') + 3;
  await writeFile(first, text.slice(0, at) + String.fromCharCode(text.charCodeAt(at) ^ 1) + text.slice(at + 1));
  const broken = await vigil(dir, 'report', 'verify', 'evidence');
  expect(broken.code).toBe(1);
  expect(broken.err).toContain(`BROKEN evidence/${files[0]}: content altered: hash mismatch`);
});
