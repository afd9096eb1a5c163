import { formatDiagnostic } from '../diagnostics.js';
import type { DrillSpec } from '../model/drill.js';
import type { OnCallSpec } from '../model/oncall.js';
import { checkDrillsAgainstOnCall, parseDrillDocument } from './drill.parser.js';
import { loadSpecs } from './load-specs.js';
import { parseYamlFile } from './yaml-source.js';

/** Parsing and validating `kind: Drill`; every problem is a `file:line:col: message`. */
const FILE = 'drills/postgres.yaml';

// Line numbers in the cases below count from these documents.
const RESTORE = `apiVersion: vigil/v1
kind: Drill
name: pg-restore
owner: platform
type: restore
target:
  primary: { env: PRIMARY_URL }
  backup:
    pgbackrest: { stanza: main }
checks:
  - { name: agents, rowCount: public.agents }
  - name: orphans
    sql: SELECT count(*) FROM t
    expect: 0
notify:
  - slackChannel: '#dr-drills'
`;

const PITR = `apiVersion: vigil/v1
kind: Drill
name: pg-pitr
description: ten minutes back
owner: platform
type: pitr
target:
  backup: { baseBackup: /backups/base, walArchive: /backups/wal }
schedule: { cron: "30 3 1 * *", timeZone: Europe/Berlin }
recoveryTarget: { ago: 10m }
checks:
  - { name: agents, rowCount: public.agents, atLeast: 1, database: app }
  - { name: ratio, sql: "SELECT 1.50::numeric", expect: 1.50 }
abort: { minFree: 10GiB }
`;

const FAILOVER = `apiVersion: vigil/v1
kind: Drill
name: pg-failover
owner: platform
type: failover
target:
  primary: { env: PRIMARY_URL }
  replica: { file: /run/secrets/replica-url }
  primaryDataDir: /srv/pg/a
  replicaDataDir: /srv/pg/b
objectives: { rto: 5m, rpo: 30s }
failover:
  fault: { command: [/usr/local/bin/kill-primary, --hard] }
abort: { maxDuration: 15m, maxReplicaLag: 10s }
notify:
  - person: ana
  - schedule: primary
`;

const SWITCHOVER = FAILOVER.replace('name: pg-failover', 'name: pg-switchover')
  .replace('type: failover', 'type: switchover')
  .replace('  fault: { command: [/usr/local/bin/kill-primary, --hard] }\n', '  failback: reclone\n');

function parse(text: string, file = FILE) {
  const parsed = parseYamlFile(file, text);
  expect(parsed.diagnostics.map(formatDiagnostic)).toEqual([]);
  const r = parseDrillDocument(parsed.documents[0]!);
  return { spec: r.spec, errors: r.diagnostics.map(formatDiagnostic) };
}

const at = (line: number, col: number) => ({ file: FILE, line, col });

const FAILOVER_SPEC: DrillSpec = {
  name: 'pg-failover',
  owner: 'platform',
  type: 'failover',
  target: {
    binDir: '/usr/lib/postgresql/15/bin',
    primary: { env: 'PRIMARY_URL' },
    replica: { file: '/run/secrets/replica-url' },
    primaryDataDir: '/srv/pg/a',
    replicaDataDir: '/srv/pg/b',
  },
  schedule: { kind: 'cron', expression: '0 3 1 1,4,7,10 *', timeZone: 'UTC' },
  objectives: { rtoSeconds: 300, rpoSeconds: 30 },
  checks: [],
  abort: { maxDurationSeconds: 900, maxReplicaLagSeconds: 10 },
  failover: { heartbeatIntervalMs: 100, fault: { kind: 'command', argv: ['/usr/local/bin/kill-primary', '--hard'] }, failback: 'rewind' },
  notify: [
    { kind: 'person', person: 'ana', at: at(16, 5) },
    { kind: 'schedule', schedule: 'primary', at: at(17, 5) },
  ],
  at: at(1, 1),
};

