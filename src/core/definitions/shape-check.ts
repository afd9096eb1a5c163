import { closest, distance } from 'fastest-levenshtein';
import { z } from 'zod';
import { diagnostic, type Diagnostic } from '../diagnostics.js';
import type { Path, YamlDocument } from './yaml-source.js';

/**
 * Checks a document against a strict zod schema and turns every issue into a positioned
 * diagnostic. Unknown fields get a "did you mean" because a typo in an optional field would
 * otherwise be silently ignored — the classic way an alert ends up never firing.
 */
export function checkShape<S extends z.ZodType>(
  schema: S,
  src: YamlDocument,
  value: unknown,
  base: Path = [],
): { value?: z.output<S>; diagnostics: Diagnostic[] } {
  const result = schema.safeParse(value);
  if (result.success) return { value: result.data, diagnostics: [] };
  const diagnostics: Diagnostic[] = [];
  for (const issue of result.error.issues) {
    const path = [...base, ...(issue.path as (string | number)[])];
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeys(schema, issue.path as (string | number)[]);
      for (const key of issue.keys) {
        diagnostics.push({ ...diagnostic(src.pos([...path, key], { key: true }), unknownField(key, known)), kind: 'unknown-field' });
      }
      continue;
    }
    const field = path.length > 0 ? describePath(path) : 'document';
    const actual = valueAt(value, issue.path as (string | number)[]);
    if (issue.code === 'invalid_type' && actual === undefined) {
      diagnostics.push(diagnostic(src.pos(path.slice(0, -1)), `missing required field "${String(path.at(-1))}"`));
      continue;
    }
    diagnostics.push(diagnostic(src.pos(path), `${field}: ${issueText(issue, actual)}`));
  }
  // Unknown fields alone leave the rest readable: the value without them goes on to be checked,
  // so a typo does not hide the document's other problems (callers still refuse the document,
  // since its diagnostics are there).
  if (result.error.issues.every((i) => i.code === 'unrecognized_keys')) {
    const known = schema.safeParse(withoutKeys(value, result.error.issues));
    if (known.success) return { value: known.data, diagnostics };
  }
  return { diagnostics };
}

/** A copy of `value` without the keys the issues name; the input is never changed. */
function withoutKeys(value: unknown, issues: readonly z.core.$ZodIssue[]): unknown {
  const copy = structuredClone(value);
  for (const issue of issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    const parent = valueAt(copy, issue.path as (string | number)[]);
    if (parent && typeof parent === 'object') for (const key of issue.keys) delete (parent as Record<string, unknown>)[key];
  }
  return copy;
}

/** checkShape for a parser collecting every problem in `out`: the value, or undefined once its problems are there. */
export function checkShapeInto<S extends z.ZodType>(schema: S, src: YamlDocument, value: unknown, base: Path, out: Diagnostic[]): z.output<S> | undefined {
  const checked = checkShape(schema, src, value, base);
  out.push(...checked.diagnostics);
  return checked.value;
}

export function unknownField(key: string, known: readonly string[]): string {
  const hint = suggest(key, known);
  return `unknown field "${key}"${hint ? `, did you mean "${hint}"?` : ''}`;
}

/** The nearest known name, if it is close enough to be a plausible typo. */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const best = closest(word, [...candidates]);
  const limit = Math.max(2, Math.floor(best.length / 3));
  const norm = (s: string) => s.toLowerCase().replace(/[_-]/g, '');
  return distance(word, best) <= limit || norm(word) === norm(best) ? best : undefined;
}

function issueText(issue: z.core.$ZodIssue, actual: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${article(issue.expected)}, got ${kindOf(actual)}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(actual)}`;
    case 'too_small':
      return issue.origin === 'string' ? 'must not be empty' : issue.message;
    default:
      return issue.message;
  }
}

function article(t: string): string {
  const names: Record<string, string> = {
    string: 'a string',
    number: 'a number',
    boolean: 'true or false',
    object: 'a mapping',
    array: 'a list',
    record: 'a mapping',
  };
  return names[t] ?? t;
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the string ${JSON.stringify(v)}`;
  return `${typeof v} ${String(v)}`;
}

function describePath(path: Path): string {
  return path.reduce<string>((acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '');
}

function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let v: unknown = root;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

/** Field names the schema accepts at `path`, for "did you mean". */
function knownKeys(schema: z.ZodType, path: readonly (string | number)[]): string[] {
  let s: z.ZodType | undefined = unwrap(schema);
  for (const seg of path) {
    if (!s) return [];
    if (s instanceof z.ZodObject) s = unwrap(s.shape[seg as string] as z.ZodType | undefined);
    else if (s instanceof z.ZodArray) s = unwrap(s.element as z.ZodType);
    else if (s instanceof z.ZodRecord) s = unwrap(s.valueType as z.ZodType);
    else return [];
  }
  return s instanceof z.ZodObject ? Object.keys(s.shape) : [];
}

function unwrap(s: z.ZodType | undefined): z.ZodType | undefined {
  let cur = s;
  while (cur instanceof z.ZodOptional || cur instanceof z.ZodDefault || cur instanceof z.ZodNullable) {
    cur = cur.unwrap() as z.ZodType;
  }
  return cur;
}
