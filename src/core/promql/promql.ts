import { parser } from '@prometheus-io/lezer-promql';
import type { SyntaxNode } from '@lezer/common';
import { checkTypes, type TypeCheck, type ValueType } from './promql-types.js';

/**
 * In-process PromQL checks: syntax, and the type rules Prometheus applies after parsing
 * (promql-types.ts), so that what `vigil validate` passes, promtool accepts.
 */

export interface PromqlError {
  readonly offset: number;
  readonly message: string;
  /** A literal Prometheus 2 refuses (a duration where a number goes, a number out of range): the tree itself is sound. */
  readonly literal?: true;
}

export const WINDOW_PLACEHOLDER_RE = /\{\{\s*\.window\s*\}\}/g;

export function hasWindowPlaceholder(text: string): boolean {
  return new RegExp(WINDOW_PLACEHOLDER_RE.source).test(text);
}

/** Sloth's Go-template placeholder, the one template Vigil knows: `[{{.window}}]`. */
export function renderWindow(text: string, window: string): string {
  return text.replace(WINDOW_PLACEHOLDER_RE, window);
}

interface Analysis {
  readonly error?: PromqlError;
  readonly top?: string;
  readonly ungroupedSum: boolean;
  /** Only computed for queries without syntax errors. */
  readonly types: TypeCheck;
  readonly lastComment?: { readonly from: number; readonly to: number };
}

// Validation and generation both ask about the same query texts: parse each once. Bounded so a
// long-running service that reloads specs cannot grow it without limit.
const analyses = new Map<string, Analysis>();
const MAX_CACHED = 100_000;

function analyse(text: string): Analysis {
  let a = analyses.get(text);
  if (a) return a;
  const tree = parser.parse(text);
  let node: SyntaxNode | null = tree.topNode.firstChild;
  while (node && node.name === 'ParenExpr') node = node.firstChild;
  const error = firstError(text, tree.topNode);
  const comment = lastNamed(tree.topNode, 'LineComment');
  a = {
    error,
    types: error ? {} : checkTypes(text, tree.topNode.firstChild),
    // Positions only: a cached node would keep its whole tree alive.
    lastComment: comment && { from: comment.from, to: comment.to },
    top: node?.name,
    ungroupedSum:
      node?.name === 'AggregateExpr' && node.getChild('AggregateOp')?.firstChild?.name === 'Sum' && !node.getChild('AggregateModifier'),
  };
  if (analyses.size >= MAX_CACHED) analyses.clear();
  analyses.set(text, a);
  return a;
}

/** A Prometheus duration: units in descending order, each once (model.ParseDuration). */
const DURATION_RE = /^(?:\d+y)?(?:\d+w)?(?:\d+d)?(?:\d+h)?(?:\d+m)?(?:\d+s)?(?:\d+ms)?$/;

/**
 * A number where Prometheus 2 reads one: a duration there (`> 5m`) is Prometheus 3 syntax, and a
 * number past float64 (`1e999`) fails Go's ParseFloat.
 */
function numberProblem(literal: string): string | undefined {
  if (/^[+-]?(?:inf|nan)$/i.test(literal)) return undefined;
  if (/^(?:\d+(?:ms|[smhdwy]))+$/.test(literal)) return `unexpected duration ${JSON.stringify(literal)} where a number is expected`;
  const value = /^0[xX]/.test(literal) ? parseInt(literal, 16) : Number(literal.replace(/_/g, ''));
  if (!Number.isFinite(value)) return `number ${JSON.stringify(literal)} is out of range`;
  return undefined;
}

