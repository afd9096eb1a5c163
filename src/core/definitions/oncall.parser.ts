import { DateTime } from 'luxon';
import { z } from 'zod';
import { diagnostic, type Diagnostic, type SourcePos } from '../diagnostics.js';
import { formatDuration, parseDuration } from '../duration.js';
import type {
  ContactPoints,
  EscalationLevel,
  EscalationPolicy,
  IncidentRoute,
  IncidentSettings,
  LabelMatcher,
  MaintenanceWindow,
  OnCallSpec,
  Override,
  Person,
  PolicyTarget,
  Rotation,
  Schedule,
  SecretRef,
  SinkSettings,
} from '../model/oncall.js';
import type { RoutingSpec } from '../model/routing.js';
import type { Fleet } from '../model/slo.js';
import { anyOf, parseMatchers } from '../oncall/label-matcher.js';
import { DEFAULT_ROUTE } from '../oncall/route-decision.js';
import { checkName, definedNames, durationAt, httpUrlAt, LABEL_NAME_RE, positiveDurationAt, secretAt, timeZoneAt, urlCarriesSecret } from './fields.js';
import { checkShape, suggest } from './shape-check.js';
import type { Path, YamlDocument } from './yaml-source.js';

/**
 * `apiVersion: vigil/v1`, `kind: OnCall`: people, schedules, escalation policies, routes from
 * alert labels to a policy, maintenance windows and the sinks' settings; one per fleet.
 * Documented in docs/oncall-spec.md.
 */

/** Seed defaults: level 1 at once, each later level 15 min after the one before (OBS seeds, issue #9). */
export const ONCALL_DEFAULTS = {
  levelStep: '15m',
  repeat: 0,
  repeatAfter: '15m',
  flapWindow: '30m',
  // Alertmanager re-sends a firing group every repeat_interval (4h in the routing seeds): an alert
  // not heard of for longer than that has lost its resolve.
  staleAfter: '5h',
  // Alertmanager re-sends a changed group after group_interval (5m in the routing seeds); a firing
  // alert missing from its group for twice that may have been silenced or inhibited.
  silenceCheckAfter: '10m',
  lowUrgencySeverities: ['warning', 'info'],
  pagerdutyEventsUrl: 'https://events.pagerduty.com/v2/enqueue',
  slackApiUrl: 'https://slack.com/api/',
} as const;


const text = z.string().min(1);
const scalar = z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v));
const matchSchema = z.record(z.string(), z.union([scalar, z.array(scalar).min(1)]));

/** Lists are `unknown` at the top and checked item by item, so one bad item does not hide the others' problems. */
const fileSchema = z.strictObject({
  apiVersion: z.literal('vigil/v1'),
  kind: z.literal('OnCall'),
  description: z.string().optional(),
  people: z.array(z.unknown()).min(1, 'must define at least one person'),
  schedules: z.array(z.unknown()).optional(),
  policies: z.array(z.unknown()).min(1, 'must define at least one policy'),
  routes: z.array(z.unknown()).optional(),
  defaultPolicy: text,
  maintenance: z.array(z.unknown()).optional(),
  sinks: z.unknown().optional(),
  incidents: z.unknown().optional(),
});

// Secret-holding fields are `unknown` and checked by secretAt(), so an inline secret is refused
// with a message that says what to do, and never echoed into CI logs by a type error.
const personSchema = z.strictObject({
  name: text,
  displayName: text.optional(),
  email: text.optional(),
  slackUser: text.optional(),
  pagerduty: z.unknown().optional(),
});

const scheduleSchema = z.strictObject({
  name: text,
  description: z.string().optional(),
  timeZone: text,
  rotations: z.array(z.unknown()).min(1, 'must define at least one rotation'),
  overrides: z.array(z.unknown()).optional(),
});

const rotationSchema = z.strictObject({
  name: text,
  type: z.enum(['daily', 'weekly', 'custom']),
  start: text,
  turn: text.optional(),
  participants: z.array(text).min(1, 'must name at least one participant'),
});

const overrideSchema = z.strictObject({ person: text, from: text, to: text });

