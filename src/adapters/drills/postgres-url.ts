import pg from 'pg';

/** One query on a fresh connection to `url` (the last statement's rows, for several). Drills connect rarely; a pool would outlive the server they kill. */
export async function queryUrl<T = Record<string, unknown>>(url: string, sql: string, values?: unknown[]): Promise<T[]> {
  const c = new pg.Client({ connectionString: url, application_name: 'vigil-drill', connectionTimeoutMillis: 5000 });
  c.on('error', () => undefined); // a server the drill stops: the failed query says so
  await c.connect();
  try {
    const r = await c.query(sql, values);
    return (Array.isArray(r) ? (r as pg.QueryResult[]).at(-1)!.rows : r.rows) as T[];
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** The URL with another database. By text: a socket URL (`postgresql://user@/db?host=/dir`) has no host the URL class accepts. */
export function withDatabase(url: string, database: string): string {
  const m = /^(postgres(?:ql)?:\/\/[^/?]*)(?:\/[^?]*)?(\?.*)?$/.exec(url);
  if (!m) throw new Error('the connection reference does not hold a postgresql:// URL');
  return `${m[1]}/${encodeURIComponent(database)}${m[2] ?? ''}`;
}
