import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { archivedWalNames, latestBackup, verifyProblems, type PgBackRestBackup } from '../../core/drills/pgbackrest-output.js';
import { checkWalContinuity } from '../../core/drills/wal-segments.js';
import type { BackupSource } from '../../core/model/drill.js';
import type { BackupCheck, ScratchTarget } from '../../core/ports/restore-target.js';
import { lastCommitUpTo } from './last-commit.js';
import { ToolFailed, type PostgresTools, type ToolOutput } from './postgres-tools.js';
import { createScratchFolder, ScratchCluster } from './scratch-cluster.js';
import { LocalRestoreTarget, postgresTime, ScratchClusterTarget } from './scratch-cluster.target.js';

type Stanza = Extract<BackupSource, { kind: 'pgbackrest' }>;

/**
 * Restores a pgBackRest stanza, with pgBackRest doing every read of its repository (which may be
 * compressed, encrypted or in object storage): `info` names the latest backup, `verify` checks
 * the repository's checksums, `repo-ls` lists the archived WAL, `archive-get` fetches the segments
 * pg_waldump reads for the last commit, and `restore` fills the scratch cluster, whose recovery
 * then fetches WAL with pgBackRest's own restore_command (archive-get).
 */
export class PgBackRestRestoreTarget extends LocalRestoreTarget {
  constructor(
    tools: PostgresTools,
    scratchRoot: string,
    role: string,
    primaryUrl: string | null = null,
    private readonly bin = 'pgbackrest',
  ) {
    super(tools, scratchRoot, role, primaryUrl);
  }

  async toolVersions(): Promise<Record<string, string>> {
    const versions: Record<string, string> = {};
    for (const tool of ['postgres', 'pg_waldump']) versions[tool] = await this.tools.version(tool);
    versions.pgbackrest = (await this.tools.run(this.bin, ['version'], 30_000)).stdout.trim();
    return versions;
  }

  async verifyBackup(source: BackupSource, signal: AbortSignal): Promise<BackupCheck> {
    const s = stanza(source);
    // Before there is a scratch cluster, pgBackRest's lock and log files and the fetched WAL live here.
    const work = await createScratchFolder(this.scratchRoot, `verify-${randomUUID()}`, this.tools);
    try {
      const pgbackrest = new PgBackRest(this.tools, this.bin, s, work.dir);
      const backup = latestBackup((await pgbackrest.run('info', ['--output=json'], [], signal)).stdout, s.stanza);
      const repo = `--repo=${backup.repoKey}`;
      // 2.45's verify takes no --set: it reads the whole repository, and verifyProblems keeps what this backup needs.
      const manifest = await pgbackrest.run('verify', [repo, '--log-level-console=info'], [], signal).then(
        (r) => {
          const problems = verifyProblems(r.stdout, { stanza: s.stanza, backup });
          return problems.length === 0 ? { ok: true as const } : { ok: false as const, problem: `pgbackrest verify: ${problems.join('; ')}` };
        },
        (err: unknown) => {
          // Killed by the drill's deadline: that says nothing about the backup.
          signal.throwIfAborted();
          return { ok: false as const, problem: err instanceof ToolFailed ? err.stderr.trim() : String(err) };
        },
      );
      const listing = await pgbackrest.run('repo-ls', [repo, '--recurse', '--output=json'], [`archive/${s.stanza}/${backup.archiveId}`], signal);
      const wal = checkWalContinuity(archivedWalNames(listing.stdout), backup.archiveStart);
      const last = wal.ok ? wal.to : wal.lastContiguous;
      return {
        manifest,
        wal,
        backup: { startedAt: backup.startedAt, startSegment: backup.archiveStart, label: backup.label },
        lastRecoverableCommitAt: last ? await this.lastCommit(pgbackrest, backup, last, work.dir, signal) : null,
      };
    } finally {
      await rm(work.dir, { recursive: true, force: true });
    }
  }

  async createScratch(runId: string): Promise<ScratchTarget> {
    const cluster = await ScratchCluster.create(this.scratchRoot, runId, this.tools);
    return new PgBackRestScratch(cluster, this.role, (s) => new PgBackRest(this.tools, this.bin, s, cluster.dir));
  }

