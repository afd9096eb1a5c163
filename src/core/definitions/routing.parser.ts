import { z } from 'zod';
import { compareText } from '../compare-text.js';
import { diagnostic, type Diagnostic } from '../diagnostics.js';
import type { InhibitRule, Matcher, Receiver, Route, RoutingSpec } from '../model/routing.js';
import type { Fleet } from '../model/slo.js';
import { DEFAULT_OUTPUTS } from '../model/outputs.js';
import { checkName, durationAt, httpUrlAt, LABEL_NAME_RE, urlCarriesSecret } from './fields.js';
import { checkShape, suggest } from './shape-check.js';
import type { Path, YamlDocument } from './yaml-source.js';

/**
 * `apiVersion: vigil/v1`, `kind: Routing`: receivers, routes and inhibit rules for Alertmanager,
 * one per fleet. Documented in docs/routing-spec.md.
 */

/** Seed defaults (OBS-065, OBS-066): group by alert and service, first notice after 30s, repeat every 4h. */
export const ROUTING_DEFAULTS = {
  groupBy: ['alertname', 'service'],
  groupWait: '30s',
  groupInterval: '5m',
  repeatInterval: '4h',
} as const;

/** Label values Vigil's generated alerts carry (generate/slo-rules.ts, generate/alert-rules.ts); severity's are the Outputs spec's. */
const knownValues = (severities: readonly string[]): Record<string, readonly string[]> => ({
  severity: severities,
  alert_tier: ['page', 'ticket', 'absent'],
});
/** Labels on Vigil's alerts; a near miss of one of them in a matcher is a typo that would never match. */
const VIGIL_LABELS = ['alertname', 'service', 'slo', 'severity', 'alert_tier', 'long_window', 'short_window', 'burn_rate'];

const text = z.string().min(1);
const matchSchema = z.record(z.string(), z.union([text, z.array(text).min(1)]));
const sendResolved = z.boolean().optional();

const receiverSchema = z.strictObject({
  name: text,
  slack: z.strictObject({ channel: text, apiUrlFile: text, sendResolved }).optional(),
  pagerduty: z.strictObject({ routingKeyFile: text, sendResolved }).optional(),
  email: z
    .strictObject({
      to: text,
      from: text,
      smarthost: text,
      authUsername: text.optional(),
      authPasswordFile: text.optional(),
      requireTls: z.boolean().optional(),
      sendResolved,
    })
    .optional(),
  webhook: z
    .strictObject({ url: text, credentialsFile: text.optional(), maxAlerts: z.number().int().min(0).optional(), sendResolved })
    .optional(),
});

const routeSchema = z.strictObject({
  match: matchSchema.optional(),
  receivers: z.array(text).min(1, 'must name at least one receiver'),
  continue: z.boolean().optional(),
});

const inhibitSchema = z.strictObject({
  source: matchSchema,
  target: matchSchema,
  equal: z.array(text).min(1, 'must name at least one label, e.g. [service]'),
});

/** Items of the lists are checked one by one so one bad receiver does not hide the others' problems. */
const routingFileSchema = z.strictObject({
  apiVersion: z.literal('vigil/v1'),
  kind: z.literal('Routing'),
  description: z.string().optional(),
  defaultReceiver: text,
  groupBy: z.array(text).min(1, 'must name at least one label, e.g. [alertname, service]').optional(),
  groupWait: text.optional(),
  groupInterval: text.optional(),
  repeatInterval: text.optional(),
  receivers: z.array(z.unknown()).min(1, 'must define at least one receiver'),
  routes: z.array(z.unknown()).optional(),
  inhibit: z.array(z.unknown()).optional(),
});

type RawReceiver = z.output<typeof receiverSchema>;
type RawMatch = z.output<typeof matchSchema>;

const TARGET_KINDS = ['slack', 'pagerduty', 'email', 'webhook'] as const;

/**
 * Fields that would hold a secret inline, and the file field to use instead. They are refused
 * before the shape check so the message says why, not just "unknown field".
 */
const INLINE_SECRET_FIELDS: Record<(typeof TARGET_KINDS)[number], Record<string, string>> = {
  slack: { apiUrl: 'apiUrlFile', api_url: 'apiUrlFile', url: 'apiUrlFile', webhookUrl: 'apiUrlFile' },
  pagerduty: {
    routingKey: 'routingKeyFile',
    routing_key: 'routingKeyFile',
    serviceKey: 'routingKeyFile',
    service_key: 'routingKeyFile',
    integrationKey: 'routingKeyFile',
  },
  email: { authPassword: 'authPasswordFile', auth_password: 'authPasswordFile', password: 'authPasswordFile' },
  // A webhook's url is its address, not a secret; webhookUrl() checks that it carries none.
  webhook: {
    token: 'credentialsFile',
    bearerToken: 'credentialsFile',
    bearer_token: 'credentialsFile',
    credentials: 'credentialsFile',
    authorization: 'credentialsFile',
    password: 'credentialsFile',
  },
};
const REFUSED_SECRET_PLACEHOLDER = '/refused-inline-secret';
const SECRET_HOSTS_RE = /^https?:\/\/(hooks\.slack\.com|events\.pagerduty\.com|events\.eu\.pagerduty\.com)\b/i;

