import { suggest, unknownField } from './shape-check.js';

describe('did you mean', () => {
  it.each([
    ['errQuery', ['errorQuery', 'goodQuery', 'totalQuery'], 'errorQuery'],
    ['servce', ['apiVersion', 'service', 'slos'], 'service'],
    ['total-query', ['total_query', 'error_query'], 'total_query'],
    ['objectiv', ['objective', 'window'], 'objective'],
    ['colour', ['objective', 'window'], undefined],
  ])('%s → %s', (word, known, expected) => {
    expect(suggest(word, known)).toBe(expected);
  });

  it('says so only when there is a plausible match', () => {
    expect(unknownField('disable', ['disabled', 'for'])).toBe('unknown field "disable", did you mean "disabled"?');
    expect(unknownField('zzz', ['disabled', 'for'])).toBe('unknown field "zzz"');
  });
});
