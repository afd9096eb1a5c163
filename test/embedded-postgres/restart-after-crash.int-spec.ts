// The embedded PostgreSQL of `npm start` across crashes and concurrent use, with real processes:
// `node dist/main.js` children (built by `pretest`), the package's real postgres, real signals.
import { spawn } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort, openEmbeddedPostgres, type OpenedPostgres } from '../../src/adapters/postgres/embedded-postgres.js';
import { waitUntil } from '../../src/adapters/postgres/postgres-data-dir.js';
import { isRunning, postgresProcessesIn, readPostmasterPid, readyz, stopPostgresIn, VigilProcess } from '../support/vigil-process.js';

const REPO = process.cwd();
let work: string;
const children: VigilProcess[] = [];
const dataDirs: string[] = [];
const opened: OpenedPostgres[] = [];

/** A fresh data dir the `postgres` user can enter (the package runs the server as that user under root). */
async function freshDataDir(name: string): Promise<string> {
  const dir = join(work, name);
  await mkdir(dir, { mode: 0o755 });
  await chmod(dir, 0o755);
  dataDirs.push(dir);
  return dir;
}

async function startVigil(dataDir: string): Promise<VigilProcess> {
  const root = await mkdtemp(join(work, 'run-'));
  await mkdir(join(root, 'slos'));
  await mkdir(join(root, 'out'));
  const vigil = new VigilProcess(
    { VIGIL_DATA_DIR: dataDir, VIGIL_SLOS_DIR: join(root, 'slos'), VIGIL_DRILLS_DIR: join(root, 'drills'), VIGIL_OUT_DIR: join(root, 'out'), PORT: String(await freePort()) },
    REPO,
  );
  children.push(vigil);
  return vigil;
}

/** Reads a table through the server the data dir's postmaster.pid names, with the password file beside it. */
async function queryDataDir(dataDir: string, sql: string): Promise<pg.QueryResult> {
  const lock = await readPostmasterPid(dataDir);
  if (!lock) throw new Error(`no server runs in ${dataDir}`);
  const password = (await readFile(join(dataDir, 'pg-password'), 'utf8')).trim();
  const client = new pg.Client({ host: '127.0.0.1', port: lock.port, user: 'postgres', password, database: 'vigil' });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

async function selectOne(db: OpenedPostgres): Promise<unknown> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    return (await client.query('SELECT 1 AS one')).rows[0].one;
  } finally {
    await client.end();
  }
}

function openHelper(dataDir: string, warnings: string[] = []): Promise<OpenedPostgres> {
  return openEmbeddedPostgres({ dataDir, database: 'vigil', onLog: () => {}, onError: () => {}, onWarn: (m) => warnings.push(m) }).then((db) => {
    opened.push(db);
    return db;
  });
}

async function stopCleanly(vigil: VigilProcess): Promise<void> {
  vigil.kill('SIGTERM');
  expect(await vigil.waitForExit()).toEqual({ code: 0, signal: null });
}

const gone = async (pid: number) => !(await isRunning(pid));

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'vigil-embedded-pg-'));
  // The server runs as the `postgres` user, which must be able to enter every folder on the way.
  await chmod(work, 0o755);
});

afterAll(async () => {
  for (const child of children) {
    if (!child.exit) {
      child.kill('SIGKILL');
      await child.waitForExit().catch(() => undefined);
    }
  }
  for (const db of opened) await db.stop().catch(() => undefined);
  // Whatever the children or a failed test left running, orphans included.
  for (const dir of dataDirs) await stopPostgresIn(dir);
  if (work) await rm(work, { recursive: true, force: true });
});

describe('a restart after the Vigil process was killed', () => {
  it('stops the orphaned PostgreSQL, starts again on the same data, and leaves nothing running after SIGTERM', async () => {
    const dataDir = await freshDataDir('crash');
    const first = await startVigil(dataDir);
    await first.ready();
    const orphan = (await readPostmasterPid(dataDir))!;

    first.kill('SIGKILL');
    expect(await first.waitForExit()).toEqual({ code: null, signal: 'SIGKILL' });
    // The fault this guards against: postgres outlives a killed Vigil and keeps the folder locked.
    expect(await isRunning(orphan.pid)).toBe(true);

    const second = await startVigil(dataDir);
    const url = await second.ready();
    expect(await readyz(url)).toBe(200);
    const notice = second.lines.find((l) => l.msg.includes('stopped an orphaned embedded PostgreSQL'));
    expect(notice).toMatchObject({ level: 'warn', context: 'Database' });
    expect(notice!.msg).toContain(`(pid ${orphan.pid})`);
    expect(notice!.msg).toContain(`left running by Vigil process ${first.pid}, which is gone`);
    expect(await isRunning(orphan.pid)).toBe(false);
    // One run recorded by each start: the first run's data survived.
    expect((await queryDataDir(dataDir, 'SELECT count(*)::int AS n FROM generation_runs')).rows[0].n).toBe(2);

    const server = (await readPostmasterPid(dataDir))!;
    expect(server.pid).not.toBe(orphan.pid);
    await stopCleanly(second);
    expect(await gone(server.pid)).toBe(true);
    expect(await postgresProcessesIn(dataDir)).toEqual([]);
    expect(await readPostmasterPid(dataDir)).toBeUndefined();
  });
});

