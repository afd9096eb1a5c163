import type { SyntaxNode } from '@lezer/common';
import { FUNCTIONS, type ValueType } from './promql-functions.js';

/**
 * The type rules Prometheus applies after parsing (`checkAST` in promql/parser/parse.go), over
 * the lezer tree, with Prometheus's own messages. @prometheus-io/codemirror-promql has the same
 * checker, but only as an internal module of its CommonJS build that needs a CodeMirror
 * EditorState (five @codemirror peer packages, one of them a DOM view) and pins an older
 * lezer-promql than ours; these rules are small and stable enough to keep here.
 *
 * Only what Prometheus refuses is reported, and an unknown construct has an unknown type that
 * never causes an error: a newer grammar must not make Vigil refuse what promtool accepts.
 */
export type { ValueType } from './promql-functions.js';

export interface TypeCheck {
  /** The query's result type, when known. */
  readonly type?: ValueType;
  readonly error?: { readonly offset: number; readonly message: string };
}

const COMPARISONS = ['Eql', 'Neq', 'Lte', 'Lss', 'Gte', 'Gtr'];
const SET_OPERATORS: Readonly<Record<string, string>> = { And: 'and', Or: 'or', Unless: 'unless' };
const PARAM_TYPES: Readonly<Record<string, ValueType>> = {
  Topk: 'scalar',
  Bottomk: 'scalar',
  LimitK: 'scalar',
  LimitRatio: 'scalar',
  Quantile: 'scalar',
  CountValues: 'string',
};

class Checker {
  error?: TypeCheck['error'];

  constructor(private readonly text: string) {}

  private fail(node: SyntaxNode, message: string): void {
    this.error ??= { offset: node.from, message };
  }

  /** Checks `node` and everything under it; returns its type. */
  check(node: SyntaxNode | null): ValueType | undefined {
    if (!node) return undefined;
    switch (node.name) {
      case 'NumberDurationLiteral':
        return 'scalar';
      case 'StringLiteral':
        return 'string';
      case 'VectorSelector':
        this.checkSelector(node);
        return 'instant vector';
      case 'MatrixSelector': {
        const inner = exprs(node)[0];
        if (inner?.name !== 'VectorSelector') this.fail(node, 'ranges only allowed for vector selectors');
        this.check(inner ?? null);
        return 'range vector';
      }
      case 'SubqueryExpr': {
        const t = this.check(exprs(node)[0] ?? null);
        if (t && t !== 'instant vector') this.fail(node, `subquery is only allowed on instant vector, got ${t} instead`);
        return 'range vector';
      }
      case 'ParenExpr':
        return this.check(exprs(node)[0] ?? null);
      case 'UnaryExpr': {
        const t = this.check(exprs(node)[0] ?? null);
        if (t && t !== 'scalar' && t !== 'instant vector') {
          this.fail(node, `unary expression only allowed on expressions of type scalar or instant vector, got "${t}"`);
        }
        return t;
      }
      case 'OffsetExpr':
      case 'StepInvariantExpr':
        return this.checkModifier(node);
      case 'AggregateExpr':
        return this.checkAggregation(node);
      case 'BinaryExpr':
        return this.checkBinary(node);
      case 'FunctionCall':
        return this.checkCall(node);
      default:
        for (const e of exprs(node)) this.check(e);
        return undefined;
    }
  }

  private checkModifier(node: SyntaxNode): ValueType | undefined {
    const [target, ...rest] = exprs(node);
    for (const e of rest) this.check(e);
    if (!target) return undefined;
    const t = this.check(target);
    const modifier = node.name === 'OffsetExpr' ? 'offset' : '@';
    if (!['VectorSelector', 'MatrixSelector', 'SubqueryExpr', 'OffsetExpr', 'StepInvariantExpr'].includes(target.name)) {
      this.fail(node, `${modifier} modifier must be preceded by an instant vector selector or range vector selector or a subquery`);
    }
    return t;
  }

  private checkAggregation(node: SyntaxNode): ValueType {
    const op = node.getChild('AggregateOp')?.firstChild?.name ?? '';
    const params = exprs(node.getChild('FunctionCallBody'));
    const last = params.at(-1);
    if (last) this.expect(last, 'instant vector', 'aggregation expression');
    const paramType = PARAM_TYPES[op];
    if (paramType && params.length > 1) this.expect(params[0]!, paramType, 'aggregation parameter');
    return 'instant vector';
  }

