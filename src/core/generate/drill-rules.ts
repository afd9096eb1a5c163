import { compareText } from '../compare-text.js';
import { DAY, formatDuration, HOUR, MINUTE } from '../duration.js';
import { longestGapSeconds } from '../jobs/recurrence.js';
import type { BackupSource, DrillSpec, DrillType } from '../model/drill.js';
import { ruleFilePair, type GeneratedFile } from './rule-files.js';
import type { OutputsSpec } from '../model/outputs.js';
import type { AlertingRule, RuleGroup } from './rule-model.js';
import { VIGIL_SELF } from './vigil-self-rules.js';

/**
 * Alerts on the fleet's DR drills and on the backups their restores depend on (issue 10, "Backup
 * health, continuously"), one rule group per drill in rules/vigil-drills.rules.yaml. They watch
 * what Vigil exports on /metrics, every series labelled `drill`:
 *
 * From the latest finished run of each drill (src/modules/drills/drill-metrics.ts):
 * - `vigil_drill_last_verdict{drill,verdict}`: 1 for that run's verdict (PASS, FAIL, ABORTED,
 *   INCONCLUSIVE), 0 for the other three; absent for a drill that never finished a run.
 * - `vigil_drill_last_success_timestamp_seconds{drill}`: when it last finished with PASS; absent: never.
 * - `vigil_drill_last_rto_seconds{drill}`, `vigil_drill_last_rpo_seconds{drill}`: what that run measured.
 *
 * From the backup source and primary of each restore and PITR drill:
 * - `vigil_backup_last_success_timestamp_seconds{drill}`: end time of the newest complete backup.
 * - `vigil_backup_last_failed{drill}`: 1 when the newest backup attempt failed, else 0.
 * - `vigil_backup_last_size_bytes{drill}`, `vigil_backup_size_median_bytes{drill}`: the newest
 *   backup's size, and the median size of the backups before it.
 * - `vigil_wal_archive_last_timestamp_seconds{drill}`: pg_stat_archiver.last_archived_time of the primary.
 * - `vigil_wal_archive_failed_total{drill}`: pg_stat_archiver.failed_count of the primary (a counter).
 *
 * Every Vigil replica reads these from the same database and reports the same values, so each
 * expression takes `max by (drill)`: one alert per drill however many replicas are scraped, and
 * none of the scrape's instance or pod labels, which would make a new alert at every restart.
 *
 * The rules are per drill because what they compare with is the drill's own spec (its objectives,
 * its schedule, its owner), known when the rules are generated: each threshold is a number in the
 * expression, readable in the rule file and in Prometheus' UI, with no recording rule to join.
 */
export const DRILL_ALERTS = {
  file: 'vigil-drills',
  runbook: 'runbooks/drills.md',
  /**
   * A schedule's period is its longest gap between slots over this one year. A fixed year, so
   * the committed rules do not change with the date they are generated on (`vigil generate
   * --check` in CI); not a leap year, so a schedule on the 29th also waits from January to March.
   */
  periodFrom: '2025-01-01T00:00:00Z',
  periodSpanSeconds: 365 * DAY,
  /** A drill scheduled more often than every ~9 hours is judged by its first 1,000 slots (croner takes ~80 µs a slot). */
  periodMaxSlots: 1000,
  /**
   * Added to the period and the drill's maxDuration before a drill is overdue: a run starts within
   * seconds of its slot (a durable job), so an hour is enough for a replica restarting over the
   * slot, and the team still hears of a missed or failing run the same morning.
   */
  overdueGraceSeconds: HOUR,
  /** Rides out a Vigil restart or a failed database read, which briefly takes the success series away. */
  overdueForSeconds: 15 * MINUTE,
  /**
   * Backups are daily at 02:00 (seed 000 DR-004, `0 2 * * *`): 24 h between two backups, plus
   * two hours for the newer one to finish. Older than this, at least one daily backup is missing.
   * The same for every drill: no spec field says how often its source is backed up.
   */
  backupMaxAgeSeconds: 26 * HOUR,
  /** A backup that finishes a little past the limit still clears it before anyone is told. */
  backupTooOldForSeconds: 15 * MINUTE,
  /**
   * A failed backup is retried at the next daily slot, so an hour costs nothing, and it keeps a
   * backup that is still being written from reading as failed before it has finished.
   */
  backupFailedForSeconds: HOUR,
  /** The newest backup's size against the median of the earlier ones: half as big or twice as big is worth a look. */
  sizeRatio: { below: 0.5, above: 2 },
  /** Size and median change once a backup, together: a short `for` covers one being read before the other. */
  sizeAnomalyForSeconds: 15 * MINUTE,
  /** Any archive_command failure in this window: the window itself holds the alert for 15 minutes, so it has no `for`. */
  walFailureWindowSeconds: 15 * MINUTE,
  /**
   * The last archived time is read periodically, so now − it grows in a sawtooth between reads
   * even while every segment is archived in time; `for` longer than a read interval (5m) keeps
   * the sawtooth's teeth from firing, and only a stall that lasts does.
   */
  rpoExposureForSeconds: 5 * MINUTE,
} as const;

