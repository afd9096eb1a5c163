import type { DrillOutcome, PhaseMark } from '../../src/core/drills/drill-outcome.js';
import type { DrillSpec } from '../../src/core/model/drill.js';

/**
 * Drill specs and outcomes for the evidence tests: a monthly restore drill of the orders cluster
 * and a quarterly failover drill, each with an outcome that passes. Tests derive the failing
 * cases from these with spread overrides, so each case shows only what it changes.
 */

const pos = (file: string) => ({ file, line: 1, col: 1 });

/** The run's anchor: hrtime far past 2^53 ns (a host up for months), wall clock 2025-03-03T02:00:00.000Z. */
export const ANCHOR_NS = 12_000_000_000_000_000n;
export const ANCHOR_UTC_MS = Date.UTC(2025, 2, 3, 2, 0, 0, 0);

/** A monotonic reading `ms` (fractions allowed, to the ns) after the anchor. */
export const t = (ms: number): bigint => ANCHOR_NS + BigInt(Math.round(ms * 1e6));

export const mark = (phase: PhaseMark['phase'], fromMs: number, toMs: number): PhaseMark => ({ phase, startNs: t(fromMs), endNs: t(toMs) });

export function restoreSpec(): DrillSpec {
  return {
    name: 'orders-restore',
    description: 'Monthly restore test of the orders database from pgBackRest',
    owner: 'team-dba',
    type: 'restore',
    target: { binDir: '/usr/lib/postgresql/15/bin', primary: { env: 'ORDERS_PRIMARY_URL' }, backup: { kind: 'pgbackrest', stanza: 'orders' } },
    schedule: { kind: 'cron', expression: '0 2 3 * *', timeZone: 'Europe/Berlin' },
    objectives: { rtoSeconds: 3600, rpoSeconds: 900 },
    checks: [
      { kind: 'rowCount', name: 'orders rows', table: 'public.orders', at: pos('drills/orders-restore.yaml') },
      { kind: 'sql', name: 'no orphan order lines', sql: 'SELECT count(*) FROM order_lines l LEFT JOIN orders o USING (order_id) WHERE o.order_id IS NULL', expect: '0', at: pos('drills/orders-restore.yaml') },
    ],
    abort: { maxDurationSeconds: 7200, minFreeBytes: 50_000_000_000 },
    notify: [
      { kind: 'slackChannel', channel: '#dr-drills', at: pos('drills/orders-restore.yaml') },
      { kind: 'webhook', url: 'https://hooks.example.com/services/T0/B0/s3cr3t?x=1', at: pos('drills/orders-restore.yaml') },
    ],
    at: pos('drills/orders-restore.yaml'),
  };
}

/** Copy 5m 00.123456789s, WAL replay 61.5s, 2ms unmarked, start 4s, first write 0.25s, validation 12s. */
export function restoreOutcome(): DrillOutcome {
  return {
    identity: {
      drill: 'orders-restore',
      type: 'restore',
      runId: 'run-2025-03-03-orders-restore',
      vigilVersion: '0.1.0',
      toolVersions: { pgbackrest: 'pgBackRest 2.54.0', pg_ctl: 'pg_ctl (PostgreSQL) 15.8', pg_verifybackup: 'pg_verifybackup (PostgreSQL) 15.8' },
      host: 'drill-runner-1',
      startedAt: '2025-03-03T01:59:20.000Z',
      finishedAt: '2025-03-03T02:06:25.000Z',
    },
    objectives: { rtoSeconds: 3600, rpoSeconds: 900 },
    scope: { target: 'orders cluster, PostgreSQL 15 (primary db1.internal:5432)', backupSource: 'pgBackRest stanza orders', connections: ['primary: env ORDERS_PRIMARY_URL'] },
    clock: { ns: ANCHOR_NS, utcMs: ANCHOR_UTC_MS },
    marks: [
      mark('verify', -40_000, -1_000),
      mark('copy', 0, 300_123.456789),
      mark('wal-replay', 300_123.456789, 361_623.456789),
      mark('start', 361_625.456789, 365_625.456789),
      mark('first-write', 365_625.456789, 365_875.456789),
      mark('validation', 365_875.456789, 377_875.456789),
    ],
    baseline: {
      takenAt: '2025-03-03T01:59:30.000Z',
      serverVersion: '15.8 (Debian 15.8-0+deb12u1)',
      rowCounts: [
        { table: 'public.orders', rows: 1_204_331 },
        { table: 'public.order_lines', rows: 4_811_902 },
      ],
    },
    checks: [
      { name: 'backup manifest', kind: 'backup-manifest', expected: 'every file matches the manifest', actual: 'every file matches the manifest', passed: true },
      { name: 'WAL continuity', kind: 'wal-continuity', expected: 'no missing segment', actual: 'no missing segment', passed: true },
      { name: 'orders rows', kind: 'rowCount', expected: '1204331', actual: '1204331', passed: true },
      { name: 'no orphan order lines', kind: 'sql', expected: '0', actual: '0', passed: true },
    ],
    recovery: {
      backup: { label: '20250302-010000F', stoppedAt: '2025-03-02T01:12:40.000Z' },
      walReplayed: { from: '0000000100000042000000A0', to: '0000000100000043000000B7' },
      requested: { kind: 'latest' },
      achievedAt: '2025-03-03T01:59:58.412Z',
      recoveredToLatest: true,
      newestAvailableAt: '2025-03-03T02:00:00.000Z',
    },
    events: [
      { at: '2025-03-03T01:59:20.000Z', event: 'drill.started', detail: 'scheduled slot 2025-03-03T02:00:00+01:00' },
      { at: '2025-03-03T02:00:00.000Z', event: 'restore.started', detail: 'pgbackrest --stanza=orders restore into /var/lib/vigil/scratch/run-2025-03-03 on port 54391' },
      { at: '2025-03-03T02:06:18.000Z', event: 'validation.completed', detail: '2 checks passed' },
      { at: '2025-03-03T02:06:24.000Z', event: 'scratch.removed', detail: 'scratch cluster stopped and its folder removed' },
    ],
    errors: [],
    communications: [
      { at: '2025-03-03T01:59:20.100Z', event: 'drill.started', sink: 'slack', target: '#dr-drills', outcome: 'sent' },
      { at: '2025-03-03T02:06:25.000Z', event: 'drill.completed', sink: 'slack', target: '#dr-drills', outcome: 'sent' },
    ],
  };
}

