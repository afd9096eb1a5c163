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

export function promqlSyntaxError(text: string): PromqlError | undefined {
  if (text.trim() === '') return { offset: 0, message: 'empty query' };
  const tree = parser.parse(text);
  let err: PromqlError | undefined;
  tree.iterate({
    enter: (n) => {
      if (err) return false;
      if (n.type.isError) {
        const near = text.slice(n.from, n.from + 12).split('\n')[0];
        err = {
          offset: n.from,
          message: n.from >= text.length ? 'unexpected end of query' : `unexpected ${JSON.stringify(near)}`,
        };
        return false;
      }
      return undefined;
    },
  });
  return err;
}

function top(text: string): SyntaxNode | null {
  const root = parser.parse(text).topNode;
  let node = root.firstChild;
  while (node && node.name === 'ParenExpr') node = node.firstChild;
  return node;
}

/** A bare selector such as `http_requests_total{code=~"5.."}`: a counter to be wrapped in rate(). */
export function isVectorSelector(text: string): boolean {
  return top(text)?.name === 'VectorSelector';
}

/** `sum(...)` with no by/without: already one series, so Vigil need not aggregate again. */
export function isUngroupedSum(text: string): boolean {
  const node = top(text);
  if (node?.name !== 'AggregateExpr') return false;
  return node.getChild('AggregateOp')?.firstChild?.name === 'Sum' && !node.getChild('AggregateModifier');
}
