import { execFile } from 'node:child_process';
import { appendFile, chown, mkdir, readdir, readFile, rm, statfs, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { parsePostmasterPid } from '../postgres/data-dir-owner.js';
import { processFacts } from '../postgres/postgres-data-dir.js';
import { freePort } from '../postgres/embedded-postgres.js';
import { ToolFailed, type PostgresTools } from './postgres-tools.js';

const exec = promisify(execFile);
/** Written first into every scratch folder: what it is and who made it, so a later start can clean up after a crash. */
const MARKER = 'vigil-drill.json';

/**
 * A throwaway PostgreSQL cluster a drill restores into: its own folder under the scratch root,
 * reachable only through a Unix socket in that folder (`listen_addresses = ''`, so never on a
 * network and never mistaken for the primary), archiving off (a promoted scratch cluster must
 * never write into the fleet's WAL archive), its own pg_hba.conf trusting that socket alone
 * (the folder is 0700 and belongs to the drill's OS user).
 */
export class ScratchCluster {
  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly tools: PostgresTools,
    private readonly owner: { uid: number; gid: number } | null,
  ) {}

  get dataDir(): string {
    return join(this.dir, 'data');
  }

  get logFile(): string {
    return join(this.dir, 'server.log');
  }

  static async create(root: string, runId: string, tools: PostgresTools): Promise<ScratchCluster> {
    const { dir, owner } = await createScratchFolder(root, runId, tools);
    return new ScratchCluster(dir, await freePort(), tools, owner);
  }

  /** Copies a plain-format base backup (pg_basebackup -Fp) into the data folder, with cp as the drill's OS user. */
  async copyBaseBackup(baseBackupDir: string): Promise<void> {
    await this.tools.run('cp', ['-a', '--', baseBackupDir, this.dataDir]);
  }

  /**
   * Archive recovery: `recovery.signal`, the restore command, and the settings that keep the
   * cluster to itself; `settings` adds recovery targets.
   */
  async configureRecovery(walArchiveDir: string, settings: Readonly<Record<string, string>> = {}): Promise<void> {
    await this.keepToItself({ restore_command: `cp ${shellQuote(`${walArchiveDir}/`)}"%f" "%p"`, ...settings });
    await this.write('data/recovery.signal', '');
  }

  /**
   * The settings that keep the cluster to itself (no network, no archiving, no replication, our
   * own pg_hba.conf), plus `settings`. Alone, for a restore tool that wrote the recovery settings
   * and recovery.signal itself (pgBackRest). Written last in postgresql.auto.conf, so they win
   * over what the backup brought along.
   */
  async keepToItself(settings: Readonly<Record<string, string>> = {}): Promise<void> {
    const own = {
      archive_mode: 'off',
      listen_addresses: '',
      hba_file: join(this.dir, 'pg_hba.conf'),
      ident_file: join(this.dir, 'pg_ident.conf'),
      log_timezone: 'UTC',
      log_line_prefix: '%m [%p] ',
      log_destination: 'stderr',
      logging_collector: 'off',
      primary_conninfo: '',
      synchronous_standby_names: '',
      ...settings,
    };
    await this.write('pg_hba.conf', 'local all all trust\n');
    await this.write('pg_ident.conf', '');
    const lines = Object.entries(own).map(([k, v]) => `${k} = '${v.replace(/'/g, "''")}'`);
    await appendFile(join(this.dataDir, 'postgresql.auto.conf'), `\n# vigil drill: scratch cluster settings\n${lines.join('\n')}\n`);
  }

  /** pg_ctl start, waiting until it accepts connections (during recovery, read-only ones). */
  async start(timeoutSeconds: number): Promise<void> {
    await this.tools.pg('pg_ctl', ['-D', this.dataDir, '-l', this.logFile, '-o', `-p ${this.port} -k ${this.dir}`, '-w', '-t', String(timeoutSeconds), 'start'], (timeoutSeconds + 30) * 1000);
  }

  /**
   * pg_amcheck over every database (heap and B-tree indexes; the amcheck extension installed where
   * missing, in this throwaway cluster only): its exit status 2 means corruption, and it prints
   * what it found.
   */
  async amcheck(user: string, signal: AbortSignal): Promise<{ corrupt: boolean; output: string }> {
    const args = ['--host', this.dir, '--port', String(this.port), '--username', user, '--all', '--install-missing'];
    return this.tools.pg('pg_amcheck', args, 6 * 60 * 60_000, signal).then(
      (r) => ({ corrupt: false, output: `${r.stdout}${r.stderr}`.trim() }),
      (err: unknown) => {
        if (err instanceof ToolFailed && err.exitCode === 2) return { corrupt: true, output: `${err.stdout}${err.stderr}`.trim() };
        throw err;
      },
    );
  }

  client(database: string, user: string): pg.Client {
    return new pg.Client({ host: this.dir, port: this.port, database, user, application_name: 'vigil-drill', connectionTimeoutMillis: 10_000 });
  }

  async serverLog(): Promise<string> {
    return readFile(this.logFile, 'utf8').catch(() => '');
  }

  /** Stops the server if one runs (immediate: nothing of a scratch cluster needs saving) and removes the folder. */
  async remove(): Promise<void> {
    await stopIn(this.dir, this.tools);
    await rm(this.dir, { recursive: true, force: true });
  }

  private write(relative: string, text: string): Promise<void> {
    return writeOwned(join(this.dir, relative), text, this.owner);
  }
}

