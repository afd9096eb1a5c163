import { openEmbeddedPostgres } from '../adapters/postgres/embedded-postgres.js';
import type { VigilConfig } from '../config/config.js';
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