function firstError(text: string, root: SyntaxNode): PromqlError | undefined {
  if (text.trim() === '') return { offset: 0, message: 'empty query' };
  let err: PromqlError | undefined;
  root.cursor().iterate((n) => {
    if (err) return false;
    if (n.name === 'StringLiteral' && !isTerminated(text.slice(n.from, n.to))) {
      err = { offset: n.from, message: 'unterminated string' };
      return false;
    }
    if (n.name === 'StringLiteral') {
      const bad = badEscape(text.slice(n.from, n.to));
      if (bad !== undefined) {
        err = { offset: n.from + bad, message: `unknown escape sequence ${JSON.stringify(text.slice(n.from + bad, n.from + bad + 2))}` };
        return false;
      }
    }
    // The grammar also reads Prometheus 3's experimental duration arithmetic (`[5m-1m]`) and bare
    // numbers as durations; the Prometheus the rules are for refuses both.
    if (n.name === 'DurationExpr' && n.node.getChild('DurationExpr')) {
      err = { offset: n.from, message: `arithmetic in a duration (${JSON.stringify(text.slice(n.from, n.to))}) is not PromQL: write the duration, e.g. 5m` };
      return false;
    }
    if (n.name === 'NumberDurationLiteralInDurationContext' && !DURATION_RE.test(text.slice(n.from, n.to))) {
      err = { offset: n.from, message: `${JSON.stringify(text.slice(n.from, n.to))} is not a duration: give it a unit, e.g. 5m` };
      return false;
    }
    if (n.name === 'NumberDurationLiteral') {
      const literal = text.slice(n.from, n.to);
      const problem = numberProblem(literal);
      if (problem) {
        err = { offset: n.from, message: problem, literal: true };
        return false;
      }
    }
    if (n.type.isError) {
      const near = text.slice(n.from, n.from + 12).split('\n')[0];
      err = { offset: n.from, message: n.from >= text.length ? 'unexpected end of query' : `unexpected ${JSON.stringify(near)}` };
      return false;
    }
    return undefined;
  });
  return err;
}

/**
 * Offset of an escape PromQL's lexer refuses (lex.go lexEscape: Go's escapes and the string's own
 * quote); backquoted strings have none.
 */
function badEscape(literal: string): number | undefined {
  const quote = literal[0];
  if (quote === '`') return undefined;
  for (let i = 1; i < literal.length - 1; i++) {
    if (literal[i] !== '\\') continue;
    const rest = literal.slice(i + 1);
    const ok = /^(?:[abfnrtv\\]|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3})/.test(rest) || rest[0] === quote;
    if (!ok) return i;
    i++;
  }
  return undefined;
}

/**
 * lezer ends a string at a line break or at the end of the text without an error node; Prometheus
 * refuses it. Backquoted strings have no escapes.
 */
function isTerminated(literal: string): boolean {
  const quote = literal[0];
  for (let i = 1; i < literal.length; i++) {
    if (literal[i] === '\\' && quote !== '`') i++;
    else if (literal[i] === quote) return i === literal.length - 1;
  }
  return false;
}

function lastNamed(root: SyntaxNode, name: string): SyntaxNode | undefined {
  let found: SyntaxNode | undefined;
  root.cursor().iterate((n) => {
    if (n.name === name) found = n.node;
  });
  return found;
}

function firstNamed(root: SyntaxNode, name: string): SyntaxNode | undefined {
  let found: SyntaxNode | undefined;
  root.cursor().iterate((n) => {
    if (found) return false;
    if (n.name === name) found = n.node;
    return undefined;
  });
  return found;
}

export function promqlSyntaxError(text: string): PromqlError | undefined {
  return analyse(text).error;
}

/** The first syntax or type error, as promtool would refuse the query. */
export function promqlError(text: string): PromqlError | undefined {
  const a = analyse(text);
  return a.error ?? a.types.error;
}

/** The result type of a valid query (undefined when invalid or not known). */
export function promqlType(text: string): ValueType | undefined {
  return analyse(text).types.type;
}

/**
 * Offset of a `# comment` that runs to the end of the query. Where Vigil writes more PromQL after
 * the query (`sum(rate(<q>[5m]))`, `<q> or vector(0)`), such a comment hides it; a comment
 * followed by a line break inside the query is harmless.
 */
export function trailingCommentOffset(text: string): number | undefined {
  const a = analyse(text);
  return a.lastComment && text.slice(a.lastComment.to).trim() === '' ? a.lastComment.from : undefined;
}

/** A query as promtool would see it with every {{.window}} rendered, and the way back to offsets in the text as written. */
export interface RenderedQuery {
  readonly text: string;
  /** Each placeholder: where its rendered window starts in `text`, where it starts as written, its length as written. */
  readonly windows: readonly { readonly at: number; readonly original: number; readonly length: number }[];
}

const CHECK_WINDOW = '5m';

export function renderForCheck(text: string): RenderedQuery {
  const windows: { at: number; original: number; length: number }[] = [];
  let shift = 0;
  for (const m of text.matchAll(WINDOW_PLACEHOLDER_RE)) {
    windows.push({ at: m.index - shift, original: m.index, length: m[0].length });
    shift += m[0].length - CHECK_WINDOW.length;
  }
  return { text: renderWindow(text, CHECK_WINDOW), windows };
}

