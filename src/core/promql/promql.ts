import { parser } from '@prometheus-io/lezer-promql';
import type { SyntaxNode } from '@lezer/common';

/** In-process PromQL checks. Syntax only: types and functions are judged by promtool in tests. */

export interface PromqlError {
  readonly offset: number;
  readonly message: string;
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
  a = {
    error: firstError(text, tree.topNode),
    top: node?.name,
    ungroupedSum:
      node?.name === 'AggregateExpr' && node.getChild('AggregateOp')?.firstChild?.name === 'Sum' && !node.getChild('AggregateModifier'),
  };
  if (analyses.size >= MAX_CACHED) analyses.clear();
  analyses.set(text, a);
  return a;
}

function firstError(text: string, root: SyntaxNode): PromqlError | undefined {
  if (text.trim() === '') return { offset: 0, message: 'empty query' };
  let err: PromqlError | undefined;
  root.cursor().iterate((n) => {
    if (err) return false;
    if (n.type.isError) {
      const near = text.slice(n.from, n.from + 12).split('\n')[0];
      err = { offset: n.from, message: n.from >= text.length ? 'unexpected end of query' : `unexpected ${JSON.stringify(near)}` };
      return false;
    }
    return undefined;
  });
  return err;
}

export function promqlSyntaxError(text: string): PromqlError | undefined {
  return analyse(text).error;
}

/** A bare selector such as `http_requests_total{code=~"5.."}`: a counter to be wrapped in rate(). */
export function isVectorSelector(text: string): boolean {
  return analyse(text).top === 'VectorSelector';
}

/** `sum(...)` with no by/without: already one series, so Vigil need not aggregate again. */
export function isUngroupedSum(text: string): boolean {
  return analyse(text).ungroupedSum;
}
