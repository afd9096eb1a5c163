import type { EventsSli, LatencySli, Query } from '../model/slo.js';
import { eventRates, leMatcher } from './sli-queries.js';

const q = (text: string): Query => ({ text, field: 'f', at: { file: 'f', line: 1, col: 1 }, locate: () => ({ file: 'f', line: 1, col: 1 }) });

describe('SLI event rates', () => {
  it('wraps bare counter selectors in sum(rate()) and keeps missing error series at zero', () => {
    const sli: EventsSli = { kind: 'events', errorQuery: q('e_total{code=~"5.."}'), totalQuery: q('t_total') };
    expect(eventRates(sli, '5m')).toEqual({
      errors: 'sum(rate(e_total{code=~"5.."}[5m])) or vector(0)',
      total: 'sum(rate(t_total[5m])) or vector(0)',
    });
  });

  it('does not aggregate an ungrouped sum twice, and aggregates anything else to one series', () => {
    const sli: EventsSli = {
      kind: 'events',
      errorQuery: q('sum(rate(e_total[{{.window}}]))'),
      totalQuery: q('sum by (code) (rate(t_total[{{.window}}]))'),
    };
    expect(eventRates(sli, '1h')).toEqual({
      errors: 'sum(rate(e_total[1h])) or vector(0)',
      total: 'sum(sum by (code) (rate(t_total[1h]))) or vector(0)',
    });
  });

  it('derives errors from good events, never below zero', () => {
    const sli: EventsSli = { kind: 'events', goodQuery: q('ok_total'), totalQuery: q('t_total') };
    expect(eventRates(sli, '5m').errors).toBe(
      'clamp_min((sum(rate(t_total[5m])) or vector(0)) - (sum(rate(ok_total[5m])) or vector(0)), 0)',
    );
  });

  it('counts slow requests as total minus the threshold bucket', () => {
    const sli: LatencySli = {
      kind: 'latency',
      metric: 'h_seconds',
      selector: 'job="api"',
      thresholdSeconds: 0.25,
      buckets: [0.1, 0.25],
      at: { metric: q('').at, selector: q('').at, threshold: q('').at },
      selectorQuery: q(''),
    };
    expect(eventRates(sli, '5m')).toEqual({
      errors: 'clamp_min((sum(rate(h_seconds_count{job="api"}[5m])) or vector(0)) - (sum(rate(h_seconds_bucket{job="api",le="0.25"}[5m])) or vector(0)), 0)',
      total: 'sum(rate(h_seconds_count{job="api"}[5m])) or vector(0)',
    });
  });

  it.each([
    [0.5, 'le="0.5"'],
    [1, 'le=~"1|1\\\\.0"'],
    [10, 'le=~"10|10\\\\.0"'],
  ])('matches bucket %d whichever way the exporter writes it', (seconds, matcher) => {
    expect(leMatcher(seconds)).toBe(matcher);
  });
});
