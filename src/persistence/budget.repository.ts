import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { SloBudget } from '../core/budget/budget-cycle.js';
import { finiteOrNull, type BudgetView } from '../core/budget/budget-view.js';
import type { DailySloRecord } from '../core/budget/monthly-report.js';
import type { BudgetStatus } from '../core/budget/error-budget.js';
import type { DayUpdate } from '../core/budget/day-ledger.js';
import { sloKey } from '../core/budget/budget-queries.js';
import type { TransactionManager } from './job.repository.js';

/** One SLO's budget at one cycle, as stored. */
export interface BudgetSnapshot {
  readonly at: Date;
  readonly service: string;
  readonly slo: string;
  readonly status: BudgetStatus;
  readonly sli: number | null;
  readonly remaining: number;
  readonly badEvents: number | null;
  readonly totalEvents: number | null;
  readonly burnRates: Readonly<Record<string, number | null>>;
  readonly exhaustionAt: Date | null;
  readonly source: string;
}

/** What a cycle stores of one SLO's budget at `at`. */
export function snapshotOf(b: SloBudget, at: Date): BudgetSnapshot {
  return {
    at,
    service: b.service,
    slo: b.slo,
    status: b.status,
    sli: finiteOrNull(b.sli),
    remaining: b.remaining,
    badEvents: b.badEvents,
    totalEvents: b.totalEvents,
    burnRates: b.burnRates,
    exhaustionAt: b.exhaustionAt === null ? null : new Date(b.exhaustionAt * 1000),
    source: b.source,
  };
}

/** One stored cycle: when, who ran it, and what it cost. */
export interface CycleRecord {
  readonly at: Date;
  readonly jobId: string | null;
  readonly replica: string;
  readonly slos: number;
  readonly queries: number;
  readonly events: number;
  readonly durationMs: number;
}

/** An SLO's latest budget as the API serves it; `budget` is null until a cycle stored one since the upgrade. */
export interface LatestBudget {
  readonly service: string;
  readonly slo: string;
  readonly at: Date;
  readonly budget: BudgetView | null;
}

export interface CycleWrite {
  readonly cycle: CycleRecord;
  readonly snapshots: readonly BudgetSnapshot[];
  readonly latest: readonly BudgetView[];
  readonly days: readonly DayUpdate[];
}