  /**
   * pg_waldump reads plain segments, so each one is fetched with archive-get (which decompresses
   * and decrypts) into the work folder, one at a time. archive-get reads the pg_control of the
   * stanza's pg1-path to pick the archive: where this machine has none (a host that only holds the
   * repository), the last commit is unknown (null) rather than the pre-check failing.
   */
  private async lastCommit(pgbackrest: PgBackRest, backup: PgBackRestBackup, last: string, workDir: string, signal: AbortSignal): Promise<Date | null> {
    let fetched: string | null = null;
    const place = async (segment: string): Promise<string | null> => {
      if (fetched) await rm(fetched, { force: true });
      fetched = join(workDir, segment);
      // Exit 1 is archive-get's "not in the archive", the answer PostgreSQL's restore_command expects.
      const got = await pgbackrest.run('archive-get', [], [segment, fetched], signal).then(
        () => true,
        (err: unknown) => {
          if (err instanceof ToolFailed && err.exitCode === 1) return false;
          throw err;
        },
      );
      return got ? workDir : null;
    };
    try {
      return await lastCommitUpTo(this.tools, backup.archiveStart, last, place, signal);
    } catch (err) {
      if (err instanceof ToolFailed && err.stderr.includes('pg_control')) return null;
      throw err;
    }
  }
}

class PgBackRestScratch extends ScratchClusterTarget {
  constructor(
    cluster: ScratchCluster,
    role: string,
    private readonly pgbackrest: (source: Stanza) => PgBackRest,
  ) {
    super(cluster, role);
  }

  /**
   * `pgbackrest restore` into the scratch data folder: the latest backup, or for a time target the
   * newest backup before it (pgBackRest chooses), with restore_command, recovery.signal and the
   * target written by pgBackRest. Tablespaces go under the scratch folder too: by default they
   * would be restored to where the backed-up server had them. Symlinked folders (pg_wal) come back
   * as plain folders, pgBackRest's default without --link-all. No --set: for the latest backup
   * pgBackRest picks the one verifyBackup checked (unless a backup ended in between), and for a
   * time target its choice is the one that reaches the target.
   */
  async copyBackup(source: BackupSource, target: { readonly time: Date } | null, signal: AbortSignal): Promise<void> {
    const recovery = target ? ['--type=time', `--target=${postgresTime(target.time)}`, '--target-exclusive', '--target-action=promote'] : ['--type=default'];
    await this.pgbackrest(stanza(source)).run(
      'restore',
      [`--pg1-path=${this.cluster.dataDir}`, `--tablespace-map-all=${join(this.cluster.dir, 'tablespaces')}`, '--archive-mode=off', ...recovery],
      [],
      signal,
    );
  }

  /** pgBackRest wrote the recovery settings; what is left is keeping the cluster to itself. */
  async configureRecovery(): Promise<void> {
    await this.cluster.keepToItself();
  }
}

/**
 * pgBackRest for one stanza, as the drill's OS user, with its lock and log files in a folder of
 * the drill's (`<dir>/pgbackrest/`), never the machine's /tmp/pgbackrest or /var/log/pgbackrest:
 * those belong to the fleet's own backups. restore writes these options into restore_command, so
 * the scratch cluster's archive-get logs there too.
 */
/** pgBackRest commands for one stanza, with their lock and log files in a folder of the drill's own. */
export class PgBackRest {
  private readonly lockPath: string;
  private readonly logPath: string;
  private made: Promise<unknown> | null = null;

  constructor(
    private readonly tools: PostgresTools,
    private readonly bin: string,
    private readonly source: Stanza,
    dir: string,
  ) {
    this.lockPath = join(dir, 'pgbackrest', 'lock');
    this.logPath = join(dir, 'pgbackrest', 'log');
  }

  async run(command: string, options: readonly string[], args: readonly string[], signal: AbortSignal): Promise<ToolOutput> {
    // pgBackRest 2.45 makes its lock folder but not its log folder: without it, it warns and logs nothing.
    this.made ??= this.tools.run('mkdir', ['-p', '--', this.lockPath, this.logPath], 30_000);
    await this.made;
    const own = [
      `--stanza=${this.source.stanza}`,
      ...(this.source.configFile ? [`--config=${this.source.configFile}`] : []),
      ...(TAKES_LOCK_PATH.has(command) ? [`--lock-path=${this.lockPath}`] : []),
      `--log-path=${this.logPath}`,
    ];
    return this.tools.run(this.bin, [...own, ...options, command, ...args], 60 * 60_000, signal);
  }
}

/** On the command line pgBackRest refuses an option its command does not take; verify and repo-ls take no lock. */
const TAKES_LOCK_PATH = new Set(['info', 'archive-get', 'restore']);

function stanza(source: BackupSource): Stanza {
  if (source.kind !== 'pgbackrest') throw new Error(`backup source ${source.kind} is not a pgBackRest stanza`);
  return source;
}
