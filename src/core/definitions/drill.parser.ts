import { z } from 'zod';
import { parseByteSize } from '../byte-size.js';
import { diagnostic, type Diagnostic } from '../diagnostics.js';
import { formatDuration, parseDuration } from '../duration.js';
import { recurrenceProblem } from '../jobs/recurrence.js';
import type {
  AbortCriteria,
  BackupSource,
  DrillCheck,
  DrillNotifyTarget,
  DrillObjectives,
  DrillSpec,
  DrillTarget,
  DrillType,
  FailoverSettings,
  RecoveryTarget,
} from '../model/drill.js';
import type { OnCallSpec } from '../model/oncall.js';
import { checkName, definedNames, positiveDurationAt, secretAt, timeZoneAt } from './fields.js';
import { instantAt, policyTargetAt } from './oncall.parser.js';
import { checkShape, checkShapeInto, suggest } from './shape-check.js';
import type { Path, YamlDocument } from './yaml-source.js';

/**
 * `apiVersion: vigil/v1`, `kind: Drill`: one DR drill per document, in `drills/`. Documented in
 * docs/drill-spec.md; the parsed shape is model/drill.ts.
 */

export const DRILL_TYPES = ['restore', 'pitr', 'failover', 'switchover'] as const satisfies readonly DrillType[];

/** Defaults, each from the seeds (REQUIREMENTS.md §6). */
export const DRILL_DEFAULTS = {
  // Debian's postgresql-15 package, the fleet's PostgreSQL major.
  binDir: '/usr/lib/postgresql/15/bin',
  // Monthly automated restore test (002 DBB-004); quarterly DR drills (000 DR-030). 03:00 UTC on
  // the 1st: after the daily 02:00 backup (000 DR-004) has finished.
  cron: { restore: '0 3 1 * *', pitr: '0 3 1 * *', failover: '0 3 1 1,4,7,10 *', switchover: '0 3 1 1,4,7,10 *' },
  timeZone: 'UTC',
  // RTO < 1 h, RPO < 15 min (000 DR-019, DR-029, DR-038); PITR with a 5-minute RPO (000 DR-010, 002 DBB-002).
  rto: '1h',
  rpo: { restore: '15m', pitr: '5m', failover: '15m', switchover: '15m' },
  // Lost writes are counted in heartbeats: 100 ms resolves an RPO of seconds, at 10 commits/s.
  heartbeatInterval: '100ms',
  failback: 'rewind',
} as const;

/**
 * The longest a drill duration may be: Node.js timers wait at most 2^31−1 ms (24d20h31m23s) and
 * fire at once when asked for longer, which would abort a drill the moment it started.
 */
export const LONGEST_WAIT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

const RESTORES: readonly DrillType[] = ['restore', 'pitr'];
const FAILOVERS: readonly DrillType[] = ['failover', 'switchover'];

/**
 * The fields only some types read, and which types need them. A field present for a type that
 * does not read it is an error naming the type, so a setting is never silently ignored.
 */
const TYPED_FIELDS: Readonly<Record<string, { readonly types: readonly DrillType[]; readonly requiredBy: readonly DrillType[] }>> = {
  'target.backup': { types: RESTORES, requiredBy: RESTORES },
  'target.replica': { types: FAILOVERS, requiredBy: FAILOVERS },
  'target.primaryDataDir': { types: FAILOVERS, requiredBy: FAILOVERS },
  'target.replicaDataDir': { types: FAILOVERS, requiredBy: FAILOVERS },
  // restore and pitr read the primary for baseline row counts only; failover drills stop it.
  'target.primary': { types: [...RESTORES, ...FAILOVERS], requiredBy: FAILOVERS },
  recoveryTarget: { types: ['pitr'], requiredBy: ['pitr'] },
  amcheck: { types: RESTORES, requiredBy: [] },
  failover: { types: FAILOVERS, requiredBy: [] },
  // A switchover is planned: the primary is stopped cleanly, never failed.
  'failover.fault': { types: ['failover'], requiredBy: [] },
  'abort.maxReplicaLag': { types: FAILOVERS, requiredBy: [] },
};

const text = z.string().min(1);
const mapping = z.record(z.string(), z.unknown());