/** `severities`: the values the fleet's alerts carry in their severity label (kind: Outputs). */
export function parseRoutingDocument(src: YamlDocument, severities: readonly string[] = Object.values(DEFAULT_OUTPUTS.severities)): { spec?: RoutingSpec; diagnostics: Diagnostic[] } {
  const raw = src.toJS();
  const known = knownValues(severities);
  const out: Diagnostic[] = [];
  refuseInlineSecrets(src, raw, out);
  const top = checkShape(routingFileSchema, src, raw);
  out.push(...top.diagnostics);
  // A problem at the top (a typo, a missing field) must not hide the problems of each receiver and route.
  const file = top.value ?? salvage(raw);

  const groupBy = file.groupBy ?? [...ROUTING_DEFAULTS.groupBy];
  groupBy.forEach((l, i) => checkLabel(src, ['groupBy', i], l, out));
  const groupWaitSeconds = duration(src, 'groupWait', file.groupWait, 0, out);
  const groupIntervalSeconds = duration(src, 'groupInterval', file.groupInterval, 1, out);
  const repeatIntervalSeconds = duration(src, 'repeatInterval', file.repeatInterval, 1, out);

  const receivers: Receiver[] = [];
  file.receivers.forEach((item, i) => {
    const checked = checkShape(receiverSchema, src, item, ['receivers', i]);
    out.push(...checked.diagnostics);
    if (checked.value) {
      const r = toReceiver(src, checked.value, ['receivers', i], out);
      if (r) receivers.push(r);
    }
  });
  // Names are read from every item, even one that failed its own checks: that one is reported
  // there, and references to it are not reported again.
  const firstIndex = new Map<string, number>();
  file.receivers.forEach((r, i) => {
    const name = (r as { name?: unknown } | null)?.name;
    if (typeof name !== 'string') return;
    const first = firstIndex.get(name);
    if (first === undefined) firstIndex.set(name, i);
    else out.push(diagnostic(src.pos(['receivers', i, 'name']), `receiver "${name}" is already defined at line ${src.pos(['receivers', first, 'name']).line}`));
  });
  const names = [...firstIndex.keys()];
  const refer = (path: Path, name: string) => {
    if (names.includes(name)) return;
    const hint = suggest(name, names);
    out.push(diagnostic(src.pos(path), `no receiver named "${name}"${hint ? `, did you mean "${hint}"?` : ''}`));
  };
  if (file.defaultReceiver !== '') refer(['defaultReceiver'], file.defaultReceiver);

  const routes: Route[] = [];
  (file.routes ?? []).forEach((item, i) => {
    const path = ['routes', i];
    const checked = checkShape(routeSchema, src, item, path);
    out.push(...checked.diagnostics);
    if (!checked.value) return;
    const r = checked.value;
    r.receivers.forEach((name, j) => refer([...path, 'receivers', j], name));
    routes.push({
      match: toMatchers(src, [...path, 'match'], r.match ?? {}, known, out),
      receivers: r.receivers,
      continue: r.continue ?? false,
      at: src.pos(path),
    });
  });

  const inhibit: InhibitRule[] = [];
  (file.inhibit ?? []).forEach((item, i) => {
    const path = ['inhibit', i];
    const checked = checkShape(inhibitSchema, src, item, path);
    out.push(...checked.diagnostics);
    if (!checked.value) return;
    const r = checked.value;
    r.equal.forEach((l, j) => checkLabel(src, [...path, 'equal', j], l, out));
    inhibit.push({
      source: toMatchers(src, [...path, 'source'], r.source, known, out),
      target: toMatchers(src, [...path, 'target'], r.target, known, out),
      equal: r.equal,
    });
  });

  if (!top.value || out.length > 0 || groupWaitSeconds === undefined || groupIntervalSeconds === undefined || repeatIntervalSeconds === undefined) {
    return { diagnostics: out };
  }
  return {
    spec: {
      file: src.file,
      defaultReceiver: file.defaultReceiver,
      groupBy,
      groupWaitSeconds,
      groupIntervalSeconds,
      repeatIntervalSeconds,
      receivers,
      routes,
      inhibit,
    },
    diagnostics: out,
  };
}