describe('two Vigil processes on one data dir', () => {
  it('refuses the second with the owner’s PID, and the first keeps serving', async () => {
    const dataDir = await freshDataDir('shared');
    const first = await startVigil(dataDir);
    const url = await first.ready();
    const server = (await readPostmasterPid(dataDir))!;

    const second = await startVigil(dataDir);
    const exit = await second.waitForExit();
    expect(exit.code).not.toBe(0);
    expect(exit.code).not.toBeNull();
    expect(second.lines.some((l) => l.msg.includes(`data dir ${dataDir} is in use by Vigil process ${first.pid}; stop it or set VIGIL_DATA_DIR`))).toBe(true);

    expect(await readyz(url)).toBe(200);
    expect((await readPostmasterPid(dataDir))?.pid).toBe(server.pid);
    expect(await isRunning(server.pid)).toBe(true);
    await stopCleanly(first);
    expect(await postgresProcessesIn(dataDir)).toEqual([]);
  });
});

describe('openEmbeddedPostgres, for short-lived commands', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await freshDataDir('cli');
  });

  it('connects to the server a running Vigil owns, and leaves it running on stop()', async () => {
    const vigil = await startVigil(dataDir);
    const url = await vigil.ready();
    const server = (await readPostmasterPid(dataDir))!;

    const db = await openHelper(dataDir);
    expect(db).toMatchObject({ owned: false, created: false });
    expect(new URL(db.url).port).toBe(String(server.port));
    expect(await selectOne(db)).toBe(1);
    await db.stop();

    expect(await isRunning(server.pid)).toBe(true);
    expect(await readyz(url)).toBe(200);
    await stopCleanly(vigil);
  });

  it('starts a server when none runs, and stops it on stop()', async () => {
    expect(await postgresProcessesIn(dataDir)).toEqual([]);
    const db = await openHelper(dataDir);
    expect(db).toMatchObject({ owned: true, created: false });
    expect(await selectOne(db)).toBe(1);
    const server = (await readPostmasterPid(dataDir))!;
    // While it runs, the command is the owner: a Vigil started now would be refused.
    expect((await readFile(join(dataDir, 'owner.pid'), 'utf8')).split('\n')[0]).toBe(String(process.pid));

    await db.stop();
    expect(await gone(server.pid)).toBe(true);
    expect(await postgresProcessesIn(dataDir)).toEqual([]);
    await expect(readFile(join(dataDir, 'owner.pid'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('stops an orphan before starting its own server', async () => {
    const vigil = await startVigil(dataDir);
    await vigil.ready();
    const orphan = (await readPostmasterPid(dataDir))!;
    vigil.kill('SIGKILL');
    await vigil.waitForExit();
    expect(await isRunning(orphan.pid)).toBe(true);

    const warnings: string[] = [];
    const db = await openHelper(dataDir, warnings);
    expect(db.owned).toBe(true);
    expect(warnings).toEqual([expect.stringContaining(`stopped an orphaned embedded PostgreSQL (pid ${orphan.pid})`)]);
    expect(await isRunning(orphan.pid)).toBe(false);
    expect(await selectOne(db)).toBe(1);
    await db.stop();
    expect(await postgresProcessesIn(dataDir)).toEqual([]);
  });
});

describe('a postmaster.pid left behind', () => {
  let dataDir: string;
  let lockText: string;

  /** Writes a lock file as postgres would have, naming `pid`, owned like the folder so postgres can read it. */
  async function plantLock(pid: number): Promise<void> {
    const file = join(dataDir, 'pgdata', 'postmaster.pid');
    await writeFile(file, lockText.replace(/^\d+/, String(pid)), { mode: 0o600 });
    const owner = await stat(join(dataDir, 'pgdata'));
    await chown(file, owner.uid, owner.gid);
  }

  beforeAll(async () => {
    dataDir = await freshDataDir('stale');
    const db = await openHelper(dataDir);
    lockText = await readFile(join(dataDir, 'pgdata', 'postmaster.pid'), 'utf8');
    await db.stop();
  });

  it('naming a process that is gone: postgres replaces it itself', async () => {
    const exited = spawn('true');
    const pid = exited.pid!;
    await new Promise((ok) => exited.on('exit', ok));
    expect(await waitUntil(() => gone(pid), 10_000)).toBe(true);
    await plantLock(pid);

    const warnings: string[] = [];
    const db = await openHelper(dataDir, warnings);
    expect(await selectOne(db)).toBe(1);
    expect(warnings).toEqual([]);
    await db.stop();
  });

  it('naming a live process that is not postgres (a reused PID): Vigil removes it, then starts', async () => {
    const other = spawn('sleep', ['300']);
    try {
      await plantLock(other.pid!);
      const warnings: string[] = [];
      const db = await openHelper(dataDir, warnings);
      expect(await selectOne(db)).toBe(1);
      expect(warnings).toEqual([expect.stringContaining(`removed a stale postmaster.pid`)]);
      await db.stop();
      expect(await isRunning(other.pid!)).toBe(true);
    } finally {
      other.kill('SIGKILL');
    }
  });
});
