import type { DataSource } from 'typeorm';
import { openDatabase } from '../../src/persistence/data-source.js';
import { GenerationRunEntity } from '../../src/persistence/entities/generation-run.entity.js';
import { JobRepository } from '../../src/persistence/job.repository.js';
import { batchedTransaction, prepared, queueOn, readTogether } from '../../src/persistence/statement-batch.js';
import { startTestPostgres, type TestPostgres } from '../support/postgres-server.js';

/**
 * Batched transactions on a real PostgreSQL: queued writes go out with the next read or with
 * COMMIT, in order, and whatever else runs on the transaction (TypeORM's own queries and saves)
 * neither overtakes the queue nor commits early.
 */

let server: TestPostgres;
let ds: DataSource;
let dbCount = 0;

beforeAll(async () => {
  server = await startTestPostgres('vigil_batch_test');
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

beforeEach(async () => {
  ds = await openDatabase(await server.createDatabase(`vigil_batch_${++dbCount}_test`), { poolSize: 3 });
  await ds.query('CREATE TABLE log (n int PRIMARY KEY, note text)');
});

afterEach(async () => {
  await ds.destroy();
});

const insert = (n: number, note = `row ${n}`) => ({ name: 'test_log_insert', text: 'INSERT INTO log (n, note) VALUES ($1, $2)', values: [n, note] });
const rows = async () => ((await ds.query('SELECT n, note FROM log ORDER BY n')) as { n: number; note: string }[]).map((r) => [r.n, r.note]);
const backends = async () => Number(((await ds.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database()`)) as { n: number }[])[0]!.n);

it('queued writes are seen by the next read of the transaction, and every kind of query keeps their order', async () => {
  const seen = await batchedTransaction(ds, [{ name: 'test_count', text: 'SELECT count(*)::int AS n FROM log WHERE n > $1', values: [0] }], async (m, [first]) => {
    expect(first).toEqual([{ n: 0 }]);
    await queueOn(m, insert(1));
    const viaPrepared = await prepared<{ n: number }>(m, 'test_count', 'SELECT count(*)::int AS n FROM log WHERE n > $1', [0]);
    await queueOn(m, insert(2), null);
    // TypeORM's own query on the transaction's connection sends the queue first.
    const viaQuery = (await m.query('SELECT count(*)::int AS n FROM log')) as { n: number }[];
    await queueOn(m, insert(3));
    return [viaPrepared[0]!.n, viaQuery[0]!.n];
  });
  expect(seen).toEqual([1, 2]);
  expect(await rows()).toEqual([[1, 'row 1'], [2, 'row 2'], [3, 'row 3']]);
});

it('a TypeORM save inside is part of the transaction: a later failure rolls it back with the queue', async () => {
  await expect(
    batchedTransaction(ds, [], async (m) => {
      await queueOn(m, insert(1));
      await m.getRepository(GenerationRunEntity).save({ startedAt: new Date(), specFiles: 1, services: 1, slos: 1, rules: 1, diagnostics: [], ok: true, changedFiles: [] });
      await queueOn(m, insert(2));
      throw new Error('refused');
    }),
  ).rejects.toThrow('refused');
  expect(await rows()).toEqual([]);
  expect(await ds.query('SELECT count(*)::int AS n FROM generation_runs')).toEqual([{ n: 0 }]);
});

it('a queued write that fails at COMMIT fails the transaction, and the connection it broke is not pooled', async () => {
  await ds.query(`INSERT INTO log VALUES (1, 'there already')`);
  const before = await backends();
  for (let i = 0; i < 4; i++) {
    await expect(batchedTransaction(ds, [], async (m) => queueOn(m, insert(2), insert(1)))).rejects.toThrow(/duplicate key/);
  }
  expect(await rows()).toEqual([[1, 'there already']]);
  // The pool still works, on fresh connections that PREPARE again.
  await batchedTransaction(ds, [], async (m) => queueOn(m, insert(5, "O'Brien; DROP TABLE log; --")));
  expect(await rows()).toEqual([[1, 'there already'], [5, "O'Brien; DROP TABLE log; --"]]);
  expect(await backends()).toBeLessThanOrEqual(before + 3);
});

it('reads outside a transaction go together and answer each statement’s rows', async () => {
  await ds.query(`INSERT INTO log VALUES (1, 'a'), (2, 'b')`);
  const [one, all, none] = await readTogether(ds, [
    { name: 'test_note', text: 'SELECT note FROM log WHERE n = $1', values: [2] },
    { name: 'test_all', text: 'SELECT n FROM log WHERE n >= $1 ORDER BY n', values: [1] },
    { name: 'test_note', text: 'SELECT note FROM log WHERE n = $1', values: [9] },
  ]);
  expect([one, all, none]).toEqual([[{ note: 'b' }], [{ n: 1 }, { n: 2 }], []]);
});

it('a fenced transaction writes nothing once the claim moved on', async () => {
  const jobs = new JobRepository(ds);
  await ds.query(`INSERT INTO jobs (name, key, run_at, state, attempts, max_attempts, lease_seconds, exclusive, created_at) VALUES ('page', 'k', now(), 'running', 2, 3, 30, false, now())`);
  const [{ id }] = (await ds.query(`SELECT id::text AS id FROM jobs`)) as [{ id: string }];
  expect(await jobs.fenced({ jobId: id, runId: '0', attempt: 1 }, (m) => queueOn(m, insert(1)))).toBe(false);
  expect(await jobs.fenced({ jobId: id, runId: '0', attempt: 2 }, (m) => queueOn(m, insert(2)))).toBe(true);
  expect(await rows()).toEqual([[2, 'row 2']]);
});