/** Checks that need the fleet: a route or inhibit rule naming a service that does not exist would never match. */
export function checkRouting(routing: RoutingSpec, fleet: Fleet): Diagnostic[] {
  const services = fleet.services.map((s) => s.name);
  const out: Diagnostic[] = [];
  const matchers = [...routing.routes.flatMap((r) => r.match), ...routing.inhibit.flatMap((r) => [...r.source, ...r.target])];
  for (const m of matchers) {
    if (m.label !== 'service') continue;
    m.values.forEach((v, i) => {
      if (services.includes(v)) return;
      const hint = suggest(v, services);
      out.push(diagnostic(m.at[i]!, `no service named "${v}" in the fleet${hint ? `, did you mean "${hint}"?` : ''}`));
    });
  }
  return out;
}

function duration(src: YamlDocument, field: keyof typeof ROUTING_DEFAULTS, value: string | undefined, min: number, out: Diagnostic[]): number | undefined {
  if (value === undefined) return durationAt(src, [field], ROUTING_DEFAULTS[field] as string, out);
  const seconds = durationAt(src, [field], value, out);
  if (seconds !== undefined && seconds < min) {
    out.push(diagnostic(src.pos([field]), `${field} must be longer than 0s`));
    return undefined;
  }
  return seconds;
}

function toReceiver(src: YamlDocument, r: RawReceiver, path: Path, out: Diagnostic[]): Receiver | undefined {
  const before = out.length;
  checkName(src, [...path, 'name'], r.name, 'receiver name', out);
  const kinds = TARGET_KINDS.filter((k) => r[k] !== undefined);
  if (kinds.length === 0) out.push(diagnostic(src.pos(path), `receiver "${r.name}" needs at least one of ${TARGET_KINDS.join(', ')}`));
  if (r.slack) {
    secretFile(src, [...path, 'slack', 'apiUrlFile'], r.slack.apiUrlFile, out);
    if (!/^[#@]\S+$/.test(r.slack.channel)) {
      out.push(diagnostic(src.pos([...path, 'slack', 'channel']), `Slack channel "${r.slack.channel}" must start with # (or @ for a user)`));
    }
  }
  if (r.pagerduty) secretFile(src, [...path, 'pagerduty', 'routingKeyFile'], r.pagerduty.routingKeyFile, out);
  if (r.email) {
    const p = [...path, 'email'];
    for (const field of ['to', 'from'] as const) {
      if (!/^[^\s@]+@[^\s@]+$/.test(r.email[field])) out.push(diagnostic(src.pos([...p, field]), `"${r.email[field]}" is not an e-mail address`));
    }
    if (!/^[A-Za-z0-9.-]+:\d{1,5}$/.test(r.email.smarthost)) {
      out.push(diagnostic(src.pos([...p, 'smarthost']), `smarthost "${r.email.smarthost}" must be host:port, e.g. smtp.example.com:587`));
    }
    if (r.email.authPasswordFile !== undefined) secretFile(src, [...p, 'authPasswordFile'], r.email.authPasswordFile, out);
  }
  if (r.webhook) {
    webhookUrl(src, [...path, 'webhook', 'url'], r.webhook.url, out);
    if (r.webhook.credentialsFile !== undefined) secretFile(src, [...path, 'webhook', 'credentialsFile'], r.webhook.credentialsFile, out);
  }
  if (out.length > before) return undefined;
  return {
    name: r.name,
    slack: r.slack && { channel: r.slack.channel, apiUrlFile: r.slack.apiUrlFile, sendResolved: r.slack.sendResolved ?? true },
    pagerduty: r.pagerduty && { routingKeyFile: r.pagerduty.routingKeyFile, sendResolved: r.pagerduty.sendResolved ?? true },
    email: r.email && {
      to: r.email.to,
      from: r.email.from,
      smarthost: r.email.smarthost,
      authUsername: r.email.authUsername,
      authPasswordFile: r.email.authPasswordFile,
      requireTls: r.email.requireTls ?? true,
      sendResolved: r.email.sendResolved ?? false,
    },
    webhook: r.webhook && {
      url: r.webhook.url,
      ...(r.webhook.credentialsFile !== undefined ? { credentialsFile: r.webhook.credentialsFile } : {}),
      ...(r.webhook.maxAlerts !== undefined ? { maxAlerts: r.webhook.maxAlerts } : {}),
      sendResolved: r.webhook.sendResolved ?? true,
    },
    at: src.pos(path),
  };
}

/** A `…File` field names the file Alertmanager reads the secret from; its value must never be the secret. */
function secretFile(src: YamlDocument, path: Path, value: string, out: Diagnostic[]): void {
  const field = String(path.at(-1));
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) || (!value.includes('/') && /^[A-Za-z0-9_\-+=]{16,}$/.test(value))) {
    out.push(diagnostic(src.pos(path), `${field} looks like an inline secret: put the secret in a file (e.g. a mounted Kubernetes Secret) and give its absolute path`));
  } else if (!value.startsWith('/') || /\s/.test(value)) {
    out.push(diagnostic(src.pos(path), `${field} "${value}" must be an absolute file path`));
  }
}

