import { compareText } from '../compare-text.js';
import { describeRecurrence } from '../jobs/recurrence.js';
import type { DrillSpec } from '../model/drill.js';
import type { PolicyTarget } from '../model/oncall.js';
import { parseTimeText } from '../time-text.js';
import type {
  AbortRecord,
  Baseline,
  CheckResult,
  Communication,
  DrillError,
  DrillEvent,
  DrillIdentity,
  DrillOutcome,
  DrillScope,
  FailbackPhase,
  RecoveryResult,
} from './drill-outcome.js';
import { describeSecretRef } from './drill-outcome.js';
import { nextLinks, seal, verifyRecord, type ChainTip, type StoredRecord } from './report-chain.js';
import type { RpoResult } from './rpo.js';
import { spanOf, type PhaseSpan, type RtoResult } from './rto.js';
import { decideVerdict, expectedOf, measure, type Verdict, type VerdictStatus } from './verdict.js';

/**
 * The record of one drill run that an auditor reads. JSON is the record (Markdown and HTML are
 * renderings of it); it is sealed into the report chain (report-chain.ts) and never edited: a
 * correction is a new report that names the run it corrects. docs/drill-evidence.md maps each
 * field to the controls it serves (SOC 2 A1.3, ISO 27001 A.5.30/A.8.13, ISO 22301 8.5, DORA
 * Art. 11/12, PCI DSS 12.10).
 */

/** The report format; a reader refuses a version it does not know rather than misread one. */
export const REPORT_VERSION = 1;

/** Days from a run to the due date of a finding it opens, unless the owner sets another. */
export const FINDING_DUE_DAYS = 30;

export interface DrillReport {
  readonly version: typeof REPORT_VERSION;
  /** Position in the chain, from 1. */
  readonly sequence: number;
  readonly previousHash: string;
  readonly hash: string;
  /** 1 for a run's first report; each correction of it counts up. */
  readonly revision: number;
  /** The run id this report corrects; null for a first report. */
  readonly corrects: string | null;
  /** What the correction changed and why. */
  readonly correction: string | null;
  readonly identity: ReportIdentity;
  readonly scope: DrillScope;
  readonly objectives: ReportObjectives;
  readonly scenario: Scenario;
  readonly baseline: Baseline | null;
  readonly timeline: readonly DrillEvent[];
  readonly measurements: ReportMeasurements;
  readonly checks: readonly CheckResult[];
  readonly verdict: Verdict;
  readonly failback: ReportFailback | null;
  readonly communications: readonly Communication[];
  readonly errors: readonly DrillError[];
  readonly abort: AbortRecord | null;
  readonly findings: readonly Finding[];
  readonly signOff: SignOff;
}

/** The run's identity, with what the spec says of the drill. */
export interface ReportIdentity extends DrillIdentity {
  readonly description: string | null;
  readonly owner: string;
}

export interface ReportObjectives {
  readonly rtoSeconds: number;
  readonly rpoSeconds: number;
  /** pitr: the requested recovery_target_time (UTC); null otherwise. */
  readonly recoveryTarget: string | null;
}

export interface Scenario {
  /** What the drill rehearsed, in one paragraph. */
  readonly summary: string;
  readonly schedule: string;
  readonly checksPlanned: readonly { readonly name: string; readonly kind: string; readonly expected: string }[];
  readonly abortCriteria: { readonly maxDurationSeconds: number; readonly minFreeBytes: number | null; readonly maxReplicaLagSeconds: number | null };
  /** Who is told of drill.started and drill.completed, as the spec names them. */
  readonly notify: readonly string[];
}

export interface ReportMeasurements {
  readonly rto: RtoResult;
  /** Backup manifest and WAL continuity, before recovery started: not part of RTO. */
  readonly verification: readonly PhaseSpan<'verify'>[];
  readonly rpo: RpoResult;
  readonly recovery: RecoveryResult | null;
  /** failover: replication lag at the fault, for context; it is not RPO. */
  readonly replicationLagMs: number | null;
}

export interface ReportFailback {
  readonly method: 'rewind' | 'reclone';
  readonly completed: boolean;
  readonly divergence: { readonly lsn: string; readonly timeline: number } | null;
  readonly discardedTransactions: number | null;
  /** Not part of RTO. */
  readonly phases: readonly PhaseSpan<FailbackPhase>[];
  readonly error: string | null;
}

export interface Finding {
  /** `<runId>-<n>`, stable across the reports it is carried into. */
  readonly id: string;
  /** What it is about (a verdict reason's subject, e.g. `RTO`): one open finding per subject and drill. */
  readonly subject: string;
  readonly text: string;
  readonly owner: string;
  /** YYYY-MM-DD. */
  readonly due: string;
  readonly status: 'open' | 'verified';
  readonly openedInRun: string;
  /** The passing run that verified it. */
  readonly verifiedInRun: string | null;
}

