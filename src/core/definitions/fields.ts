import { z } from 'zod';
import { diagnostic, type Diagnostic } from '../diagnostics.js';
import { parseDuration } from '../duration.js';
import type { Query } from '../model/slo.js';
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

export function query(src: YamlDocument, path: Path, text: string): Query {
  return { text, at: src.pos(path), locate: (offset) => src.posInScalar(path, offset) };
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

/** Fleet-wide outputs own these file names and uids: dashboards (generate/dashboards), Vigil's own rules (generate/vigil-self-rules.ts). */
export const RESERVED_SERVICE_NAMES: Readonly<Record<string, string>> = {
  'slo-overview': 'a fleet-wide dashboard',
  'alerts-oncall': 'a fleet-wide dashboard',
  'vigil-self': "Vigil's own alerts (rules/vigil-self.rules.yaml)",
};

export function checkServiceName(src: YamlDocument, path: Path, value: string, out: Diagnostic[]): void {
  checkName(src, path, value, 'service name', out);
  const owner = Object.hasOwn(RESERVED_SERVICE_NAMES, value) ? RESERVED_SERVICE_NAMES[value] : undefined;
  if (owner) out.push(diagnostic(src.pos(path), `service name "${value}" is reserved for ${owner}; choose another`));
}

export function checkName(src: YamlDocument, path: Path, value: string, what: string, out: Diagnostic[]): void {
  if (!NAME_RE.test(value)) {
    out.push(
      diagnostic(src.pos(path), `${what} "${value}" must be lowercase letters, digits, "-", "_" or "." and start and end with a letter or digit`),
    );
  }
}

/** Seconds, or undefined after recording a diagnostic. */
export function durationAt(src: YamlDocument, path: Path, text: string, out: Diagnostic[]): number | undefined {
  const seconds = parseDuration(text);
  if (seconds === undefined) {
    out.push(diagnostic(src.pos(path), `"${text}" is not a duration (use e.g. 30s, 5m, 1h30m, 30d)`));
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
