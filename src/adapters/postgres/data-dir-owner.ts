/**
 * Who, if anyone, runs the embedded PostgreSQL of a Vigil data dir: the pure part. The I/O that
 * gathers the facts (reading postmaster.pid, owner.pid and /proc) is in postgres-data-dir.ts.
 *
 * A Vigil that is killed with SIGKILL cannot stop its postgres child; the child is re-parented and
 * keeps the data dir locked. The next start must tell such an orphan apart from a server that
 * another live Vigil still uses, and both apart from a lock file whose process is long gone.
 */

/** The lines of `postmaster.pid` that matter here (PostgreSQL docs, "Database File Layout"). */
export interface PostmasterPid {
  readonly pid: number;
  readonly dataDir: string;
  readonly port: number;
  /** Line 8: `starting`, `stopping`, `ready` or `standby`; absent while postgres is still starting. */
  readonly status?: string;
}

/**
 * Line 1 is the postmaster's PID (negative for a single-user backend), line 2 the data directory,
 * line 3 the start time, line 4 the port, 5 the socket directory, 6 the first listen address,
 * 7 the shared memory key, 8 the status. Postgres writes lines 1–5 at once and adds the rest as
 * it starts, so a file with fewer than 8 lines is normal.
 */
export function parsePostmasterPid(text: string): PostmasterPid | undefined {
  const lines = text.split('\n');
  const pid = /^-?\d+$/.test(lines[0]?.trim() ?? '') ? Math.abs(Number(lines[0])) : 0;
  const port = /^\d+$/.test(lines[3]?.trim() ?? '') ? Number(lines[3]) : 0;
  if (pid === 0 || port === 0) return undefined;
  const status = lines[7]?.trim();
  return { pid, dataDir: lines[1]?.trim() ?? '', port, ...(status ? { status } : {}) };
}

/** The fields of `/proc/<pid>/stat` used here (proc(5)). */
export interface ProcStat {
  /** `Z` (zombie) and `X` (dead) mean the process has exited. */
  readonly state: string;
  readonly parentPid: number;
  /** Clock ticks after boot; with the PID, it tells a process apart from a later one given the same PID. */
  readonly startTime: string;
}

export function parseProcStat(text: string): ProcStat | undefined {
  // Field 2 is the command name in parentheses and may itself contain spaces and parentheses.
  const rest = text.slice(text.lastIndexOf(')') + 1).trim().split(/\s+/);
  const [state, ppid] = rest;
  const startTime = rest[19];
  if (!state || !ppid || !/^\d+$/.test(ppid) || !startTime || !/^\d+$/.test(startTime)) return undefined;
  return { state, parentPid: Number(ppid), startTime };
}

/** `<dataDir>/owner.pid`: the Vigil process that started the server, claimed before it starts. */
export interface OwnerRecord {
  readonly pid: number;
  /** From /proc (Linux); absent elsewhere, where only the PID is compared. */
  readonly startTime?: string;
}

export function formatOwnerRecord(owner: OwnerRecord): string {
  return `${owner.pid}\n${owner.startTime ?? ''}\n`;
}

export function parseOwnerRecord(text: string): OwnerRecord | undefined {
  const [pidLine, startLine] = text.split('\n').map((l) => l.trim());
  if (!pidLine || !/^\d+$/.test(pidLine) || Number(pidLine) === 0) return undefined;
  return { pid: Number(pidLine), ...(startLine && /^\d+$/.test(startLine) ? { startTime: startLine } : {}) };
}

/** What could be learnt about one process; the optional fields are unknown without /proc. */
export interface ProcessFacts {
  /** False when no such process exists or it has exited and awaits reaping (a zombie). */
  readonly running: boolean;
  /** Exited but not reaped: still answers kill(pid, 0), so postgres takes its lock file for a live server. */
  readonly zombie?: boolean;
  readonly parentPid?: number;
  readonly startTime?: string;
  /** Its working directory: the postmaster works in its data directory. */
  readonly cwd?: string;
}

export interface DataDirFacts {
  /** The real path of `<dataDir>/pgdata`, comparable with a process's working directory. */
  readonly databaseDir: string;
  readonly postmasterPid?: PostmasterPid;
  /** Facts about `postmasterPid.pid`. */
  readonly postmaster?: ProcessFacts;
  readonly owner?: OwnerRecord;
  /** Facts about `owner.pid`. */
  readonly ownerProcess?: ProcessFacts;
}

export interface ServerAddress {
  readonly pid: number;
  readonly port: number;
  /** Accepting connections (status line `ready`). */
  readonly ready: boolean;
}

export type DataDirState =
  /** No server runs: start one (postgres replaces a lock file whose process is gone by itself). */
  | { readonly kind: 'free' }
  /**
   * postmaster.pid names a live process that is not this data dir's postgres (its PID was reused
   * after a reboot or container restart), or a zombie. Postgres would refuse to start; the file must go.
   */
  | { readonly kind: 'stale-lock'; readonly pid: number }
  /** A postgres serves this data dir but the Vigil that started it is gone: stop it, then start. */
  | { readonly kind: 'orphan'; readonly pid: number; readonly port: number; readonly formerOwnerPid?: number }
  /** A live Vigil claimed the data dir; `server` is absent while it has not started postgres yet. */
  | { readonly kind: 'owned'; readonly ownerPid: number; readonly server?: ServerAddress };

export function classifyDataDir(facts: DataDirFacts): DataDirState {
  const { postmasterPid: lock, postmaster, owner, ownerProcess } = facts;
  const serverHere =
    lock !== undefined && postmaster?.running === true && (postmaster.cwd === undefined || postmaster.cwd === facts.databaseDir);
  const ownerAlive =
    owner !== undefined &&
    ownerProcess?.running === true &&
    (owner.startTime === undefined || ownerProcess.startTime === undefined || owner.startTime === ownerProcess.startTime);

  // The server's parent is checked too: a live owner that is not the postmaster's parent is one that
  // is itself still stopping an orphan, so that server is no one's.
  if (ownerAlive && (!serverHere || postmaster?.parentPid === undefined || postmaster.parentPid === owner.pid)) {
    return {
      kind: 'owned',
      ownerPid: owner.pid,
      ...(serverHere ? { server: { pid: lock.pid, port: lock.port, ready: lock.status === 'ready' } } : {}),
    };
  }
  if (serverHere) return { kind: 'orphan', pid: lock.pid, port: lock.port, ...(owner ? { formerOwnerPid: owner.pid } : {}) };
  if (lock !== undefined && (postmaster?.running === true || postmaster?.zombie === true)) return { kind: 'stale-lock', pid: lock.pid };
  return { kind: 'free' };
}