/** Parts are `unknown` at the top and checked one by one, so a typo in one does not hide the problems of another. */
const fileSchema = z.strictObject({
  apiVersion: z.literal('vigil/v1'),
  kind: z.literal('Drill'),
  name: text,
  description: z.string().optional(),
  owner: text,
  type: z.enum(DRILL_TYPES),
  target: mapping,
  schedule: z.unknown().optional(),
  objectives: z.unknown().optional(),
  checks: z.array(z.unknown()).optional(),
  abort: z.unknown().optional(),
  recoveryTarget: z.unknown().optional(),
  amcheck: z.boolean().optional(),
  failover: z.unknown().optional(),
  notify: z.array(z.unknown()).optional(),
});

// Connections are `unknown` and checked by secretAt(), so an inline URL is refused without being echoed.
const targetSchema = z.strictObject({
  binDir: text.optional(),
  primary: z.unknown().optional(),
  replica: z.unknown().optional(),
  backup: z.unknown().optional(),
  primaryDataDir: text.optional(),
  replicaDataDir: text.optional(),
  osUser: text.optional(),
});

const backupSchema = z.strictObject({
  pgbackrest: z.strictObject({ stanza: text, configFile: text.optional() }).optional(),
  baseBackup: text.optional(),
  walArchive: text.optional(),
});

const scheduleSchema = z.strictObject({ cron: text.optional(), timeZone: text.optional() });
const objectivesSchema = z.strictObject({ rto: text.optional(), rpo: text.optional() });
const abortSchema = z.strictObject({
  maxDuration: text.optional(),
  minFree: z.union([text, z.number()]).optional(),
  maxReplicaLag: text.optional(),
});
const recoveryTargetSchema = z.strictObject({ time: text.optional(), ago: text.optional() });
const failoverSchema = z.strictObject({
  heartbeatInterval: text.optional(),
  fault: z.unknown().optional(),
  failback: z.enum(['rewind', 'reclone', 'none']).optional(),
});
const commandSchema = z.strictObject({ command: z.array(text).min(1, 'must name the program to run') });

const checkFields = { name: text, database: text.optional() };
const sqlCheckSchema = z.strictObject({ ...checkFields, sql: text, expect: z.unknown() });
const rowCountCheckSchema = z.strictObject({
  ...checkFields,
  rowCount: text,
  equals: z.number().int().nonnegative().optional(),
  atLeast: z.number().int().nonnegative().optional(),
});
/** Only for naming unknown fields of a check that is neither kind. */
const anyCheckSchema = z.strictObject({ ...sqlCheckSchema.partial().shape, ...rowCountCheckSchema.partial().shape });

/** An unquoted identifier, or a quoted one ("Orders"): what can follow FROM without being SQL of its own. */
const IDENTIFIER = '(?:[A-Za-z_][A-Za-z0-9_$]*|"(?:[^"\\u0000]|"")+")';
const TABLE_RE = new RegExp(`^${IDENTIFIER}(?:\\.${IDENTIFIER})?$`);
/** pgBackRest stanza names go on its command line as --stanza=…. */
const STANZA_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const OS_USER_RE = /^[a-z_][a-z0-9_-]*$/;

type Out = Diagnostic[];

