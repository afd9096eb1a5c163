import { openEmbeddedPostgres } from '../adapters/postgres/embedded-postgres.js';
import { resolve } from 'node:path';
import { ConfigError, loadConfig, type VigilConfig } from '../config/config.js';
import { EXIT, type CliIo } from './io.js';
import { openCliRepositories, type CliRepositories } from '../persistence/standalone.js';

/**
 * Runs `fn` with the database the service uses: DATABASE_URL, or else the embedded server in
 * VIGIL_DATA_DIR: the one a running `npm start` owns (used, not stopped), or one started for the
 * command and stopped after it.
 */
export async function withDatabase<T>(config: VigilConfig, fn: (repos: CliRepositories) => Promise<T>): Promise<T> {
  // stderr, never stdout: a command's stdout is its output (a token, a table).
  const warn = (message: string) => void process.stderr.write(`vigil: ${message}\n`);
  const server = config.databaseUrl
    ? { url: config.databaseUrl, stop: async () => {} }
    : await openEmbeddedPostgres({ dataDir: config.dataDir, database: 'vigil', onLog: () => {}, onWarn: warn, onError: warn });
  try {
    const repos = await openCliRepositories(server.url, warn);
    try {
      return await fn(repos);
    } finally {
      await repos.close();
    }
  } finally {
    await server.stop();
  }
}

/**
 * A command on the database: the configuration loaded (paths resolved from the command's cwd),
 * `fn` run with the repositories, and any failure printed as `vigil <command>: …` with exit 2.
 */
export async function commandWithDatabase(io: CliIo, command: string, fn: (repos: CliRepositories, config: VigilConfig) => Promise<number>): Promise<number> {
  let config: VigilConfig;
  try {
    const loaded = loadConfig();
    config = { ...loaded, dataDir: resolve(io.cwd, loaded.dataDir), drillWorkDir: resolve(io.cwd, loaded.drillWorkDir) };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io.err(`vigil ${command}: ${err.message}\n`);
    return EXIT.usage;
  }
  try {
    return await withDatabase(config, (repos) => fn(repos, config));
  } catch (err) {
    io.err(`vigil ${command}: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT.usage;
  }
}
