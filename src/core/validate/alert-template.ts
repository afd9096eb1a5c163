/**
 * The checks Prometheus makes when it loads an alerting rule's labels and annotations, which it
 * parses as Go text/templates (promtool refuses the whole file when one does not parse): actions
 * closed, tokens Go's lexer knows, variables defined, functions known, operands separated,
 * if/range/with/define/block matched by end. A faithful subset of Go's text/template/parse
 * (go/src/text/template/parse/lex.go and parse.go), enough that what passes here parses there;
 * what the template does when it runs is not judged.
 */

export interface TemplateProblem {
  /** Offset in the text of the action or token at fault. */
  readonly offset: number;
  readonly message: string;
}

/**
 * Go's builtins and the functions Prometheus 2.42 adds for alert templates
 * (prometheus/prometheus template/template.go, docs/configuration/template_reference.md).
 */
const FUNCTIONS = new Set([
  'and', 'call', 'html', 'index', 'slice', 'js', 'len', 'not', 'or', 'print', 'printf', 'println', 'urlquery', 'eq', 'ge', 'gt', 'le', 'lt', 'ne',
  'query', 'first', 'label', 'value', 'strvalue', 'args', 'tmpl', 'safeHtml', 'match', 'title', 'toUpper', 'toLower', 'graphLink', 'tableLink',
  'sortByLabel', 'humanize', 'humanize1024', 'humanizeDuration', 'humanizePercentage', 'humanizeTimestamp', 'toTime', 'pathPrefix', 'externalURL',
  'parseDuration', 'stripPort',
]);
/** What Prometheus defines before an alert template runs (rules/alerting.go). */
const PREDEFINED = ['$', '$labels', '$value', '$externalLabels', '$externalURL'];
const OPENERS = new Set(['if', 'range', 'with', 'define', 'block']);
const KEYWORDS = new Set([...OPENERS, 'else', 'end', 'template', 'break', 'continue', 'nil', 'true', 'false']);

type Token = { readonly kind: 'space' | 'pipe' | 'open' | 'close' | 'comma' | 'declare' | 'assign' | 'operand' | 'word'; readonly text: string; readonly at: number };

export function templateProblem(text: string): TemplateProblem | undefined {
  const variables = new Set(PREDEFINED);
  const blocks: { word: string; at: number }[] = [];
  let i = 0;
  for (;;) {
    const start = text.indexOf('{{', i);
    if (start < 0) break;
    let p = start + 2;
    if (text.startsWith('- ', p) || text.startsWith('-\t', p) || text.startsWith('-\n', p)) p += 1;
    // A comment is the whole action.
    const afterSpace = p + (text.slice(p).match(/^\s*/)?.[0].length ?? 0);
    if (text.startsWith('/*', afterSpace)) {
      const close = text.indexOf('*/', afterSpace + 2);
      if (close < 0) return { offset: start, message: 'unclosed comment' };
      const rest = text.slice(close + 2).match(/^\s*-?}}/);
      if (!rest) return { offset: close, message: 'comment ends before closing delimiter' };
      i = close + 2 + rest[0].length;
      continue;
    }
    const lexed = lexAction(text, p);
    if ('message' in lexed) return lexed;
    const problem = checkAction(lexed.tokens, start, variables, blocks);
    if (problem) return problem;
    i = lexed.end;
  }
  const open = blocks.pop();
  if (open) return { offset: open.at, message: `{{${open.word}}} has no matching {{end}}` };
  return undefined;
}

