import { readFileSync } from 'node:fs';
import { loadSpecs } from '../definitions/load-specs.js';
import type { DrillSpec } from '../model/drill.js';
import { drillRuleFiles, drillRuleGroups } from './drill-rules.js';
import type { AlertingRule } from './rule-model.js';

/** The numbers and choices in the drill alerts; test/golden/drills holds whole files, test/promtool/drill-rules.spec.ts their behaviour. */
function drill(yaml: string): DrillSpec {
  const r = loadSpecs([{ path: 'drills/d.yaml', text: `apiVersion: vigil/v1\nkind: Drill\nname: d\nowner: dba\n${yaml}` }], 'drills');
  expect(r.diagnostics).toEqual([]);
  return r.drills[0]!;
}

const RESTORE = 'type: restore\ntarget: { primary: { env: P }, backup: { baseBackup: /b, walArchive: /w } }\nchecks: [{ name: c, rowCount: t }]\n';
const rules = (d: DrillSpec) => drillRuleGroups([d])[0]!.rules as AlertingRule[];
const rule = (d: DrillSpec, alert: string) => rules(d).find((r) => r.alert === alert)!;

describe('drill alerts', () => {
  it.each([
    ['a monthly drill: 31 days + maxDuration 2h + 1h grace', RESTORE + 'schedule: { cron: "0 3 1 * *" }\nabort: { maxDuration: 2h }\n', 31 * 86400 + 3 * 3600],
    ['a daily drill in Berlin: the 25-hour night + 90m + 1h', RESTORE + 'schedule: { cron: "15 4 * * *", timeZone: Europe/Berlin }\nabort: { maxDuration: 90m }\n', 25 * 3600 + 5400 + 3600],
    ['the default restore schedule (monthly) and maxDuration (twice the 1h RTO)', RESTORE, 31 * 86400 + 2 * 3600 + 3600],
  ])('DrillOverdue for %s', (_, yaml, seconds) => {
    expect(rule(drill(yaml), 'DrillOverdue').expr.split('\n')[0]).toBe(
      `time() - max by (drill) (vigil_drill_last_success_timestamp_seconds{drill="d"}) > ${seconds}`,
    );
  });

  it('puts the objectives in the expressions, in seconds', () => {
    const d = drill(RESTORE + 'objectives: { rto: 30m, rpo: 10m }\n');
    expect(rule(d, 'DrillRtoAboveObjective').expr).toBe('max by (drill) (vigil_drill_last_rto_seconds{drill="d"}) > 1800');
    expect(rule(d, 'DrillRpoAboveObjective').expr).toBe('max by (drill) (vigil_drill_last_rpo_seconds{drill="d"}) > 600');
    expect(rule(d, 'RpoExposureAboveObjective').expr).toBe('time() - max by (drill) (vigil_wal_archive_last_timestamp_seconds{drill="d"}) > 600');
  });

  it.each([
    ['a restore drill with a primary: every drill and backup alert', RESTORE, ['DrillBackupFailed', 'BackupTooOld', 'DrillBackupSizeAnomaly', 'WalArchivingFailing', 'RpoExposureAboveObjective']],
    [
      'a PITR drill without a primary: no WAL archive to read',
      'type: pitr\ntarget: { backup: { pgbackrest: { stanza: main } } }\nrecoveryTarget: { ago: 10m }\nchecks: [{ name: c, rowCount: t, atLeast: 1 }]\n',
      ['DrillBackupFailed', 'BackupTooOld', 'DrillBackupSizeAnomaly'],
    ],
    [
      'a failover drill: no backup at all',
      'type: failover\ntarget: { primary: { env: P }, replica: { env: R }, primaryDataDir: /a, replicaDataDir: /b }\nchecks: [{ name: c, sql: SELECT 1, expect: 1 }]\n',
      [],
    ],
  ])('%s', (_, yaml, backupAlerts) => {
    expect(rules(drill(yaml)).map((r) => r.alert)).toEqual(['DrillFailed', 'DrillInconclusive', 'DrillOverdue', 'DrillRtoAboveObjective', 'DrillRpoAboveObjective', ...backupAlerts]);
  });

  it('labels every alert with the drill, its owner as team, and a severity; links each to its runbook section', () => {
    const severities = Object.fromEntries(rules(drill(RESTORE)).map((r) => [r.alert, r.labels.severity]));
    expect(severities).toEqual({
      DrillFailed: 'warning',
      DrillInconclusive: 'info',
      DrillOverdue: 'warning',
      DrillRtoAboveObjective: 'warning',
      DrillRpoAboveObjective: 'warning',
      DrillBackupFailed: 'warning',
      BackupTooOld: 'critical',
      DrillBackupSizeAnomaly: 'warning',
      WalArchivingFailing: 'warning',
      RpoExposureAboveObjective: 'critical',
    });
    for (const r of rules(drill(RESTORE))) {
      expect(r.labels).toEqual({ team: 'dba', drill: 'd', severity: expect.any(String) });
      expect(r.annotations.runbook_url).toBe(`runbooks/drills.md#${r.alert.toLowerCase()}`);
    }
  });

  it('links only to sections runbooks/drills.md has', () => {
    const headings = readFileSync('runbooks/drills.md', 'utf8').match(/^## .+$/gm)!.map((h) => h.slice(3).toLowerCase());
    for (const r of rules(drill(RESTORE))) expect(headings).toContain(r.annotations.runbook_url!.split('#')[1]);
  });

  it('generates no file for a fleet without drills', () => {
    expect(drillRuleFiles([])).toEqual([]);
  });
});
