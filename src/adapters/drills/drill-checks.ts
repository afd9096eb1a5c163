import type { DrillCheck } from '../../core/model/drill.js';
import type { CheckOutcome } from '../../core/ports/restore-target.js';
import { queryUrl, withDatabase } from './postgres-url.js';

/** Runs one query in a database and answers its rows (the last statement's, for several). */
export type QueryIn = <T>(database: string, sql: string) => Promise<T[]>;

/**
 * A drill's validation check against a recovered cluster. A SQL check compares the first column
 * of the first row, as text, with its `expect`; a row count is exact (`equals`) or a floor
 * (`atLeast`, default 1). A check that cannot run fails with the error as its reason.
 */
export async function runDrillCheck(query: QueryIn, check: DrillCheck): Promise<CheckOutcome> {
  const database = check.database ?? 'postgres';
  try {
    if (check.kind === 'sql') {
      const rows = await query<Record<string, unknown>>(database, check.sql);
      const first = rows[0] ? Object.values(rows[0])[0] : undefined;
      const actual = first === undefined ? '(no rows)' : first === null ? 'NULL' : String(first);
      return { name: check.name, kind: check.kind, expected: check.expect, actual, passed: actual === check.expect };
    }
    const count = await countRows(query, database, check.table);
    const expected = check.equals !== undefined ? `= ${check.equals}` : `≥ ${check.atLeast ?? 1}`;
    const passed = check.equals !== undefined ? count === check.equals : count >= (check.atLeast ?? 1);
    return { name: check.name, kind: check.kind, expected, actual: String(count), passed };
  } catch (err) {
    return { name: check.name, kind: check.kind, expected: check.kind === 'sql' ? check.expect : 'a row count', actual: null, passed: false, error: (err as Error).message };
  }
}

/** `SELECT count(*)` of a table named in a spec (schema-qualified or not), each part quoted as an identifier. */
export async function countRows(query: QueryIn, database: string, table: string): Promise<number> {
  const quoted = table.split('.').map((part) => `"${part.replace(/"/g, '""')}"`).join('.');
  return Number((await query<{ n: string }>(database, `SELECT count(*) AS n FROM ${quoted}`))[0]!.n);
}

/** The primary's row counts of the tables checks compare with (before restoring); null without a primary. */
export async function primaryRowCounts(primaryUrl: string | null, tables: readonly { readonly database?: string; readonly table: string }[]): Promise<{ database: string; table: string; rows: number }[] | null> {
  if (!primaryUrl) return null;
  const out: { database: string; table: string; rows: number }[] = [];
  for (const t of tables) {
    const database = t.database ?? 'postgres';
    out.push({ database, table: t.table, rows: await countRows((db, sql) => queryUrl(withDatabase(primaryUrl, db), sql), database, t.table) });
  }
  return out;
}