/** The tokens of one action, up to its `}}` (or ` -}}`). */
function lexAction(text: string, from: number): { tokens: Token[]; end: number } | TemplateProblem {
  const tokens: Token[] = [];
  let p = from;
  const at = (re: RegExp) => text.slice(p).match(re)?.[0];
  for (;;) {
    if (p >= text.length) return { offset: from - 2, message: 'unclosed action' };
    const c = text[p]!;
    if (text.startsWith('}}', p)) return { tokens, end: p + 2 };
    if (/[ \t\r\n]/.test(c)) {
      const sp = at(/^[ \t\r\n]+/)!;
      // " -}}" trims what follows: the dash belongs to the delimiter.
      if (text.startsWith('-}}', p + sp.length)) return { tokens, end: p + sp.length + 3 };
      tokens.push({ kind: 'space', text: sp, at: p });
      p += sp.length;
      continue;
    }
    const simple: Record<string, Token['kind']> = { '|': 'pipe', '(': 'open', ')': 'close', ',': 'comma' };
    if (simple[c]) {
      tokens.push({ kind: simple[c]!, text: c, at: p });
      p += 1;
      continue;
    }
    if (text.startsWith(':=', p) || c === '=') {
      const op = text.startsWith(':=', p) ? ':=' : '=';
      tokens.push({ kind: op === ':=' ? 'declare' : 'assign', text: op, at: p });
      p += op.length;
      continue;
    }
    let token: string | undefined;
    if (c === '"') {
      token = at(/^"(?:[^"\\\n]|\\.)*"/);
      if (!token) return { offset: p, message: 'unterminated quoted string' };
    } else if (c === '`') {
      token = at(/^`[^`]*`/);
      if (!token) return { offset: p, message: 'unterminated raw quoted string' };
    } else if (c === "'") {
      token = at(/^'(?:[^'\\\n]|\\.[^']*)'/);
      if (!token) return { offset: p, message: 'unterminated character constant' };
    } else if (/[0-9+\-]/.test(c) || (c === '.' && /[0-9]/.test(text[p + 1] ?? ''))) {
      token = at(/^[+-]?(?:0[xX][0-9a-fA-F_]*(?:\.[0-9a-fA-F_]*)?(?:[pP][+-]?[0-9_]+)?|0[bB][01_]+|0[oO][0-7_]+|[0-9_]*\.?[0-9_]*(?:[eE][+-]?[0-9_]+)?)i?/);
      // Go: a number runs into a letter or another number only by mistake.
      if (!token || token === '+' || token === '-' || /^[A-Za-z0-9_.]/.test(text[p + token.length] ?? '')) {
        const bad = at(/^[+\-.0-9A-Za-z_]+/) ?? c;
        return { offset: p, message: `bad number syntax: ${JSON.stringify(bad)}` };
      }
    } else if (c === '$') {
      // A field segment starts with a letter: Go lexes `.5` after a field as a number (lex.go).
      token = at(/^\$[\p{L}\p{N}_]*(?:\.[\p{L}_][\p{L}\p{N}_]*)*/u)!;
    } else if (c === '.') {
      token = at(/^(?:\.[\p{L}_][\p{L}\p{N}_]*)+/u) ?? '.';
    } else if (/[\p{L}_]/u.test(c)) {
      token = at(/^[\p{L}_][\p{L}\p{N}_]*(?:\.[\p{L}_][\p{L}\p{N}_]*)*/u)!;
      tokens.push({ kind: 'word', text: token, at: p });
      p += token.length;
      continue;
    } else {
      return { offset: p, message: `unrecognized character in action: ${JSON.stringify(c)}` };
    }
    tokens.push({ kind: 'operand', text: token, at: p });
    p += token.length;
  }
}

function checkAction(tokens: readonly Token[], start: number, variables: Set<string>, blocks: { word: string; at: number }[]): TemplateProblem | undefined {
  const parts = tokens.filter((t) => t.kind !== 'space');
  if (parts.length === 0) return { offset: start, message: 'missing value for command' };
  const first = parts[0]!;
  if (first.kind === 'word' && first.text === 'end') {
    if (parts.length > 1) return { offset: parts[1]!.at, message: `unexpected ${JSON.stringify(parts[1]!.text)} in end` };
    if (!blocks.pop()) return { offset: start, message: 'unexpected {{end}}' };
    return undefined;
  }
  if (first.kind === 'word' && first.text === 'else') {
    if (!blocks.some((b) => b.word !== 'define' && b.word !== 'block')) return { offset: start, message: 'unexpected {{else}}' };
  }
  if (first.kind === 'word' && OPENERS.has(first.text)) blocks.push({ word: first.text, at: start });
  // Operands must be separated: `.key.5` or `$x"y"` is one operand running into the next.
  for (let k = 1; k < tokens.length; k++) {
    const a = tokens[k - 1]!;
    const b = tokens[k]!;
    // A field of a parenthesised pipeline, `(index $x 0).Labels`, is the one operand that may follow `)`.
    const fieldOfParens = a.kind === 'close' && b.kind === 'operand' && /^\.[\p{L}_]/u.test(b.text);
    if (!fieldOfParens && (a.kind === 'operand' || a.kind === 'word' || a.kind === 'close') && (b.kind === 'operand' || b.kind === 'word' || b.kind === 'open')) {
      return { offset: b.at, message: `unexpected ${JSON.stringify(b.text)} in operand` };
    }
  }
  for (const [k, t] of parts.entries()) {
    if (t.kind === 'operand' && t.text.startsWith('$')) {
      const name = t.text.split('.')[0]!;
      const declares = parts[k + 1]?.kind === 'declare' || (parts[k + 1]?.kind === 'comma' && parts[k + 3]?.kind === 'declare');
      if (declares) variables.add(name);
      else if (!variables.has(name)) return { offset: t.at, message: `undefined variable ${JSON.stringify(name)}` };
    }
    if (t.kind === 'word') {
      const name = t.text.split('.')[0]!;
      if (!KEYWORDS.has(name) && !FUNCTIONS.has(name)) return { offset: t.at, message: `function ${JSON.stringify(name)} not defined` };
    }
    if (t.kind === 'pipe' && (parts[k + 1] === undefined || parts[k + 1]!.kind === 'pipe' || parts[k + 1]!.kind === 'close')) {
      return { offset: t.at, message: 'missing command after |' };
    }
  }
  return undefined;
}
