import pg from 'pg';
import type { JobRun } from '../../src/core/jobs/job.js';
import { cron, every } from '../../src/core/jobs/recurrence.js';
import { ManualClock } from '../../src/core/ports/clock.js';
import type { JobDefinition, JobOutcome } from '../../src/modules/jobs/job-definition.js';
import { gate, startReplica, type TestReplica } from '../support/job-workers.js';
import { startTestPostgres, type TestPostgres } from '../support/postgres-server.js';

/**
 * The jobs mechanism on a real PostgreSQL, with several replicas in one process: each has its own
 * connection pool and worker, and all share one stepped clock, so "a slot later" is a step, not
 * a sleep. Each test gets a fresh database.
 */

let server: TestPostgres;
let db: pg.Client;
let url: string;
let dbCount = 0;
const replicas: TestReplica[] = [];

beforeAll(async () => {
  server = await startTestPostgres('vigil_jobs_test');
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

beforeEach(async () => {
  url = await server.createDatabase(`vigil_jobs_${++dbCount}_test`);
  db = new pg.Client({ connectionString: url });
  await db.connect();
});

afterEach(async () => {
  for (const r of replicas.splice(0)) await r.close();
  await db.end();
});

const T0 = new Date('2026-11-29T10:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

async function replica(name: string, clock: ManualClock, defs: readonly JobDefinition[], opts?: { concurrency?: number }): Promise<TestReplica> {
  const r = await startReplica(url, name, clock, defs, opts);
  replicas.push(r);
  return r;
}

/** Every replica passes at once, as they would on a shared database: claims race for real. */
const drainAll = (rs: readonly TestReplica[]) => Promise.all(rs.map((r) => r.worker.drain()));

/** A handler whose effect is a row written in the run's own transaction (so a fenced-out run leaves none). */
async function effectsTable(): Promise<void> {
  await db.query('CREATE TABLE effects (job text, slot timestamptz, replica text, attempt int)');
}
const effect =
  (extra?: (run: JobRun) => Promise<void>) =>
  async (run: JobRun): Promise<JobOutcome> => {
    await extra?.(run);
    return {
      status: 'succeeded',
      commit: async (tx) => {
        await tx.query('INSERT INTO effects (job, slot, replica, attempt) VALUES ($1, $2, $3, $4)', [run.key, run.slot, run.replica, run.attempt]);
      },
    };
  };
const effects = async () => (await db.query<{ job: string; slot: Date | null; replica: string; attempt: number }>('SELECT * FROM effects ORDER BY slot, job')).rows;
const runs = async (name: string) =>
  (
    await db.query<{ key: string; attempt: number; replica: string; outcome: string; error: string | null; started_at: Date; finished_at: Date | null }>(
      'SELECT j.key, r.attempt, r.replica, r.outcome, r.error, r.started_at, r.finished_at FROM job_runs r JOIN jobs j ON j.id = r.job_id WHERE r.name = $1 ORDER BY r.id',
      [name],
    )
  ).rows;
const metric = async (r: TestReplica, line: RegExp) => Number(line.exec(await r.metrics.render())?.[1] ?? NaN);

describe('recurring jobs', () => {
  it('run once per slot however many replicas pass at the same time', async () => {
    await effectsTable();
    const clock = new ManualClock(T0);
    const def = (): JobDefinition => ({ name: 'tick', recurrence: every(10), run: effect() });
    const rs = await Promise.all(['a', 'b', 'c'].map((n) => replica(n, clock, [def()])));
    for (let slot = 0; slot < 5; slot++) {
      clock.set(at(slot * 10 + 3));
      await drainAll(rs);
      // Passing again within the slot changes nothing.
      await drainAll(rs);
    }
    const done = await effects();
    expect(done.map((e) => e.slot!.toISOString())).toEqual([0, 10, 20, 30, 40].map((s) => at(s).toISOString()));
    const recorded = await runs('tick');
    expect(recorded).toHaveLength(5);
    for (const r of recorded) {
      expect(r).toMatchObject({ attempt: 1, outcome: 'succeeded', error: null });
      expect(['a', 'b', 'c']).toContain(r.replica);
      expect(r.finished_at!.getTime()).toBeGreaterThanOrEqual(r.started_at.getTime());
    }
    const total = (await Promise.all(rs.map((r) => metric(r, /^vigil_jobs_runs_total\{kind="tick",outcome="succeeded"\} (\d+)$/m)))).map((n) => (Number.isNaN(n) ? 0 : n));
    expect(total.reduce((a, b) => a + b, 0)).toBe(5);
  });

  it('follow a cron expression in its time zone across a DST change, once per slot', async () => {
    await effectsTable();
    const start = new Date('2026-03-27T12:00:00Z');
    const clock = new ManualClock(start);
    const def = (): JobDefinition => ({ name: 'drill', recurrence: cron('0 9 * * *', 'Europe/Berlin'), run: effect() });
    const rs = await Promise.all(['a', 'b'].map((n) => replica(n, clock, [def()])));
    for (let h = 0; h <= 4 * 24; h++) {
      clock.set(new Date(start.getTime() + h * 3600_000 + 30_000));
      await drainAll(rs);
    }
    // 09:00 Berlin: 08:00 UTC before the change on 29 March, 07:00 UTC after. Defined at 12:00, the 27th's slot was not owed.
    expect((await effects()).map((e) => e.slot!.toISOString())).toEqual([
      '2026-03-28T08:00:00.000Z',
      '2026-03-29T07:00:00.000Z',
      '2026-03-30T07:00:00.000Z',
      '2026-03-31T07:00:00.000Z',
    ]);
    expect((await db.query(`SELECT count(*)::int AS n FROM jobs WHERE state = 'missed'`)).rows[0].n).toBe(0);
  });

  it('record the slots no replica ran while all were down, then run the current one', async () => {
    await effectsTable();
    const clock = new ManualClock(at(1));
    const def = (): JobDefinition => ({ name: 'tick', recurrence: every(10), run: effect() });
    const first = await replica('a', clock, [def()]);
    await first.worker.drain();
    await first.close();

    clock.set(at(41)); // slots 10, 20 and 30 pass with nothing running
    const back = await replica('b', clock, [def()]);
    await back.worker.drain();

    expect((await effects()).map((e) => e.slot!.toISOString())).toEqual([at(0), at(40)].map((d) => d.toISOString()));
    const missed = await db.query<{ slot: Date; last_error: string }>(`SELECT slot, last_error FROM jobs WHERE name = 'tick' AND state = 'missed' ORDER BY slot`);
    expect(missed.rows.map((r) => r.slot.toISOString())).toEqual([at(10), at(20), at(30)].map((d) => d.toISOString()));
    expect(missed.rows[0]!.last_error).toMatch(/no replica was running/);
    expect((await db.query(`SELECT missed_total::int AS n FROM job_schedules WHERE name = 'tick'`)).rows[0].n).toBe(3);
    expect(await metric(back, /^vigil_jobs_missed_total\{kind="tick"\} (\d+)$/m)).toBe(3);
  });

  it('run one at a time: a slot due while the previous one still runs waits, and is recorded as missed once a newer slot supersedes it', async () => {
    await effectsTable();
    const clock = new ManualClock(at(1));
    const slow = gate();
    const a = await replica('a', clock, [{ name: 'cycle', recurrence: every(10), run: effect(async (run) => (run.slot!.getTime() === T0.getTime() ? slow.wait : undefined)) }]);
    const b = await replica('b', clock, [{ name: 'cycle', recurrence: every(10), run: effect() }]);
    await a.worker.tick(); // a claims slot 0 and hangs in it
    clock.set(at(11));
    await b.worker.drain(); // slot 10 is created but not claimed: slot 0 still runs
    clock.set(at(21));
    await b.worker.drain(); // slot 20 supersedes slot 10
    expect(await effects()).toEqual([]);
    slow.open();
    await a.worker.drain();
    await b.worker.drain();
    expect((await effects()).map((e) => [e.slot!.toISOString(), e.replica])).toEqual([
      [at(0).toISOString(), 'a'],
      [at(20).toISOString(), expect.stringMatching(/^[ab]$/)],
    ]);
    const missed = await db.query<{ slot: Date; last_error: string }>(`SELECT slot, last_error FROM jobs WHERE state = 'missed'`);
    expect(missed.rows.map((r) => r.slot.toISOString())).toEqual([at(10).toISOString()]);
    expect(missed.rows[0]!.last_error).toMatch(/no replica claimed it before the next slot/);
  });
});

describe('delayed jobs', () => {
  // Two claims allowed: a run lost with its replica is run again once.
  const once = (name = 'page'): JobDefinition => ({ name, leaseSeconds: 30, maxAttempts: 2, run: effect() });

  it('survive a restart: due while no replica ran, they run at once when one comes back, once', async () => {
    await effectsTable();
    const clock = new ManualClock(T0);
    const a = await replica('a', clock, [once()]);
    expect(await a.worker.schedule({ name: 'page', key: 'incident-1/step-2', runAt: at(30) })).toBe(true);
    // Scheduling the same job again (a retried request) changes nothing.
    expect(await a.worker.schedule({ name: 'page', key: 'incident-1/step-2', runAt: at(60) })).toBe(false);
    await a.worker.drain();
    expect(await effects()).toEqual([]); // not due yet
    await a.close();

    clock.set(at(45));
    const b = await replica('b', clock, [once()]);
    const c = await replica('c', clock, [once()]);
    await drainAll([b, c]);
    await drainAll([b, c]);
    expect((await effects()).map((e) => [e.job, e.attempt])).toEqual([['incident-1/step-2', 1]]);
    expect(await runs('page')).toEqual([expect.objectContaining({ key: 'incident-1/step-2', attempt: 1, outcome: 'succeeded' })]);
  });

  it('a run whose replica stalls (alive but silent) is taken over when its lease lapses, and the stalled run can store nothing (fenced)', async () => {
    await effectsTable();
    const clock = new ManualClock(T0);
    const stuck = gate();
    const a = await replica('a', clock, [{ ...once(), run: effect(() => stuck.wait) }]);
    const b = await replica('b', clock, [once()]);
    await a.worker.schedule({ name: 'page', key: 'k', runAt: T0 });
    await a.worker.tick(); // a claims it and stalls (as a replica that froze or lost its network would)

    clock.set(at(20));
    await b.worker.drain();
    expect(await effects()).toEqual([]); // the lease (30 s) holds: nobody else runs it

    clock.set(at(31));
    await b.worker.drain();
    stuck.open(); // a wakes up and tries to record its run
    await a.worker.drain();

    expect((await effects()).map((e) => [e.replica, e.attempt])).toEqual([['b', 2]]);
    expect((await runs('page')).map((r) => [r.replica, r.attempt, r.outcome])).toEqual([
      ['a', 1, 'lost'],
      ['b', 2, 'succeeded'],
    ]);
    expect((await runs('page'))[0]!.error).toMatch(/lease expired: replica a stopped or stalled during attempt 1/);
    expect(await metric(a, /^vigil_jobs_runs_total\{kind="page",outcome="lost"\} (\d+)$/m)).toBe(1);
  });

  it('a run whose replica died (its database session ended) is taken over at once, without waiting for the lease', async () => {
    await effectsTable();
    const clock = new ManualClock(T0);
    const stuck = gate();
    const a = await replica('a', clock, [{ ...once(), run: effect(() => stuck.wait) }]);
    const b = await replica('b', clock, [once()]);
    await a.worker.schedule({ name: 'page', key: 'k', runAt: T0 });
    await a.worker.tick();
    await b.worker.drain();
    expect(await effects()).toEqual([]); // a is alive: its claim stands

    // What a kill -9 of a's process does to its connections. The clock moves one sweep interval (a
    // worker looks for dead replicas at most once a second), far short of the 30 s lease.
    await db.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'vigil:a'`);
    await b.worker.drain();
    expect(await effects()).toEqual([]); // b swept a moment ago: not yet
    clock.advance(1);
    await b.worker.drain();
    expect((await effects()).map((e) => [e.replica, e.attempt])).toEqual([['b', 2]]);
    const recorded = await runs('page');
    expect(recorded.map((r) => [r.replica, r.attempt, r.outcome])).toEqual([
      ['a', 1, 'lost'],
      ['b', 2, 'succeeded'],
    ]);
    expect(recorded[0]!.error).toBe('replica a went away during attempt 1 (its database session ended)');
    stuck.open();
    await a.worker.drain(); // a's late outcome is fenced out
    expect(await effects()).toHaveLength(1);
  });

  it('never runs more often than its maximum, even when every replica running it dies', async () => {
    const clock = new ManualClock(T0);
    let started = 0;
    const hang: JobDefinition = {
      name: 'page',
      leaseSeconds: 30,
      maxAttempts: 2,
      run: () => {
        started++;
        return new Promise(() => undefined);
      },
    };
    const a = await replica('a', clock, [hang]);
    await a.worker.schedule({ name: 'page', key: 'k', runAt: T0 });
    await a.worker.tick();
    clock.set(at(31));
    const b = await replica('b', clock, [hang]);
    await b.worker.tick();
    clock.set(at(62));
    const c = await replica('c', clock, [hang]);
    await c.worker.drain();
    expect(started).toBe(2);
    expect((await runs('page')).map((r) => [r.replica, r.outcome])).toEqual([
      ['a', 'lost'],
      ['b', 'lost'],
    ]);
    expect((await db.query(`SELECT state, attempts FROM jobs WHERE key = 'k'`)).rows).toEqual([{ state: 'failed', attempts: 2 }]);
  });

  it('a failing run is recorded with its error and retried with backoff while attempts remain', async () => {
    const clock = new ManualClock(T0);
    let calls = 0;
    const a = await replica('a', clock, [
      {
        name: 'flaky',
        maxAttempts: 2,
        run: async () => {
          calls++;
          throw new Error(`receiver said no (${calls})`);
        },
      },
    ]);
    await a.worker.schedule({ name: 'flaky', key: 'k', runAt: T0 });
    await a.worker.drain();
    expect((await db.query(`SELECT state, run_at FROM jobs WHERE key = 'k'`)).rows).toEqual([{ state: 'pending', run_at: at(5) }]);
    clock.set(at(5));
    await a.worker.drain();
    expect((await runs('flaky')).map((r) => [r.attempt, r.outcome, r.error])).toEqual([
      [1, 'failed', 'receiver said no (1)'],
      [2, 'failed', 'receiver said no (2) (gave up after 2 attempts)'],
    ]);
    expect((await db.query(`SELECT state, last_error FROM jobs WHERE key = 'k'`)).rows).toEqual([{ state: 'failed', last_error: 'receiver said no (2) (gave up after 2 attempts)' }]);
    expect(await metric(a, /^vigil_jobs_runs_total\{kind="flaky",outcome="failed"\} (\d+)$/m)).toBe(2);
  });

  it('a cancelled job never runs', async () => {
    await effectsTable();
    const clock = new ManualClock(T0);
    const a = await replica('a', clock, [once()]);
    await a.worker.schedule({ name: 'page', key: 'k', runAt: at(10) });
    expect(await a.worker.cancel('page', 'k')).toBe(true);
    expect(await a.worker.cancel('page', 'k')).toBe(false);
    clock.set(at(20));
    await a.worker.drain();
    expect(await effects()).toEqual([]);
  });

  it('reports on /metrics how long the oldest due job has waited', async () => {
    await effectsTable();
    const clock = new ManualClock(T0);
    const a = await replica('a', clock, [once()]);
    await a.worker.schedule({ name: 'page', key: 'k1', runAt: at(10) });
    await a.worker.schedule({ name: 'page', key: 'k2', runAt: at(30) });
    clock.set(at(52));
    expect(await metric(a, /^vigil_jobs_queue_age_seconds\{kind="page"\} (\S+)$/m)).toBe(42);
    await a.worker.drain();
    expect(await metric(a, /^vigil_jobs_queue_age_seconds\{kind="page"\} (\S+)$/m)).toBe(0);
  });
});