const policySchema = z.strictObject({
  name: text,
  description: z.string().optional(),
  levels: z.array(z.unknown()).min(1, 'must have at least one level'),
  repeat: z.number().int().nonnegative().optional(),
  repeatAfter: text.optional(),
  ackTimeout: text.optional(),
  fallback: z.array(z.unknown()).optional(),
});

const levelSchema = z.strictObject({
  after: text.optional(),
  targets: z.array(z.unknown()).min(1, 'must name at least one target'),
});

const TARGET_KINDS = ['person', 'schedule', 'slackChannel', 'email', 'webhook', 'pagerduty'] as const;
const targetSchema = z.strictObject({
  person: text.optional(),
  schedule: text.optional(),
  slackChannel: text.optional(),
  email: text.optional(),
  webhook: z.strictObject({ url: text, secret: z.unknown().optional() }).optional(),
  pagerduty: z.unknown().optional(),
});

/** Routes and maintenance windows select alerts the same way. */
const selector = { name: text, description: z.string().optional(), matchers: z.array(text).optional(), match: matchSchema.optional() };
const routeSchema = z.strictObject({ ...selector, policy: text });
const maintenanceSchema = z.strictObject({ ...selector, from: text, to: text });

const sinksSchema = z.strictObject({
  pagerduty: z.strictObject({ eventsUrl: text.optional(), webhookSecret: z.unknown().optional() }).optional(),
  slack: z.strictObject({ apiUrl: text.optional(), token: z.unknown().optional(), signingSecret: z.unknown().optional() }).optional(),
  email: z
    .strictObject({
      host: text,
      port: z.number().int().min(1).max(65535),
      secure: z.boolean().optional(),
      requireTls: z.boolean().optional(),
      from: text,
      username: text.optional(),
      password: z.unknown().optional(),
    })
    .optional(),
  webhook: z.strictObject({ secret: z.unknown().optional() }).optional(),
});

