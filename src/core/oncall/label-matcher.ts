import type { LabelMatcher, MatchOp } from '../model/oncall.js';

/**
 * Alertmanager's matchers (`service="payments"`, `severity=~"critical|error"`), with the meaning
 * Alertmanager gives them so a route reads the same here as in alertmanager.yml: regexes are
 * anchored at both ends, and a label the alert lacks is the empty string, so `team!="db"` and
 * `team=~".*"` match an alert without a team. The parsing follows the classic parser of
 * prometheus/alertmanager pkg/labels/parse.go (commit 026c048b5643074b23be841c320b8887be29a883).
 */

export type Labels = Readonly<Record<string, string>>;

// `=~` before `=`, or `a=~"x"` would read as `=` with the value `~"x"` (as in parse.go).
const MATCHER_RE = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(=~|=|!=|!~)\s*([\s\S]*?)\s*$/;
/** Go's RE2 takes flags inline; JavaScript's RegExp (on Node 20) only outside, so a leading group is lifted out. */
const LEADING_FLAGS_RE = /^\(\?([a-zA-Z]+)\)/;
const SUPPORTED_FLAGS = new Set(['i', 's']);

export type ParsedMatchers = { readonly matchers: LabelMatcher[] } | { readonly error: string };

/**
 * One matcher, or an error message worded like Alertmanager's. The value may be double-quoted,
 * with `\"`, `\n` and `\\` escapes; a backslash before anything else is a literal backslash.
 */
export function parseMatcher(text: string): { readonly matcher: LabelMatcher } | { readonly error: string } {
  const m = MATCHER_RE.exec(text);
  if (!m) return { error: `bad matcher format: ${text}` };
  const [, label, op, raw] = m as unknown as [string, string, MatchOp, string];
  if (raw === '') return { error: `matcher value is not present: ${text}` };
  let rest = raw;
  let expectTrailingQuote = false;
  if (rest.startsWith('"')) {
    rest = rest.slice(1);
    expectTrailingQuote = true;
  }
  let value = '';
  let escaped = false;
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i]!;
    if (escaped) {
      escaped = false;
      if (c === 'n') value += '\n';
      else if (c === '"' || c === '\\') value += c;
      else value += `\\${c}`;
      continue;
    }
    if (c === '\\') {
      if (i < rest.length - 1) escaped = true;
      else value += '\\';
    } else if (c === '"') {
      if (!expectTrailingQuote || i < rest.length - 1) return { error: `matcher value contains unescaped double quote: ${raw}` };
      expectTrailingQuote = false;
    } else {
      value += c;
    }
  }
  if (expectTrailingQuote) return { error: `matcher value contains unescaped double quote: ${raw}` };
  const matcher: LabelMatcher = { label, op, value };
  if (op === '=~' || op === '!~') {
    const error = regexError(value);
    if (error) return { error };
  }
  return { matcher };
}

/**
 * A comma-separated list, optionally in braces (`{a="1", b=~"2|3"}`), as Alertmanager reads each
 * string of a route's `matchers:`. Commas inside double quotes belong to the value.
 */
export function parseMatchers(text: string): ParsedMatchers {
  let s = text.trim();
  if (s.startsWith('{')) s = s.slice(1);
  if (s.endsWith('}')) s = s.slice(0, -1);
  const tokens: string[] = [];
  let token = '';
  let insideQuotes = false;
  let escaped = false;
  for (const c of s) {
    if (c === ',' && !insideQuotes) {
      tokens.push(token);
      token = '';
      continue;
    }
    if (c === '"') {
      if (!escaped) insideQuotes = !insideQuotes;
      else escaped = false;
    } else if (c === '\\') escaped = !escaped;
    else escaped = false;
    token += c;
  }
  if (token.trim() !== '') tokens.push(token.trim());
  const matchers: LabelMatcher[] = [];
  for (const t of tokens) {
    const r = parseMatcher(t);
    if ('error' in r) return r;
    matchers.push(r.matcher);
  }
  return { matchers };
}

/** True when the alert's labels satisfy the matcher; an absent label is "". */
export function matches(m: LabelMatcher, labels: Labels): boolean {
  const v = Object.hasOwn(labels, m.label) ? labels[m.label]! : '';
  switch (m.op) {
    case '=':
      return v === m.value;
    case '!=':
      return v !== m.value;
    case '=~':
      return compiled(m).test(v);
    case '!~':
      return !compiled(m).test(v);
  }
}

/** All must hold; an empty list matches every alert. */
export function matchesAll(ms: readonly LabelMatcher[], labels: Labels): boolean {
  return ms.every((m) => matches(m, labels));
}

/** The matcher as Alertmanager prints it: the value always quoted, `"`, `\` and line feeds escaped. */
export function formatMatcher(m: LabelMatcher): string {
  const value = m.value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
  return `${m.label}${m.op}"${value}"`;
}

/** An equality written as a regex alternative, for the short `match: { service: [a, b] }` form. */
export function anyOf(label: string, values: readonly string[]): LabelMatcher {
  if (values.length === 1) return { label, op: '=', value: values[0]! };
  return { label, op: '=~', value: values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|') };
}

// Matchers come from a spec loaded once and are matched against every alert: compile each regex once.
const cache = new WeakMap<LabelMatcher, RegExp>();

function compiled(m: LabelMatcher): RegExp {
  let re = cache.get(m);
  if (!re) {
    re = anchored(m.value);
    cache.set(m, re);
  }
  return re;
}

function anchored(pattern: string): RegExp {
  const flags = LEADING_FLAGS_RE.exec(pattern);
  const body = flags ? pattern.slice(flags[0].length) : pattern;
  return new RegExp(`^(?:${body})$`, flags ? flags[1] : '');
}

/** Why the regex would not compile, or undefined. */
function regexError(pattern: string): string | undefined {
  const flags = LEADING_FLAGS_RE.exec(pattern)?.[1];
  const unsupported = flags && [...flags].find((f) => !SUPPORTED_FLAGS.has(f));
  if (unsupported) return `regex flag "${unsupported}" is not supported (use (?i) or (?s)): ${pattern}`;
  try {
    anchored(pattern);
    return undefined;
  } catch (err) {
    return `error parsing regexp: ${(err as Error).message.replace(/^Invalid regular expression: \/[\s\S]*\/[a-z]*: /, '')}`;
  }
}
