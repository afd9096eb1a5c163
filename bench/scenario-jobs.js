// Job throughput: N delayed jobs all due at the same second, claimed and run by two instances
// (two processes, each a JobWorker on its own pool) sharing one real PostgreSQL. Prints one JSON
// line: jobs/s from the due time to the last finish, lateness (claim time − due time) percentiles,
// the split between instances, and duplicates (runs or effects beyond one per job; must be 0).
//
//   node bench/scenario-jobs.js [--jobs 5000] [--concurrency 8]

import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { Logger } from '@nestjs/common';
import pg from 'pg';
import { openDatabase } from '../dist/persistence/data-source.js';
import { benchArgs } from './args.js';
import { startPostgres, waitFor } from './servers.js';

const args = benchArgs(process.argv.slice(2), { numbers: { jobs: 5000, concurrency: 8 }, flags: [] }, 'bench/scenario-jobs.js');
const benchDir = dirname(fileURLToPath(import.meta.url));
const progress = (msg) => process.stderr.write(`[bench:jobs] ${msg}\n`);
const loadAtStart = os.loadavg()[0];

Logger.overrideLogger(['error']);
const db = await startPostgres('vigil_bench_jobs');
const children = [];
try {
  await (await openDatabase(db.url)).destroy();
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  await client.query('CREATE TABLE bench_effects (key text NOT NULL, replica text NOT NULL)');

  for (const name of ['instance-1', 'instance-2']) {
    const child = spawn(process.execPath, [join(benchDir, 'jobs-instance.js'), db.url, name, String(args.concurrency)], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    await new Promise((ok, fail) => {
      createInterface({ input: child.stdout }).once('line', (l) => (l === 'ready' ? ok() : fail(new Error(`${name}: ${l}`))));
      child.once('exit', (code) => fail(new Error(`${name} exited ${code}`)));
    });
  }

  // All due at one whole second, far enough ahead that both instances have seen them and are waiting.
  const due = new Date(Math.ceil((Date.now() + 3000) / 1000) * 1000);
  progress(`${args.jobs} jobs due at ${due.toISOString()}, 2 instances × concurrency ${args.concurrency}`);
  await client.query(
    `INSERT INTO jobs (name, key, run_at, max_attempts, lease_seconds, created_at)
     SELECT 'bench', 'job-' || i, $1, 2, 60, now() FROM generate_series(1, $2) AS i`,
    [due, args.jobs],
  );
  await waitFor(
    async () => (await client.query(`SELECT count(*)::int AS n FROM jobs WHERE name = 'bench' AND state = 'succeeded'`)).rows[0].n === args.jobs,
    300_000,
    () => 'not every job finished within 5 minutes',
  );

  const stats = (
    await client.query(
      `SELECT count(*)::int AS runs,
              count(DISTINCT job_id)::int AS jobs,
              EXTRACT(EPOCH FROM max(r.finished_at) - $1)::float8 AS span_seconds,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM r.started_at - j.run_at))::float8 AS late_p50,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM r.started_at - j.run_at))::float8 AS late_p99,
              max(EXTRACT(EPOCH FROM r.started_at - j.run_at))::float8 AS late_max
         FROM job_runs r JOIN jobs j ON j.id = r.job_id WHERE r.name = 'bench'`,
      [due],
    )
  ).rows[0];
  const effects = (await client.query('SELECT count(*)::int AS n, count(DISTINCT key)::int AS keys FROM bench_effects')).rows[0];
  const split = (await client.query('SELECT replica, count(*)::int AS n FROM bench_effects GROUP BY replica ORDER BY replica')).rows;
  await client.end();
  process.stdout.write(
    `${JSON.stringify({
      jobs: args.jobs,
      instances: 2,
      concurrency: args.concurrency,
      jobsPerSecond: args.jobs / stats.span_seconds,
      spanSeconds: stats.span_seconds,
      latenessSeconds: { p50: stats.late_p50, p99: stats.late_p99, max: stats.late_max },
      duplicateRuns: stats.runs - stats.jobs,
      duplicateEffects: effects.n - effects.keys,
      byInstance: Object.fromEntries(split.map((s) => [s.replica, s.n])),
      loadAverage1mAtStart: loadAtStart,
      loadAverage1mAtEnd: os.loadavg()[0],
    })}\n`,
  );
} finally {
  for (const c of children) c.kill('SIGTERM');
  await Promise.all(children.map((c) => new Promise((ok) => (c.exitCode !== null ? ok() : c.once('exit', ok)))));
  await db.stop();
}
