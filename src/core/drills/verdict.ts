import type { DrillSpec } from '../model/drill.js';
import type { CheckResult, DrillOutcome } from './drill-outcome.js';
import { measureRpo, millisBetween, type RpoResult } from './rpo.js';
import { formatElapsed, measureRto, type RtoResult } from './rto.js';

/**
 * The verdict of a drill run. Four states and no "partial" one: a drill that met some objectives
 * and missed others failed, and one that could not measure an objective proved nothing about it.
 * Precedence: ABORTED, then FAIL (anything measured and missed), then INCONCLUSIVE (anything not
 * measured), then PASS.
 */
export type VerdictStatus = 'PASS' | 'FAIL' | 'ABORTED' | 'INCONCLUSIVE';

/** One objective or check, judged: what the drill had to show and what it showed. */
export interface Assessment {
  /** `RTO`, `RPO`, `recovery target`, `recovered to latest`, `failback`, `check "orders rows"`. */
  readonly subject: string;
  readonly expected: string;
  /** null when it was not measured. */
  readonly actual: string | null;
  readonly result: 'met' | 'missed' | 'not-measured';
  /** Why it was not measured, or what went wrong. */
  readonly note?: string;
}

export interface VerdictReason {
  /** The assessment's subject, or `abort` (findings are keyed on it). */
  readonly subject: string;
  readonly text: string;
}

export interface Verdict {
  readonly status: VerdictStatus;
  /** Empty for PASS; otherwise each names the objective or check and gives expected and actual. */
  readonly reasons: readonly VerdictReason[];
  readonly assessments: readonly Assessment[];
}

export interface Measurements {
  readonly rto: RtoResult;
  readonly rpo: RpoResult;
}

export function measure(outcome: DrillOutcome): Measurements {
  return { rto: measureRto(outcome.identity.type, outcome.marks, outcome.clock), rpo: measureRpo(outcome) };
}

export function decideVerdict(spec: DrillSpec, outcome: DrillOutcome, m: Measurements = measure(outcome)): Verdict {
  const assessments = assess(spec, outcome, m);
  const missed = assessments.filter((a) => a.result === 'missed').map(reasonOf);
  const unmeasured = assessments.filter((a) => a.result === 'not-measured').map(reasonOf);
  if (outcome.abort) {
    // What never ran is not news once the run was stopped; what ran and failed still is.
    const abort = { subject: 'abort', text: `aborted by ${outcome.abort.criterion}: ${outcome.abort.detail}` };
    return { status: 'ABORTED', reasons: [abort, ...missed], assessments };
  }
  if (missed.length > 0) return { status: 'FAIL', reasons: [...missed, ...unmeasured], assessments };
  if (unmeasured.length > 0) return { status: 'INCONCLUSIVE', reasons: unmeasured, assessments };
  return { status: 'PASS', reasons: [], assessments };
}

function reasonOf(a: Assessment): VerdictReason {
  if (a.result === 'not-measured') return { subject: a.subject, text: `${a.subject} not measured: ${a.note ?? 'no value'} (expected ${a.expected})` };
  return { subject: a.subject, text: `${a.subject} failed: expected ${a.expected}, actual ${a.actual ?? 'none'}${a.note ? ` (${a.note})` : ''}` };
}

function assess(spec: DrillSpec, outcome: DrillOutcome, m: Measurements): Assessment[] {
  const type = outcome.identity.type;
  const o = outcome.objectives;
  const out: Assessment[] = [rtoAssessment(m.rto, o.rtoSeconds), rpoAssessment(m.rpo, o.rpoSeconds)];
  if (type === 'switchover') out.push(switchoverLoss(m.rpo));
  if (type === 'restore') out.push(latestAssessment(outcome));
  if (type === 'pitr') out.push(...targetAssessments(outcome));
  if ((type === 'failover' || type === 'switchover') && spec.failover && spec.failover.failback !== 'none') out.push(failbackAssessment(outcome, spec.failover.failback));
  out.push(...checkAssessments(spec, outcome.checks));
  return out;
}

const seconds = (s: number): string => formatElapsed(s * 1e9);

function rtoAssessment(rto: RtoResult, objectiveSeconds: number): Assessment {
  const expected = `≤ ${seconds(objectiveSeconds)}`;
  if (!rto.measured) return { subject: 'RTO', expected, actual: null, result: 'not-measured', note: rto.reason };
  return { subject: 'RTO', expected, actual: formatElapsed(rto.totalNs), result: rto.totalNs > objectiveSeconds * 1e9 ? 'missed' : 'met' };
}

function rpoAssessment(rpo: RpoResult, objectiveSeconds: number): Assessment {
  const expected = `≤ ${seconds(objectiveSeconds)}`;
  if (!rpo.measured) return { subject: 'RPO', expected, actual: null, result: 'not-measured', note: rpo.reason };
  const actual =
    rpo.method === 'heartbeat-ledger'
      ? `${formatElapsed(rpo.lostMs * 1e6)} (${rpo.lostTransactions} of ${rpo.acknowledged} acknowledged transactions lost, ${rpo.inDoubt.length} in doubt)`
      : `${formatElapsed(rpo.lostMs * 1e6)} (last transaction ${rpo.achieved}, wanted ${rpo.reference})`;
  return { subject: 'RPO', expected, actual, result: rpo.lostMs > objectiveSeconds * 1000 ? 'missed' : 'met' };
}

