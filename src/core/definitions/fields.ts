import { IANAZone } from 'luxon';
import { z } from 'zod';
import { diagnostic, type Diagnostic, type SourcePos } from '../diagnostics.js';
import { formatDuration, durationProblem, parseDuration } from '../duration.js';
import type { SecretRef } from '../model/oncall.js';
import type { Query } from '../model/slo.js';
import { checkShape, suggest } from './shape-check.js';
import type { Path, YamlDocument } from './yaml-source.js';

/** Field building blocks shared by the spec formats, and the checks that need a source position. */

/** Label and annotation values are strings in Prometheus; YAML's `tier: 1` is accepted as "1". */
export const stringMap = z.record(
  z.string(),
  z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v)),
);

export const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
export const METRIC_NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
/** Service and SLO names become label values and file names: keep them DNS-label-like. */
export const NAME_RE = /^[a-z0-9]([a-z0-9_.-]*[a-z0-9])?$/;
/**
 * A service name is a file name (`rules/<service>.prometheusrule.yaml`, written through a
 * temporary `….vigil-tmp-<pid>-<random>` beside it), and file systems stop at 255 bytes per name:
 * 128 leaves room for both. Other names share the limit so one rule covers them all.
 */
export const MAX_NAME_LENGTH = 128;

/** `text` may be a part of the field's value that begins at offset `start` of it. */
export function query(src: YamlDocument, path: Path, text: string, start = 0): Query {
  return { text, field: fieldName(path), at: src.pos(path), locate: (offset) => src.posInScalar(path, start + offset) };
}

function fieldName(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** Reserved labels are set by Vigil itself; a spec that sets them would break routing. */
export function checkLabelNames(
  src: YamlDocument,
  path: Path,
  labels: Readonly<Record<string, string>> | undefined,
  out: Diagnostic[],
  reserved: readonly string[] = [],
): void {
  for (const name of Object.keys(labels ?? {})) {
    if (!LABEL_NAME_RE.test(name)) {
      out.push(diagnostic(src.pos([...path, name], { key: true }), `label name "${name}" is not a valid Prometheus label name`));
    } else if (reserved.includes(name)) {
      out.push(diagnostic(src.pos([...path, name], { key: true }), `label "${name}" is set by Vigil and cannot be overridden here`));
    }
  }
}

/**
 * Fleet-wide outputs own these file names and uids: dashboards (generate/dashboards), Vigil's own
 * rules (generate/vigil-self-rules.ts), the drill and backup alerts (generate/drill-rules.ts).
 */
export const RESERVED_SERVICE_NAMES: Readonly<Record<string, string>> = {
  'slo-overview': 'a fleet-wide dashboard',
  'alerts-oncall': 'a fleet-wide dashboard',
  'vigil-self': "Vigil's own alerts (rules/vigil-self.rules.yaml)",
  'vigil-drills': 'the DR drill and backup alerts (rules/vigil-drills.rules.yaml)',
};

export function checkServiceName(src: YamlDocument, path: Path, value: string, out: Diagnostic[]): void {
  checkName(src, path, value, 'service name', out);
  const owner = Object.hasOwn(RESERVED_SERVICE_NAMES, value) ? RESERVED_SERVICE_NAMES[value] : undefined;
  if (owner) out.push(diagnostic(src.pos(path), `service name "${value}" is reserved for ${owner}; choose another`));
}

/** The names items define, reporting each one defined twice against the first. */
export function definedNames(src: YamlDocument, kind: string, field: string, list: readonly unknown[], out: Diagnostic[], base: Path = []): string[] {
  const first = new Map<string, SourcePos>();
  list.forEach((item, i) => {
    const name = (item as { name?: unknown } | null)?.name;
    if (typeof name !== 'string' || name === '') return;
    const at = src.pos([...base, field, i, 'name']);
    const seen = first.get(name);
    if (seen) out.push(diagnostic(at, `${kind} "${name}" is already defined at ${seen.line}:${seen.col}`));
    else first.set(name, at);
  });
  return [...first.keys()];
}

export function checkName(src: YamlDocument, path: Path, value: string, what: string, out: Diagnostic[]): void {
  if (!NAME_RE.test(value)) {
    out.push(
      diagnostic(src.pos(path), `${what} "${value}" must be lowercase letters, digits, "-", "_" or "." and start and end with a letter or digit`),
    );
  } else if (value.length > MAX_NAME_LENGTH) {
    out.push(diagnostic(src.pos(path), `${what} "${value.slice(0, 20)}…" is ${value.length} characters long; at most ${MAX_NAME_LENGTH}`));
  }
}

/** Seconds, or undefined after recording a diagnostic. */
export function durationAt(src: YamlDocument, path: Path, text: string, out: Diagnostic[]): number | undefined {
  const problem = durationProblem(text);
  if (problem) out.push(diagnostic(src.pos(path), problem));
  return problem ? undefined : parseDuration(text);
}

/**
 * Seconds longer than 0s (and at most `max`), or undefined after recording a diagnostic. A bound
 * is for durations that become timers or intervals, where a huge value would overflow.
 */
export function positiveDurationAt(src: YamlDocument, path: Path, text: string, out: Diagnostic[], max?: number): number | undefined {
  const seconds = durationAt(src, path, text, out);
  if (seconds === undefined) return undefined;
  const field = String(path.at(-1));
  if (seconds === 0) {
    out.push(diagnostic(src.pos(path), `${field} must be longer than 0s`));
    return undefined;
  }
  if (max !== undefined && seconds > max) {
    out.push(diagnostic(src.pos(path), `${field} ${text} is longer than the ${formatDuration(max)} allowed`));
    return undefined;
  }
  return seconds;
}

/** Latency thresholds: a number of seconds or a duration with ms. */
export function secondsAt(src: YamlDocument, path: Path, value: string | number, out: Diagnostic[]): number | undefined {
  if (typeof value === 'number') {
    if (value > 0) return value;
  } else {
    const ms = /^(\d+(?:\.\d+)?)ms$/.exec(value.trim());
    if (ms) return Number(ms[1]) / 1000;
    const s = parseDuration(value);
    if (s !== undefined && s > 0) return s;
  }
  out.push(diagnostic(src.pos(path), `threshold "${value}" must be a positive number of seconds or a duration like 250ms or 1s`));
  return undefined;
}

/** Query parameters that put a credential in a URL, which would then sit in a committed spec. */
const SECRET_QUERY_RE = /[?&]((access_|auth_|bearer_)?token|key|secret|password|sig|signature|api_key|apikey|auth)=/i;

/** An http(s) URL, or undefined after recording why not; `what` names it in the message. */
export function httpUrlAt(src: YamlDocument, path: Path, value: string, what: string, out: Diagnostic[]): URL | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    out.push(diagnostic(src.pos(path), `"${value}" is not a URL`));
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    out.push(diagnostic(src.pos(path), `${what} must be http or https, got ${url.protocol}`));
    return undefined;
  }
  return url;
}