/** Maps an offset in the rendered text back to the text as written; inside a rendered window, to its placeholder. */
export function originalOffset(r: RenderedQuery, renderedOffset: number): number {
  let shift = 0;
  for (const w of r.windows) {
    if (w.at >= renderedOffset) break;
    if (renderedOffset < w.at + CHECK_WINDOW.length) return w.original;
    shift = w.original - w.at + w.length - CHECK_WINDOW.length;
  }
  return renderedOffset + shift;
}

/**
 * Offset (in the text as written) of the first {{.window}} that is not the whole range of a range
 * selector or subquery, `x[{{.window}}]` or `x[{{.window}}:1m]`: anywhere else it renders a
 * duration where none is wanted (`{{.window}}` alone is a scalar, inside a string it is text).
 */
export function misplacedWindowOffset(text: string): number | undefined {
  const r = renderForCheck(text);
  // A rendered placeholder where a number goes reads as a misplaced literal: that is this check's case.
  const error = analyse(r.text).error;
  if (error && !error.literal) return undefined;
  // Not cached: trees are kept only as long as a check needs them.
  const tree = parser.parse(r.text);
  for (const w of r.windows) {
    let node: SyntaxNode | null = tree.resolveInner(w.at, 1);
    while (node && node.name !== 'DurationExpr' && node.from === w.at) node = node.parent;
    const ok =
      node?.name === 'DurationExpr' &&
      node.from === w.at &&
      node.to === w.at + CHECK_WINDOW.length &&
      (node.parent?.name === 'MatrixSelector' || node.parent?.name === 'SubqueryExpr');
    if (!ok) return w.original;
  }
  return undefined;
}

/** A bare selector such as `http_requests_total{code=~"5.."}`: a counter to be wrapped in rate(). */
export function isVectorSelector(text: string): boolean {
  return analyse(text).top === 'VectorSelector';
}

/** `sum(...)` with no by/without: already one series, so Vigil need not aggregate again. */
export function isUngroupedSum(text: string): boolean {
  return analyse(text).ungroupedSum;
}

/** Where the label matchers of the first selector in `text` end: just after its closing `}`. */
export function selectorEnd(text: string): number | undefined {
  return firstNamed(parser.parse(text).topNode, 'LabelMatchers')?.to;
}

/**
 * The vector selectors a query reads, each once, in the order written: `metric{matchers}` with
 * the whitespace between tokens dropped and without ranges or `offset`/`@` modifiers, so that
 * `absent()` of each says whether Prometheus has any of that input now. `{{.window}}` may be in
 * the ranges; a query with a syntax error has none.
 */
export function vectorSelectors(text: string): readonly string[] {
  let found = selectorLists.get(text);
  if (found) return found;
  const rendered = renderForCheck(text).text;
  const unique = new Set<string>();
  let broken = false;
  parser.parse(rendered).topNode.cursor().iterate((n) => {
    if (n.type.isError) broken = true;
    if (broken) return false;
    if (n.name !== 'VectorSelector') return undefined;
    unique.add(selectorText(rendered, n.node));
    return false;
  });
  found = broken ? [] : [...unique];
  // Validation and generation both ask: parsed once, bounded like the analyses above.
  if (selectorLists.size >= MAX_CACHED) selectorLists.clear();
  selectorLists.set(text, found);
  return found;
}

const selectorLists = new Map<string, readonly string[]>();

function selectorText(text: string, selector: SyntaxNode): string {
  const slice = (n: SyntaxNode) => text.slice(n.from, n.to);
  const name = selector.getChild('Identifier');
  const matchers = selector.getChild('LabelMatchers');
  const parts: string[] = [];
  for (let m = matchers?.firstChild ?? null; m; m = m.nextSibling) {
    if (m.name === 'UnquotedLabelMatcher' || m.name === 'QuotedLabelMatcher') {
      const nameNode = m.firstChild!;
      const op = m.getChild('MatchOp')!;
      const value = m.lastChild!;
      parts.push(`${slice(nameNode)}${slice(op)}${slice(value)}`);
    } else if (m.name === 'QuotedLabelName') parts.push(slice(m));
  }
  return `${name ? slice(name) : ''}${parts.length > 0 || !name ? `{${parts.join(',')}}` : ''}`;
}