describe('Drill spec', () => {
  it.each<[string, string, DrillSpec]>([
    [
      'a restore drill from a pgBackRest stanza, with the seed defaults: monthly at 03:00 UTC, RTO 1h, RPO 15m, abort after 2 × RTO',
      RESTORE,
      {
        name: 'pg-restore',
        owner: 'platform',
        type: 'restore',
        target: { binDir: '/usr/lib/postgresql/15/bin', primary: { env: 'PRIMARY_URL' }, backup: { kind: 'pgbackrest', stanza: 'main' } },
        schedule: { kind: 'cron', expression: '0 3 1 * *', timeZone: 'UTC' },
        objectives: { rtoSeconds: 3600, rpoSeconds: 900 },
        checks: [
          { kind: 'rowCount', name: 'agents', table: 'public.agents', at: at(11, 5) },
          { kind: 'sql', name: 'orphans', sql: 'SELECT count(*) FROM t', expect: '0', at: at(12, 5) },
        ],
        abort: { maxDurationSeconds: 7200 },
        notify: [{ kind: 'slackChannel', channel: '#dr-drills', at: at(16, 5) }],
        at: at(1, 1),
      },
    ],
    [
      'a PITR drill from a base backup and WAL archive: RPO 5m by default, expect kept as written (1.50, not 1.5), minFree in GiB',
      PITR,
      {
        name: 'pg-pitr',
        description: 'ten minutes back',
        owner: 'platform',
        type: 'pitr',
        target: { binDir: '/usr/lib/postgresql/15/bin', backup: { kind: 'basebackup', baseBackupDir: '/backups/base', walArchiveDir: '/backups/wal' } },
        schedule: { kind: 'cron', expression: '30 3 1 * *', timeZone: 'Europe/Berlin' },
        objectives: { rtoSeconds: 3600, rpoSeconds: 300 },
        checks: [
          { kind: 'rowCount', name: 'agents', database: 'app', table: 'public.agents', atLeast: 1, at: at(12, 5) },
          { kind: 'sql', name: 'ratio', sql: 'SELECT 1.50::numeric', expect: '1.50', at: at(13, 5) },
        ],
        abort: { maxDurationSeconds: 7200, minFreeBytes: 10 * 2 ** 30 },
        recoveryTarget: { kind: 'ago', seconds: 600 },
        notify: [],
        at: at(1, 1),
      },
    ],
    [
      'a failover drill with a fault command: quarterly by default, heartbeat 100ms, failback rewind',
      FAILOVER,
      FAILOVER_SPEC,
    ],
    [
      'a failover drill with only a time zone: the default quarterly cron, read in that zone',
      FAILOVER.replace('objectives:', 'schedule: { timeZone: Europe/Berlin }\nobjectives:'),
      { ...FAILOVER_SPEC, schedule: { kind: 'cron', expression: '0 3 1 1,4,7,10 *', timeZone: 'Europe/Berlin' }, notify: FAILOVER_SPEC.notify.map((t) => ({ ...t, at: at(t.at.line + 1, 5) })) },
    ],
    [
      'a switchover drill: the primary is stopped, never failed (fault immediate is only the default the type needs)',
      SWITCHOVER,
      {
        ...FAILOVER_SPEC,
        name: 'pg-switchover',
        type: 'switchover',
        failover: { heartbeatIntervalMs: 100, fault: { kind: 'immediate' }, failback: 'reclone' },
      },
    ],
  ])('reads %s', (_, text, expected) => {
    const { spec, errors } = parse(text);
    expect(errors).toEqual([]);
    expect(spec).toEqual(expected);
  });

  it('reads amcheck: false (pg_amcheck after validation is on by default)', () => {
    const { spec, errors } = parse(RESTORE.replace('checks:', 'amcheck: false\nchecks:'));
    expect(errors).toEqual([]);
    expect(spec?.amcheck).toBe(false);
    expect(parse(RESTORE).spec?.amcheck).toBeUndefined();
  });

  it.each<[string, string, string[]]>([
    [
      'amcheck on a failover drill, which restores nothing',
      FAILOVER.replace('failover:', 'amcheck: true\nfailover:'),
      [expect.stringMatching(/amcheck does not apply to a failover drill \(only restore and pitr drills read it\)$/) as unknown as string],
    ],
    [
      'an unknown field, with the nearest known one suggested',
      RESTORE.replace('checks:', 'schedule: { cron: "0 3 1 * *", timezone: UTC }\nchecks:'),
      [`${FILE}:10:32: unknown field "timezone", did you mean "timeZone"?`],
    ],
    [
      'a restore drill without a backup',
      RESTORE.replace('  backup:\n    pgbackrest: { stanza: main }\n', ''),
      [`${FILE}:7:3: a restore drill needs target.backup: { pgbackrest: { stanza: NAME } } or { baseBackup: DIR, walArchive: DIR }`],
    ],
    [
      'failover fields on a restore drill, each naming the type',
      RESTORE.replace('checks:', '  replicaDataDir: /srv/pg/b\nfailover: { failback: rewind }\nabort: { maxReplicaLag: 10s }\nchecks:').replace('  backup:', '  replica: { env: REPLICA_URL }\n  backup:'),
      [
        `${FILE}:8:3: replica does not apply to a restore drill (only failover and switchover drills read it)`,
        `${FILE}:11:3: replicaDataDir does not apply to a restore drill (only failover and switchover drills read it)`,
        `${FILE}:12:1: failover does not apply to a restore drill (only failover and switchover drills read it)`,
        `${FILE}:13:10: maxReplicaLag does not apply to a restore drill (only failover and switchover drills read it)`,
      ],
    ],
    [
      'a connection URL written inline, refused without repeating it',
      RESTORE.replace('primary: { env: PRIMARY_URL }', 'primary: postgresql://drill:s3cret@db1.internal/app'),
      [`${FILE}:7:12: primary would put a connection URL (and its password) in the spec, which is committed: write primary: { file: /path/to/secret } or primary: { env: VARIABLE }`],
    ],
    [
      'a cron expression croner refuses',
      RESTORE.replace('checks:', 'schedule: { cron: "61 3 * * *" }\nchecks:'),
      [`${FILE}:10:19: invalid cron expression "61 3 * * *": CronPattern: Invalid value for minute: 61`],
    ],
    [
      'a cron expression no date matches: the drill would never run, nor be overdue',
      RESTORE.replace('checks:', 'schedule: { cron: "0 3 30 2 *" }\nchecks:'),
      [`${FILE}:10:19: cron expression "0 3 30 2 *" never fires: no date matches it`],
    ],
    [
      'a cron expression with a seconds field, which croner would run daily',
      RESTORE.replace('checks:', 'schedule: { cron: "0 3 1 * * *" }\nchecks:'),
      [`${FILE}:10:19: cron "0 3 1 * * *" has 6 fields; write the five of crontab: minute hour day-of-month month day-of-week, e.g. 0 3 1 * *`],
    ],
    [
      'a time zone that is not an IANA zone',
      PITR.replace('timeZone: Europe/Berlin', 'timeZone: Europe/Berln'),
      [`${FILE}:9:43: time zone "Europe/Berln" is not an IANA zone, did you mean "Europe/Berlin"?`],
    ],
    [
      'an RTO past what a timer can wait, and an RPO of zero',
      RESTORE.replace('checks:', 'objectives: { rto: 9999h, rpo: 0s }\nchecks:'),
      [`${FILE}:10:20: rto 9999h is longer than the 24d20h31m23s allowed`, `${FILE}:10:32: rpo must be longer than 0s`],
    ],
    [
      'an RTO whose default maxDuration (twice it) is past what a timer can wait',
      RESTORE.replace('checks:', 'objectives: { rto: 20d }\nchecks:'),
      [`${FILE}:10:20: abort.maxDuration defaults to twice the RTO, 40d, longer than the 24d20h31m23s allowed: set abort.maxDuration`],
    ],
    [
      'a maxDuration not longer than the RTO',
      RESTORE.replace('checks:', 'abort: { maxDuration: 1h }\nchecks:'),
      [`${FILE}:10:23: maxDuration 1h must be longer than the RTO objective (1h), or a slow recovery is aborted before it can be measured against it`],
    ],
    [
      'a check name used twice',
      RESTORE.replace('name: orphans', 'name: agents'),
      [`${FILE}:12:11: check "agents" is already defined at 11:13`],
    ],
    [
      'a PITR drill without a recovery target',
      PITR.replace('recoveryTarget: { ago: 10m }\n', ''),
      [`${FILE}:1:1: a pitr drill needs recoveryTarget: { ago: 10m } or { time: 2026-11-01T02:30:00Z }`],
    ],
    [
      'a recovery target with both time and ago, and one that is no time',
      PITR.replace('recoveryTarget: { ago: 10m }', 'recoveryTarget: { ago: 10m, time: 2026-11-01T02:30:00Z }'),
      [`${FILE}:10:17: recoveryTarget is one of { time: 2026-11-01T02:30:00Z } or { ago: 10m }`],
    ],
    [
      'a recovery time without an offset',
      PITR.replace('recoveryTarget: { ago: 10m }', 'recoveryTarget: { time: 2026-11-01T02:30 }'),
      [`${FILE}:10:25: time "2026-11-01T02:30" is not a time: use a date-time with its offset such as 2026-10-24T00:00:00Z`],
    ],
    [
      'failback none on a switchover drill',
      SWITCHOVER.replace('failback: reclone', 'failback: none'),
      [`${FILE}:13:13: failback none does not apply to a switchover drill: a switchover switches back; use rewind or reclone`],
    ],
    [
      'a fault on a switchover drill',
      SWITCHOVER.replace('failback: reclone', 'fault: immediate'),
      [`${FILE}:13:3: fault does not apply to a switchover drill (only failover drills read it)`],
    ],
    [
      'a table name that is SQL',
      RESTORE.replace('rowCount: public.agents', 'rowCount: "agents; DROP TABLE agents"'),
      [`${FILE}:11:31: rowCount "agents; DROP TABLE agents" is not a table name: write table or schema.table (quote mixed case: '"Orders"'), not SQL; use sql: and expect: for a query`],
    ],
    [
      'a heartbeat not shorter than the RPO, which could not count lost writes',
      FAILOVER.replace('failover:\n', 'failover:\n  heartbeatInterval: 30s\n'),
      [`${FILE}:13:22: heartbeatInterval 30s must be shorter than the RPO objective (30s): lost writes are counted in heartbeats`],
    ],
    [
      'a failover drill without its replica and data folders',
      FAILOVER.replace('  replica: { file: /run/secrets/replica-url }\n  primaryDataDir: /srv/pg/a\n  replicaDataDir: /srv/pg/b\n', ''),
      [`${FILE}:7:3: a failover drill needs target.replica`, `${FILE}:7:3: a failover drill needs target.primaryDataDir`, `${FILE}:7:3: a failover drill needs target.replicaDataDir`],
    ],
    [
      'a PagerDuty target: a drill notifies, it does not page',
      RESTORE.replace("  - slackChannel: '#dr-drills'", '  - pagerduty: { routingKey: { env: PD_KEY } }'),
      [`${FILE}:16:5: a drill notifies, it does not page: pagerduty would open an incident for a rehearsal; notify a person, schedule, slackChannel, email or webhook`],
    ],
    [
      'a row count compared with the primary, when there is no primary',
      RESTORE.replace('  primary: { env: PRIMARY_URL }\n', ''),
      [`${FILE}:10:5: check "agents" compares with the primary's count: give target.primary, or equals or atLeast`],
    ],
    [
      "a PITR row count compared with the primary's count today",
      PITR.replace(', atLeast: 1', ''),
      [`${FILE}:12:5: check "agents": a PITR drill recovers to an earlier point, where the primary's count today does not hold; give equals or atLeast`],
    ],
    [
      'a check that is neither kind, and one expecting NULL',
      RESTORE.replace('  - { name: agents, rowCount: public.agents }', '  - { name: agents, rows: public.agents }').replace('expect: 0', 'expect: null'),
      [
        `${FILE}:11:21: unknown field "rows"`,
        `${FILE}:11:5: a check is { name, sql, expect } or { name, rowCount: TABLE }`,
        `${FILE}:14:13: expect null: NULL never equals anything; select coalesce(x::text, 'NULL') or x IS NULL and expect that`,
      ],
    ],
    [
      'a restore drill without checks',
      RESTORE.replace(/checks:[\s\S]*notify:/, 'notify:'),
      [`${FILE}:1:1: a restore drill needs at least one check: a restore nobody queried proves only that PostgreSQL started`],
    ],
    [
      'both kinds of backup, a relative binDir and root as the OS user',
      RESTORE.replace('    pgbackrest: { stanza: main }', '    pgbackrest: { stanza: main }\n    baseBackup: /backups/base').replace('target:\n', 'target:\n  binDir: bin\n  osUser: root\n'),
      [
        `${FILE}:7:11: binDir "bin" must be an absolute path`,
        `${FILE}:11:5: backup is one of { pgbackrest: { stanza: NAME } } or { baseBackup: DIR, walArchive: DIR }, not both`,
        `${FILE}:8:11: osUser root: initdb and postgres refuse to run as root; name the user that owns the data folders (postgres)`,
      ],
    ],
    [
      'a base backup without its WAL archive, and a minFree that is no size',
      PITR.replace(', walArchive: /backups/wal', '').replace('minFree: 10GiB', 'minFree: 10gigs'),
      [
        `${FILE}:8:11: missing required field "walArchive": a base backup is restored with the WAL archived after it`,
        `${FILE}:14:19: minFree "10gigs" must be a size larger than 0 such as 10GiB or 500GB (leave it out for no check)`,
      ],
    ],
    [
      'a type that is none of the four',
      RESTORE.replace('type: restore', 'type: backup'),
      [`${FILE}:5:7: type: must be one of "restore", "pitr", "failover", "switchover", got "backup"`],
    ],
  ])('refuses %s', (_, text, expected) => {
    const { spec, errors } = parse(text);
    expect(errors).toEqual(expected);
    expect(spec).toBeUndefined();
  });

  it('never repeats an inline connection URL, whichever connection holds it', () => {
    const { errors } = parse(FAILOVER.replace('replica: { file: /run/secrets/replica-url }', 'replica: "host=db2 user=drill password=s3cret"'));
    expect(errors).toHaveLength(1);
    expect(errors.join('\n')).not.toContain('s3cret');
  });
});