/** Credentials in the user info or the query. */
export function urlCarriesSecret(url: URL): boolean {
  return url.username !== '' || url.password !== '' || SECRET_QUERY_RE.test(url.search);
}

export function timeZoneAt(src: YamlDocument, path: Path, zone: string, out: Diagnostic[]): string | undefined {
  if (IANAZone.isValidZone(zone)) return zone;
  const hint = suggest(zone, Intl.supportedValuesOf('timeZone'));
  out.push(diagnostic(src.pos(path), `time zone "${zone}" is not an IANA zone${hint ? `, did you mean "${hint}"?` : ' (e.g. Europe/Berlin, America/New_York, UTC)'}`));
  return undefined;
}

const secretRefSchema = z.strictObject({ file: z.string().min(1).optional(), env: z.string().min(1).optional() });
const ENV_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A secret by reference: `{ file: /abs/path }` (a mounted Secret, a systemd credential) or
 * `{ env: NAME }`. Written inline it is refused without being echoed, since CI logs are read by
 * more people than the secret is meant for; `what` names it in that message.
 */
export function secretAt(src: YamlDocument, path: Path, value: unknown, out: Diagnostic[], what = 'a secret'): SecretRef | undefined {
  const field = String(path.at(-1));
  if (typeof value === 'string' || typeof value === 'number') {
    out.push(diagnostic(src.pos(path), `${field} would put ${what} in the spec, which is committed: write ${field}: { file: /path/to/secret } or ${field}: { env: VARIABLE }`));
    return undefined;
  }
  const checked = checkShape(secretRefSchema, src, value, path);
  out.push(...checked.diagnostics);
  if (!checked.value) return undefined;
  const { file, env } = checked.value;
  if ((file === undefined) === (env === undefined)) {
    out.push(diagnostic(src.pos(path), `${field} needs exactly one of file, env`));
    return undefined;
  }
  if (file !== undefined) {
    if (file.startsWith('/') && !/\s/.test(file)) return { file };
    out.push(diagnostic(src.pos([...path, 'file']), `file "${file}" must be an absolute path`));
    return undefined;
  }
  if (ENV_NAME_RE.test(env!)) return { env: env! };
  out.push(diagnostic(src.pos([...path, 'env']), `env "${env}" is not an environment variable name`));
  return undefined;
}
