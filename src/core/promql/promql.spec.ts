import { hasWindowPlaceholder, isUngroupedSum, isVectorSelector, promqlSyntaxError, renderWindow } from './promql.js';

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
});
