import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { DailySloRecord } from '../core/budget/monthly-report.js';
import type { BudgetStatus } from '../core/budget/error-budget.js';
import type { DayUpdate } from '../core/budget/day-ledger.js';
import { sloKey } from '../core/budget/budget-queries.js';

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

@Injectable()
export class BudgetRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Stores one cycle atomically: its snapshots, its day updates, and whatever `alsoInTransaction`
   * writes (webhook deliveries), so a crash leaves either all of a cycle or none of it.
   */
  async saveCycle(snapshots: readonly BudgetSnapshot[], days: readonly DayUpdate[], alsoInTransaction?: (m: EntityManager) => Promise<unknown>): Promise<void> {
    await this.dataSource.transaction(async (m) => {
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
      if (alsoInTransaction) await alsoInTransaction(m);
    });
  }

  /** When the last cycle was stored; null on a fresh database. */
  async lastCycleAt(): Promise<Date | null> {
    const [row] = (await this.dataSource.query('SELECT max(at) AS at FROM budget_snapshots')) as { at: Date | null }[];
    return row?.at ?? null;
  }

  /** Each SLO's last known status (no-data does not count: it neither fires nor clears an event). */
  async lastKnownStatuses(): Promise<Map<string, BudgetStatus>> {
    const rows = (await this.dataSource.query(
      `SELECT DISTINCT ON (service, slo) service, slo, status FROM budget_snapshots
       WHERE status <> 'no-data' ORDER BY service, slo, at DESC`,
    )) as { service: string; slo: string; status: BudgetStatus }[];
    return new Map(rows.map((r) => [sloKey(r.service, r.slo), r.status]));
  }

  async latest(service: string, slo: string): Promise<BudgetSnapshot | null> {
    const rows = (await this.dataSource.query(`${SELECT} WHERE service = $1 AND slo = $2 ORDER BY at DESC LIMIT 1`, [service, slo])) as SnapshotRow[];
    return rows[0] ? toSnapshot(rows[0]) : null;
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

const SELECT = 'SELECT id, at, service, slo, status, sli, remaining, bad_events, total_events, burn_rates, exhaustion_at, source FROM budget_snapshots';

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