/** A finding someone raises for a run (a runbook step that was wrong), beside those the verdict opens. */
export interface NewFinding {
  readonly subject: string;
  readonly text: string;
  readonly owner: string;
  readonly due: string;
}

export interface SignOff {
  readonly preparedBy: string;
  readonly preparedAt: string;
  readonly reviewedBy: string | null;
  readonly reviewedAt: string | null;
  readonly approvedBy: string | null;
  readonly approvedAt: string | null;
}

export interface ReportInput {
  readonly spec: DrillSpec;
  readonly outcome: DrillOutcome;
  /** The last report of the chain, whatever drill it was for; null when this is the first. */
  readonly chainTip: ChainTip | null;
  /** The findings of this drill's latest report: open ones carry over (carryOverFindings). */
  readonly previousFindings: readonly Finding[];
  readonly raisedFindings?: readonly NewFinding[];
  /** `vigil 0.4.0` or the operator who ran it. */
  readonly preparedBy: string;
  /** ISO UTC: when the report was written (given, not read: core reads no clock). */
  readonly preparedAt: string;
}

export function buildDrillReport(input: ReportInput): DrillReport {
  const { spec, outcome } = input;
  const id = outcome.identity;
  if (spec.name !== id.drill || spec.type !== id.type) {
    throw new Error(`the outcome is for ${id.type} drill ${id.drill}, the spec for ${spec.type} drill ${spec.name}`);
  }
  const m = measure(outcome);
  const verdict = decideVerdict(spec, outcome, m);
  const opened = [...findingsFromVerdict(verdict, spec.owner, dueAfter(id.finishedAt, FINDING_DUE_DAYS)), ...(input.raisedFindings ?? [])];
  const requested = outcome.recovery?.requested;
  return seal({
    version: REPORT_VERSION,
    ...nextLinks(input.chainTip),
    revision: 1,
    corrects: null,
    correction: null,
    identity: { ...id, description: spec.description ?? null, owner: spec.owner },
    scope: outcome.scope,
    objectives: { ...outcome.objectives, recoveryTarget: requested?.kind === 'time' ? requested.at : null },
    scenario: scenarioOf(spec, outcome),
    baseline: outcome.baseline,
    timeline: [...outcome.events].sort((a, b) => compareText(a.at, b.at)),
    measurements: {
      rto: m.rto,
      verification: outcome.marks.filter((k) => k.phase === 'verify').map((k) => spanOf(outcome.clock, { ...k, phase: 'verify' as const })),
      rpo: m.rpo,
      recovery: outcome.recovery ?? null,
      replicationLagMs: outcome.baseline?.replicationLagMs ?? null,
    },
    checks: outcome.checks,
    verdict,
    failback: outcome.failback
      ? {
          method: outcome.failback.method,
          completed: outcome.failback.completed,
          divergence: outcome.failback.divergence,
          discardedTransactions: outcome.failback.discardedTransactions,
          phases: outcome.failback.marks.map((k) => spanOf(outcome.clock, k)),
          error: outcome.failback.error ?? null,
        }
      : null,
    communications: outcome.communications,
    errors: outcome.errors,
    abort: outcome.abort ?? null,
    findings: carryOverFindings(input.previousFindings, { runId: id.runId, status: verdict.status }, opened),
    signOff: { preparedBy: input.preparedBy, preparedAt: input.preparedAt, reviewedBy: null, reviewedAt: null, approvedBy: null, approvedAt: null },
  });
}

/**
 * A stored report, read back to render or to carry its findings over: its text must be what was
 * sealed, and its format one this code knows. A sealed report was built by buildDrillReport, so
 * its shape is not checked field by field.
 */
export function readDrillReport(stored: StoredRecord): DrillReport {
  const v = verifyRecord(stored);
  const problem = v.integrity ?? v.link;
  if (problem) throw new Error(`${stored.name}: ${problem}`);
  const report = JSON.parse(stored.text) as { version?: unknown };
  if (report.version !== REPORT_VERSION) throw new Error(`${stored.name}: report format version ${String(report.version)} is not ${REPORT_VERSION}`);
  return report as DrillReport;
}

/**
 * A correction or a sign-off: a new report in the chain, naming the run it corrects. The
 * original stays where it is, so the chain shows what was first reported and what changed.
 */
export function reviseReport(
  original: DrillReport,
  revision: { readonly note: string; readonly changes: Partial<Omit<DrillReport, 'version' | 'sequence' | 'previousHash' | 'hash' | 'revision' | 'corrects' | 'correction' | 'identity'>> },
  chainTip: ChainTip,
): DrillReport {
  const { hash: _old, ...rest } = original;
  return seal({
    ...rest,
    ...revision.changes,
    ...nextLinks(chainTip),
    revision: original.revision + 1,
    corrects: original.identity.runId,
    correction: revision.note,
  });
}

