import { failoverOutcome, failoverSpec, restoreOutcome, restoreSpec } from '../../../test/support/drill-fixtures.js';
import type { DrillOutcome } from './drill-outcome.js';
import { buildDrillReport, carryOverFindings, dueAfter, readDrillReport, reviseReport, type DrillReport, type Finding, type NewFinding, type ReportInput } from './drill-report.js';
import { contentHash, GENESIS_HASH, seal, serializeSealed, verifyChain } from './report-chain.js';
import type { VerdictStatus } from './verdict.js';

const input = (over: Partial<ReportInput> = {}): ReportInput => ({
  spec: restoreSpec(),
  outcome: restoreOutcome(),
  chainTip: null,
  previousFindings: [],
  preparedBy: 'vigil 0.1.0',
  preparedAt: '2025-03-03T02:06:26.000Z',
  ...over,
});
const failing = (): DrillOutcome => {
  const o = restoreOutcome();
  return { ...o, checks: o.checks.map((c) => (c.name === 'orders rows' ? { ...c, actual: '1204330', passed: false } : c)) };
};

describe('buildDrillReport', () => {
  it('records identity, scope, objectives, measurements, verdict and empty sign-off, sealed as the first of a chain', () => {
    const r = buildDrillReport(input());
    expect(r).toMatchObject({
      version: 1,
      sequence: 1,
      previousHash: GENESIS_HASH,
      revision: 1,
      corrects: null,
      identity: { drill: 'orders-restore', owner: 'team-dba', type: 'restore', runId: 'run-2025-03-03-orders-restore', vigilVersion: '0.1.0', host: 'drill-runner-1', toolVersions: { pgbackrest: 'pgBackRest 2.54.0' } },
      scope: { backupSource: 'pgBackRest stanza orders', connections: ['primary: env ORDERS_PRIMARY_URL'] },
      objectives: { rtoSeconds: 3600, rpoSeconds: 900, recoveryTarget: null },
      scenario: { schedule: 'cron 0 2 3 * * Europe/Berlin', notify: ['Slack #dr-drills', 'webhook https://hooks.example.com/…'] },
      measurements: { rto: { measured: true, totalNs: 377_875_456_789 }, rpo: { measured: true, method: 'recovery-point', lostMs: 1588 }, verification: [{ phase: 'verify', start: '2025-03-03T01:59:20.000Z', end: '2025-03-03T01:59:59.000Z', durationNs: 39_000_000_000 }] },
      verdict: { status: 'PASS', reasons: [] },
      findings: [],
      signOff: { preparedBy: 'vigil 0.1.0', preparedAt: '2025-03-03T02:06:26.000Z', reviewedBy: null, reviewedAt: null, approvedBy: null, approvedAt: null },
    });
    expect(r.hash).toBe(contentHash(r));
    expect(r.checks).toHaveLength(4);
  });

  it('never carries a secret: a webhook URL shows its origin only', () => {
    expect(serializeSealed(buildDrillReport(input()))).not.toContain('s3cr3t');
  });

  it('links to the chain tip, whatever drill it was for', () => {
    const first = buildDrillReport(input());
    const second = buildDrillReport(input({ spec: failoverSpec(), outcome: failoverOutcome(), chainTip: first }));
    expect([second.sequence, second.previousHash]).toEqual([2, first.hash]);
    expect(second.failback).toMatchObject({ method: 'rewind', divergence: { lsn: '0/5A000098', timeline: 2 }, discardedTransactions: 3, phases: [{ phase: 'rewind', durationNs: 11_000_000_000 }, { phase: 'switchback' }] });
    expect(second.measurements.replicationLagMs).toBe(3);
  });

  it('is deterministic: the same inputs give the same hash', () => {
    expect(buildDrillReport(input()).hash).toBe(buildDrillReport(input()).hash);
  });

  it('refuses an outcome of another drill', () => {
    expect(() => buildDrillReport(input({ spec: failoverSpec() }))).toThrow('the outcome is for restore drill orders-restore, the spec for failover drill orders-failover');
  });

  it('opens a finding for the owner, due in 30 days, for every reason a run did not pass', () => {
    const r = buildDrillReport(input({ outcome: failing() }));
    expect(r.verdict.status).toBe('FAIL');
    expect(r.findings).toEqual([
      {
        id: 'run-2025-03-03-orders-restore-1',
        subject: 'check "orders rows"',
        text: 'check "orders rows" failed: expected 1204331, actual 1204330',
        owner: 'team-dba',
        due: '2025-04-02',
        status: 'open',
        openedInRun: 'run-2025-03-03-orders-restore',
        verifiedInRun: null,
      },
    ]);
  });

  it('carries a failed run’s finding into the next report and verifies it when that run passes', () => {
    const first = buildDrillReport(input({ outcome: failing() }));
    const o = restoreOutcome();
    const second = buildDrillReport(input({ chainTip: first, previousFindings: first.findings, outcome: { ...o, identity: { ...o.identity, runId: 'run-2' } } }));
    expect(second.findings).toEqual([{ ...first.findings[0], status: 'verified', verifiedInRun: 'run-2' }]);
  });
});