export function failoverSpec(): DrillSpec {
  return {
    name: 'orders-failover',
    owner: 'team-dba',
    type: 'failover',
    target: {
      binDir: '/usr/lib/postgresql/15/bin',
      primary: { file: '/run/secrets/orders-primary' },
      replica: { file: '/run/secrets/orders-replica' },
      primaryDataDir: '/var/lib/postgresql/15/main',
      replicaDataDir: '/var/lib/postgresql/15/replica',
    },
    schedule: { kind: 'cron', expression: '0 3 1 1,4,7,10 *', timeZone: 'UTC' },
    objectives: { rtoSeconds: 60, rpoSeconds: 5 },
    checks: [{ kind: 'sql', name: 'heartbeat table readable', sql: 'SELECT 1 FROM vigil_heartbeat LIMIT 1', expect: '1', at: pos('drills/orders-failover.yaml') }],
    abort: { maxDurationSeconds: 600, maxReplicaLagSeconds: 30 },
    failover: { heartbeatIntervalMs: 5, fault: { kind: 'immediate' }, failback: 'rewind' },
    notify: [{ kind: 'pagerduty', routingKey: { env: 'PD_DRILLS_KEY' }, at: pos('drills/orders-failover.yaml') }],
    at: pos('drills/orders-failover.yaml'),
  };
}

/** Fault 0.8s, 1.2s unmarked, promote 2.5s, first write 0.05s, validation 1s: RTO 5.55s; 3 of 9,120 commits lost over 12ms. */
export function failoverOutcome(): DrillOutcome {
  return {
    identity: {
      drill: 'orders-failover',
      type: 'failover',
      runId: 'run-2025-03-03-orders-failover',
      vigilVersion: '0.1.0',
      toolVersions: { pg_ctl: 'pg_ctl (PostgreSQL) 15.8', pg_rewind: 'pg_rewind (PostgreSQL) 15.8' },
      host: 'drill-runner-1',
      startedAt: '2025-03-03T01:59:00.000Z',
      finishedAt: '2025-03-03T02:01:10.000Z',
    },
    objectives: { rtoSeconds: 60, rpoSeconds: 5 },
    scope: { target: 'orders cluster, PostgreSQL 15 (db1 → db2)', backupSource: null, connections: ['primary: file /run/secrets/orders-primary', 'replica: file /run/secrets/orders-replica'] },
    clock: { ns: ANCHOR_NS, utcMs: ANCHOR_UTC_MS },
    marks: [mark('fault', 0, 800), mark('promote', 2_000, 4_500), mark('first-write', 4_500, 4_550), mark('validation', 4_550, 5_550)],
    baseline: { takenAt: '2025-03-03T01:59:50.000Z', serverVersion: '15.8', rowCounts: [{ table: 'public.orders', rows: 1_204_331 }], replicationLagMs: 3 },
    checks: [{ name: 'heartbeat table readable', kind: 'sql', expected: '1', actual: '1', passed: true }],
    rpo: { acknowledged: 9_120, lostTransactions: 3, lostMs: 12, inDoubt: [{ id: 'hb-9121', sentAt: '2025-03-03T01:59:59.998Z' }] },
    events: [
      { at: '2025-03-03T02:00:00.000Z', event: 'primary.stopped', detail: 'pg_ctl stop -m immediate' },
      { at: '2025-03-03T02:00:04.500Z', event: 'promote.completed', detail: 'pg_is_in_recovery() = false' },
    ],
    errors: [],
    communications: [{ at: '2025-03-03T01:59:00.100Z', event: 'drill.started', sink: 'pagerduty', target: 'orders DR service', outcome: 'sent' }],
    failback: {
      method: 'rewind',
      completed: true,
      divergence: { lsn: '0/5A000098', timeline: 2 },
      discardedTransactions: 3,
      marks: [
        { phase: 'rewind', startNs: t(30_000), endNs: t(41_000) },
        { phase: 'switchback', startNs: t(41_000), endNs: t(49_000) },
      ],
    },
  };
}