describe('Drills in their folder', () => {
  const drills = (...files: [string, string][]) => loadSpecs(files.map(([path, text]) => ({ path, text })), 'drills');

  it('reads several drills from one file, one per document', () => {
    const r = drills(['drills/all.yaml', `${RESTORE}---\n${PITR}`]);
    expect(r.diagnostics).toEqual([]);
    expect(r.drills.map((d) => [d.name, d.at.line])).toEqual([
      ['pg-restore', 1],
      ['pg-pitr', 18],
    ]);
  });

  it('refuses a drill name used twice, at the second one, even across files', () => {
    const r = drills(['drills/a.yaml', RESTORE], ['drills/b.yaml', PITR.replace('name: pg-pitr', 'name: pg-restore')]);
    expect(r.diagnostics.map(formatDiagnostic)).toEqual(['drills/b.yaml:3:7: drill "pg-restore" is already defined at drills/a.yaml:3:7']);
    expect(r.drills.map((d) => d.type)).toEqual(['restore']);
  });

  it('keeps each kind in its folder: the runner reads drills from theirs only', () => {
    const service = 'apiVersion: vigil/v1\nservice: checkout\nslos: []\n';
    expect(drills(['drills/svc.yaml', service]).diagnostics.map(formatDiagnostic)).toEqual([
      'drills/svc.yaml:1:1: the drills folder holds kind: Drill documents only; move this one to the specs folder (--slos, VIGIL_SLOS_DIR)',
    ]);
    const specs = loadSpecs([{ path: 'slos/drill.yaml', text: RESTORE }]);
    expect(specs.drills).toEqual([]);
    expect(specs.diagnostics.map(formatDiagnostic)).toEqual([
      'slos/drill.yaml:2:7: kind: Drill belongs in the drills folder (--drills, VIGIL_DRILLS_DIR): drills are run from there only',
    ]);
  });
});