type Severity = 'critical' | 'warning' | 'info';

/** rules/vigil-drills.rules.yaml and its PrometheusRule; nothing for a fleet without drills. */
export function drillRuleFiles(drills: readonly DrillSpec[], outputs?: Omit<OutputsSpec, 'file'>): GeneratedFile[] {
  if (drills.length === 0) return [];
  const sources = [...new Set(drills.map((d) => d.at.file))].sort();
  return ruleFilePair(DRILL_ALERTS.file, sources, drillRuleGroups(drills), { name: 'vigil-drills', partOf: 'vigil' }, outputs);
}

/** One group per drill, by name, so the output does not depend on how drills are spread over files. */
export function drillRuleGroups(drills: readonly DrillSpec[]): RuleGroup[] {
  return [...drills]
    .sort((a, b) => compareText(a.name, b.name))
    .map((d) => ({ name: `vigil-drill-${d.name}`, rules: [...drillRules(d), ...(hasBackup(d) ? backupRules(d) : [])] }));
}

/** Restore and PITR drills restore from a backup; failover and switchover drills have none to watch. */
function hasBackup(d: DrillSpec): boolean {
  return d.type === 'restore' || d.type === 'pitr';
}

function drillRules(d: DrillSpec): AlertingRule[] {
  const verdict = (matcher: string) => `max by (drill) (vigil_drill_last_verdict{drill="${d.name}",verdict${matcher}}) == 1`;
  const overdue = overdueWindow(d);
  const success = series('vigil_drill_last_success_timestamp_seconds', d);
  const what = `${TYPE_TEXT[d.type].drill} ${d.name}`;
  return [
    {
      alert: 'DrillFailed',
      // Set once per run and steady until the next one: nothing for a `for` to ride out.
      expr: verdict('=~"FAIL|ABORTED"'),
      // A finding to fix in working hours, not an outage: the exposures that grow by the minute
      // (BackupTooOld, RpoExposureAboveObjective) are the ones that page.
      labels: labels(d, 'warning'),
      annotations: {
        summary: `DR drill ${d.name} failed: its latest run ended FAIL or ABORTED`,
        description:
          `The latest run of the ${what} did not pass: a check or an objective failed (FAIL), or it was stopped ` +
          `by an abort criterion or its ${formatDuration(d.abort.maxDurationSeconds)} limit (ABORTED). Until a run passes, nothing ` +
          `proves ${TYPE_TEXT[d.type].proves}. The run's report names the reason (GET /api/drills/${d.name}/runs).`,
        runbook_url: runbook('DrillFailed'),
      },
    },
    {
      alert: 'DrillInconclusive',
      expr: verdict('="INCONCLUSIVE"'),
      labels: labels(d, 'info'),
      annotations: {
        summary: `DR drill ${d.name} was inconclusive: its latest run could not measure what it must`,
        description:
          `The latest run of the ${what} ended INCONCLUSIVE: an objective or a check could not be measured, so the ` +
          `run neither proves nor disproves ${TYPE_TEXT[d.type].proves}. Its report says what is missing; fix that and run it again.`,
        runbook_url: runbook('DrillInconclusive'),
      },
    },
    {
      alert: 'DrillOverdue',
      // Two arms with the same labels ({drill}), so a drill keeps one alert whichever applies.
      // Vigil exports nothing for a drill that never finished a run, so no per-drill series exists
      // to `unless` against: `absent()` on the drill's own selector, possible because every drill
      // is known here. It counts only while a Vigil replica is up: when Vigil is down every series
      // is absent, VigilDown pages for that, and an alert per drill would only add noise.
      expr:
        `time() - max by (drill) (${success}) > ${overdue.seconds}\n` +
        `or\n` +
        `(absent(${success}) and on () (max(up{job="${VIGIL_SELF.job}"}) == 1))`,
      for: formatDuration(DRILL_ALERTS.overdueForSeconds),
      labels: labels(d, 'warning'),
      annotations: {
        summary: `DR drill ${d.name} has not passed within ${formatDuration(overdue.seconds)}, or never has`,
        description:
          `The ${what} has no PASS in the last ${formatDuration(overdue.seconds)} (the longest gap of its schedule, cron ` +
          `${d.schedule.expression} ${d.schedule.timeZone}, ${formatDuration(overdue.periodSeconds)}, plus its ` +
          `${formatDuration(d.abort.maxDurationSeconds)} maxDuration and ${formatDuration(DRILL_ALERTS.overdueGraceSeconds)} of grace), ` +
          `or Vigil has no PASS of it at all: its scheduled run was missed or did not pass. Run it now (vigil drill run ${d.name}).`,
        runbook_url: runbook('DrillOverdue'),
      },
    },
    objectiveRule(d, 'RTO', d.objectives.rtoSeconds),
    objectiveRule(d, 'RPO', d.objectives.rpoSeconds),
  ];
}