export function parseDrillDocument(src: YamlDocument): { spec?: DrillSpec; diagnostics: Diagnostic[] } {
  const raw = src.toJS();
  const top = checkShape(fileSchema, src, raw);
  const out: Out = [...top.diagnostics];
  const r = isMapping(raw) ? raw : {};
  const type = DRILL_TYPES.find((t) => t === r.type);
  // Which fields apply, the defaults and most checks depend on the type: without one there is no more to say.
  if (type === undefined) return { diagnostics: out };

  if (typeof r.name === 'string' && r.name !== '') checkName(src, ['name'], r.name, 'drill name', out);
  checkTypedFields(src, r, type, out);
  const target = isMapping(r.target) ? toTarget(src, r.target, type, out) : undefined;
  const schedule = toSchedule(src, r.schedule, type, out);
  const objectives = toObjectives(src, r.objectives, type, out);
  const abort = objectives && toAbort(src, r.abort, type, objectives, out);
  const checks = toChecks(src, r.checks, type, target, out);
  const recoveryTarget = type === 'pitr' && r.recoveryTarget !== undefined ? toRecoveryTarget(src, r.recoveryTarget, out) : undefined;
  const failover = FAILOVERS.includes(type) && objectives ? toFailover(src, r.failover, type, objectives, out) : undefined;
  const notify = toNotify(src, r.notify, out);

  if (!top.value || out.length > 0 || !target || !schedule || !objectives || !abort) return { diagnostics: out };
  const f = top.value;
  return {
    spec: {
      name: f.name,
      ...(f.description !== undefined ? { description: f.description } : {}),
      owner: f.owner,
      type,
      target,
      schedule,
      objectives,
      checks,
      abort,
      ...(recoveryTarget ? { recoveryTarget } : {}),
      ...(f.amcheck === false ? { amcheck: false } : {}),
      ...(failover ? { failover } : {}),
      notify,
      at: src.pos([]),
    },
    diagnostics: out,
  };
}

/**
 * Names and schedules in `notify` must be the OnCall spec's, which lives in another file. With no
 * OnCall spec nobody could tell who a person is, so naming one is an error too.
 */
export function checkDrillsAgainstOnCall(drills: readonly DrillSpec[], oncall: OnCallSpec | undefined): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const d of drills) {
    for (const t of d.notify) {
      if (t.kind !== 'person' && t.kind !== 'schedule') continue;
      const name = t.kind === 'person' ? t.person : t.schedule;
      if (!oncall) {
        out.push(diagnostic(t.at, `${t.kind} "${name}" is named, but no OnCall spec is loaded to say who that is; notify a slackChannel, email or webhook, or add the OnCall spec`));
        continue;
      }
      const known = (t.kind === 'person' ? oncall.people : oncall.schedules).map((x) => x.name);
      if (known.includes(name)) continue;
      const hint = suggest(name, known);
      out.push(diagnostic(t.at, `no ${t.kind} named "${name}" in ${oncall.file}${hint ? `, did you mean "${hint}"?` : ''}`));
    }
  }
  return out;
}

function checkTypedFields(src: YamlDocument, r: Record<string, unknown>, type: DrillType, out: Out): void {
  for (const [field, rule] of Object.entries(TYPED_FIELDS)) {
    const path = field.split('.');
    const present = valueAt(r, path) !== undefined;
    if (present && !rule.types.includes(type)) {
      out.push(diagnostic(src.pos(path, { key: true }), `${path.at(-1)} does not apply to a ${type} drill (only ${rule.types.join(' and ')} drills read it)`));
    } else if (!present && rule.requiredBy.includes(type) && valueAt(r, path.slice(0, -1)) !== undefined) {
      // (A missing target is reported once, as a missing field, not once per field it lacks.)
      out.push(diagnostic(src.pos(path.slice(0, -1)), `a ${type} drill needs ${field}${NEEDS_HINT[field] ?? ''}`));
    }
  }
}

const NEEDS_HINT: Readonly<Record<string, string>> = {
  'target.backup': ': { pgbackrest: { stanza: NAME } } or { baseBackup: DIR, walArchive: DIR }',
  recoveryTarget: ': { ago: 10m } or { time: 2026-11-01T02:30:00Z }',
};

