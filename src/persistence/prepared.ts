import type { PoolClient } from 'pg';

/**
 * A query as a named prepared statement on the transaction's own connection: PostgreSQL parses
 * and plans it once per connection instead of on every call. For the Alertmanager ingest path,
 * where each notification is a handful of short statements and parsing and planning were half of
 * PostgreSQL's CPU (bench/scenario-alerts.js). `name` must stand for exactly one `text`.
 * Outside a transaction with a connection it is a plain query.
 */
/** A transaction's manager (its connection is used), or anything else that can run a query. */
type Runner = { query(text: string, values?: unknown[]): Promise<unknown>; readonly queryRunner?: unknown };

export async function prepared<T = Record<string, unknown>>(m: Runner, name: string, text: string, values: readonly unknown[]): Promise<T[]> {
  const client = (m.queryRunner as { databaseConnection?: PoolClient } | undefined)?.databaseConnection;
  if (!client) return (await m.query(text, values as unknown[])) as T[];
  const result = await client.query({ name, text, values: values as unknown[] });
  return result.rows as T[];
}
