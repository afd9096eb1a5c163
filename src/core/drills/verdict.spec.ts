import { failoverOutcome, failoverSpec, mark, restoreOutcome, restoreSpec } from '../../../test/support/drill-fixtures.js';
import type { DrillSpec } from '../model/drill.js';
import type { DrillOutcome, RecoveryResult } from './drill-outcome.js';
import { decideVerdict, type VerdictStatus } from './verdict.js';

type Case = [string, DrillSpec, DrillOutcome, VerdictStatus, string[]];

const restore = (change: (o: DrillOutcome) => Partial<DrillOutcome> = () => ({}), spec: Partial<DrillSpec> = {}): [DrillSpec, DrillOutcome] => {
  const o = restoreOutcome();
  return [{ ...restoreSpec(), ...spec }, { ...o, ...change(o) }];
};
const failover = (change: (o: DrillOutcome) => Partial<DrillOutcome> = () => ({}), spec: Partial<DrillSpec> = {}): [DrillSpec, DrillOutcome] => {
  const o = failoverOutcome();
  return [{ ...failoverSpec(), ...spec }, { ...o, ...change(o) }];
};
const recovery = (o: DrillOutcome, r: Partial<RecoveryResult>) => ({ recovery: { ...o.recovery!, ...r } });
/** The restore fixture as a PITR drill to 02:00:00.000Z, whose last completed transaction was at 01:59:58.412Z. */
const pitr = (r: Partial<RecoveryResult> = {}, objectives = { rtoSeconds: 3600, rpoSeconds: 300 }): [DrillSpec, DrillOutcome] => {
  const o = restoreOutcome();
  return [
    { ...restoreSpec(), type: 'pitr', objectives, recoveryTarget: { kind: 'time', at: new Date('2025-03-03T02:00:00.000Z') } },
    {
      ...o,
      identity: { ...o.identity, type: 'pitr' },
      objectives,
      recovery: { ...o.recovery!, requested: { kind: 'time', at: '2025-03-03T02:00:00.000Z' }, targetReached: true, recoveredToLatest: false, ...r },
    },
  ];
};
const copyToValidated = (ms: number) => [mark('copy', 0, ms / 2), mark('validation', ms / 2, ms)];
const failedCheck = (o: DrillOutcome) => ({ checks: o.checks.map((c) => (c.name === 'orders rows' ? { ...c, actual: '1204330', passed: false } : c)) });