  private checkBinary(node: SyntaxNode): ValueType | undefined {
    const sides = exprs(node);
    const [l, r] = [sides[0], sides.at(-1)];
    if (!l || !r || l === r) return undefined;
    const lt = this.check(l);
    const rt = this.check(r);
    const op = operatorOf(node);
    const comparison = COMPARISONS.includes(op);
    const setOp = SET_OPERATORS[op];
    const matching = node.getChild('MatchingModifierClause');
    if (node.getChild('BoolModifier')) {
      if (!comparison) this.fail(node, 'bool modifier can only be used on comparison operators');
    } else if (lt === 'scalar' && rt === 'scalar' && comparison) {
      this.fail(node, 'comparisons between scalars must use BOOL modifier');
    }
    for (const [side, t] of [[l, lt], [r, rt]] as const) {
      if (t && t !== 'scalar' && t !== 'instant vector') this.fail(side, 'binary expression must contain only scalar and instant vector types');
    }
    if (matching && (lt === 'scalar' || rt === 'scalar')) this.fail(node, 'vector matching only allowed between instant vectors');
    if (setOp && (lt === 'scalar' || rt === 'scalar')) this.fail(node, `set operator "${setOp}" not allowed in binary scalar expression`);
    if (setOp && (matching?.getChild('GroupLeft') || matching?.getChild('GroupRight'))) this.fail(node, `no grouping allowed for "${setOp}" operation`);
    if (!lt || !rt) return undefined;
    return lt === 'scalar' && rt === 'scalar' ? 'scalar' : 'instant vector';
  }

  private checkCall(node: SyntaxNode): ValueType | undefined {
    const id = node.getChild('FunctionIdentifier');
    const name = id ? this.text.slice(id.from, id.to) : '';
    const args = exprs(node.getChild('FunctionCallBody'));
    const fn = FUNCTIONS.get(name);
    if (!fn) {
      for (const a of args) this.check(a);
      return undefined;
    }
    if (fn.experimental) {
      this.fail(node, `function "${name}" is experimental: Prometheus and promtool accept it only with --enable-feature=promql-experimental-functions`);
    }
    const n = fn.args.length;
    if (fn.variadic === 0 && args.length !== n) {
      this.fail(node, `expected ${n} argument(s) in call to "${name}", got ${args.length}`);
    } else if (fn.variadic !== 0 && args.length < n - 1) {
      this.fail(node, `expected at least ${n - 1} argument(s) in call to "${name}", got ${args.length}`);
    } else if (fn.variadic > 0 && args.length > n - 1 + fn.variadic) {
      this.fail(node, `expected at most ${n - 1 + fn.variadic} argument(s) in call to "${name}", got ${args.length}`);
    }
    args.forEach((a, i) => {
      const want = i < n ? fn.args[i] : fn.variadic !== 0 ? fn.args[n - 1] : undefined;
      if (want) this.expect(a, want, `call to function "${name}"`);
      else this.check(a);
    });
    return fn.returns;
  }

  private expect(node: SyntaxNode, want: ValueType, context: string): void {
    const t = this.check(node);
    if (t && t !== want) this.fail(node, `expected type ${want} in ${context}, got ${t}`);
  }

  /** A selector without a metric name must still select something (Prometheus refuses `{a=""}`). */
  private checkSelector(node: SyntaxNode): void {
    if (node.getChild('Identifier')) return;
    const matchers = node.getChild('LabelMatchers');
    if (!matchers || matchers.getChild('QuotedLabelName')) return;
    const all = [...matchers.getChildren('UnquotedLabelMatcher'), ...matchers.getChildren('QuotedLabelMatcher')];
    if (all.length > 0 && all.every((m) => this.matchesEmpty(m))) this.fail(node, 'vector selector must contain at least one non-empty matcher');
  }

  private matchesEmpty(matcher: SyntaxNode): boolean {
    const op = matcher.getChild('MatchOp')?.firstChild?.name;
    const literal = matcher.getChildren('StringLiteral').at(-1);
    if (!op || !literal) return false;
    const value = unquote(this.text.slice(literal.from, literal.to));
    if (value === undefined) return false;
    if (op === 'EqlSingle') return value === '';
    if (op === 'Neq') return value !== '';
    try {
      const matches = new RegExp(`^(?:${value})$`).test('');
      return op === 'EqlRegex' ? matches : !matches;
    } catch {
      // An RE2 construct JavaScript does not know: assume it selects something.
      return false;
    }
  }
}

function exprs(node: SyntaxNode | null): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node?.firstChild ?? null; c; c = c.nextSibling) if (c.type.is('Expr')) out.push(c);
  return out;
}

function operatorOf(node: SyntaxNode): string {
  for (let c = node.firstChild; c; c = c.nextSibling) if (!c.type.is('Expr') && !c.name.endsWith('Modifier') && !c.name.endsWith('Clause')) return c.name;
  return '';
}

/** The value of a complete string literal; undefined when it has escapes this check need not decode. */
function unquote(literal: string): string | undefined {
  const inner = literal.slice(1, -1);
  return inner.includes('\\') ? undefined : inner;
}

/** Type-checks a parsed query that has no syntax errors. */
export function checkTypes(text: string, top: SyntaxNode | null): TypeCheck {
  const checker = new Checker(text);
  const type = checker.check(top);
  return { type, error: checker.error };
}
