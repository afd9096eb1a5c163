import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { DrillCheck, FailoverSettings } from '../../core/model/drill.js';
import { FailoverTarget, type FailoverBaseline, type Heartbeat, type RejoinResult } from '../../core/ports/failover-target.js';
import type { CheckOutcome } from '../../core/ports/restore-target.js';
import { runDrillCheck } from './drill-checks.js';
import { queryUrl as query, withDatabase } from './postgres-url.js';
import { startHeartbeatWriter } from './heartbeat-writer.js';
import type { PostgresTools } from './postgres-tools.js';

const exec = promisify(execFile);

export interface StreamingPair {
  /** libpq URLs, resolved from the spec's secret references by the caller. */
  readonly primaryUrl: string;
  readonly replicaUrl: string;
  readonly primaryDataDir: string;
  readonly replicaDataDir: string;
  readonly fault: FailoverSettings['fault'];
  /** Where heartbeat ledgers are kept (evidence: not removed after the run). */
  readonly ledgerDir: string;
}

/**
 * A primary and its streaming replica on this machine: the fault is `pg_ctl stop -m immediate`
 * (or the operator's command), promotion is `pg_promote()`, and the failed primary comes back
 * with `pg_rewind` (PostgreSQL 13+ runs the crash recovery it needs first) and starts as a standby
 * with the options it last ran with (postmaster.opts).
 */
export class StreamingFailoverTarget extends FailoverTarget {
  constructor(
    private readonly tools: PostgresTools,
    private readonly pair: StreamingPair,
    private readonly nanos: () => bigint,
  ) {
    super();
  }

  async toolVersions(): Promise<Record<string, string>> {
    const versions: Record<string, string> = {};
    for (const tool of ['postgres', 'pg_ctl', 'pg_rewind']) versions[tool] = await this.tools.version(tool);
    return versions;
  }

  async baseline(): Promise<FailoverBaseline> {
    const version = await query<{ v: string }>(this.pair.primaryUrl, 'SHOW server_version');
    const rows = await query<{ state: string; sync_state: string; lag: number | null }>(
      this.pair.primaryUrl,
      `SELECT state, sync_state, (EXTRACT(epoch FROM replay_lag) * 1000)::float8 AS lag FROM pg_stat_replication ORDER BY backend_start LIMIT 1`,
    );
    const r = rows[0];
    return { serverVersion: version[0]!.v, replication: r ? { state: r.state, syncState: r.sync_state, replayLagMs: r.lag } : null };
  }

  startHeartbeat(runId: string, intervalMs: number): Promise<Heartbeat> {
    return startHeartbeatWriter(this.pair.primaryUrl, runId, intervalMs, join(this.pair.ledgerDir, `${runId}.ledger`), this.nanos);
  }

  async fault(signal: AbortSignal): Promise<void> {
    const f = this.pair.fault;
    if (f.kind === 'immediate') await this.tools.pg('pg_ctl', ['-D', this.pair.primaryDataDir, '-m', 'immediate', '-w', '-t', '60', 'stop'], 90_000, signal);
    else await exec(f.argv[0]!, f.argv.slice(1), { timeout: 5 * 60_000, signal });
    await this.untilDown(this.pair.primaryUrl, signal);
  }