@Injectable()
export class BudgetRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Serialises cycle writes across replicas until the transaction ends. The jobs table already
   * runs one cycle at a time; this holds even if a run outlived its lease and another replica
   * started the next slot meanwhile.
   */
  async lockCycles(m: TransactionManager): Promise<void> {
    await m.query(`SELECT pg_advisory_xact_lock(hashtext('vigil:budget-cycle'))`);
  }

  /** When the last cycle was stored (epoch seconds); null on a fresh database. */
  async lastCycleAt(m?: TransactionManager): Promise<number | null> {
    const [row] = (await (m ?? this.dataSource.manager).query('SELECT max(at) AS at FROM budget_cycles')) as { at: Date | null }[];
    return row?.at ? row.at.getTime() / 1000 : null;
  }

  /** Each SLO's last known status (no-data is never one: it neither fires nor clears an event). */
  async knownStatuses(m?: TransactionManager): Promise<Map<string, BudgetStatus>> {
    const rows = (await (m ?? this.dataSource.manager).query('SELECT service, slo, known_status FROM budget_latest WHERE known_status IS NOT NULL')) as {
      service: string;
      slo: string;
      known_status: BudgetStatus;
    }[];
    return new Map(rows.map((r) => [sloKey(r.service, r.slo), r.known_status]));
  }

  /**
   * Stores one cycle inside the caller's transaction (the job's, which also records the run):
   * its row, snapshots, each SLO's latest budget and the day ledger. All or nothing.
   */
  async saveCycle(m: TransactionManager, w: CycleWrite): Promise<void> {
    const c = w.cycle;
    await m.query(`INSERT INTO budget_cycles (at, job_id, replica, slos, queries, events, duration_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
      c.at,
      c.jobId,
      c.replica,
      c.slos,
      c.queries,
      c.events,
      c.durationMs,
    ]);
    const snapshots = w.snapshots;
    if (snapshots.length > 0) {
      // One statement for the whole fleet: unnest turns parallel arrays into rows.
      await m.query(
        `INSERT INTO budget_snapshots (at, service, slo, status, sli, remaining, bad_events, total_events, burn_rates, exhaustion_at, source)
         SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::float8[], $7::float8[], $8::float8[], $9::jsonb[], $10::timestamptz[], $11::text[])`,
        [
          snapshots.map((s) => s.at),
          snapshots.map((s) => s.service),
          snapshots.map((s) => s.slo),
          snapshots.map((s) => s.status),
          snapshots.map((s) => s.sli),
          snapshots.map((s) => s.remaining),
          snapshots.map((s) => s.badEvents),
          snapshots.map((s) => s.totalEvents),
          snapshots.map((s) => JSON.stringify(s.burnRates)),
          snapshots.map((s) => s.exhaustionAt),
          snapshots.map((s) => s.source),
        ],
      );
    }
    if (w.latest.length > 0) {
      await m.query(
        `INSERT INTO budget_latest AS l (service, slo, at, status, known_status, budget)
         SELECT s, o, $3, st, CASE WHEN st = 'no-data' THEN NULL ELSE st END, b FROM unnest($1::text[], $2::text[], $4::text[], $5::jsonb[]) AS t (s, o, st, b)
         ON CONFLICT (service, slo) DO UPDATE SET at = EXCLUDED.at, status = EXCLUDED.status, budget = EXCLUDED.budget,
           known_status = coalesce(EXCLUDED.known_status, l.known_status)`,
        [w.latest.map((b) => b.service), w.latest.map((b) => b.slo), c.at, w.latest.map((b) => b.status), w.latest.map((b) => JSON.stringify(b))],
      );
    }
    const days = w.days;
    if (days.length > 0) {
      await m.query(
        `INSERT INTO slo_days AS d (day, service, slo, bad, total, seconds_observed, seconds_at_risk, seconds_exhausted, final)
         SELECT * FROM unnest($1::date[], $2::text[], $3::text[], $4::float8[], $5::float8[], $6::float8[], $7::float8[], $8::float8[], $9::bool[])
         ON CONFLICT (day, service, slo) DO UPDATE SET
           bad = CASE WHEN d.final AND NOT EXCLUDED.final THEN d.bad ELSE EXCLUDED.bad END,
           total = CASE WHEN d.final AND NOT EXCLUDED.final THEN d.total ELSE EXCLUDED.total END,
           seconds_observed = d.seconds_observed + EXCLUDED.seconds_observed,
           seconds_at_risk = d.seconds_at_risk + EXCLUDED.seconds_at_risk,
           seconds_exhausted = d.seconds_exhausted + EXCLUDED.seconds_exhausted,
           final = d.final OR EXCLUDED.final`,
        [
          days.map((d) => d.day),
          days.map((d) => d.service),
          days.map((d) => d.slo),
          days.map((d) => d.bad),
          days.map((d) => d.total),
          days.map((d) => d.addObserved),
          days.map((d) => d.addAtRisk),
          days.map((d) => d.addExhausted),
          days.map((d) => d.final),
        ],
      );
    }
  }

  /** Stored cycles, newest first. */
  async cycles(limit: number): Promise<CycleRecord[]> {
    const rows = (await this.dataSource.query('SELECT at, job_id, replica, slos, queries, events, duration_ms FROM budget_cycles ORDER BY at DESC LIMIT $1', [limit])) as {
      at: Date;
      job_id: string | null;
      replica: string;
      slos: number;
      queries: number;
      events: number;
      duration_ms: number;
    }[];
    return rows.map((r) => ({ at: r.at, jobId: r.job_id === null ? null : String(r.job_id), replica: r.replica, slos: r.slos, queries: r.queries, events: r.events, durationMs: r.duration_ms }));
  }

  async latest(service: string, slo: string): Promise<LatestBudget | null> {
    const rows = (await this.dataSource.query('SELECT service, slo, at, budget FROM budget_latest WHERE service = $1 AND slo = $2', [service, slo])) as LatestRow[];
    return rows[0] ? toLatest(rows[0]) : null;
  }

  /** Every SLO's latest budget. */
  async latestAll(): Promise<LatestBudget[]> {
    const rows = (await this.dataSource.query('SELECT service, slo, at, budget FROM budget_latest ORDER BY service, slo')) as LatestRow[];
    return rows.map(toLatest);
  }

  /** The last snapshot in each `stepSeconds` bucket from `from` (inclusive) to `to` (exclusive), oldest first. */
  async history(service: string, slo: string, from: Date, to: Date, stepSeconds: number): Promise<BudgetSnapshot[]> {
    const rows = (await this.dataSource.query(
      `SELECT * FROM (
         SELECT DISTINCT ON (date_bin(make_interval(secs => $5), at, $3)) id, at, service, slo, status, sli, remaining, bad_events, total_events, burn_rates, exhaustion_at, source
         FROM budget_snapshots WHERE service = $1 AND slo = $2 AND at >= $3 AND at < $4
         ORDER BY date_bin(make_interval(secs => $5), at, $3), at DESC
       ) s ORDER BY at`,
      [service, slo, from, to, stepSeconds],
    )) as SnapshotRow[];
    return rows.map(toSnapshot);
  }

  /** Day rows from `fromDay` to `toDay` inclusive ('YYYY-MM-DD'). */
  async days(fromDay: string, toDay: string): Promise<DailySloRecord[]> {
    const rows = (await this.dataSource.query(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, service, slo, bad, total, seconds_observed, seconds_at_risk, seconds_exhausted
       FROM slo_days WHERE day BETWEEN $1 AND $2 ORDER BY day, service, slo`,
      [fromDay, toDay],
    )) as { day: string; service: string; slo: string; bad: number; total: number; seconds_observed: number; seconds_at_risk: number; seconds_exhausted: number }[];
    return rows.map((r) => ({
      day: r.day,
      service: r.service,
      slo: r.slo,
      bad: r.bad,
      total: r.total,
      secondsObserved: r.seconds_observed,
      secondsAtRisk: r.seconds_at_risk,
      secondsExhausted: r.seconds_exhausted,
    }));
  }

  /** Deletes snapshots older than `before`; returns how many. Day rows are kept: reports need them. */
  async pruneSnapshots(before: Date): Promise<number> {
    const [, count] = (await this.dataSource.query('DELETE FROM budget_snapshots WHERE at < $1', [before])) as [unknown, number];
    return count;
  }
}

interface LatestRow {
  service: string;
  slo: string;
  at: Date;
  budget: BudgetView | null;
}

function toLatest(r: LatestRow): LatestBudget {
  return { service: r.service, slo: r.slo, at: r.at, budget: r.budget };
}

interface SnapshotRow {
  at: Date;
  service: string;
  slo: string;
  status: BudgetStatus;
  sli: number | null;
  remaining: number;
  bad_events: number | null;
  total_events: number | null;
  burn_rates: Record<string, number | null>;
  exhaustion_at: Date | null;
  source: string;
}

function toSnapshot(r: SnapshotRow): BudgetSnapshot {
  return {
    at: r.at,
    service: r.service,
    slo: r.slo,
    status: r.status,
    sli: r.sli,
    remaining: r.remaining,
    badEvents: r.bad_events,
    totalEvents: r.total_events,
    burnRates: r.burn_rates,
    exhaustionAt: r.exhaustion_at,
    source: r.source,
  };
}
