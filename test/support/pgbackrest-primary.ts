import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { latestBackup } from '../../src/core/drills/pgbackrest-output.js';
import { startPostgresPrimary, type PostgresPrimary } from './archiving-postgres.js';

/**
 * A PostgreSQL 15 primary backed up by pgBackRest as a fleet's would be: archive_command is
 * `pgbackrest archive-push`, into a repository in the test's temporary folder, described by a
 * pgbackrest.conf there (lock and log files there too, never the machine's /var/lib/pgbackrest or
 * /var/log/pgbackrest). No compression: the backups are small and the tests want them fast.
 * The stanza is created and has one full backup when this resolves.
 */
export interface PgBackRestPrimary extends PostgresPrimary {
  readonly stanza: string;
  readonly configFile: string;
  readonly repoDir: string;
  /** A new full backup; answers its label. */
  fullBackup(): Promise<string>;
  /** pgbackrest with this stanza and configuration, as the postgres user; answers its stdout. */
  pgbackrest(...args: string[]): Promise<string>;
  /** A copy of the repository and a configuration naming it instead, for a test that damages one. */
  copyRepository(name: string): Promise<{ readonly repoDir: string; readonly configFile: string }>;
}

export async function startPgBackRestPrimary(stanza = 'orders'): Promise<PgBackRestPrimary> {
  let configFile = '';
  let repoDir = '';
  const primary = await startPostgresPrimary('vigil-drill-pgbackrest-', async ({ dir, dataDir, port }) => {
    configFile = join(dir, 'pgbackrest.conf');
    repoDir = join(dir, 'repo');
    const conf = [
      '[global]',
      `repo1-path=${repoDir}`,
      // Kept indefinitely, said explicitly: without it every backup warns about retention.
      'repo1-retention-full=9999999',
      `lock-path=${join(dir, 'pgbackrest', 'lock')}`,
      `log-path=${join(dir, 'pgbackrest', 'log')}`,
      'compress-type=none',
      'start-fast=y',
      '',
      `[${stanza}]`,
      `pg1-path=${dataDir}`,
      `pg1-socket-path=${dir}`,
      `pg1-port=${port}`,
      'pg1-user=postgres',
      '',
    ].join('\n');
    await writeFile(configFile, conf);
    return `pgbackrest --config=${configFile} --stanza=${stanza} archive-push %p`;
  });
  const pgbackrest = async (...args: string[]) => (await primary.asPostgres('pgbackrest', [`--config=${configFile}`, `--stanza=${stanza}`, ...args])).stdout;
  const fullBackup = async () => {
    await pgbackrest('--type=full', 'backup');
    return latestBackup(await pgbackrest('info', '--output=json'), stanza).label;
  };
  try {
    await pgbackrest('stanza-create');
    await fullBackup();
  } catch (err) {
    await primary.stop();
    throw err;
  }
  return {
    ...primary,
    stanza,
    configFile,
    repoDir,
    pgbackrest,
    fullBackup,
    async copyRepository(name) {
      const copy = join(primary.dir, `${name}-repo`);
      const copyConfig = join(primary.dir, `${name}-pgbackrest.conf`);
      await primary.asPostgres('cp', ['-a', repoDir, copy]);
      await writeFile(copyConfig, (await readFile(configFile, 'utf8')).replace(`repo1-path=${repoDir}`, `repo1-path=${copy}`));
      return { repoDir: copy, configFile: copyConfig };
    },
  };
}