function webhookUrl(src: YamlDocument, path: Path, value: string, out: Diagnostic[]): void {
  const url = httpUrlAt(src, path, value, 'webhook URL', out);
  if (url && (urlCarriesSecret(url) || SECRET_HOSTS_RE.test(value))) {
    out.push(
      diagnostic(
        src.pos(path),
        'webhook URL looks like it carries a secret; put a bearer token in a file and set webhook.credentialsFile, or use a slack or pagerduty receiver with a secret file',
      ),
    );
  }
}

/** Refuses inline-secret fields with a message that says what to do, and drops them so the shape check does not repeat it. */
function refuseInlineSecrets(src: YamlDocument, raw: unknown, out: Diagnostic[]): void {
  const receivers = (raw as { receivers?: unknown } | null)?.receivers;
  if (!Array.isArray(receivers)) return;
  receivers.forEach((r, i) => {
    if (r === null || typeof r !== 'object') return;
    for (const kind of TARGET_KINDS) {
      const target = (r as Record<string, unknown>)[kind];
      if (target === null || typeof target !== 'object' || Array.isArray(target)) continue;
      for (const key of Object.keys(target)) {
        const instead = INLINE_SECRET_FIELDS[kind][key];
        if (!instead) continue;
        out.push(
          diagnostic(
            src.pos(['receivers', i, kind, key], { key: true }),
            `"${key}" would put a secret in the spec, which is committed: store it in a file and set ${instead} to the file's path`,
          ),
        );
        const t = target as Record<string, unknown>;
        delete t[key];
        // The file field is then missing: that is the same mistake, already reported.
        if (t[instead] === undefined) t[instead] = REFUSED_SECRET_PLACEHOLDER;
      }
    }
  });
}

function toMatchers(src: YamlDocument, path: Path, match: RawMatch, known: Record<string, readonly string[]>, out: Diagnostic[]): Matcher[] {
  return Object.entries(match)
    .sort(([a], [b]) => compareText(a, b))
    .map(([label, v]) => {
      const values = typeof v === 'string' ? [v] : v;
      const at = typeof v === 'string' ? [src.pos([...path, label])] : v.map((_, i) => src.pos([...path, label, i]));
      if (checkLabel(src, [...path, label], label, out, { key: true })) {
        const allowed = known[label];
        for (const [i, value] of values.entries()) {
          if (allowed && !allowed.includes(value)) {
            const hint = suggest(value, allowed);
            out.push(diagnostic(at[i]!, `${label} "${value}" never occurs on Vigil's alerts, ${hint ? `did you mean "${hint}"?` : `use one of ${allowed.join(', ')}`}`));
          }
        }
      }
      return { label, values, at };
    });
}

/** True when the label name is fine to match on. */
function checkLabel(src: YamlDocument, path: Path, label: string, out: Diagnostic[], opts: { key?: boolean } = {}): boolean {
  if (!LABEL_NAME_RE.test(label)) {
    out.push(diagnostic(src.pos(path, opts), `"${label}" is not a valid label name`));
    return false;
  }
  const hint = suggest(label, VIGIL_LABELS);
  if (hint && hint !== label && !VIGIL_LABELS.includes(label)) {
    out.push(diagnostic(src.pos(path, opts), `label "${label}" is not on Vigil's alerts, did you mean "${hint}"?`));
    return false;
  }
  return true;
}

/** What can still be checked of a file whose top level has problems. */
function salvage(raw: unknown): z.output<typeof routingFileSchema> {
  const r = (raw ?? {}) as Record<string, unknown>;
  const list = (v: unknown) => (Array.isArray(v) ? v : undefined);
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    apiVersion: 'vigil/v1',
    kind: 'Routing',
    defaultReceiver: str(r.defaultReceiver) ?? '',
    groupBy: list(r.groupBy)?.every((l) => typeof l === 'string') ? (r.groupBy as string[]) : undefined,
    groupWait: str(r.groupWait),
    groupInterval: str(r.groupInterval),
    repeatInterval: str(r.repeatInterval),
    receivers: list(r.receivers) ?? [],
    routes: list(r.routes),
    inhibit: list(r.inhibit),
  };
}
