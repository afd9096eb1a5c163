import { isAlertingRule, type Rule, type RuleGroup } from './rule-model.js';

/**
 * YAML for rule files, written directly. Rule files have one fixed shape, and a generic YAML
 * document model spent 85 % of generation time on 10,000 SLOs (bench/). Scalars are plain when
 * that is unambiguous for YAML 1.1 and 1.2 readers alike (Prometheus reads with go-yaml), block
 * literals for multi-line queries, and JSON-quoted otherwise — JSON strings are valid YAML.
 * test/spec/rule-yaml.spec.ts parses the output back and compares.
 */
export function ruleGroupsYaml(groups: readonly RuleGroup[]): string {
  const out: string[] = ['groups:'];
  for (const g of groups) {
    out.push(`  - name: ${scalar(g.name, '      ')}`);
    if (g.interval !== undefined) out.push(`    interval: ${scalar(g.interval, '')}`);
    out.push('    rules:');
    for (const r of g.rules) rule(out, r);
  }
  return `${out.join('\n')}\n`;
}

const ITEM = '      - ';
const FIELD = '        ';
const MAP_ENTRY = '          ';

function rule(out: string[], r: Rule): void {
  if (isAlertingRule(r)) {
    out.push(`${ITEM}alert: ${scalar(r.alert, MAP_ENTRY)}`, `${FIELD}expr: ${scalar(r.expr, MAP_ENTRY)}`);
    if (r.for !== undefined) out.push(`${FIELD}for: ${scalar(r.for, MAP_ENTRY)}`);
    map(out, 'labels', r.labels);
    map(out, 'annotations', r.annotations);
  } else {
    out.push(`${ITEM}record: ${scalar(r.record, MAP_ENTRY)}`, `${FIELD}expr: ${scalar(r.expr, MAP_ENTRY)}`);
    if (r.labels) map(out, 'labels', r.labels);
  }
}

function map(out: string[], key: string, entries: Readonly<Record<string, string>>): void {
  const keys = Object.keys(entries);
  if (keys.length === 0) return void out.push(`${FIELD}${key}: {}`);
  out.push(`${FIELD}${key}:`);
  for (const k of keys) out.push(`${MAP_ENTRY}${scalar(k, '')}: ${scalar(entries[k]!, `${MAP_ENTRY}  `)}`);
}

/** `indent` is where the lines of a block literal go. */
export function scalar(s: string, indent: string): string {
  if (isPlainSafe(s)) return s;
  if (indent && isBlockSafe(s)) {
    const body = s.endsWith('\n') ? s.slice(0, -1) : s;
    const lines = body.split('\n').map((l) => (l === '' ? '' : indent + l));
    return `${s.endsWith('\n') ? '|' : '|-'}\n${lines.join('\n')}`;
  }
  return JSON.stringify(s);
}

// Words YAML 1.1 (go-yaml) reads as booleans or null, and anything that could be a number,
// date or sexagesimal: all must be quoted to stay strings.
const RESERVED = /^(?:true|false|yes|no|on|off|y|n|null|~|<<|=)$/i;
const NUMBER_LIKE = new RegExp(
  [
    '^[-+]?(?:[0-9][0-9_]*(?:\\.[0-9_]*)?|\\.[0-9_]+)(?:[eE][-+]?[0-9]+)?$', // 1, 1.5, .5, 1e3, 1_000
    '^[-+]?0[xob][0-9a-fA-F_]+$', // hex, octal, binary
    '^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\\.[0-9_]*)?$', // YAML 1.1 sexagesimal 1:30
    '^[-+]?\\.(?:inf|nan)$',
    '^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}', // timestamps
  ].join('|'),
  'i',
);
const FIRST_INDICATOR = /^[-?:,[\]{}#&*!|>'"%@`\s]/;

// Label names, metric names, windows, plain words: the bulk of scalars, decided by one regex.
const SIMPLE = /^[A-Za-z_][A-Za-z0-9_.\/-]*$/;

function isPlainSafe(s: string): boolean {
  if (SIMPLE.test(s)) return s.length > 5 || !RESERVED.test(s);
  return (
    s !== '' &&
    !FIRST_INDICATOR.test(s) &&
    !/\s$/.test(s) &&
    !s.endsWith(':') &&
    !s.includes(': ') &&
    !s.includes(' #') &&
    !s.includes(':\t') &&
    // eslint-disable-next-line no-control-regex
    !/[\u0000-\u001f\u007f\u0085\u2028\u2029\ufeff]/.test(s) &&
    !RESERVED.test(s) &&
    !NUMBER_LIKE.test(s)
  );
}

/** Multi-line text a `|` / `|-` block keeps byte for byte. */
function isBlockSafe(s: string): boolean {
  if (!s.includes('\n') || s.endsWith('\n\n') || s.startsWith('\n')) return false;
  // eslint-disable-next-line no-control-regex
  if (/[\r\u0000-\u0008\u000b-\u001f\u007f\u0085\u2028\u2029\ufeff]/.test(s)) return false;
  // The first line sets the block's indentation: it may not start with whitespace.
  return !/^[ \t]/.test(s);
}
