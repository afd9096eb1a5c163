import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { DrillType } from '../core/model/drill.js';
import { DrillRunStore, type FinishedRun, type NewDrillRun, type Sealer } from '../core/ports/drill-run-store.js';

export interface DrillRunRow extends NewDrillRun {
  readonly finishedAt: Date | null;
  readonly verdict: FinishedRun['verdict'] | null;
  readonly rtoMs: number | null;
  readonly rpoMs: number | null;
}

/** A sealed report as stored: the canonical JSON text that was hashed, and its place in the chain. */
export interface StoredReport {
  readonly sequence: number;
  readonly runId: string;
  readonly revision: number;
  readonly hash: string;
  readonly previousHash: string;
  readonly canonical: string;
  readonly sealedAt: Date;
}

type Row = Record<string, unknown>;
/** Appending to the chain is serialised by this lock: two replicas sealing at once would both link to the same tip. */
const CHAIN_LOCK = `SELECT pg_advisory_xact_lock(hashtext('vigil_drill_report_chain'))`;

/** Drill runs and their hash-chained reports (migration 1764500000000). */
@Injectable()
export class DrillRunRepository extends DrillRunStore {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  /** Recorded before the drill touches anything: a run that dies stays visible, unfinished. */
  async start(r: NewDrillRun): Promise<void> {
    await this.dataSource.query(`INSERT INTO drill_runs (run_id, drill, type, trigger, requested_by, slot, started_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
      r.runId, r.drill, r.type, r.trigger, r.requestedBy, r.slot, r.startedAt,
    ]);
  }

  /** Finishes the run and seals its report into the chain, in one transaction. */
  async finish(runId: string, result: FinishedRun, seal: Sealer): Promise<StoredReport> {
    return this.dataSource.transaction(async (m) => {
      await m.query(CHAIN_LOCK);
      await m.query(`UPDATE drill_runs SET finished_at = $2, verdict = $3, rto_ms = $4, rpo_ms = $5 WHERE run_id = $1`, [runId, result.finishedAt, result.verdict, result.rtoMs, result.rpoMs]);
      return this.append(m, runId, seal, result.finishedAt);
    });
  }

  /** A corrected report for a finished run: a new revision at the chain's end; the old one stays. */
  async correct(runId: string, seal: Sealer, at: Date): Promise<StoredReport> {
    return this.dataSource.transaction(async (m) => {
      await m.query(CHAIN_LOCK);
      return this.append(m, runId, seal, at);
    });
  }

  async runs(drill: string | null, limit: number): Promise<DrillRunRow[]> {
    const rows = (await this.dataSource.query(
      `SELECT * FROM drill_runs WHERE ($1::text IS NULL OR drill = $1) ORDER BY started_at DESC, run_id DESC LIMIT $2`,
      [drill, limit],
    )) as Row[];
    return rows.map(toRun);
  }

  /** Per drill: its latest finished run, and when it last passed. */
  async latestByDrill(): Promise<{ drill: string; last: DrillRunRow; lastPassAt: Date | null }[]> {
    const rows = (await this.dataSource.query(
      `SELECT DISTINCT ON (drill) *, (SELECT max(finished_at) FROM drill_runs p WHERE p.drill = r.drill AND p.verdict = 'PASS') AS last_pass_at
         FROM drill_runs r WHERE finished_at IS NOT NULL ORDER BY drill, finished_at DESC, started_at DESC, run_id DESC`,
    )) as Row[];
    return rows.map((r) => ({ drill: String(r.drill), last: toRun(r), lastPassAt: (r.last_pass_at as Date | null) ?? null }));
  }

  async run(runId: string): Promise<DrillRunRow | null> {
    const rows = (await this.dataSource.query(`SELECT * FROM drill_runs WHERE run_id = $1`, [runId])) as Row[];
    return rows[0] ? toRun(rows[0]) : null;
  }

  /** The run's latest report revision, or a given one. */
  async report(runId: string, revision?: number): Promise<StoredReport | null> {
    const rows = (await this.dataSource.query(
      `SELECT * FROM drill_reports WHERE run_id = $1 AND ($2::int IS NULL OR revision = $2) ORDER BY revision DESC LIMIT 1`,
      [runId, revision ?? null],
    )) as Row[];
    return rows[0] ? toReport(rows[0]) : null;
  }

  async latestReportText(drill: string, excludingRunId: string): Promise<string | null> {
    const rows = (await this.dataSource.query(
      `SELECT d.canonical FROM drill_reports d JOIN drill_runs r USING (run_id) WHERE r.drill = $1 AND r.run_id <> $2 ORDER BY d.sequence DESC LIMIT 1`,
      [drill, excludingRunId],
    )) as { canonical: string }[];
    return rows[0]?.canonical ?? null;
  }

  /** The whole chain in order, for verification; with `through`, only up to that sequence. */
  async chain(through?: number): Promise<StoredReport[]> {
    return ((await this.dataSource.query(`SELECT * FROM drill_reports WHERE ($1::bigint IS NULL OR sequence <= $1) ORDER BY sequence`, [through ?? null])) as Row[]).map(toReport);
  }

  private async append(m: { query(sql: string, values?: unknown[]): Promise<unknown> }, runId: string, seal: Sealer, at: Date): Promise<StoredReport> {
    const tip = ((await m.query(`SELECT sequence, hash FROM drill_reports ORDER BY sequence DESC LIMIT 1`)) as { sequence: number; hash: string }[])[0] ?? null;
    const previous = ((await m.query(`SELECT revision FROM drill_reports WHERE run_id = $1 ORDER BY revision DESC LIMIT 1`, [runId])) as { revision: number }[])[0];
    const sealed = seal(tip ? { sequence: Number(tip.sequence), hash: tip.hash } : null);
    const revision = previous ? Number(previous.revision) + 1 : 1;
    await m.query(`INSERT INTO drill_reports (sequence, run_id, revision, hash, previous_hash, canonical, sealed_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
      sealed.sequence, runId, revision, sealed.hash, sealed.previousHash, sealed.canonical, at,
    ]);
    return { sequence: sealed.sequence, runId, revision, hash: sealed.hash, previousHash: sealed.previousHash, canonical: sealed.canonical, sealedAt: at };
  }
}

function toRun(r: Row): DrillRunRow {
  return {
    runId: String(r.run_id),
    drill: String(r.drill),
    type: r.type as DrillType,
    trigger: r.trigger as DrillRunRow['trigger'],
    requestedBy: String(r.requested_by),
    slot: (r.slot as Date | null) ?? null,
    startedAt: r.started_at as Date,
    finishedAt: (r.finished_at as Date | null) ?? null,
    verdict: (r.verdict as DrillRunRow['verdict']) ?? null,
    rtoMs: r.rto_ms === null ? null : Number(r.rto_ms),
    rpoMs: r.rpo_ms === null ? null : Number(r.rpo_ms),
  };
}

function toReport(r: Row): StoredReport {
  return {
    sequence: Number(r.sequence),
    runId: String(r.run_id),
    revision: Number(r.revision),
    hash: String(r.hash),
    previousHash: String(r.previous_hash),
    canonical: String(r.canonical),
    sealedAt: r.sealed_at as Date,
  };
}