/**
 * The findings a run's report lists. Findings stay open from report to report until a passing
 * run verifies them; a verified finding is shown once, in the report of the run that verified
 * it, and not carried further. A new finding is not opened for a subject that already has an
 * open one: a drill failing its RTO three months running is one finding, not three.
 */
export function carryOverFindings(
  previous: readonly Finding[],
  run: { readonly runId: string; readonly status: VerdictStatus },
  opened: readonly NewFinding[],
): Finding[] {
  const carried = previous
    .filter((f) => f.status === 'open')
    .map((f): Finding => (run.status === 'PASS' ? { ...f, status: 'verified', verifiedInRun: run.runId } : f));
  const openSubjects = new Set(carried.filter((f) => f.status === 'open').map((f) => f.subject));
  const fresh = opened
    .filter((f) => !openSubjects.has(f.subject))
    .map((f, i): Finding => ({ id: `${run.runId}-${i + 1}`, ...f, status: 'open', openedInRun: run.runId, verifiedInRun: null }));
  return [...carried, ...fresh];
}

/** Every reason a run did not pass becomes a finding for the drill's owner. */
export function findingsFromVerdict(verdict: Verdict, owner: string, due: string): NewFinding[] {
  return verdict.reasons.map((r) => ({ subject: r.subject, text: r.text, owner, due }));
}

/** The date `days` after an ISO instant, as YYYY-MM-DD (UTC). */
export function dueAfter(at: string, days: number): string {
  const seconds = parseTimeText(at);
  if (seconds === undefined) throw new Error(`not an RFC 3339 time: ${at}`);
  return new Date((seconds + days * 86_400) * 1000).toISOString().slice(0, 10);
}

function scenarioOf(spec: DrillSpec, outcome: DrillOutcome): Scenario {
  const checks = spec.checks.map((c) => ({ name: c.name, kind: c.kind, expected: expectedOf(c) }));
  return {
    summary: summaryOf(spec, outcome),
    schedule: describeRecurrence(spec.schedule),
    checksPlanned: checks,
    abortCriteria: {
      maxDurationSeconds: spec.abort.maxDurationSeconds,
      minFreeBytes: spec.abort.minFreeBytes ?? null,
      maxReplicaLagSeconds: spec.abort.maxReplicaLagSeconds ?? null,
    },
    notify: spec.notify.map(describeTarget),
  };
}

function summaryOf(spec: DrillSpec, outcome: DrillOutcome): string {
  const checks = `run ${spec.checks.length} validation check${spec.checks.length === 1 ? '' : 's'}`;
  const source = outcome.scope.backupSource ?? 'the backup';
  const requested = outcome.recovery?.requested;
  switch (spec.type) {
    case 'restore':
      return `Verify the backup manifest and WAL continuity; restore the latest backup from ${source} into a scratch cluster on a free port; replay WAL to the end; ${checks}; remove the scratch cluster.`;
    case 'pitr':
      return `Verify the backup manifest and WAL continuity; restore from ${source} into a scratch cluster to recovery_target_time ${requested?.kind === 'time' ? requested.at : '(unresolved)'}; compare the point reached with the target; ${checks}; remove the scratch cluster.`;
    case 'failover':
    case 'switchover': {
      const f = spec.failover;
      const fault = spec.type === 'switchover' ? 'a planned stop of the primary' : f?.fault.kind === 'command' ? `the command ${f.fault.argv.join(' ')}` : 'an immediate shutdown of the primary';
      const failback = !f || f.failback === 'none' ? 'no failback' : `rejoin the old primary as a standby (${f.failback === 'rewind' ? 'pg_rewind' : 'a new clone'}) and switch back`;
      return `Commit a heartbeat row every ${f?.heartbeatIntervalMs ?? 100}ms on the primary, ledgering each acknowledged commit; fault: ${fault}; promote the replica; count acknowledged commits missing on the new primary; ${checks}; ${failback}.`;
    }
  }
}

function describeTarget(t: PolicyTarget): string {
  switch (t.kind) {
    case 'person':
      return `person ${t.person}`;
    case 'schedule':
      return `schedule ${t.schedule}`;
    case 'slackChannel':
      return `Slack ${t.channel}`;
    case 'email':
      return `email ${t.address}`;
    case 'webhook':
      return `webhook ${urlOrigin(t.url)}`;
    case 'pagerduty':
      return `PagerDuty (routing key from ${describeSecretRef(t.routingKey)})`;
  }
}

/** Webhook URLs often carry their secret in the path or query (Slack's do): a report shows the origin only. */
function urlOrigin(url: string): string {
  try {
    return `${new URL(url).origin}/…`;
  } catch {
    return '(unreadable URL)';
  }
}