  /** Down means it no longer answers, whatever the command claimed. */
  private async untilDown(url: string, signal: AbortSignal): Promise<void> {
    while (await query(url, 'SELECT 1').then(() => true, () => false)) {
      signal.throwIfAborted();
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  promote(signal: AbortSignal): Promise<void> {
    return this.promoteAt(this.pair.replicaUrl, signal);
  }

  private async promoteAt(url: string, signal: AbortSignal): Promise<void> {
    await query(url, 'SELECT pg_promote(true, 300)');
    while ((await query<{ r: boolean }>(url, 'SELECT pg_is_in_recovery() AS r'))[0]!.r) {
      signal.throwIfAborted();
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async survivors(runId: string): Promise<number[]> {
    const rows = await query<{ seq: string }>(this.pair.replicaUrl, 'SELECT seq FROM vigil_drill_heartbeat WHERE run_id = $1', [runId]).catch(() => []);
    return rows.map((r) => Number(r.seq));
  }

  async firstWrite(): Promise<void> {
    await query(this.pair.replicaUrl, `CREATE TABLE IF NOT EXISTS vigil_drill_first_write (at timestamptz NOT NULL DEFAULT now()); INSERT INTO vigil_drill_first_write DEFAULT VALUES`);
  }

  runCheck(check: DrillCheck): Promise<CheckOutcome> {
    return runDrillCheck((database, sql) => query(withDatabase(this.pair.replicaUrl, database), sql), check);
  }

  async rejoin(mode: 'rewind' | 'reclone', signal: AbortSignal): Promise<RejoinResult> {
    return this.rewindAsStandby(mode, this.pair.primaryDataDir, this.pair.replicaUrl, signal);
  }

  async plannedStop(signal: AbortSignal): Promise<void> {
    // A fast shutdown sends the shutdown checkpoint to the connected standbys before the primary exits.
    await this.tools.pg('pg_ctl', ['-D', this.pair.primaryDataDir, '-m', 'fast', '-w', '-t', '300', 'stop'], 330_000, signal);
    await this.untilDown(this.pair.primaryUrl, signal);
  }

  async switchBack(mode: 'rewind' | 'reclone', signal: AbortSignal): Promise<RejoinResult> {
    // The roles as they were: the promoted replica stops cleanly, the old primary (its standby now) is promoted, the replica rejoins it.
    await this.tools.pg('pg_ctl', ['-D', this.pair.replicaDataDir, '-m', 'fast', '-w', '-t', '300', 'stop'], 330_000, signal);
    await this.untilDown(this.pair.replicaUrl, signal);
    await this.promoteAt(this.pair.primaryUrl, signal);
    return this.rewindAsStandby(mode, this.pair.replicaDataDir, this.pair.primaryUrl, signal);
  }

  /**
   * Brings a stopped server back as a standby of `sourceUrl`: pg_rewind (PostgreSQL 13+ runs the
   * crash recovery it needs first; after a clean switchover there may be nothing to rewind), then a
   * start with the options it last ran with, until the source sees it streaming.
   */
  private async rewindAsStandby(mode: 'rewind' | 'reclone', dataDir: string, sourceUrl: string, signal: AbortSignal): Promise<RejoinResult> {
    const opts = await postmasterOptions(dataDir);
    if (mode === 'reclone') return this.recloneAsStandby(dataDir, sourceUrl, opts, signal);
    // The promoted side's control file names its new timeline only after a checkpoint; pg_rewind reads it there.
    await query(sourceUrl, 'CHECKPOINT');
    const out = await this.tools.pg('pg_rewind', ['--target-pgdata', dataDir, '--source-server', sourceUrl, '--write-recovery-conf'], 60 * 60_000, signal);
    const output = `${out.stdout}${out.stderr}`;
    const m = /servers diverged at WAL location ([0-9A-F]+\/[0-9A-F]+) on timeline (\d+)/.exec(output);
    const streaming = await this.startAsStandby(dataDir, sourceUrl, opts, signal);
    return { mode, divergedAt: m ? { lsn: m[1]!, timeline: Number(m[2]) } : null, streaming, output: output.trim() };
  }

  /**
   * A new copy instead of a rewind: the old data folder is moved aside (kept: it holds what the
   * failover discarded), and pg_basebackup -R -X stream clones the new primary into its place
   * (configuration files in the data folder come from the new primary).
   */
  private async recloneAsStandby(dataDir: string, sourceUrl: string, opts: string, signal: AbortSignal): Promise<RejoinResult> {
    const aside = `${dataDir}.before-reclone-${Date.now()}`;
    await this.tools.run('mv', ['--', dataDir, aside], 10 * 60_000, signal);
    const out = await this.tools.pg('pg_basebackup', ['-d', sourceUrl, '-D', dataDir, '-R', '-X', 'stream', '-c', 'fast'], 60 * 60_000, signal);
    const streaming = await this.startAsStandby(dataDir, sourceUrl, opts, signal);
    return { mode: 'reclone', divergedAt: null, streaming, output: `${out.stdout}${out.stderr}`.trim() || `cloned; the old data folder is kept at ${aside}` };
  }

  /** Starts a data folder with the options it last ran with, until the source sees a standby streaming. */
  private async startAsStandby(dataDir: string, sourceUrl: string, opts: string, signal: AbortSignal): Promise<boolean> {
    await this.tools.pg('pg_ctl', ['-D', dataDir, '-l', join(dataDir, 'vigil-drill-rejoin.log'), '-o', opts, '-w', '-t', '300', 'start'], 330_000, signal);
    for (let i = 0; i < 600; i++) {
      signal.throwIfAborted();
      if ((await query<{ n: number }>(sourceUrl, `SELECT count(*)::int AS n FROM pg_stat_replication WHERE state = 'streaming'`))[0]!.n > 0) return true;
      await new Promise((r) => setTimeout(r, 50));
    }
    return false;
  }

}

/** The server options the data folder last started with (postmaster.opts), less the binary and -D: what pg_ctl -o takes. */
async function postmasterOptions(dataDir: string): Promise<string> {
  const text = (await readFile(join(dataDir, 'postmaster.opts'), 'utf8')).trim();
  const args = [...text.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!);
  const kept: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-D') i++;
    else kept.push(args[i]!);
  }
  return kept.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
}
