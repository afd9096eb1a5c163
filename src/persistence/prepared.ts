import pg, { type PoolClient } from 'pg';

/** A statement and its parameters: run prepared (`prepared` in statement-batch.ts) or inlined into a batch (`inlineStatements`). */
export interface Statement {
  /** The prepared statement's name; it must stand for exactly one `text`. */
  readonly name: string;
  readonly text: string;
  readonly values: readonly unknown[];
}

/**
 * Statements as one simple-protocol query string, for one round trip where node-postgres has no
 * pipelining. A statement with parameters runs as SQL-level `EXECUTE name(literals…)` of a
 * statement this connection PREPAREd (the PREPARE goes in front, the first time), so PostgreSQL
 * plans it once per connection as with `prepared`; each value is a quoted literal escaped by
 * node-postgres (`escapeLiteral`), which takes the parameter's type. One without parameters
 * (BEGIN, COMMIT) runs as it is. The caller must drop the connection (release it with an error)
 * when the query fails: which PREPAREs it holds is then unknown.
 */
export function inlineStatements(client: PoolClient, statements: readonly Statement[]): { text: string; done(): void } {
  const known = preparedOn.get(client) ?? new Set<string>();
  const fresh = new Map<string, string>();
  const parts: string[] = [];
  for (const s of statements) {
    if (s.values.length === 0) {
      parts.push(s.text);
      continue;
    }
    // Its own name: node-postgres's protocol-level prepared statements share the namespace.
    const name = `${s.name}_sql`;
    if (!known.has(name) && !fresh.has(name)) fresh.set(name, `PREPARE ${name} AS ${s.text}`);
    parts.push(`EXECUTE ${name}(${s.values.map((v, i) => literal(v, s.name, String(i + 1))).join(', ')})`);
  }
  return {
    text: [...fresh.values(), ...parts].join(';\n'),
    done: () => {
      for (const name of fresh.keys()) known.add(name);
      preparedOn.set(client, known);
    },
  };
}

/** The SQL-level prepared statements of each connection. */
const preparedOn = new WeakMap<PoolClient, Set<string>>();

function literal(v: unknown, statement: string, n: string): string {
  if (v === null || v === undefined) return 'NULL';
  if (v instanceof Date) return `'${v.toISOString()}'`;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return `'${String(v)}'`;
  if (typeof v === 'object' && !Array.isArray(v)) return literal(JSON.stringify(v), statement, n);
  if (typeof v === 'string') {
    // The simple protocol sends the query as a C string: a NUL would cut it short.
    if (v.includes('\0')) throw new Error(`${statement}: parameter $${n} holds a NUL character, which PostgreSQL text cannot store`);
    // node-postgres puts a space before an E'' literal.
    return pg.escapeLiteral(v).trimStart();
  }
  throw new Error(`${statement}: parameter $${n} is ${Array.isArray(v) ? 'an array' : typeof v}; inline only scalars, dates and objects (as JSON)`);
}
