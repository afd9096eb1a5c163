import { parse, stringify } from 'yaml';
import { readSpecDir } from '../../src/adapters/files/spec-files.js';
import { compile } from '../../src/core/compile.js';
import { formatDiagnostic } from '../../src/core/diagnostics.js';
import { describeRun, runPromtool } from '../support/promtool.js';

/**
 * The drill and backup alerts generated from the committed drills/ (rules/vigil-drills.rules.yaml),
 * played by `promtool test rules`: each alert fires when it must, after its `for`, with its
 * annotations rendered as people will read them, and stays quiet in the case beside it. Rules are
 * evaluated every minute; promtool's clock starts at 0, so "a PASS 31 days ago" is a negative
 * timestamp. Every series comes from two Vigil replicas (`instance` a and b), as in production.
 */
const RULES_PATH = 'rules/vigil-drills.rules.yaml';
const compiled = compile(await readSpecDir('slos'), await readSpecDir('drills'));
const rulesFile = compiled.files.find((f) => f.path === RULES_PATH);

interface RuleYaml {
  alert?: string;
  expr: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}
const groups = (parse(rulesFile?.content ?? 'groups: []') as { groups: { name: string; rules: RuleYaml[] }[] }).groups;
const rule = (drill: string, alert: string) => {
  const r = groups.find((g) => g.name === `vigil-drill-${drill}`)?.rules.find((x) => x.alert === alert);
  if (!r) throw new Error(`no ${alert} for drill ${drill} in ${RULES_PATH}`);
  return r;
};

// The committed drills' thresholds, as the rule file holds them (test/golden/drills checks the arithmetic).
const RESTORE_OVERDUE = 31 * 86400 + 2 * 3600 + 3600; // 31 days (Jan → Feb), maxDuration 2h, grace 1h
const BACKUP_MAX_AGE = 26 * 3600;
const DRILLS = ['postgres-failover', 'postgres-pitr', 'postgres-restore'];

/** One series as both replicas report it: `metric{labels}` plus the scrape's job and instance. */
const replicas = (series: string, values: string) =>
  ['a', 'b'].map((instance) => ({ series: series.replace(/\{(.*)\}$/, (_, l: string) => `{${l ? `${l},` : ''}job="vigil",instance="${instance}"}`), values }));
const vigilUp = replicas('up{}', '1x60');
/** The four verdict series of a drill: `values` for the ones given, 0 for the others. */
const verdictSeries = (drill: string, values: Partial<Record<'PASS' | 'FAIL' | 'ABORTED' | 'INCONCLUSIVE', string>>) =>
  (['PASS', 'FAIL', 'ABORTED', 'INCONCLUSIVE'] as const).flatMap((v) => replicas(`vigil_drill_last_verdict{drill="${drill}",verdict="${v}"}`, values[v] ?? '0x60'));
const verdicts = (drill: string, verdict: 'PASS' | 'FAIL' | 'ABORTED' | 'INCONCLUSIVE') => verdictSeries(drill, { [verdict]: '1x60' });
const lastPass = (drill: string, epochSeconds: number) => replicas(`vigil_drill_last_success_timestamp_seconds{drill="${drill}"}`, `${epochSeconds}x60`);
/** Every other drill passed yesterday, so only the drill under test can be overdue. */
const othersPassed = (drill: string) => DRILLS.filter((d) => d !== drill).flatMap((d) => lastPass(d, -86400));

/** The alert as promtool must report it: the rule's labels, `drill`, and its annotations with `$value` rendered. */
function firing(minute: number, drill: string, alert: string, value?: string) {
  const r = rule(drill, alert);
  const annotations = Object.fromEntries(
    Object.entries(r.annotations).map(([k, v]) => [k, v.replace(/\{\{ \$value \| \w+ \}\}/g, () => value ?? '(no $value expected)')]),
  );
  return { eval_time: `${minute}m`, alertname: alert, exp_alerts: [{ exp_labels: { ...r.labels, drill }, exp_annotations: annotations }] };
}
const quiet = (minute: number, alert: string) => ({ eval_time: `${minute}m`, alertname: alert, exp_alerts: [] });