function toTarget(src: YamlDocument, raw: unknown, type: DrillType, out: Out): DrillTarget | undefined {
  const path = ['target'];
  const t = checkShapeInto(targetSchema, src, raw, path, out);
  if (!t) return undefined;
  const before = out.length;
  const reads = (field: string) => TYPED_FIELDS[`target.${field}`]!.types.includes(type);
  const binDir = t.binDir ?? DRILL_DEFAULTS.binDir;
  absolutePath(src, [...path, 'binDir'], binDir, out);
  const connection = (field: 'primary' | 'replica') =>
    t[field] !== undefined && reads(field) ? secretAt(src, [...path, field], t[field], out, 'a connection URL (and its password)') : undefined;
  const primary = connection('primary');
  const replica = connection('replica');
  const backup = t.backup !== undefined && reads('backup') ? toBackup(src, [...path, 'backup'], t.backup, out) : undefined;
  for (const field of ['primaryDataDir', 'replicaDataDir'] as const) {
    if (t[field] !== undefined && reads(field)) absolutePath(src, [...path, field], t[field], out);
  }
  if (t.primaryDataDir !== undefined && t.primaryDataDir === t.replicaDataDir) {
    out.push(diagnostic(src.pos([...path, 'replicaDataDir']), 'replicaDataDir is primaryDataDir: a primary and its standby never share a data folder'));
  }
  if (t.osUser !== undefined && !OS_USER_RE.test(t.osUser)) {
    out.push(diagnostic(src.pos([...path, 'osUser']), `osUser "${t.osUser}" is not a user name`));
  } else if (t.osUser === 'root') {
    out.push(diagnostic(src.pos([...path, 'osUser']), 'osUser root: initdb and postgres refuse to run as root; name the user that owns the data folders (postgres)'));
  }
  if (out.length > before) return undefined;
  return {
    binDir,
    ...(primary ? { primary } : {}),
    ...(replica ? { replica } : {}),
    ...(backup ? { backup } : {}),
    ...(t.primaryDataDir !== undefined ? { primaryDataDir: t.primaryDataDir } : {}),
    ...(t.replicaDataDir !== undefined ? { replicaDataDir: t.replicaDataDir } : {}),
    ...(t.osUser !== undefined ? { osUser: t.osUser } : {}),
  };
}

function toBackup(src: YamlDocument, path: Path, raw: unknown, out: Out): BackupSource | undefined {
  const b = checkShapeInto(backupSchema, src, raw, path, out);
  if (!b) return undefined;
  const { pgbackrest, baseBackup, walArchive } = b;
  const folders = baseBackup !== undefined || walArchive !== undefined;
  if ((pgbackrest !== undefined) === folders) {
    out.push(diagnostic(src.pos(path), `backup is one of { pgbackrest: { stanza: NAME } } or { baseBackup: DIR, walArchive: DIR }${pgbackrest ? ', not both' : ''}`));
    return undefined;
  }
  const before = out.length;
  if (pgbackrest) {
    if (!STANZA_RE.test(pgbackrest.stanza)) out.push(diagnostic(src.pos([...path, 'pgbackrest', 'stanza']), `stanza "${pgbackrest.stanza}" must be letters, digits, "-", "_" or "."`));
    if (pgbackrest.configFile !== undefined) absolutePath(src, [...path, 'pgbackrest', 'configFile'], pgbackrest.configFile, out);
    if (out.length > before) return undefined;
    return { kind: 'pgbackrest', stanza: pgbackrest.stanza, ...(pgbackrest.configFile !== undefined ? { configFile: pgbackrest.configFile } : {}) };
  }
  // A base backup alone recovers only to its own end: replaying to now (or to a PITR target) needs the archive.
  for (const field of ['baseBackup', 'walArchive'] as const) {
    const value = b[field];
    if (value === undefined) out.push(diagnostic(src.pos(path), `missing required field "${field}": a base backup is restored with the WAL archived after it`));
    else absolutePath(src, [...path, field], value, out);
  }
  if (out.length > before) return undefined;
  return { kind: 'basebackup', baseBackupDir: baseBackup!, walArchiveDir: walArchive! };
}

function toSchedule(src: YamlDocument, raw: unknown, type: DrillType, out: Out): DrillSpec['schedule'] | undefined {
  const path = ['schedule'];
  const s = checkShapeInto(scheduleSchema, src, raw ?? {}, path, out);
  if (!s) return undefined;
  const expression = (s.cron ?? DRILL_DEFAULTS.cron[type]).trim();
  const timeZone = timeZoneAt(src, [...path, 'timeZone'], s.timeZone ?? DRILL_DEFAULTS.timeZone, out);
  const fields = expression.split(/\s+/).length;
  // croner reads six or seven fields as seconds first (and a year last): "0 3 1 * * *" would run daily at 01:03:00.
  if (!expression.startsWith('@') && fields !== 5) {
    out.push(diagnostic(src.pos([...path, 'cron']), `cron "${expression}" has ${fields} fields; write the five of crontab: minute hour day-of-month month day-of-week, e.g. 0 3 1 * *`));
    return undefined;
  }
  if (timeZone === undefined) return undefined;
  const schedule = { kind: 'cron', expression, timeZone } as const;
  const problem = recurrenceProblem(schedule);
  if (problem) {
    out.push(diagnostic(src.pos([...path, 'cron']), problem));
    return undefined;
  }
  return schedule;
}

