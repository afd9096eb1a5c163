import type { DrillSpec } from '../model/drill.js';
import { formatDuration } from '../duration.js';
import type { DrillReport } from './drill-report.js';
import { formatElapsed } from './rto.js';

/** A drill notification as every sink renders it: a subject line and plain text. */
export interface DrillMessage {
  readonly event: 'drill.started' | 'drill.completed';
  readonly subject: string;
  readonly text: string;
}

/** What the drill touches, in words the stakeholders read before it starts (seeds DR-031, DR-033). */
function impactOf(spec: DrillSpec): string {
  switch (spec.type) {
    case 'restore':
    case 'pitr':
      return 'The backup is restored into a scratch cluster on the drill host; production is not touched.';
    case 'failover':
      return `The primary (${spec.target.primaryDataDir ?? 'see the spec'}) is stopped and its replica promoted; writers see an outage until the promotion completes.`;
    case 'switchover':
      return 'The primary and its replica switch roles in a planned switchover, then switch back.';
  }
}

/** The drill-start template: what, when, what it touches, the objectives, who owns it. */
export function drillStartedMessage(spec: DrillSpec, runId: string, at: Date): DrillMessage {
  return {
    event: 'drill.started',
    subject: `[DR drill] ${spec.name} (${spec.type}) started`,
    text: [
      `DR drill ${spec.name} (${spec.type}) started at ${at.toISOString()}, run ${runId}.`,
      spec.description ?? '',
      impactOf(spec),
      `Objectives: RTO ${formatDuration(spec.objectives.rtoSeconds)}, RPO ${formatDuration(spec.objectives.rpoSeconds)}. It is stopped after ${formatDuration(spec.abort.maxDurationSeconds)} at the latest.`,
      `Owner: ${spec.owner}. A drill.completed message follows with the verdict.`,
    ]
      .filter(Boolean)
      .join('\n'),
  };
}

/** The drill-complete template: the verdict with its reasons, RTO and RPO against the objectives, where the report is. */
export function drillCompletedMessage(spec: DrillSpec, report: DrillReport, reportUrl: string | null): DrillMessage {
  const m = report.measurements;
  const rto = m.rto.measured ? formatElapsed(m.rto.totalNs) : `not measured (${m.rto.reason})`;
  const rpo = m.rpo.measured ? `${Math.round(m.rpo.lostMs)} ms` : `not measured (${m.rpo.reason})`;
  return {
    event: 'drill.completed',
    subject: `[DR drill] ${spec.name}: ${report.verdict.status}`,
    text: [
      `DR drill ${spec.name} (${spec.type}), run ${report.identity.runId}: ${report.verdict.status}.`,
      `RTO ${rto} (objective ${formatDuration(spec.objectives.rtoSeconds)}); RPO ${rpo} (objective ${formatDuration(spec.objectives.rpoSeconds)}).`,
      ...report.verdict.reasons.map((r) => `- ${r.text}`),
      `Checks: ${report.checks.filter((c) => c.passed).length} of ${report.checks.length} passed.`,
      reportUrl ? `Report: ${reportUrl}` : `Report: vigil drill report ${report.identity.runId} --format md`,
    ].join('\n'),
  };
}