const scenarios: [string, object[], object[]][] = [
  // DrillFailed: FAIL and ABORTED fire at once (the verdict is steady until the next run); INCONCLUSIVE is DrillInconclusive.
  ['DrillFailed: a FAIL seen on two replicas is one alert for the drill, at once', verdicts('postgres-restore', 'FAIL'), [firing(0, 'postgres-restore', 'DrillFailed'), firing(30, 'postgres-restore', 'DrillFailed')]],
  ['DrillFailed: ABORTED fires too', verdicts('postgres-failover', 'ABORTED'), [firing(1, 'postgres-failover', 'DrillFailed')]],
  ['DrillFailed: not for a PASS that follows a FAIL', verdictSeries('postgres-restore', { FAIL: '1 1 1 0x57', PASS: '0 0 0 1x57' }), [firing(2, 'postgres-restore', 'DrillFailed'), quiet(3, 'DrillFailed'), quiet(30, 'DrillFailed')]],
  ['DrillFailed: not for INCONCLUSIVE, which is DrillInconclusive (info)', verdicts('postgres-pitr', 'INCONCLUSIVE'), [quiet(5, 'DrillFailed'), firing(5, 'postgres-pitr', 'DrillInconclusive')]],

  // DrillOverdue, the stale arm: the last PASS is 5 minutes short of the limit at 0m, so the
  // condition holds from 6m (at 5m it is exactly the limit), and the alert fires 15m later.
  [
    'DrillOverdue: a PASS older than the period, maxDuration and grace fires after its 15m',
    [...vigilUp, ...verdicts('postgres-restore', 'FAIL'), ...lastPass('postgres-restore', -(RESTORE_OVERDUE - 300)), ...othersPassed('postgres-restore')],
    [quiet(5, 'DrillOverdue'), quiet(20, 'DrillOverdue'), firing(21, 'postgres-restore', 'DrillOverdue')],
  ],
  ['DrillOverdue: not for a PASS yesterday', [...vigilUp, ...lastPass('postgres-restore', -86400), ...othersPassed('postgres-restore')], [quiet(30, 'DrillOverdue')]],
  // The never-succeeded arm: Vigil is up, knows the drill (it failed), and has no PASS of it.
  [
    'DrillOverdue: a drill that never passed fires after 15m, with the same labels',
    [...vigilUp, ...verdicts('postgres-pitr', 'FAIL'), ...othersPassed('postgres-pitr')],
    [quiet(14, 'DrillOverdue'), firing(15, 'postgres-pitr', 'DrillOverdue')],
  ],
  ['DrillOverdue: not while Vigil is not scraped at all (VigilDown says so)', [{ series: 'up{job="prometheus",instance="p"}', values: '1x60' }], [quiet(30, 'DrillOverdue')]],

  // Objectives: the last measurement against the spec's number, at once.
  ['DrillRtoAboveObjective: an RTO of 4000s against 1h fires, showing the duration', replicas('vigil_drill_last_rto_seconds{drill="postgres-restore"}', '4000x10'), [firing(0, 'postgres-restore', 'DrillRtoAboveObjective', '1h 6m 40s')]],
  ['DrillRtoAboveObjective: not for an RTO of exactly the objective', replicas('vigil_drill_last_rto_seconds{drill="postgres-restore"}', '3600x10'), [quiet(5, 'DrillRtoAboveObjective')]],

  // BackupTooOld: 26h (daily at 02:00 plus two hours). The newest backup is 10 minutes short of it at 0m.
  [
    'BackupTooOld: the newest backup 26h old fires after 15m more',
    replicas('vigil_backup_last_success_timestamp_seconds{drill="postgres-restore"}', `${-(BACKUP_MAX_AGE - 600)}x40`),
    [quiet(10, 'BackupTooOld'), quiet(25, 'BackupTooOld'), firing(26, 'postgres-restore', 'BackupTooOld', '1d 2h 16m 0s')],
  ],
  [
    'BackupTooOld: not when the next backup lands while it is pending',
    replicas('vigil_backup_last_success_timestamp_seconds{drill="postgres-restore"}', `${-(BACKUP_MAX_AGE - 600)}x14 900x25`),
    [quiet(14, 'BackupTooOld'), quiet(26, 'BackupTooOld'), quiet(39, 'BackupTooOld')],
  ],

  // DrillBackupSizeAnomaly: outside 50 %–200 % of the median of the earlier backups, for 15m.
  [
    'DrillBackupSizeAnomaly: a backup at 40 % of the median fires after 15m',
    [...replicas('vigil_backup_last_size_bytes{drill="postgres-restore"}', '40000000000x30'), ...replicas('vigil_backup_size_median_bytes{drill="postgres-restore"}', '100000000000x30')],
    [quiet(14, 'DrillBackupSizeAnomaly'), firing(15, 'postgres-restore', 'DrillBackupSizeAnomaly', '40%')],
  ],
  [
    'DrillBackupSizeAnomaly: a backup at 250 % of the median fires too',
    [...replicas('vigil_backup_last_size_bytes{drill="postgres-pitr"}', '250x30'), ...replicas('vigil_backup_size_median_bytes{drill="postgres-pitr"}', '100x30')],
    [firing(15, 'postgres-pitr', 'DrillBackupSizeAnomaly', '250%')],
  ],
  [
    'DrillBackupSizeAnomaly: not for 120 %, nor for exactly half',
    [
      ...replicas('vigil_backup_last_size_bytes{drill="postgres-restore"}', '120x30'),
      ...replicas('vigil_backup_size_median_bytes{drill="postgres-restore"}', '100x30'),
      ...replicas('vigil_backup_last_size_bytes{drill="postgres-pitr"}', '50x30'),
      ...replicas('vigil_backup_size_median_bytes{drill="postgres-pitr"}', '100x30'),
    ],
    [quiet(20, 'DrillBackupSizeAnomaly')],
  ],

  // RpoExposureAboveObjective: the PITR drill's objective is 5m; time() − last archived WAL.
  [
    'RpoExposureAboveObjective: archiving stopped at 0m fires 5m after the exposure passes 5m',
    replicas('vigil_wal_archive_last_timestamp_seconds{drill="postgres-pitr"}', '0x30'),
    [quiet(10, 'RpoExposureAboveObjective'), firing(11, 'postgres-pitr', 'RpoExposureAboveObjective', '11m 0s')],
  ],
  ['RpoExposureAboveObjective: not while a segment is archived every minute', replicas('vigil_wal_archive_last_timestamp_seconds{drill="postgres-pitr"}', '0+60x30'), [quiet(20, 'RpoExposureAboveObjective')]],
  // Read every 5 minutes, 90 s after the last archived segment: now − it reaches 5m30s in the
  // minute before each read, then drops; the 5m `for` never sees it last.
  [
    'RpoExposureAboveObjective: not for the sawtooth of a value read every 5 minutes',
    replicas('vigil_wal_archive_last_timestamp_seconds{drill="postgres-pitr"}', Array.from({ length: 31 }, (_, m) => 300 * Math.floor(m / 5) - 90).join(' ')),
    [quiet(4, 'RpoExposureAboveObjective'), quiet(29, 'RpoExposureAboveObjective')],
  ],

  // DrillBackupFailed and WalArchivingFailing, for completeness.
  ['DrillBackupFailed: the newest attempt failed, for an hour', replicas('vigil_backup_last_failed{drill="postgres-restore"}', '1x70'), [quiet(59, 'DrillBackupFailed'), firing(60, 'postgres-restore', 'DrillBackupFailed')]],
  [
    'WalArchivingFailing: one failure fires at once and clears 15m later',
    replicas('vigil_wal_archive_failed_total{drill="postgres-restore"}', '3x5 4x30'),
    [quiet(5, 'WalArchivingFailing'), firing(6, 'postgres-restore', 'WalArchivingFailing'), quiet(22, 'WalArchivingFailing')],
  ],
];