function toObjectives(src: YamlDocument, raw: unknown, type: DrillType, out: Out): DrillObjectives | undefined {
  const path = ['objectives'];
  const o = checkShapeInto(objectivesSchema, src, raw ?? {}, path, out);
  if (!o) return undefined;
  const rtoSeconds = positiveDurationAt(src, [...path, 'rto'], o.rto ?? DRILL_DEFAULTS.rto, out, LONGEST_WAIT_SECONDS);
  const rpoSeconds = positiveDurationAt(src, [...path, 'rpo'], o.rpo ?? DRILL_DEFAULTS.rpo[type], out, LONGEST_WAIT_SECONDS);
  if (rtoSeconds === undefined || rpoSeconds === undefined) return undefined;
  return { rtoSeconds, rpoSeconds };
}

function toAbort(src: YamlDocument, raw: unknown, type: DrillType, objectives: DrillObjectives, out: Out): AbortCriteria | undefined {
  const path = ['abort'];
  const a = checkShapeInto(abortSchema, src, raw ?? {}, path, out);
  if (!a) return undefined;
  const before = out.length;
  const rto = objectives.rtoSeconds;
  let maxDurationSeconds: number | undefined = 2 * rto;
  if (a.maxDuration !== undefined) {
    maxDurationSeconds = positiveDurationAt(src, [...path, 'maxDuration'], a.maxDuration, out, LONGEST_WAIT_SECONDS);
    // Aborted at or before its objective, a slow recovery could never be measured against it.
    if (maxDurationSeconds !== undefined && maxDurationSeconds <= rto) {
      out.push(diagnostic(src.pos([...path, 'maxDuration']), `maxDuration ${a.maxDuration} must be longer than the RTO objective (${formatDuration(rto)}), or a slow recovery is aborted before it can be measured against it`));
    }
  } else if (maxDurationSeconds > LONGEST_WAIT_SECONDS) {
    out.push(diagnostic(src.pos(['objectives', 'rto']), `abort.maxDuration defaults to twice the RTO, ${formatDuration(maxDurationSeconds)}, longer than the ${formatDuration(LONGEST_WAIT_SECONDS)} allowed: set abort.maxDuration`));
  }
  let minFreeBytes: number | undefined;
  if (a.minFree !== undefined) {
    minFreeBytes = parseByteSize(String(a.minFree));
    if (minFreeBytes === undefined || minFreeBytes === 0) {
      out.push(diagnostic(src.pos([...path, 'minFree']), `minFree "${a.minFree}" must be a size larger than 0 such as 10GiB or 500GB (leave it out for no check)`));
    }
  }
  const maxReplicaLagSeconds =
    a.maxReplicaLag !== undefined && FAILOVERS.includes(type) ? positiveDurationAt(src, [...path, 'maxReplicaLag'], a.maxReplicaLag, out, LONGEST_WAIT_SECONDS) : undefined;
  if (out.length > before || maxDurationSeconds === undefined) return undefined;
  return {
    maxDurationSeconds,
    ...(minFreeBytes !== undefined ? { minFreeBytes } : {}),
    ...(maxReplicaLagSeconds !== undefined ? { maxReplicaLagSeconds } : {}),
  };
}

function toChecks(src: YamlDocument, raw: unknown, type: DrillType, target: DrillTarget | undefined, out: Out): DrillCheck[] {
  const list = Array.isArray(raw) ? raw : [];
  if (RESTORES.includes(type) && list.length === 0 && (raw === undefined || Array.isArray(raw))) {
    out.push(diagnostic(src.pos(raw === undefined ? [] : ['checks']), `a ${type} drill needs at least one check: a restore nobody queried proves only that PostgreSQL started`));
  }
  definedNames(src, 'check', 'checks', list, out);
  const checks: DrillCheck[] = [];
  list.forEach((item, i) => {
    const check = toCheck(src, item, ['checks', i], type, target, out);
    if (check) checks.push(check);
  });
  return checks;
}

