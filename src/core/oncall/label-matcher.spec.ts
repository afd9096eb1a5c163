import type { LabelMatcher } from '../model/oncall.js';
import { anyOf, formatMatcher, matches, matchesAll, parseMatcher, parseMatchers } from './label-matcher.js';

/*
 * Vectors from Alertmanager's own tests, so a matcher means here what it means in alertmanager.yml:
 * pkg/labels/parse_test.go (prometheus/alertmanager, commit 05f073f42f8e93f93c456d30bef266c1d12cdffa)
 * and pkg/labels/matcher_test.go (commit 004695db7187278be67cba957f59621be9f40639).
 */
const eq = (label: string, value: string): LabelMatcher => ({ label, op: '=', value });
const ne = (label: string, value: string): LabelMatcher => ({ label, op: '!=', value });
const re = (label: string, value: string): LabelMatcher => ({ label, op: '=~', value });
const nre = (label: string, value: string): LabelMatcher => ({ label, op: '!~', value });

describe('parseMatchers (Alertmanager parse_test.go)', () => {
  it.each<[string, LabelMatcher[]]>([
    ['{foo="bar"}', [eq('foo', 'bar')]],
    ['{foo=~"bar.*"}', [re('foo', 'bar.*')]],
    ['{foo!="bar"}', [ne('foo', 'bar')]],
    ['{foo!~"bar.*"}', [nre('foo', 'bar.*')]],
    ['{foo="bar", baz!="quux"}', [eq('foo', 'bar'), ne('baz', 'quux')]],
    ['{foo="bar", baz!~"quux.*"}', [eq('foo', 'bar'), nre('baz', 'quux.*')]],
    ['{foo="bar",baz!~".*quux", derp="wat"}', [eq('foo', 'bar'), nre('baz', '.*quux'), eq('derp', 'wat')]],
    ['{foo="bar", instance=~"some-api.*"}', [eq('foo', 'bar'), re('instance', 'some-api.*')]],
    ['{foo=""}', [eq('foo', '')]],
    ['{foo="bar,quux", job="job1"}', [eq('foo', 'bar,quux'), eq('job', 'job1')]],
    ['{foo = "bar", dings != "bums", }', [eq('foo', 'bar'), ne('dings', 'bums')]],
    ['foo=bar,dings!=bums', [eq('foo', 'bar'), ne('dings', 'bums')]],
    ['{quote="She said: \\"Hi, ladies! That\'s gender-neutral…\\""}', [eq('quote', 'She said: "Hi, ladies! That\'s gender-neutral…"')]],
    ['statuscode=~"5.."', [re('statuscode', '5..')]],
    ['tricky=~~~', [re('tricky', '~~')]],
    ['trickier==\\\\=\\=\\"', [eq('trickier', '=\\=\\="')]],
    ['contains_quote != "\\"" , contains_comma !~ "foo,bar" , ', [ne('contains_quote', '"'), nre('contains_comma', 'foo,bar')]],
  ])('reads %s', (input, want) => {
    expect(parseMatchers(input)).toEqual({ matchers: want });
  });

  it.each([
    ['job=', 'matcher value is not present: job='],
    ['job="value', 'matcher value contains unescaped double quote: "value'],
    ['job=value"', 'matcher value contains unescaped double quote: value"'],
    ['trickier==\\\\=\\=\\""', 'matcher value contains unescaped double quote: =\\\\=\\=\\""'],
    ['contains_unescaped_quote = foo"bar', 'matcher value contains unescaped double quote: foo"bar'],
    ['{invalid-name = "valid label"}', 'bad matcher format: invalid-name = "valid label"'],
    ['"{foo=\\"bar"}', 'bad matcher format: "{foo=\\"bar"'],
    ['"foo=\\"bar"', 'bad matcher format: "foo=\\"bar"'],
    ['"foo="bar""', 'bad matcher format: "foo="bar""'],
  ])('refuses %s: %s', (input, error) => {
    expect(parseMatchers(input)).toEqual({ error });
  });

  it('refuses a regex that does not compile, saying so', () => {
    expect(parseMatchers('{foo=~"invalid[regexp"}')).toEqual({ error: expect.stringMatching(/^error parsing regexp: /) });
  });

  it('refuses inline flags JavaScript cannot honour', () => {
    expect(parseMatcher('foo=~"(?U)a+"')).toEqual({ error: 'regex flag "U" is not supported (use (?i) or (?s)): (?U)a+' });
  });
});