describe('Drills against the OnCall spec', () => {
  const drill = parse(FAILOVER.replace('person: ana', 'person: anna').replace('schedule: primary', 'schedule: nights')).spec!;
  const oncall = {
    file: 'slos/oncall.yaml',
    people: [{ name: 'ana' }, { name: 'ben' }],
    schedules: [{ name: 'primary' }],
  } as unknown as OnCallSpec;

  it('names a person or schedule the OnCall spec does not have, with a did-you-mean', () => {
    expect(checkDrillsAgainstOnCall([drill], oncall).map(formatDiagnostic)).toEqual([
      `${FILE}:16:5: no person named "anna" in slos/oncall.yaml, did you mean "ana"?`,
      `${FILE}:17:5: no schedule named "nights" in slos/oncall.yaml`,
    ]);
  });

  it('passes the names it has', () => {
    expect(checkDrillsAgainstOnCall([parse(FAILOVER).spec!], oncall)).toEqual([]);
  });

  it('refuses people and schedules when no OnCall spec says who they are', () => {
    expect(checkDrillsAgainstOnCall([parse(FAILOVER).spec!], undefined).map(formatDiagnostic)).toEqual([
      `${FILE}:16:5: person "ana" is named, but no OnCall spec is loaded to say who that is; notify a slackChannel, email or webhook, or add the OnCall spec`,
      `${FILE}:17:5: schedule "primary" is named, but no OnCall spec is loaded to say who that is; notify a slackChannel, email or webhook, or add the OnCall spec`,
    ]);
  });
});