function toCheck(src: YamlDocument, item: unknown, path: Path, type: DrillType, target: DrillTarget | undefined, out: Out): DrillCheck | undefined {
  const has = (k: string) => isMapping(item) && item[k] !== undefined;
  if (has('sql') === has('rowCount')) {
    out.push(...checkShape(anyCheckSchema, src, item, path).diagnostics);
    out.push(diagnostic(src.pos(path), `a check is { name, sql, expect } or { name, rowCount: TABLE }${has('sql') ? ', not both: write two checks' : ''}`));
    return undefined;
  }
  const before = out.length;
  if (has('sql')) {
    const c = checkShapeInto(sqlCheckSchema, src, item, path, out);
    if (!c) return undefined;
    checkName(src, [...path, 'name'], c.name, 'check name', out);
    const expect = expectedText(src, [...path, 'expect'], c.expect, out);
    if (out.length > before || expect === undefined) return undefined;
    return { kind: 'sql', name: c.name, ...(c.database !== undefined ? { database: c.database } : {}), sql: c.sql, expect, at: src.pos(path) };
  }
  const c = checkShapeInto(rowCountCheckSchema, src, item, path, out);
  if (!c) return undefined;
  checkName(src, [...path, 'name'], c.name, 'check name', out);
  if (!TABLE_RE.test(c.rowCount)) {
    out.push(diagnostic(src.pos([...path, 'rowCount']), `rowCount "${c.rowCount}" is not a table name: write table or schema.table (quote mixed case: '"Orders"'), not SQL; use sql: and expect: for a query`));
  }
  if (c.equals !== undefined && c.atLeast !== undefined) {
    out.push(diagnostic(src.pos([...path, 'atLeast']), 'give equals or atLeast, not both'));
  } else if (c.equals === undefined && c.atLeast === undefined) {
    // With neither, the count is compared with the primary's: that needs the primary, and a point the primary is at.
    if (type === 'pitr') {
      out.push(diagnostic(src.pos(path), `check "${c.name}": a PITR drill recovers to an earlier point, where the primary's count today does not hold; give equals or atLeast`));
    } else if (target && !target.primary) {
      out.push(diagnostic(src.pos(path), `check "${c.name}" compares with the primary's count: give target.primary, or equals or atLeast`));
    }
  }
  if (out.length > before) return undefined;
  return {
    kind: 'rowCount',
    name: c.name,
    ...(c.database !== undefined ? { database: c.database } : {}),
    table: c.rowCount,
    ...(c.equals !== undefined ? { equals: c.equals } : {}),
    ...(c.atLeast !== undefined ? { atLeast: c.atLeast } : {}),
    at: src.pos(path),
  };
}

/** `expect` is compared as text, so it is taken as written: `1.50` stays "1.50", which is what numeric prints. */
function expectedText(src: YamlDocument, path: Path, value: unknown, out: Out): string | undefined {
  if (value === undefined) {
    out.push(diagnostic(src.pos(path.slice(0, -1)), 'missing required field "expect"'));
    return undefined;
  }
  if (value === null) {
    out.push(diagnostic(src.pos(path), "expect null: NULL never equals anything; select coalesce(x::text, 'NULL') or x IS NULL and expect that"));
    return undefined;
  }
  if (typeof value === 'object') {
    out.push(diagnostic(src.pos(path), 'expect must be one value, compared as text with the first column of the first row'));
    return undefined;
  }
  return src.scalarSource(path) ?? String(value);
}

function toRecoveryTarget(src: YamlDocument, raw: unknown, out: Out): RecoveryTarget | undefined {
  const path = ['recoveryTarget'];
  const t = checkShapeInto(recoveryTargetSchema, src, raw, path, out);
  if (!t) return undefined;
  const { time, ago } = t;
  if ((time === undefined) === (ago === undefined)) {
    out.push(diagnostic(src.pos(path), 'recoveryTarget is one of { time: 2026-11-01T02:30:00Z } or { ago: 10m }'));
    return undefined;
  }
  if (time !== undefined) {
    const at = instantAt(src, [...path, 'time'], time, undefined, out);
    return at && { kind: 'time', at };
  }
  const seconds = positiveDurationAt(src, [...path, 'ago'], ago!, out, LONGEST_WAIT_SECONDS);
  return seconds === undefined ? undefined : { kind: 'ago', seconds };
}