describe('carryOverFindings', () => {
  const open = (subject: string, id = `r0-${subject}`): Finding => ({ id, subject, text: `${subject} text`, owner: 'team-dba', due: '2025-04-01', status: 'open', openedInRun: 'r0', verifiedInRun: null });
  const raised = (subject: string): NewFinding => ({ subject, text: `${subject} again`, owner: 'team-dba', due: '2025-05-01' });

  it.each<[string, Finding[], VerdictStatus, NewFinding[], Partial<Finding>[]]>([
    ['an open finding stays open through a failing run, without a duplicate for the same subject', [open('RTO')], 'FAIL', [raised('RTO')], [{ id: 'r0-RTO', status: 'open' }]],
    ['an open finding stays open through an inconclusive run', [open('RTO')], 'INCONCLUSIVE', [raised('RPO')], [{ id: 'r0-RTO', status: 'open' }, { id: 'r1-1', subject: 'RPO', status: 'open', openedInRun: 'r1' }]],
    ['an open finding stays open through an aborted run', [open('RTO')], 'ABORTED', [], [{ id: 'r0-RTO', status: 'open' }]],
    ['a passing run verifies every open finding', [open('RTO'), open('RPO')], 'PASS', [], [{ id: 'r0-RTO', status: 'verified', verifiedInRun: 'r1' }, { id: 'r0-RPO', status: 'verified', verifiedInRun: 'r1' }]],
    ['a verified finding is not carried again', [{ ...open('RTO'), status: 'verified', verifiedInRun: 'r0' }], 'FAIL', [], []],
    ['a finding raised on a passing run opens (the run cannot verify its own finding)', [], 'PASS', [raised('runbook')], [{ id: 'r1-1', subject: 'runbook', status: 'open' }]],
    ['a new finding beside a verified one of the same subject opens', [open('RTO')], 'PASS', [raised('RTO')], [{ id: 'r0-RTO', status: 'verified' }, { id: 'r1-1', subject: 'RTO', status: 'open' }]],
  ])('%s', (_, previous, status, opened, expected) => {
    const got = carryOverFindings(previous, { runId: 'r1', status }, opened);
    expect(got).toHaveLength(expected.length);
    expected.forEach((e, i) => expect(got[i]).toMatchObject(e));
  });
});

describe('reviseReport', () => {
  it('adds a correction to the chain naming the run; the original stays as it was', () => {
    const original = buildDrillReport(input());
    const signed = reviseReport(original, { note: 'reviewed: evidence complete', changes: { signOff: { ...original.signOff, reviewedBy: 'carol', reviewedAt: '2025-03-05T09:00:00.000Z' } } }, original);
    expect(signed).toMatchObject({ sequence: 2, previousHash: original.hash, revision: 2, corrects: original.identity.runId, correction: 'reviewed: evidence complete', signOff: { reviewedBy: 'carol', preparedBy: 'vigil 0.1.0' } });
    expect(original).toMatchObject({ revision: 1, corrects: null, signOff: { reviewedBy: null } });
    const chain: DrillReport[] = [original, signed];
    expect(verifyChain(chain.map((r, i) => ({ name: `${i}`, text: serializeSealed(r) }))).ok).toBe(true);
  });
});

describe('readDrillReport', () => {
  const report = buildDrillReport(input());
  const { hash: _sealed, ...content } = report;
  it('returns the report a stored text holds', () => {
    expect(readDrillReport({ name: 'r.json', text: serializeSealed(report) })).toEqual(JSON.parse(JSON.stringify(report)));
  });

  it.each<[string, string, string]>([
    ['an altered report', serializeSealed(report).replace('team-dba', 'team-dbb'), 'r.json: content altered: hash mismatch'],
    ['a report format it does not know', serializeSealed(seal({ ...content, version: 2 })), 'r.json: report format version 2 is not 1'],
  ])('refuses %s', (_, text, message) => {
    expect(() => readDrillReport({ name: 'r.json', text })).toThrow(message);
  });
});

describe('dueAfter', () => {
  it.each([
    ['2025-03-03T02:06:25.000Z', 30, '2025-04-02'],
    ['2025-01-31T23:59:59.999Z', 1, '2025-02-01'],
    ['2024-02-28T12:00:00Z', 1, '2024-02-29'],
    ['2025-03-03T01:00:00+02:00', 0, '2025-03-02'],
  ])('%s + %d days is due %s', (at, days, due) => {
    expect(dueAfter(at, days)).toBe(due);
  });
});