describe('matches (Alertmanager matcher_test.go)', () => {
  it.each<[LabelMatcher, string, boolean]>([
    [eq('x', 'bar'), 'bar', true],
    [eq('x', 'bar'), 'foo-bar', false],
    [ne('x', 'bar'), 'bar', false],
    [ne('x', 'bar'), 'foo-bar', true],
    [re('x', 'bar'), 'bar', true],
    [re('x', 'bar'), 'foo-bar', false],
    [re('x', '.*bar'), 'foo-bar', true],
    [nre('x', 'bar'), 'bar', false],
    [nre('x', 'bar'), 'foo-bar', true],
    [nre('x', '.*bar'), 'foo-bar', false],
    [re('x', 'foo.bar'), 'foo-bar', true],
    [re('x', 'foo\\.bar'), 'foo-bar', false],
    [re('x', 'foo\\.bar'), 'foo.bar', true],
    [eq('x', 'foo\nbar'), 'foo\nbar', true],
    [re('x', 'foo.bar'), 'foo\nbar', false],
    [re('x', '(?s)foo.bar'), 'foo\nbar', true],
    [eq('x', '~!="'), '~!="', true],
  ])('%j against %j is %s', (m, value, want) => {
    expect(matches(m, { x: value })).toBe(want);
  });

  it.each<[string, LabelMatcher, boolean]>([
    ['a missing label is "" for !=', ne('team', 'db'), true],
    ['a missing label is "" for =', eq('team', ''), true],
    ['a missing label matches .*', re('team', '.*'), true],
    ['a missing label does not match .+', re('team', '.+'), false],
    ['a missing label matches !~ .+', nre('team', '.+'), true],
    ['regexes are anchored: an alternative does not match a longer value', re('severity', 'critical|error'), false],
    ['(?i) makes the match case-insensitive', re('severity', '(?i)CRITICAL-PAGE'), true],
  ])('%s', (_, m, want) => {
    expect(matches(m, { severity: 'critical-page' })).toBe(want);
  });

  it('needs every matcher to hold, and an empty list holds for every alert', () => {
    expect(matchesAll([eq('service', 'payments'), re('severity', 'critical|error')], { service: 'payments', severity: 'error' })).toBe(true);
    expect(matchesAll([eq('service', 'payments'), re('severity', 'critical|error')], { service: 'payments', severity: 'warning' })).toBe(false);
    expect(matchesAll([], {})).toBe(true);
  });
});

describe('formatMatcher and anyOf', () => {
  it.each<[LabelMatcher, string]>([
    [eq('foo', 'bar'), 'foo="bar"'],
    [ne('foo', 'bar'), 'foo!="bar"'],
    [re('foo', 'bar'), 'foo=~"bar"'],
    [nre('foo', 'bar'), 'foo!~"bar"'],
    [eq('foo', 'back\\slash'), 'foo="back\\\\slash"'],
    [eq('foo', 'double"quote'), 'foo="double\\"quote"'],
    [eq('foo', 'new\nline'), 'foo="new\\nline"'],
  ])('prints %j as %s, which reads back the same', (m, text) => {
    expect(formatMatcher(m)).toBe(text);
    expect(parseMatcher(text)).toEqual({ matcher: m });
  });

  it('writes several values as an escaped alternative that matches each value exactly', () => {
    const m = anyOf('service', ['api-gateway', 'a.b']);
    expect(m).toEqual(re('service', 'api-gateway|a\\.b'));
    expect(matches(m, { service: 'a.b' })).toBe(true);
    expect(matches(m, { service: 'axb' })).toBe(false);
    expect(anyOf('service', ['x'])).toEqual(eq('service', 'x'));
  });
});