function toFailover(src: YamlDocument, raw: unknown, type: DrillType, objectives: DrillObjectives, out: Out): FailoverSettings | undefined {
  const path = ['failover'];
  const f = checkShapeInto(failoverSchema, src, raw ?? {}, path, out);
  if (!f) return undefined;
  const before = out.length;
  const heartbeatIntervalMs = heartbeatAt(src, [...path, 'heartbeatInterval'], f.heartbeatInterval ?? DRILL_DEFAULTS.heartbeatInterval, objectives, out);
  const fault = f.fault === undefined || type !== 'failover' ? ({ kind: 'immediate' } as const) : faultAt(src, [...path, 'fault'], f.fault, out);
  const failback = f.failback ?? DRILL_DEFAULTS.failback;
  if (failback === 'none' && type === 'switchover') {
    out.push(diagnostic(src.pos([...path, 'failback']), 'failback none does not apply to a switchover drill: a switchover switches back; use rewind or reclone'));
  }
  if (out.length > before || heartbeatIntervalMs === undefined || !fault) return undefined;
  return { heartbeatIntervalMs, fault, failback };
}

/** Milliseconds: `100ms`, or any duration. Shorter than the RPO, since lost writes are counted in heartbeats. */
function heartbeatAt(src: YamlDocument, path: Path, value: string, objectives: DrillObjectives, out: Out): number | undefined {
  const msMatch = /^(\d+)ms$/.exec(value.trim());
  const seconds = msMatch ? undefined : parseDuration(value);
  const ms = msMatch ? Number(msMatch[1]) : seconds === undefined ? undefined : seconds * 1000;
  if (ms === undefined || ms === 0) {
    out.push(diagnostic(src.pos(path), `heartbeatInterval "${value}" must be a duration longer than 0 such as 100ms or 1s`));
    return undefined;
  }
  if (ms >= objectives.rpoSeconds * 1000) {
    out.push(diagnostic(src.pos(path), `heartbeatInterval ${value} must be shorter than the RPO objective (${formatDuration(objectives.rpoSeconds)}): lost writes are counted in heartbeats`));
    return undefined;
  }
  return ms;
}

function faultAt(src: YamlDocument, path: Path, value: unknown, out: Out): FailoverSettings['fault'] | undefined {
  if (value === 'immediate') return { kind: 'immediate' };
  if (!isMapping(value)) {
    out.push(diagnostic(src.pos(path), 'fault is immediate (pg_ctl stop -m immediate) or { command: [program, arg, …] }'));
    return undefined;
  }
  const c = checkShapeInto(commandSchema, src, value, path, out);
  return c && { kind: 'command', argv: c.command };
}

/** Drill notices are not pages: a PagerDuty event would open an incident for a rehearsal. */
function toNotify(src: YamlDocument, raw: unknown, out: Out): DrillNotifyTarget[] {
  const targets: DrillNotifyTarget[] = [];
  (Array.isArray(raw) ? raw : []).forEach((item, i) => {
    const path = ['notify', i];
    // People and schedules are checked against the OnCall spec later (checkDrillsAgainstOnCall): it is another file.
    const target = policyTargetAt(src, item, path, () => undefined, out);
    if (target?.kind === 'pagerduty') {
      out.push(diagnostic(src.pos(path), 'a drill notifies, it does not page: pagerduty would open an incident for a rehearsal; notify a person, schedule, slackChannel, email or webhook'));
    } else if (target) {
      targets.push({ ...target, at: src.pos(path) });
    }
  });
  return targets;
}

function absolutePath(src: YamlDocument, path: Path, value: string, out: Out): void {
  if (!value.startsWith('/')) out.push(diagnostic(src.pos(path), `${String(path.at(-1))} "${value}" must be an absolute path`));
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function valueAt(root: Record<string, unknown>, path: readonly string[]): unknown {
  let v: unknown = root;
  for (const seg of path) v = isMapping(v) ? v[seg] : undefined;
  return v;
}