function objectiveRule(d: DrillSpec, objective: 'RTO' | 'RPO', seconds: number): AlertingRule {
  const metric = `vigil_drill_last_${objective.toLowerCase()}_seconds`;
  const alert = objective === 'RTO' ? 'DrillRtoAboveObjective' : 'DrillRpoAboveObjective';
  const meaning = objective === 'RTO' ? 'recovery took' : 'the data lost spans';
  return {
    alert,
    // The measurement of one run, steady until the next: no `for`.
    expr: `max by (drill) (${series(metric, d)}) > ${seconds}`,
    labels: labels(d, 'warning'),
    annotations: {
      summary: `DR drill ${d.name} measured an ${objective} above its objective of ${formatDuration(seconds)}`,
      description:
        `In the latest run of the ${TYPE_TEXT[d.type].drill} ${d.name}, ${meaning} {{ $value | humanizeDuration }}, more than ` +
        `the ${formatDuration(seconds)} ${objective} objective of its spec. The run's report ${objective === 'RTO' ? 'breaks it down by phase' : 'says what was lost and when'}.`,
      runbook_url: runbook(alert),
    },
  };
}

function backupRules(d: DrillSpec): AlertingRule[] {
  const source = backupText(d.target.backup);
  const latest = (metric: string) => `max by (drill) (${series(metric, d)})`;
  const size = latest('vigil_backup_last_size_bytes');
  const median = latest('vigil_backup_size_median_bytes');
  const { below, above } = DRILL_ALERTS.sizeRatio;
  const rules: AlertingRule[] = [
    {
      alert: 'DrillBackupFailed',
      expr: `${latest('vigil_backup_last_failed')} == 1`,
      for: formatDuration(DRILL_ALERTS.backupFailedForSeconds),
      // The previous backup still restores; BackupTooOld pages when the next one does not come either.
      labels: labels(d, 'warning'),
      annotations: {
        summary: `The newest backup of ${d.name}'s source failed`,
        description:
          `The newest backup attempt of ${source} (restored by the ${TYPE_TEXT[d.type].drill} ${d.name}) did not complete. ` +
          `Restores fall back to the backup before it, with more WAL to replay and more to lose if a WAL segment is missing.`,
        runbook_url: runbook('DrillBackupFailed'),
      },
    },
    {
      alert: 'BackupTooOld',
      expr: `time() - ${latest('vigil_backup_last_success_timestamp_seconds')} > ${DRILL_ALERTS.backupMaxAgeSeconds}`,
      for: formatDuration(DRILL_ALERTS.backupTooOldForSeconds),
      // A daily backup missed: every restore now replays more than a day of WAL, on an archive nobody has restored lately.
      labels: labels(d, 'critical'),
      annotations: {
        summary: `No backup of ${d.name}'s source for more than ${DRILL_ALERTS.backupMaxAgeSeconds / HOUR}h`,
        description:
          `The newest complete backup of ${source} (restored by the ${TYPE_TEXT[d.type].drill} ${d.name}) finished ` +
          `{{ $value | humanizeDuration }} ago. Backups are daily at 02:00, so at least one is missing.`,
        runbook_url: runbook('BackupTooOld'),
      },
    },
    {
      alert: 'DrillBackupSizeAnomaly',
      // The value is the ratio either way; a median of 0 divides to +Inf, which is an anomaly too.
      expr: `${size} / ${median} < ${below}\nor\n${size} / ${median} > ${above}`,
      for: formatDuration(DRILL_ALERTS.sizeAnomalyForSeconds),
      labels: labels(d, 'warning'),
      annotations: {
        summary: `The newest backup of ${d.name}'s source is far from the usual size`,
        description:
          `The newest backup of ${source} is {{ $value | humanizePercentage }} of the median size of the backups before it ` +
          `(expected: ${below * 100}% to ${above * 100}%). Much smaller can mean missing data or a truncated backup; much larger, a bulk load or bloat.`,
        runbook_url: runbook('DrillBackupSizeAnomaly'),
      },
    },
  ];
  // The WAL archive is read on the drill's primary: without one there is nothing to watch.
  if (!d.target.primary) return rules;
  const window = formatDuration(DRILL_ALERTS.walFailureWindowSeconds);
  return [
    ...rules,
    {
      alert: 'WalArchivingFailing',
      // increase() counts across the counter's reset when the primary's statistics are reset.
      expr: `max by (drill) (increase(${series('vigil_wal_archive_failed_total', d)}[${window}])) > 0`,
      // PostgreSQL retries the segment; RpoExposureAboveObjective pages when the retries do not catch up.
      labels: labels(d, 'warning'),
      annotations: {
        summary: `WAL archiving is failing on the primary of ${d.name}`,
        description:
          `archive_command failed on the primary of the ${TYPE_TEXT[d.type].drill} ${d.name} (pg_stat_archiver.failed_count ` +
          `rose in the last ${window}). Unarchived WAL stays in pg_wal until it succeeds: what is not archived cannot be restored, and pg_wal can fill the disk.`,
        runbook_url: runbook('WalArchivingFailing'),
      },
    },
    {
      alert: 'RpoExposureAboveObjective',
      // A primary with no writes at all archives nothing and looks exposed too: runbooks/drills.md says how to tell.
      expr: `time() - ${latest('vigil_wal_archive_last_timestamp_seconds')} > ${d.objectives.rpoSeconds}`,
      for: formatDuration(DRILL_ALERTS.rpoExposureForSeconds),
      // The objective is being missed now: a loss of the primary would lose more than it allows.
      labels: labels(d, 'critical'),
      annotations: {
        summary: `RPO exposure of ${d.name}'s primary is above its ${formatDuration(d.objectives.rpoSeconds)} objective`,
        description:
          `The primary of the ${TYPE_TEXT[d.type].drill} ${d.name} last archived a WAL segment {{ $value | humanizeDuration }} ago ` +
          `(pg_stat_archiver.last_archived_time). A restore from the archive now would lose at least that much, more than the ` +
          `${formatDuration(d.objectives.rpoSeconds)} RPO objective.`,
        runbook_url: runbook('RpoExposureAboveObjective'),
      },
    },
  ];
}

