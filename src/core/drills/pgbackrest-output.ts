/**
 * What pgBackRest (2.x) says about a stanza's repository, read from its own commands: `info
 * --output=json` for the backups, `repo-ls --recurse --output=json` for the archived WAL and the
 * log lines of `verify` for the files whose checksum or size no longer match. Read rather than
 * looking into the repository ourselves: it may be encrypted, compressed or in object storage.
 */

export interface PgBackRestBackup {
  readonly label: string;
  readonly type: string;
  readonly startedAt: Date;
  readonly stoppedAt: Date;
  /** The first and last WAL segment the backup needs to be consistent. */
  readonly archiveStart: string;
  readonly archiveStop: string;
  /** The archive folder of the backup's database (`15-1`: version and history id). */
  readonly archiveId: string;
  readonly repoKey: number;
  /** The earlier backups a differential or incremental one takes unchanged files from. */
  readonly references: readonly string[];
}

interface InfoStanza {
  readonly name: string;
  readonly status?: { readonly code: number; readonly message: string };
  readonly archive?: readonly { readonly id: string; readonly database: { readonly id: number; readonly 'repo-key': number } }[];
  readonly backup?: readonly {
    readonly label: string;
    readonly type: string;
    readonly timestamp: { readonly start: number; readonly stop: number };
    readonly archive: { readonly start: string | null; readonly stop: string | null };
    readonly database: { readonly id: number; readonly 'repo-key': number };
    readonly reference?: readonly string[] | null;
    /** Sizes: `size` of the database, `repository.size` as stored (compressed). */
    readonly info?: { readonly size?: number; readonly repository?: { readonly size?: number } };
    /** Set by pgBackRest when the backup found page checksum errors. */
    readonly error?: boolean;
  }[];
}

/** Every backup of `stanza`, oldest first: label, when it finished, its size in the repository, and whether pgBackRest flagged errors. */
export function backupHistory(infoJson: string, stanza: string): { label: string; finishedAt: Date; sizeBytes: number; error: boolean }[] {
  const s = (JSON.parse(infoJson) as InfoStanza[]).find((x) => x.name === stanza);
  if (!s) throw new Error(`pgbackrest info knows no stanza "${stanza}"`);
  return [...(s.backup ?? [])]
    .sort((a, b) => a.timestamp.stop - b.timestamp.stop)
    .map((b) => ({ label: b.label, finishedAt: new Date(b.timestamp.stop * 1000), sizeBytes: b.info?.repository?.size ?? b.info?.size ?? 0, error: b.error === true }));
}

/** The newest backup of `stanza` in `pgbackrest info --output=json`, over all repositories. */
export function latestBackup(infoJson: string, stanza: string): PgBackRestBackup {
  const stanzas = JSON.parse(infoJson) as InfoStanza[];
  const s = stanzas.find((x) => x.name === stanza);
  if (!s) throw new Error(`pgbackrest info knows no stanza "${stanza}"`);
  const backups = [...(s.backup ?? [])].sort((a, b) => a.timestamp.start - b.timestamp.start);
  const b = backups.at(-1);
  if (!b) throw new Error(`stanza "${stanza}" has no backup (pgbackrest info: ${s.status?.message ?? 'no status'})`);
  // A backup taken with archive-check off names no WAL: nothing then says where recovery starts.
  if (!b.archive.start || !b.archive.stop) throw new Error(`backup ${b.label} of stanza "${stanza}" names no WAL segments (taken with archive-check off?)`);
  const archive = (s.archive ?? []).find((a) => a.database.id === b.database.id && a.database['repo-key'] === b.database['repo-key']);
  if (!archive) throw new Error(`stanza "${stanza}" has no WAL archive for the database of backup ${b.label}`);
  return {
    label: b.label,
    type: b.type,
    startedAt: new Date(b.timestamp.start * 1000),
    stoppedAt: new Date(b.timestamp.stop * 1000),
    archiveStart: b.archive.start,
    archiveStop: b.archive.stop,
    archiveId: archive.id,
    repoKey: b.database['repo-key'],
    references: b.reference ?? [],
  };
}

/**
 * The WAL file names in a `repo-ls --recurse --output=json` listing of an archive folder, as
 * PostgreSQL named them: pgBackRest stores a segment as `<segment>-<sha1>` plus the compression
 * extension (`.gz`, `.lz4`, `.zst`, `.bz2`), and so a history file; `.backup` labels keep their names.
 */
export function archivedWalNames(repoLsJson: string): string[] {
  const entries = JSON.parse(repoLsJson) as Record<string, { readonly type: string }>;
  return Object.entries(entries)
    .filter(([, e]) => e.type === 'file')
    .map(([path]) => {
      const name = path.slice(path.lastIndexOf('/') + 1);
      return /^(.+?)-[0-9a-f]{40}(?:\.[a-z0-9]+)?$/.exec(name)?.[1] ?? name;
    });
}

/** What `verify` is asked about: the backup a drill restores and the WAL it replays. */
export interface VerifyScope {
  readonly stanza: string;
  readonly backup: Pick<PgBackRestBackup, 'label' | 'references' | 'archiveId' | 'archiveStart'>;
}

/**
 * The files `pgbackrest verify --log-level-console=info` found damaged that the restore of
 * `scope.backup` would read: its own files and those it references, and archived WAL from its
 * first segment on. Damage elsewhere (an older backup) does not stop this drill. Paths are given
 * from the repository's root (`backup/<stanza>/<label>/pg_data/…`), as repo-ls and repo-get take them.
 * pgBackRest 2.45 logs these at INFO and exits 0 whatever it finds, so the lines are the verdict.
 */
export function verifyProblems(output: string, scope: VerifyScope): string[] {
  const labels = new Set([scope.backup.label, ...scope.backup.references]);
  const problems: string[] = [];
  for (const line of output.split('\n')) {
    const m = /\b(file missing|invalid checksum|invalid size) '([^']+)'/.exec(line) ?? /\b(invalid result) (\S+): (.*)$/.exec(line);
    if (!m) continue;
    const [, what, path, detail] = m as unknown as [string, string, string, string | undefined];
    const top = path.slice(0, path.indexOf('/'));
    const inWal = top === scope.backup.archiveId && path.slice(path.lastIndexOf('/') + 1).slice(0, 24) >= scope.backup.archiveStart;
    if (!labels.has(top) && !inWal) continue;
    const repoPath = `${inWal ? 'archive' : 'backup'}/${scope.stanza}/${path}`;
    problems.push(detail ? `${what} '${repoPath}': ${detail.trim()}` : `${what} '${repoPath}'`);
  }
  return problems;
}
