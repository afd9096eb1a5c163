import {
  hasWindowPlaceholder,
  isUngroupedSum,
  isVectorSelector,
  misplacedWindowOffset,
  originalOffset,
  promqlError,
  promqlSyntaxError,
  promqlType,
  renderForCheck,
  renderWindow,
  selectorEnd,
  trailingCommentOffset,
  vectorSelectors,
} from './promql.js';

describe('PromQL helpers', () => {
  it.each([
    ['http_requests_total', true],
    ['http_requests_total{code=~"5.."}', true],
    ['(http_requests_total{code="500"})', true],
    ['rate(http_requests_total[5m])', false],
    ['sum(http_requests_total)', false],
  ])('%s is a bare selector: %s', (q, expected) => {
    expect(isVectorSelector(q)).toBe(expected);
  });

  it.each([
    ['sum(rate(x[5m]))', true],
    ['sum by (code) (rate(x[5m]))', false],
    ['sum without (pod) (rate(x[5m]))', false],
    ['max(rate(x[5m]))', false],
    ['sum(rate(x[5m])) / sum(rate(y[5m]))', false],
  ])('%s is one ungrouped sum: %s', (q, expected) => {
    expect(isUngroupedSum(q)).toBe(expected);
  });

  it.each([
    ['rate(x[5m]', 10, 'unexpected end of query'],
    ['sum(rate(x[5m])) / ', 19, 'unexpected end of query'],
    ['x{a="b"', 7, 'unexpected end of query'],
    ['x{a="b}[5m]', 4, 'unterminated string'],
    ["x{a='b\n}", 4, 'unterminated string'],
    ['x{a="b\\"}', 4, 'unterminated string'],
  ])('finds the error in %j at offset %d', (q, offset, message) => {
    expect(promqlSyntaxError(q)).toEqual({ offset, message });
  });

  it('accepts valid queries', () => {
    expect(promqlSyntaxError('histogram_quantile(0.95, sum by (le) (rate(h_bucket[5m]))) > 0.5')).toBeUndefined();
  });

  it('renders every {{.window}} placeholder, with or without spaces', () => {
    const q = 'sum(rate(a[{{.window}}])) / sum(rate(b[{{ .window }}]))';
    expect(hasWindowPlaceholder(q)).toBe(true);
    expect(renderWindow(q, '1h')).toBe('sum(rate(a[1h])) / sum(rate(b[1h]))');
    expect(hasWindowPlaceholder('sum(rate(a[5m]))')).toBe(false);
  });

  it.each([
    ['sum(x[5m])', 4, 'expected type instant vector in aggregation expression, got range vector'],
    ['rate(x)', 5, 'expected type range vector in call to function "rate", got instant vector'],
    ['histogram_quantile("0.9", x)', 19, 'expected type scalar in call to function "histogram_quantile", got string'],
    ['topk("3", x)', 5, 'expected type scalar in aggregation parameter, got string'],
    ['count_values(1, x)', 13, 'expected type string in aggregation parameter, got scalar'],
    ['clamp_min(x)', 0, 'expected 2 argument(s) in call to "clamp_min", got 1'],
    ['round(x, 1, 2)', 0, 'expected at most 2 argument(s) in call to "round", got 3'],
    ['x[5m] / y', 0, 'binary expression must contain only scalar and instant vector types'],
    ['1 > 2', 0, 'comparisons between scalars must use BOOL modifier'],
    ['x + bool y', 0, 'bool modifier can only be used on comparison operators'],
    ['x and 1', 0, 'set operator "and" not allowed in binary scalar expression'],
    ['x and on(a) group_left y', 0, 'no grouping allowed for "and" operation'],
    ['x + on(a) 1', 0, 'vector matching only allowed between instant vectors'],
    ['-(x[5m])', 0, 'unary expression only allowed on expressions of type scalar or instant vector, got "range vector"'],
    ['x[5m][10m:]', 0, 'subquery is only allowed on instant vector, got range vector instead'],
    ['(x)[5m]', 0, 'ranges only allowed for vector selectors'],
    ['{a=""}', 0, 'vector selector must contain at least one non-empty matcher'],
    ['sum(rate(x[5m])) offset 5m', 0, 'offset modifier must be preceded by an instant vector selector or range vector selector or a subquery'],
    ['first_over_time(x[5m])', 0, 'function "first_over_time" is experimental: Prometheus and promtool accept it only with --enable-feature=promql-experimental-functions'],
  ])('refuses the type error in %j at offset %d', (q, offset, message) => {
    expect(promqlSyntaxError(q)).toBeUndefined();
    expect(promqlError(q)).toEqual({ offset, message });
  });

  it.each([
    ['sum by (code) (rate(x{code=~"5.."}[5m]))', 'instant vector'],
    ['rate(x[5m])[1h:5m]', 'range vector'],
    ['scalar(sum(x)) * 2', 'scalar'],
    ['1 > bool 2', 'scalar'],
    ['label_join(x, "a", ",", "b", "c", "d")', 'instant vector'],
    ['"text"', 'string'],
    ['x offset 5m @ 100', 'instant vector'],
    ['{__name__=~"x.*"}', 'instant vector'],
  ])('types %j as %s', (q, type) => {
    expect(promqlError(q)).toBeUndefined();
    expect(promqlType(q)).toBe(type);
  });

  it.each([
    ['sum(x) # total', 7],
    ['sum(x) # total\n  ', 7],
    ['sum(x)\n# total\n/ 2', undefined],
    ['x{a="#"}', undefined],
  ])('a comment that ends %j is at %s', (q, offset) => {
    expect(trailingCommentOffset(q)).toBe(offset);
  });

  it.each([
    ['rate(x[{{.window}}])', undefined],
    ['rate(x[1h:{{ .window }}])', undefined],
    ['{{.window}}', 0],
    ['rate(x[5m]) * {{.window}}', 14],
    ['rate(x{w="{{.window}}"}[{{.window}}])', 10],
    ['rate(x[{{.window}}]) + rate(x[5m] offset {{.window}})', 41],
  ])('a misplaced {{.window}} in %j is at %s', (q, offset) => {
    expect(misplacedWindowOffset(q)).toBe(offset);
  });

  it('maps offsets in the rendered query back to the text as written', () => {
    const r = renderForCheck('rate(a[{{ .window }}]) / rate(b[{{.window}}]');
    expect(r.text).toBe('rate(a[5m]) / rate(b[5m]');
    expect([0, 7, 8, 10, 24].map((o) => originalOffset(r, o))).toEqual([0, 7, 7, 21, 44]);
  });

  it.each([
    ['m{a="b"}', 8],
    ['m{a="b"} or up{c="d"}', 8],
    ['m{a="b"}}', 8],
  ])('the first selector of %j ends at %d', (text, end) => {
    expect(selectorEnd(text)).toBe(end);
  });

  it.each([
    ['http_requests_total{job="checkout"}', ['http_requests_total{job="checkout"}']],
    [
      'sum(rate(x_total{ job = "a",\n code=~"5.." }[{{.window}}] offset 1h)) / sum(rate(x_total{job="a"}[{{.window}}] @ 100)) + z',
      ['x_total{job="a",code=~"5.."}', 'x_total{job="a"}', 'z'],
    ],
    ['sum(rate(x{a="b",}[{{.window}}:1m])) or sum(rate(x{a="b"}[{{.window}}]))', ['x{a="b"}']],
    ['x{}', ['x']],
    ['{__name__="y", "my.label"="q"}', ['{__name__="y","my.label"="q"}']],
    ['vector(1)', []],
    ['sum(rate(x{a="b"', []],
  ])('the selectors %j reads are %j', (text, selectors) => {
    expect(vectorSelectors(text)).toEqual(selectors);
  });
});