describe('decideVerdict', () => {
  it.each<Case>([
    ['a restore that met every objective and check passes', ...restore(), 'PASS', []],
    ['a restore whose RTO equals the objective exactly passes', ...restore(() => ({ marks: copyToValidated(3_600_000) })), 'PASS', []],
    ['RTO one nanosecond over the objective fails', ...restore(() => ({ marks: [mark('copy', 0, 1_800_000), mark('validation', 1_800_000, 3_600_000.000001)] })), 'FAIL', ['RTO failed: expected ≤ 1h 00m 00.000s, actual 1h 00m 00.001s']],
    ['RTO over the objective fails naming objective and measurement', ...restore(() => ({ objectives: { rtoSeconds: 300, rpoSeconds: 900 } })), 'FAIL', ['RTO failed: expected ≤ 5m 00.000s, actual 6m 17.876s']],
    ['a check with a wrong value fails naming the check, expected and actual', ...restore(failedCheck), 'FAIL', ['check "orders rows" failed: expected 1204331, actual 1204330']],
    [
      'a check that errored fails with the error',
      ...restore((o) => ({ checks: o.checks.map((c) => (c.name === 'no orphan order lines' ? { ...c, actual: null, passed: false, error: 'relation "order_lines" does not exist' } : c)) })),
      'FAIL',
      ['check "no orphan order lines" failed: expected 0, actual none (relation "order_lines" does not exist)'],
    ],
    [
      'a broken backup found before restoring fails the drill',
      ...restore((o) => ({ checks: [{ name: 'WAL continuity', kind: 'wal-continuity', expected: 'no missing segment', actual: 'missing 0000000100000042000000B1; recoverable up to 2025-03-02T23:14:05.120Z', passed: false }, ...o.checks.slice(2)] })),
      'FAIL',
      ['check "WAL continuity" failed: expected no missing segment, actual missing 0000000100000042000000B1; recoverable up to 2025-03-02T23:14:05.120Z'],
    ],
    [
      'a restore that never finished is inconclusive: no validation mark',
      ...restore((o) => ({ marks: o.marks.filter((m) => m.phase !== 'validation') })),
      'INCONCLUSIVE',
      ['RTO not measured: no validation mark: the recovered cluster was never validated (expected ≤ 1h 00m 00.000s)'],
    ],
    ['a spec check without a result is inconclusive', ...restore((o) => ({ checks: o.checks.filter((c) => c.name !== 'orders rows') })), 'INCONCLUSIVE', [`check "orders rows" not measured: the check did not run (expected the primary's row count of public.orders)`]],
    [
      'a failure outranks what was not measured, and both are named',
      ...restore((o) => ({ ...failedCheck(o), marks: o.marks.filter((m) => m.phase !== 'validation') })),
      'FAIL',
      ['check "orders rows" failed: expected 1204331, actual 1204330', 'RTO not measured: no validation mark: the recovered cluster was never validated (expected ≤ 1h 00m 00.000s)'],
    ],
    [
      'an aborted run is ABORTED whatever else, naming the criterion; checks that ran and failed stay named',
      ...restore((o) => ({ ...failedCheck(o), marks: o.marks.slice(0, 2), abort: { at: '2025-03-03T04:00:00.000Z', criterion: 'maxDuration', detail: 'ran 2h 00m 00.000s, limit 2h 00m 00.000s' } })),
      'ABORTED',
      ['aborted by maxDuration: ran 2h 00m 00.000s, limit 2h 00m 00.000s', 'check "orders rows" failed: expected 1204331, actual 1204330'],
    ],
    [
      'a restore that stopped replaying before the end of the archive fails',
      ...restore((o) => recovery(o, { recoveredToLatest: false })),
      'FAIL',
      ['recovered to latest failed: expected every available WAL segment replayed, actual recovery ended early, last transaction 2025-03-03T01:59:58.412Z'],
    ],
    [
      'a restore 20 minutes behind the newest commit misses a 15 minute RPO',
      ...restore((o) => recovery(o, { newestAvailableAt: '2025-03-03T02:18:58.412Z' })),
      'FAIL',
      ['RPO failed: expected ≤ 15m 00.000s, actual 19m 00.000s (last transaction 2025-03-03T01:59:58.412Z, wanted 2025-03-03T02:18:58.412Z)'],
    ],
    [
      'a restore without the newest available commit cannot state its RPO',
      ...restore((o) => recovery(o, { newestAvailableAt: undefined })),
      'INCONCLUSIVE',
      ['RPO not measured: the newest commit available to the restore is unknown (expected ≤ 15m 00.000s)'],
    ],
    ['a PITR that stopped at the target, 1.588s before it, passes', ...pitr(), 'PASS', []],
    [
      'a PITR whose recovery ended before the target fails, never "restored to latest"',
      ...pitr({ targetReached: false, achievedAt: '2025-03-02T23:14:05.120Z' }),
      'FAIL',
      [
        'RPO failed: expected ≤ 5m 00.000s, actual 2h 45m 54.880s (last transaction 2025-03-02T23:14:05.120Z, wanted 2025-03-03T02:00:00.000Z)',
        'recovery target failed: expected recovery stops at the target 2025-03-03T02:00:00.000Z, actual recovery ended before the target, last transaction 2025-03-02T23:14:05.120Z',
      ],
    ],
    [
      'a PITR that recovered past its target fails',
      ...pitr({ achievedAt: '2025-03-03T02:00:00.001Z' }),
      'FAIL',
      ['achieved point failed: expected last transaction at or before 2025-03-03T02:00:00.000Z, actual 2025-03-03T02:00:00.001Z (recovered past the target)'],
    ],
    [
      'a PITR that reached a point 6 minutes before its target misses a 5 minute RPO',
      ...pitr({ achievedAt: '2025-03-03T01:54:00.000Z' }),
      'FAIL',
      ['RPO failed: expected ≤ 5m 00.000s, actual 6m 00.000s (last transaction 2025-03-03T01:54:00.000Z, wanted 2025-03-03T02:00:00.000Z)'],
    ],
    [
      'a PITR whose server log did not say why recovery stopped is inconclusive',
      ...pitr({ targetReached: undefined }),
      'INCONCLUSIVE',
      ['recovery target not measured: the server log did not say why recovery stopped (expected recovery stops at the target 2025-03-03T02:00:00.000Z)'],
    ],
    ['a failover within RTO and RPO, failed back, passes', ...failover(), 'PASS', []],
    [
      'a failover without a ledger comparison is inconclusive: RPO unknown',
      ...failover(() => ({ rpo: undefined })),
      'INCONCLUSIVE',
      ['RPO not measured: the heartbeat ledger was not compared with the new primary (expected ≤ 5.000s)'],
    ],
    [
      'a failover losing 5.001s of acknowledged commits misses a 5s RPO',
      ...failover((o) => ({ rpo: { ...o.rpo!, lostTransactions: 1001, lostMs: 5001 } })),
      'FAIL',
      ['RPO failed: expected ≤ 5.000s, actual 5.001s (1001 of 9120 acknowledged transactions lost, 1 in doubt)'],
    ],
    [
      'commits in doubt are never counted as lost',
      ...failover((o) => ({ rpo: { ...o.rpo!, lostTransactions: 0, lostMs: 0, inDoubt: Array.from({ length: 50 }, (_, i) => ({ id: `hb-${i}`, sentAt: '2025-03-03T02:00:00.000Z' })) } })),
      'PASS',
      [],
    ],
    [
      'a failback that did not complete fails',
      ...failover((o) => ({ failback: { ...o.failback!, completed: false, error: 'pg_rewind: could not find common ancestor' } })),
      'FAIL',
      ['failback failed: expected old primary rejoined as a standby (rewind), actual not completed (rewind) (pg_rewind: could not find common ancestor)'],
    ],
    ['a failback the spec asks for but nobody recorded is inconclusive', ...failover(() => ({ failback: undefined })), 'INCONCLUSIVE', ['failback not measured: no failback was recorded (expected old primary rejoined as a standby (rewind))']],
    ['no failback is judged when the spec asks for none', ...failover(() => ({ failback: undefined }), { failover: { ...failoverSpec().failover!, failback: 'none' } }), 'PASS', []],
    [
      'a switchover that lost one commit fails, even within the RPO objective',
      ...failover((o) => ({ identity: { ...o.identity, type: 'switchover' } }), { type: 'switchover' }),
      'FAIL',
      ['switchover loss failed: expected 0 lost transactions, actual 3 lost transactions'],
    ],
  ])('%s', (_, spec, outcome, status, reasons) => {
    const v = decideVerdict(spec, outcome);
    expect({ status: v.status, reasons: v.reasons.map((r) => r.text) }).toEqual({ status, reasons });
  });

  it('assesses every objective and check, with expected and actual, also when it passes', () => {
    const v = decideVerdict(...restore());
    expect(v.assessments.map((a) => [a.subject, a.expected, a.actual, a.result])).toEqual([
      ['RTO', '≤ 1h 00m 00.000s', '6m 17.876s', 'met'],
      ['RPO', '≤ 15m 00.000s', '1.588s (last transaction 2025-03-03T01:59:58.412Z, wanted 2025-03-03T02:00:00.000Z)', 'met'],
      ['recovered to latest', 'every available WAL segment replayed', 'every available WAL segment replayed', 'met'],
      ['check "backup manifest"', 'every file matches the manifest', 'every file matches the manifest', 'met'],
      ['check "WAL continuity"', 'no missing segment', 'no missing segment', 'met'],
      ['check "orders rows"', '1204331', '1204331', 'met'],
      ['check "no orphan order lines"', '0', '0', 'met'],
    ]);
  });
});
