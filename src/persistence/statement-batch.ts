import type { PoolClient, QueryResult } from 'pg';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { inlineStatements, type Statement } from './prepared.js';

type Row = Record<string, unknown>;

/**
 * The statements of one transaction, sent in as few round trips as the transaction's reads allow:
 * a write nothing reads back before COMMIT is queued (`queue`), and goes out in front of the next
 * read or with COMMIT, in one simple-protocol query (`inlineStatements`). Order is kept: every
 * other query on the transaction's connection (`m.query`, `prepared`) sends the queue first.
 *
 * Why: node-postgres has no pipelining, and each round trip costs both sides a wake-up and a
 * parse of the protocol, and the sender a `write` that often hands the core to PostgreSQL (V8's
 * profile counts that wait in `writeBuffer`): the Alertmanager ingest path and the page outbox
 * were mostly round trips (bench/scenario-alerts.js).
 */
export class StatementBatch {
  private queued: Statement[] = [];

  constructor(private readonly client: PoolClient) {}

  /** Writes whose results nobody needs before COMMIT; nulls (nothing to write) are skipped. */
  queue(...statements: (Statement | null)[]): void {
    for (const s of statements) if (s) this.queued.push(s);
  }

  get pending(): number {
    return this.queued.length;
  }

  /** Sends what is queued, then `reads`, in one round trip; the rows of each read, in order. */
  async send(reads: readonly Statement[]): Promise<Row[][]> {
    const statements = [...this.queued, ...reads];
    this.queued = [];
    if (statements.length === 0) return [];
    const batch = inlineStatements(this.client, statements);
    const raw = (await this.client.query(batch.text)) as unknown as QueryResult<Row> | QueryResult<Row>[];
    batch.done();
    const results = (Array.isArray(raw) ? raw : [raw]).filter((r) => r.command !== 'PREPARE');
    return reads.length === 0 ? [] : results.slice(-reads.length).map((r) => r.rows);
  }
}

const batches = new WeakMap<QueryRunner, StatementBatch>();

/** Something that runs queries: a transaction's manager, or the data source itself. */
type Runner = Pick<EntityManager, 'query'> & { readonly queryRunner?: QueryRunner | undefined };

/** The batch of the transaction `m` belongs to, if it was opened by `batchedTransaction`. */
export function batchOf(m: Runner): StatementBatch | undefined {
  const runner = (m as { queryRunner?: QueryRunner }).queryRunner;
  return runner ? batches.get(runner) : undefined;
}

/** Queues writes in `m`'s batch; outside one (a plain transaction) they run now, each prepared. */
export async function queueOn(m: Runner, ...statements: (Statement | null)[]): Promise<void> {
  const batch = batchOf(m);
  if (batch) return batch.queue(...statements);
  for (const s of statements) if (s) await runStatement(m, s);
}

/**
 * A query as a named prepared statement on the transaction's own connection: PostgreSQL parses
 * and plans it once per connection instead of on every call (for the ingest path, where parsing
 * and planning were half of PostgreSQL's CPU). In a batched transaction it goes out with the
 * queue, in one round trip. Outside a transaction with a connection it is a plain query.
 */
export async function prepared<T = Row>(m: Runner, name: string, text: string, values: readonly unknown[]): Promise<T[]> {
  return runStatement<T>(m, { name, text, values });
}

export async function runStatement<T = Row>(m: Runner, s: Statement): Promise<T[]> {
  const batch = batchOf(m);
  if (batch) return (await batch.send([s]))[0] as T[];
  const client = ((m as { queryRunner?: QueryRunner }).queryRunner as { databaseConnection?: PoolClient } | undefined)?.databaseConnection;
  if (!client) return (await m.query(s.text, s.values as unknown[])) as T[];
  return (await client.query({ name: s.name, text: s.text, values: s.values as unknown[] })).rows as T[];
}

/**
 * A transaction whose first round trip is BEGIN and `first` (typically: the lock that decides the
 * rest, and the rows it guards), and whose writes queued in `fn` go with COMMIT. `fn` gets the
 * transaction's manager and the rows of each `first` statement; it must not open transactions of
 * its own (TypeORM's nested ones become savepoints, which is safe). Throwing rolls back.
 *
 * On an error the connection is dropped rather than pooled: which of the batch's PREPAREs reached
 * PostgreSQL is then unknown.
 */
export async function batchedTransaction<T>(dataSource: DataSource, first: readonly Statement[], fn: (m: EntityManager, rows: Row[][]) => Promise<T>): Promise<T> {
  const runner = dataSource.createQueryRunner();
  const client = (await runner.connect()) as PoolClient;
  const batch = new StatementBatch(client);
  const state = runner as unknown as { isTransactionActive: boolean; transactionDepth: number; query: QueryRunner['query']; releasePostgresConnection(err?: unknown): Promise<void> };
  const plainQuery = state.query;
  // TypeORM's own queries on this runner (m.query, repositories) send the queue first, keeping order.
  state.query = async function (this: QueryRunner, ...args: Parameters<QueryRunner['query']>) {
    if (batch.pending > 0) await batch.send([]);
    return plainQuery.apply(this, args);
  } as QueryRunner['query'];
  batches.set(runner, batch);
  let open = false;
  let broken: unknown;
  try {
    batch.queue({ name: 'begin', text: 'BEGIN', values: [] });
    open = true;
    // TypeORM must know: a `save()` inside would otherwise open (and COMMIT) a transaction of its own.
    state.isTransactionActive = true;
    state.transactionDepth = 1;
    const rows = await batch.send(first);
    const result = await fn(runner.manager, rows);
    batch.queue({ name: 'commit', text: 'COMMIT', values: [] });
    await batch.send([]);
    open = false;
    return result;
  } catch (err) {
    // The connection may be gone too: the original error is the one to report.
    if (open) await client.query('ROLLBACK').catch(() => undefined);
    broken = err;
    throw err;
  } finally {
    state.isTransactionActive = false;
    state.transactionDepth = 0;
    delete (state as { query?: unknown }).query;
    batches.delete(runner);
    await state.releasePostgresConnection(broken);
  }
}

/**
 * Reads outside any transaction, in one round trip (one simple-protocol query runs as one implicit
 * transaction, so they also see one snapshot).
 */
export async function readTogether(dataSource: DataSource, reads: readonly Statement[]): Promise<Row[][]> {
  const runner = dataSource.createQueryRunner();
  const client = (await runner.connect()) as PoolClient;
  let broken: unknown;
  try {
    return await new StatementBatch(client).send(reads);
  } catch (err) {
    broken = err;
    throw err;
  } finally {
    await (runner as unknown as { releasePostgresConnection(err?: unknown): Promise<void> }).releasePostgresConnection(broken);
  }
}