/**
 * A new folder `root/name` (0700, the drill's OS user's) with the marker that lets
 * removeLeftoverScratch clean up after a crash: for a scratch cluster, or for work files a drill
 * needs before it has one (WAL fetched to read the last commit).
 */
export async function createScratchFolder(root: string, name: string, tools: PostgresTools): Promise<{ dir: string; owner: { uid: number; gid: number } | null }> {
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new Error(`scratch folder: "${name}" is not a safe folder name`);
  await mkdir(root, { recursive: true, mode: 0o711 });
  const dir = join(root, name);
  await mkdir(dir, { mode: 0o700 });
  const owner = await ownerOf(tools);
  await writeOwned(join(dir, MARKER), `${JSON.stringify({ runId: name, pid: process.pid, createdAt: new Date().toISOString() })}\n`, owner);
  if (owner) await chown(dir, owner.uid, owner.gid);
  // Said now, in words, rather than by cp or initdb failing later with EACCES.
  await tools.run('test', ['-w', dir]).catch(() => {
    throw new Error(`${dir}: the drill's OS user ${tools.osUser} cannot write here; every folder above the drill work folder (VIGIL_DRILL_WORK_DIR) must be searchable by it`);
  });
  return { dir, owner };
}

async function writeOwned(file: string, text: string, owner: { uid: number; gid: number } | null): Promise<void> {
  await writeFile(file, text, { mode: 0o600 });
  if (owner) await chown(file, owner.uid, owner.gid);
}

/**
 * Removes scratch folders a crashed Vigil left behind (a server still running in one is stopped
 * first). A folder whose maker is a live process is left alone: another drill of this machine
 * may be running in it. Returns the folders removed.
 */
export async function removeLeftoverScratch(root: string, tools: PostgresTools, isAlive: (pid: number) => Promise<boolean> = async (pid) => (await processFacts(pid)).running): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(root).catch(() => [] as string[])) {
    const dir = join(root, name);
    const marker = await readFile(join(dir, MARKER), 'utf8').then((t) => JSON.parse(t) as { pid?: number }, () => null);
    if (!marker) continue; // not ours
    // This process's own folders are in use; a live maker's too (a zombie counts as gone).
    if (marker.pid === process.pid || (typeof marker.pid === 'number' && (await isAlive(marker.pid)))) continue;
    await stopIn(dir, tools);
    await rm(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}

async function stopIn(dir: string, tools: PostgresTools): Promise<void> {
  const data = join(dir, 'data');
  const pid = await readFile(join(data, 'postmaster.pid'), 'utf8').then(parsePostmasterPid, () => undefined);
  if (!pid) return;
  await tools.pg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', '-t', '60', 'stop'], 90_000).catch(() => undefined);
}

async function ownerOf(tools: PostgresTools): Promise<{ uid: number; gid: number } | null> {
  if (process.getuid?.() !== 0) return null;
  const id = async (flag: string) => Number((await exec('id', [flag, tools.osUser])).stdout.trim());
  return { uid: await id('-u'), gid: await id('-g') };
}

/** For restore_command, which PostgreSQL runs through the shell. */
function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Free bytes for an unprivileged writer on the file system of `root` (made first if missing). */
export async function freeBytesAt(root: string): Promise<number> {
  await mkdir(root, { recursive: true, mode: 0o711 });
  const s = await statfs(root);
  return s.bavail * s.bsize;
}