function testFile(tests: { name: string; input_series: object[]; alert_rule_test: object[] }[]): string {
  return stringify({ rule_files: [RULES_PATH], evaluation_interval: '1m', tests: tests.map((t) => ({ interval: '1m', ...t })) }, { lineWidth: 0 });
}

describe('drill and backup alerts (rules/vigil-drills.rules.yaml) in promtool test rules', () => {
  it('are generated from the committed drills/', () => {
    expect(compiled.diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(groups.map((g) => [g.name, g.rules.map((r) => r.alert)])).toEqual([
      ['vigil-drill-postgres-failover', ['DrillFailed', 'DrillInconclusive', 'DrillOverdue', 'DrillRtoAboveObjective', 'DrillRpoAboveObjective']],
      ...['postgres-pitr', 'postgres-restore'].map((d) => [
        `vigil-drill-${d}`,
        ['DrillFailed', 'DrillInconclusive', 'DrillOverdue', 'DrillRtoAboveObjective', 'DrillRpoAboveObjective', 'DrillBackupFailed', 'BackupTooOld', 'DrillBackupSizeAnomaly', 'WalArchivingFailing', 'RpoExposureAboveObjective'],
      ]),
    ]);
    expect(rule('postgres-restore', 'DrillOverdue').expr).toContain(`> ${RESTORE_OVERDUE}\n`);
    expect(rule('postgres-restore', 'BackupTooOld').expr).toContain(`> ${BACKUP_MAX_AGE}`);
  });

  it('fire exactly when they must, and not in the case beside each', async () => {
    const tests = scenarios.map(([name, input_series, alert_rule_test]) => ({ name, input_series, alert_rule_test }));
    const r = await runPromtool(['test', 'rules', 'test.yaml'], { [RULES_PATH]: rulesFile!.content, 'test.yaml': testFile(tests) });
    expect({ code: r.code, output: describeRun(r) }).toEqual({ code: 0, output: expect.stringContaining('SUCCESS') });
  });

  it('are judged for real: the same test fails when DrillOverdue is expected a minute early', async () => {
    const [name, input_series] = scenarios.find(([n]) => n.startsWith('DrillOverdue: a PASS older'))!;
    const tests = [{ name, input_series, alert_rule_test: [firing(20, 'postgres-restore', 'DrillOverdue')] }];
    const r = await runPromtool(['test', 'rules', 'test.yaml'], { [RULES_PATH]: rulesFile!.content, 'test.yaml': testFile(tests) });
    expect(r.code).toBe(1);
    expect(describeRun(r)).toContain('alertname: DrillOverdue, time: 20m');
  });
});