/** A planned switchover has no excuse to lose a commit, whatever the RPO objective allows. */
function switchoverLoss(rpo: RpoResult): Assessment {
  const expected = '0 lost transactions';
  if (!rpo.measured || rpo.method !== 'heartbeat-ledger') return { subject: 'switchover loss', expected, actual: null, result: 'not-measured', note: rpo.measured ? 'no ledger' : rpo.reason };
  return { subject: 'switchover loss', expected, actual: `${rpo.lostTransactions} lost transactions`, result: rpo.lostTransactions === 0 ? 'met' : 'missed' };
}

function latestAssessment(outcome: DrillOutcome): Assessment {
  const expected = 'every available WAL segment replayed';
  const rec = outcome.recovery;
  if (!rec) return { subject: 'recovered to latest', expected, actual: null, result: 'not-measured', note: 'no recovery was recorded' };
  return {
    subject: 'recovered to latest',
    expected,
    actual: rec.recoveredToLatest ? 'every available WAL segment replayed' : `recovery ended early, last transaction ${rec.achievedAt ?? 'unknown'}`,
    result: rec.recoveredToLatest ? 'met' : 'missed',
  };
}

/**
 * PITR stops at the last transaction committed at or before the target, so the achieved point is
 * normally a little earlier than the target; how much earlier is the RPO assessment's business.
 * Here: recovery must have stopped because it reached the target (not because the WAL ran out,
 * which PostgreSQL may present as a successful end of recovery), and must not have gone past it.
 */
function targetAssessments(outcome: DrillOutcome): Assessment[] {
  const rec = outcome.recovery;
  const requested = rec?.requested.kind === 'time' ? rec.requested.at : undefined;
  const reachedExpected = `recovery stops at the target ${requested ?? '(none given)'}`;
  if (!rec || requested === undefined) {
    const note = rec ? 'no recovery target time was requested' : 'no recovery was recorded';
    return [{ subject: 'recovery target', expected: reachedExpected, actual: null, result: 'not-measured', note }];
  }
  if (rec.targetReached === undefined) return [{ subject: 'recovery target', expected: reachedExpected, actual: null, result: 'not-measured', note: 'the server log did not say why recovery stopped' }];
  const reached: Assessment = rec.targetReached
    ? { subject: 'recovery target', expected: reachedExpected, actual: 'stopped at the target', result: 'met' }
    : { subject: 'recovery target', expected: reachedExpected, actual: `recovery ended before the target, last transaction ${rec.achievedAt ?? 'unknown'}`, result: 'missed' };
  const notPast = `last transaction at or before ${requested}`;
  if (rec.achievedAt === null) return [reached, { subject: 'achieved point', expected: notPast, actual: null, result: 'not-measured', note: 'the server log gave no last completed transaction' }];
  const early = millisBetween(rec.achievedAt, requested);
  if (early === undefined) return [reached, { subject: 'achieved point', expected: notPast, actual: rec.achievedAt, result: 'not-measured', note: 'unreadable time' }];
  return [reached, { subject: 'achieved point', expected: notPast, actual: rec.achievedAt, result: early >= 0 ? 'met' : 'missed', ...(early < 0 ? { note: 'recovered past the target' } : {}) }];
}

function failbackAssessment(outcome: DrillOutcome, method: 'rewind' | 'reclone'): Assessment {
  const expected = `old primary rejoined as a standby (${method})`;
  const f = outcome.failback;
  if (!f) return { subject: 'failback', expected, actual: null, result: 'not-measured', note: 'no failback was recorded' };
  if (f.completed) return { subject: 'failback', expected, actual: `rejoined (${f.method})`, result: 'met' };
  return { subject: 'failback', expected, actual: `not completed (${f.method})`, result: 'missed', ...(f.error ? { note: f.error } : {}) };
}

function checkAssessments(spec: DrillSpec, results: readonly CheckResult[]): Assessment[] {
  const ran = new Set(results.map((r) => r.name));
  const missing: Assessment[] = spec.checks
    .filter((c) => !ran.has(c.name))
    .map((c) => ({ subject: `check "${c.name}"`, expected: expectedOf(c), actual: null, result: 'not-measured', note: 'the check did not run' }));
  const judged: Assessment[] = results.map((r) => ({
    subject: `check "${r.name}"`,
    expected: r.expected,
    actual: r.actual,
    result: r.passed ? 'met' : 'missed',
    ...(r.error ? { note: r.error } : {}),
  }));
  return [...judged, ...missing];
}

/** A spec check's expectation as text, as reports and verdict reasons show it. */
export function expectedOf(c: DrillSpec['checks'][number]): string {
  if (c.kind === 'sql') return c.expect;
  if (c.equals !== undefined) return String(c.equals);
  if (c.atLeast !== undefined) return `≥ ${c.atLeast}`;
  return `the primary's row count of ${c.table}`;
}