/** How long a drill may go without a PASS: its schedule's longest gap, its maxDuration (a run finishes at most that long after its slot), and the grace. */
function overdueWindow(d: DrillSpec): { readonly seconds: number; readonly periodSeconds: number } {
  const periodSeconds = longestGapSeconds(d.schedule, new Date(DRILL_ALERTS.periodFrom), {
    spanSeconds: DRILL_ALERTS.periodSpanSeconds,
    maxSlots: DRILL_ALERTS.periodMaxSlots,
  });
  // The drill parser refuses a schedule that never fires (recurrenceProblem), so a checked spec always has a gap.
  if (periodSeconds === null) throw new Error(`drill ${d.name}: schedule ${d.schedule.expression} never fires`);
  return { seconds: periodSeconds + d.abort.maxDurationSeconds + DRILL_ALERTS.overdueGraceSeconds, periodSeconds };
}

function series(metric: string, d: DrillSpec): string {
  return `${metric}{drill="${d.name}"}`;
}

/** `team` as the services' rules carry it, so the drill's owner is routed like the team's other alerts. */
function labels(d: DrillSpec, severity: Severity): Record<string, string> {
  return { team: d.owner, drill: d.name, severity };
}

function runbook(alert: string): string {
  return `${DRILL_ALERTS.runbook}#${alert.toLowerCase()}`;
}

const TYPE_TEXT: Record<DrillType, { readonly drill: string; readonly proves: string }> = {
  restore: { drill: 'restore drill', proves: 'that the newest backup restores with whole data' },
  pitr: { drill: 'PITR drill', proves: 'that the backup and the WAL archive recover to a chosen point in time' },
  failover: { drill: 'failover drill', proves: 'that the replica takes over within the objectives' },
  switchover: { drill: 'switchover drill', proves: 'that a planned switch to the replica and back works' },
};

function backupText(b: BackupSource | undefined): string {
  if (!b) return 'its backup source';
  return b.kind === 'pgbackrest' ? `pgBackRest stanza ${b.stanza}` : `the base backup at ${b.baseBackupDir}`;
}