const incidentsSchema = z.strictObject({
  flapWindow: text.optional(),
  staleAfter: text.optional(),
  lowUrgencySeverities: z.array(text).optional(),
  publicUrl: text.optional(),
  alertmanagers: z.array(text).min(1, 'name at least one Alertmanager URL, or leave the field out').optional(),
  silenceCheckAfter: text.optional(),
});

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** Slack member ids: U… (users) or W… (Enterprise Grid). */
const SLACK_USER_RE = /^[UW][A-Z0-9]{2,}$/;
/** A channel by name, or by id (C… public, G… private). */
const SLACK_CHANNEL_RE = /^(#[a-z0-9][a-z0-9_.-]*|[CG][A-Z0-9]{2,})$/;
const LOCAL_TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;
const INSTANT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?([Zz]|[+-]\d{2}:\d{2})$/;

type Out = Diagnostic[];

/** Names defined in the document, read from every item (even one failing its own checks, which is reported there). */
interface Names {
  readonly people: readonly string[];
  readonly schedules: readonly string[];
  readonly policies: readonly string[];
}

export function parseOnCallDocument(src: YamlDocument): { spec?: OnCallSpec; diagnostics: Diagnostic[] } {
  const raw = src.toJS();
  const top = checkShape(fileSchema, src, raw);
  const out: Out = [...top.diagnostics];
  // A problem at the top (a typo, a missing field) must not hide the problems of each item.
  const file = top.value ?? salvage(raw);

  const names: Names = {
    people: definedNames(src, 'person', 'people', file.people, out),
    schedules: definedNames(src, 'schedule', 'schedules', file.schedules ?? [], out),
    policies: definedNames(src, 'policy', 'policies', file.policies, out),
  };
  const refer = (kind: 'person' | 'schedule' | 'policy', path: Path, name: string) => {
    const known = kind === 'person' ? names.people : kind === 'schedule' ? names.schedules : names.policies;
    if (known.includes(name)) return;
    const hint = suggest(name, known);
    out.push(diagnostic(src.pos(path), `no ${kind} named "${name}"${hint ? `, did you mean "${hint}"?` : ''}`));
  };

  const people = items(src, personSchema, ['people'], file.people, out, (p, path) => toPerson(src, p, path, out));
  const schedules = items(src, scheduleSchema, ['schedules'], file.schedules ?? [], out, (s, path) => toSchedule(src, s, path, refer, out));
  const policies = items(src, policySchema, ['policies'], file.policies, out, (p, path) => toPolicy(src, p, path, refer, out));
  if (file.defaultPolicy !== '') refer('policy', ['defaultPolicy'], file.defaultPolicy);

  definedNames(src, 'route', 'routes', file.routes ?? [], out);
  const routes = items(src, routeSchema, ['routes'], file.routes ?? [], out, (r, path) => {
    const before = out.length;
    checkName(src, [...path, 'name'], r.name, 'route name', out);
    if (r.name === DEFAULT_ROUTE) out.push(diagnostic(src.pos([...path, 'name']), `route name "${DEFAULT_ROUTE}" is kept for alerts no route matches; choose another`));
    refer('policy', [...path, 'policy'], r.policy);
    const matchers = toMatchers(src, path, r, out);
    if (out.length > before) return undefined;
    return { name: r.name, matchers, policy: r.policy, at: src.pos(path) } satisfies IncidentRoute;
  });

  definedNames(src, 'maintenance window', 'maintenance', file.maintenance ?? [], out);
  const maintenance = items(src, maintenanceSchema, ['maintenance'], file.maintenance ?? [], out, (m, path) => {
    const before = out.length;
    checkName(src, [...path, 'name'], m.name, 'maintenance window name', out);
    const matchers = toMatchers(src, path, m, out);
    const span = spanAt(src, path, m.from, m.to, undefined, out);
    if (out.length > before || !span) return undefined;
    return { name: m.name, matchers, from: span.from, to: span.to, at: src.pos(path) } satisfies MaintenanceWindow;
  });

  const sinks = toSinks(src, file.sinks, out);
  const incidents = toIncidents(src, file.incidents, out);

  if (!top.value || out.length > 0 || !sinks || !incidents) return { diagnostics: out };
  return {
    spec: { file: src.file, people, schedules, policies, routes, defaultPolicy: file.defaultPolicy, maintenance, sinks, incidents },
    diagnostics: out,
  };
}

/**
 * Checks that need the fleet: a route or maintenance window whose `service="…"` names no service
 * would never match. Matchers carry no position of their own, so the route's is used.
 */
/**
 * Alertmanager re-sends a firing group at least every repeat_interval (plus up to a group_interval
 * before the flush): an alert quiet for less than that is still firing, not stale. A staleAfter
 * that short would resolve incidents that are burning.
 */
export function checkOnCallAgainstRouting(spec: OnCallSpec, routing: RoutingSpec): Diagnostic[] {
  const i = spec.incidents;
  const resend = routing.repeatIntervalSeconds + routing.groupIntervalSeconds;
  if (i.staleAfterSeconds > resend) return [];
  const at = i.staleAfterAt ?? { file: spec.file, line: 1, col: 1 };
  return [
    diagnostic(
      at,
      `staleAfter ${formatDuration(i.staleAfterSeconds)} must be longer than ${routing.file}'s repeatInterval plus groupInterval (${formatDuration(resend)}): Alertmanager re-sends a firing alert only that often, so it would be marked stale while still firing`,
    ),
  ];
}

export function checkOnCall(spec: OnCallSpec, fleet: Fleet): Diagnostic[] {
  const services = fleet.services.map((s) => s.name);
  const out: Diagnostic[] = [];
  const owners: { what: string; name: string; matchers: readonly LabelMatcher[]; at: SourcePos }[] = [
    ...spec.routes.map((r) => ({ what: 'route', ...r })),
    ...spec.maintenance.map((m) => ({ what: 'maintenance window', ...m })),
  ];
  for (const o of owners) {
    for (const m of o.matchers) {
      if (m.label !== 'service' || m.op !== '=' || services.includes(m.value)) continue;
      const hint = suggest(m.value, services);
      out.push(diagnostic(o.at, `${o.what} "${o.name}": no service named "${m.value}" in the fleet${hint ? `, did you mean "${hint}"?` : ''}`));
    }
  }
  return out;
}

/** Checks each item of a list against its schema, then converts the ones that pass. */
function items<S extends z.ZodType, T>(
  src: YamlDocument,
  schema: S,
  listPath: Path,
  list: readonly unknown[],
  out: Out,
  convert: (value: z.output<S>, path: Path) => T | undefined,
): T[] {
  const result: T[] = [];
  list.forEach((item, i) => {
    const path = [...listPath, i];
    const checked = checkShape(schema, src, item, path);
    out.push(...checked.diagnostics);
    if (checked.value === undefined) return;
    const converted = convert(checked.value, path);
    if (converted !== undefined) result.push(converted);
  });
  return result;
}

function toPerson(src: YamlDocument, p: z.output<typeof personSchema>, path: Path, out: Out): Person | undefined {
  const before = out.length;
  checkName(src, [...path, 'name'], p.name, 'person name', out);
  if (p.email !== undefined) email(src, [...path, 'email'], p.email, out);
  if (p.slackUser !== undefined && !SLACK_USER_RE.test(p.slackUser)) {
    out.push(diagnostic(src.pos([...path, 'slackUser']), `slackUser "${p.slackUser}" must be a Slack member id such as U012ABCDEF (profile → ⋮ → Copy member ID)`));
  }
  let pagerduty: ContactPoints['pagerduty'];
  if (p.pagerduty !== undefined) {
    const routingKey = pagerdutyAt(src, [...path, 'pagerduty'], p.pagerduty, out);
    if (routingKey) pagerduty = { routingKey };
  }
  if (p.email === undefined && p.slackUser === undefined && p.pagerduty === undefined) {
    out.push(diagnostic(src.pos(path), `person "${p.name}" has no contact point: give at least one of email, slackUser, pagerduty`));
  }
  if (out.length > before) return undefined;
  const contacts: ContactPoints = {
    ...(p.email !== undefined ? { email: p.email } : {}),
    ...(p.slackUser !== undefined ? { slackUser: p.slackUser } : {}),
    ...(pagerduty ? { pagerduty } : {}),
  };
  return { name: p.name, displayName: p.displayName ?? p.name, contacts, at: src.pos(path) };
}

export type Refer = (kind: 'person' | 'schedule' | 'policy', path: Path, name: string) => void;

function toSchedule(src: YamlDocument, s: z.output<typeof scheduleSchema>, path: Path, refer: Refer, out: Out): Schedule | undefined {
  const before = out.length;
  checkName(src, [...path, 'name'], s.name, 'schedule name', out);
  const zone = timeZoneAt(src, [...path, 'timeZone'], s.timeZone, out);
  definedNames(src, 'rotation', 'rotations', s.rotations, out, path);
  const rotations = items(src, rotationSchema, [...path, 'rotations'], s.rotations, out, (r, at) => toRotation(src, r, at, zone, refer, out));
  const overrides = items(src, overrideSchema, [...path, 'overrides'], s.overrides ?? [], out, (o, at) => {
    refer('person', [...at, 'person'], o.person);
    const span = spanAt(src, at, o.from, o.to, zone, out);
    return span && ({ person: o.person, from: span.from, to: span.to, at: src.pos(at) } satisfies Override);
  });
  if (out.length > before || zone === undefined) return undefined;
  return { name: s.name, timeZone: zone, rotations, overrides, at: src.pos(path) };
}

function toRotation(
  src: YamlDocument,
  r: z.output<typeof rotationSchema>,
  path: Path,
  zone: string | undefined,
  refer: Refer,
  out: Out,
): Rotation | undefined {
  const before = out.length;
  checkName(src, [...path, 'name'], r.name, 'rotation name', out);
  r.participants.forEach((p, i) => refer('person', [...path, 'participants', i], p));
  let turn: Rotation['turn'] | undefined;
  if (r.type !== 'custom') {
    if (r.turn !== undefined) out.push(diagnostic(src.pos([...path, 'turn']), `turn is only for type: custom (a ${r.type} turn is ${r.type === 'daily' ? '1d' : '7d'})`));
    turn = { days: r.type === 'daily' ? 1 : 7 };
  } else if (r.turn === undefined) {
    out.push(diagnostic(src.pos([...path, 'type']), 'a custom rotation needs turn, e.g. turn: 12h (elapsed hours) or turn: 3d (calendar days)'));
  } else {
    turn = turnAt(src, [...path, 'turn'], r.turn, out);
  }
  if (zone !== undefined) localTimeAt(src, [...path, 'start'], r.start, zone, out);
  if (out.length > before || !turn) return undefined;
  return { name: r.name, participants: r.participants, start: r.start, turn, at: src.pos(path) };
}

/** Weeks and days only: calendar days in the zone; anything with hours: elapsed hours, which must be whole. */
function turnAt(src: YamlDocument, path: Path, value: string, out: Out): Rotation['turn'] | undefined {
  const days = /^(?:(\d+)w)?(?:(\d+)d)?$/.exec(value.trim());
  if (days && value.trim() !== '') {
    const n = Number(days[1] ?? 0) * 7 + Number(days[2] ?? 0);
    if (n > 0) return { days: n };
  } else {
    const seconds = parseDuration(value);
    if (seconds !== undefined && seconds > 0 && seconds % 3600 === 0) return { hours: seconds / 3600 };
  }
  out.push(diagnostic(src.pos(path), `turn "${value}" must be whole days (e.g. 3d, 2w) or whole hours (e.g. 12h), longer than 0`));
  return undefined;
}

/** A wall-clock time in `zone`; one the clocks skip is refused, since it would silently move by the gap. */
function localTimeAt(src: YamlDocument, path: Path, value: string, zone: string, out: Out): DateTime | undefined {
  const field = String(path.at(-1));
  if (INSTANT_RE.test(value)) {
    out.push(diagnostic(src.pos(path), `${field} is a wall-clock time in ${zone}: drop the offset, e.g. ${value.slice(0, 16)}`));
    return undefined;
  }
  const t = LOCAL_TIME_RE.test(value) ? DateTime.fromISO(value, { zone }) : undefined;
  if (!t?.isValid) {
    out.push(diagnostic(src.pos(path), `${field} "${value}" is not a local date-time such as 2026-10-05T09:00 (read in ${zone})`));
    return undefined;
  }
  if (t.toFormat(value.length === 16 ? "yyyy-MM-dd'T'HH:mm" : "yyyy-MM-dd'T'HH:mm:ss") !== value) {
    out.push(diagnostic(src.pos(path), `${field} ${value} does not exist in ${zone}: the clocks skip it`));
    return undefined;
  }
  return t;
}

/** An instant with its offset; with a zone, a local time in that zone is accepted too. */
export function instantAt(src: YamlDocument, path: Path, value: string, zone: string | undefined, out: Out): Date | undefined {
  if (INSTANT_RE.test(value)) {
    const t = DateTime.fromISO(value, { setZone: true });
    if (t.isValid) return t.toJSDate();
  } else if (zone !== undefined && LOCAL_TIME_RE.test(value)) {
    return localTimeAt(src, path, value, zone, out)?.toJSDate();
  }
  const local = zone !== undefined ? `, or a local time in ${zone} such as 2026-10-24T09:00` : '';
  out.push(diagnostic(src.pos(path), `${String(path.at(-1))} "${value}" is not a time: use a date-time with its offset such as 2026-10-24T00:00:00Z${local}`));
  return undefined;
}

function spanAt(src: YamlDocument, path: Path, fromText: string, toText: string, zone: string | undefined, out: Out): { from: Date; to: Date } | undefined {
  const from = instantAt(src, [...path, 'from'], fromText, zone, out);
  const to = instantAt(src, [...path, 'to'], toText, zone, out);
  if (!from || !to) return undefined;
  if (to.getTime() <= from.getTime()) {
    out.push(diagnostic(src.pos([...path, 'to']), `to ${toText} must be later than from ${fromText}`));
    return undefined;
  }
  return { from, to };
}

function toPolicy(src: YamlDocument, p: z.output<typeof policySchema>, path: Path, refer: Refer, out: Out): EscalationPolicy | undefined {
  const before = out.length;
  checkName(src, [...path, 'name'], p.name, 'policy name', out);
  const levels: EscalationLevel[] = [];
  let previous: number | undefined;
  p.levels.forEach((item, i) => {
    const at = [...path, 'levels', i];
    const checked = checkShape(levelSchema, src, item, at);
    out.push(...checked.diagnostics);
    if (!checked.value) return;
    const l = checked.value;
    const step = parseDuration(ONCALL_DEFAULTS.levelStep)!;
    const afterSeconds = l.after === undefined ? (previous === undefined ? 0 : previous + step) : durationAt(src, [...at, 'after'], l.after, out);
    if (afterSeconds === undefined) return;
    // Levels are reached in order; one not later than the level before would page out of order.
    if (previous !== undefined && afterSeconds <= previous) {
      out.push(diagnostic(src.pos([...at, 'after']), `level ${i + 1} after ${l.after} must be later than level ${i} (${formatDuration(previous)})`));
    }
    previous = afterSeconds;
    const targets = l.targets.map((t, j) => policyTargetAt(src, t, [...at, 'targets', j], refer, out));
    levels.push({ afterSeconds, targets: targets.filter((t): t is PolicyTarget => t !== undefined), at: src.pos(at) });
  });
  const repeatAfterSeconds = durationAt(src, [...path, 'repeatAfter'], p.repeatAfter ?? ONCALL_DEFAULTS.repeatAfter, out);
  let ackTimeoutSeconds: number | null = null;
  if (p.ackTimeout !== undefined) {
    const s = durationAt(src, [...path, 'ackTimeout'], p.ackTimeout, out);
    if (s === 0) out.push(diagnostic(src.pos([...path, 'ackTimeout']), 'ackTimeout must be longer than 0s; leave it out to never re-page an acknowledged incident'));
    ackTimeoutSeconds = s ?? null;
  }
  const fallback = (p.fallback ?? []).map((t, j) => policyTargetAt(src, t, [...path, 'fallback', j], refer, out));
  if (out.length > before || repeatAfterSeconds === undefined) return undefined;
  return {
    name: p.name,
    levels,
    repeat: p.repeat ?? ONCALL_DEFAULTS.repeat,
    repeatAfterSeconds,
    ackTimeoutSeconds,
    fallback: fallback.filter((t): t is PolicyTarget => t !== undefined),
    at: src.pos(path),
  };
}

/**
 * One target as policies write it (person, schedule, slackChannel, email, webhook, pagerduty);
 * `refer` is told of every person and schedule named, for the caller to check they exist.
 * Drill specs notify with the same syntax.
 */
export function policyTargetAt(src: YamlDocument, item: unknown, path: Path, refer: Refer, out: Out): PolicyTarget | undefined {
  const checked = checkShape(targetSchema, src, item, path);
  out.push(...checked.diagnostics);
  if (!checked.value) return undefined;
  const t = checked.value;
  const kinds = TARGET_KINDS.filter((k) => t[k] !== undefined);
  if (kinds.length !== 1) {
    out.push(
      diagnostic(
        src.pos(path),
        kinds.length === 0 ? `a target is one of ${TARGET_KINDS.join(', ')}` : `a target is one of ${TARGET_KINDS.join(', ')}, not both ${kinds[0]} and ${kinds[1]}: write two targets`,
      ),
    );
    return undefined;
  }
  const before = out.length;
  let target: PolicyTarget | undefined;
  if (t.person !== undefined) {
    refer('person', [...path, 'person'], t.person);
    target = { kind: 'person', person: t.person };
  } else if (t.schedule !== undefined) {
    refer('schedule', [...path, 'schedule'], t.schedule);
    target = { kind: 'schedule', schedule: t.schedule };
  } else if (t.slackChannel !== undefined) {
    if (!SLACK_CHANNEL_RE.test(t.slackChannel)) {
      out.push(diagnostic(src.pos([...path, 'slackChannel']), `Slack channel "${t.slackChannel}" must be #name (lowercase) or a channel id like C0123ABCD; page a person with person:`));
    }
    target = { kind: 'slackChannel', channel: t.slackChannel };
  } else if (t.email !== undefined) {
    email(src, [...path, 'email'], t.email, out);
    target = { kind: 'email', address: t.email };
  } else if (t.webhook !== undefined) {
    httpUrl(src, [...path, 'webhook', 'url'], t.webhook.url, out, { noSecrets: true });
    const secret = t.webhook.secret === undefined ? undefined : secretAt(src, [...path, 'webhook', 'secret'], t.webhook.secret, out);
    target = { kind: 'webhook', url: t.webhook.url, ...(secret ? { secret } : {}) };
  } else {
    const routingKey = pagerdutyAt(src, [...path, 'pagerduty'], t.pagerduty, out);
    target = routingKey && { kind: 'pagerduty', routingKey };
  }
  return out.length > before ? undefined : target;
}

/** `pagerduty: { routingKey: { file | env } }`: the Events API v2 integration key, by reference. */
function pagerdutyAt(src: YamlDocument, path: Path, value: unknown, out: Out): SecretRef | undefined {
  if (typeof value === 'string' || typeof value === 'number') {
    out.push(diagnostic(src.pos(path), `pagerduty would put a routing key in the spec, which is committed: write pagerduty: { routingKey: { file: /path/to/key } } or { routingKey: { env: VARIABLE } }`));
    return undefined;
  }
  const checked = checkShape(z.strictObject({ routingKey: z.unknown().optional() }), src, value, path);
  out.push(...checked.diagnostics);
  if (!checked.value) return undefined;
  return required(src, path, 'routingKey', checked.value.routingKey, out);
}

function required(src: YamlDocument, path: Path, field: string, value: unknown, out: Out): SecretRef | undefined {
  if (value === undefined) {
    out.push(diagnostic(src.pos(path), `missing required field "${field}"`));
    return undefined;
  }
  return secretAt(src, [...path, field], value, out);
}

/** `matchers: ['a="b"', …]` and the short `match: { a: b }` (a list of values is any of them); all must hold. */
function toMatchers(src: YamlDocument, path: Path, r: { matchers?: string[]; match?: Record<string, string | string[]> }, out: Out): LabelMatcher[] {
  const matchers: LabelMatcher[] = [];
  (r.matchers ?? []).forEach((m, i) => {
    const parsed = parseMatchers(m);
    if ('error' in parsed) out.push(diagnostic(src.pos([...path, 'matchers', i]), `matcher ${JSON.stringify(m)}: ${parsed.error}`));
    else if (parsed.matchers.length === 0) out.push(diagnostic(src.pos([...path, 'matchers', i]), 'matcher is empty; write label="value"'));
    else matchers.push(...parsed.matchers);
  });
  for (const [label, v] of Object.entries(r.match ?? {})) {
    if (!LABEL_NAME_RE.test(label)) {
      out.push(diagnostic(src.pos([...path, 'match', label], { key: true }), `"${label}" is not a valid label name`));
      continue;
    }
    matchers.push(anyOf(label, typeof v === 'string' ? [v] : v));
  }
  return matchers;
}

function toSinks(src: YamlDocument, raw: unknown, out: Out): SinkSettings | undefined {
  if (raw === undefined) return {};
  const path = ['sinks'];
  const checked = checkShape(sinksSchema, src, raw, path);
  out.push(...checked.diagnostics);
  if (!checked.value) return undefined;
  const before = out.length;
  const s = checked.value;
  const sinks: {
    -readonly [K in keyof SinkSettings]: SinkSettings[K];
  } = {};
  if (s.pagerduty) {
    const p = [...path, 'pagerduty'];
    const eventsUrl = s.pagerduty.eventsUrl ?? ONCALL_DEFAULTS.pagerdutyEventsUrl;
    httpUrl(src, [...p, 'eventsUrl'], eventsUrl, out);
    const webhookSecret = s.pagerduty.webhookSecret === undefined ? undefined : secretAt(src, [...p, 'webhookSecret'], s.pagerduty.webhookSecret, out);
    sinks.pagerduty = { eventsUrl, ...(webhookSecret ? { webhookSecret } : {}) };
  }
  if (s.slack) {
    const p = [...path, 'slack'];
    const apiUrl = s.slack.apiUrl ?? ONCALL_DEFAULTS.slackApiUrl;
    httpUrl(src, [...p, 'apiUrl'], apiUrl, out, { noSecrets: true });
    const token = required(src, p, 'token', s.slack.token, out);
    const signingSecret = s.slack.signingSecret === undefined ? undefined : secretAt(src, [...p, 'signingSecret'], s.slack.signingSecret, out);
    if (token) sinks.slack = { apiUrl, token, ...(signingSecret ? { signingSecret } : {}) };
  }
  if (s.email) {
    const p = [...path, 'email'];
    const e = s.email;
    email(src, [...p, 'from'], e.from, out);
    if (!/^[A-Za-z0-9.-]+$/.test(e.host)) out.push(diagnostic(src.pos([...p, 'host']), `host "${e.host}" must be a host name or address, without a port (port: is its own field)`));
    const password = e.password === undefined ? undefined : secretAt(src, [...p, 'password'], e.password, out);
    if (password && e.username === undefined) out.push(diagnostic(src.pos([...p, 'password']), 'password needs username'));
    // Port 465 speaks TLS from the first byte; the others upgrade with STARTTLS, required unless turned off.
    const secure = e.secure ?? e.port === 465;
    sinks.email = {
      host: e.host,
      port: e.port,
      secure,
      requireTls: e.requireTls ?? true,
      from: e.from,
      ...(e.username !== undefined ? { username: e.username } : {}),
      ...(password ? { password } : {}),
    };
  }
  if (s.webhook) {
    const secret = required(src, [...path, 'webhook'], 'secret', s.webhook.secret, out);
    if (secret) sinks.webhook = { secret };
  }
  return out.length > before ? undefined : sinks;
}

function toIncidents(src: YamlDocument, raw: unknown, out: Out): IncidentSettings | undefined {
  const path = ['incidents'];
  const checked = checkShape(incidentsSchema, src, raw ?? {}, path);
  out.push(...checked.diagnostics);
  if (!checked.value) return undefined;
  const before = out.length;
  const i = checked.value;
  const positive = (field: 'flapWindow' | 'staleAfter' | 'silenceCheckAfter') => positiveDurationAt(src, [...path, field], i[field] ?? ONCALL_DEFAULTS[field], out);
  const flapWindowSeconds = positive('flapWindow');
  const staleAfterSeconds = positive('staleAfter');
  const silenceCheckAfterSeconds = positive('silenceCheckAfter');
  if (i.publicUrl !== undefined) httpUrl(src, [...path, 'publicUrl'], i.publicUrl, out, { noSecrets: true });
  (i.alertmanagers ?? []).forEach((u, n) => httpUrl(src, [...path, 'alertmanagers', n], u, out, { noSecrets: true }));
  if (out.length > before || flapWindowSeconds === undefined || staleAfterSeconds === undefined || silenceCheckAfterSeconds === undefined) return undefined;
  return {
    flapWindowSeconds,
    staleAfterSeconds,
    lowUrgencySeverities: i.lowUrgencySeverities ?? [...ONCALL_DEFAULTS.lowUrgencySeverities],
    ...(i.publicUrl !== undefined ? { publicUrl: i.publicUrl } : {}),
    alertmanagers: i.alertmanagers ?? [],
    silenceCheckAfterSeconds,
    staleAfterAt: src.pos([...path, 'staleAfter']),
  };
}

function email(src: YamlDocument, path: Path, value: string, out: Out): void {
  if (!EMAIL_RE.test(value)) out.push(diagnostic(src.pos(path), `"${value}" is not an e-mail address`));
}

function httpUrl(src: YamlDocument, path: Path, value: string, out: Out, opts: { noSecrets?: boolean } = {}): void {
  const field = String(path.at(-1));
  const url = httpUrlAt(src, path, value, field, out);
  if (url && opts.noSecrets && urlCarriesSecret(url)) {
    out.push(diagnostic(src.pos(path), `${field} looks like it carries a secret; give the secret by reference ({ file: … } or { env: … }) instead`));
  }
}

/** What can still be checked of a file whose top level has problems. */
function salvage(raw: unknown): z.output<typeof fileSchema> {
  const r = (raw ?? {}) as Record<string, unknown>;
  const list = (v: unknown) => (Array.isArray(v) ? v : undefined);
  return {
    apiVersion: 'vigil/v1',
    kind: 'OnCall',
    people: list(r.people) ?? [],
    schedules: list(r.schedules),
    policies: list(r.policies) ?? [],
    routes: list(r.routes),
    defaultPolicy: typeof r.defaultPolicy === 'string' ? r.defaultPolicy : '',
    maintenance: list(r.maintenance),
    sinks: r.sinks,
    incidents: r.incidents,
  };
}
