import { formatDiagnostic } from './diagnostics.js';

describe('formatDiagnostic', () => {
  it.each([
    ['a newline that would forge a second located line', 'service "a\nslos/x.yaml:1:1: forged" is unknown', 'service "a\\nslos/x.yaml:1:1: forged" is unknown'],
    ['a carriage return and a tab', 'name "a\rb\tc"', 'name "a\\rb\\tc"'],
    ['an ANSI escape that would repaint the terminal', 'name "\u001b[2Jx"', 'name "\\u001b[2Jx"'],
    ['the Unicode line separator', 'a\u2028b', 'a\\u2028b'],
    ['ordinary text, untouched (quotes, unicode, backslashes)', 'did you mean "timeZone"? – ünïcödé \\d', 'did you mean "timeZone"? – ünïcödé \\d'],
  ])('keeps one line per problem: %s', (_, message, shown) => {
    const text = formatDiagnostic({ file: 'slos/a.yaml', line: 3, col: 5, message });
    expect(text).toBe(`slos/a.yaml:3:5: ${shown}`);
    expect(text.split(/\r?\n/)).toHaveLength(1);
  });

  it('escapes a file name as well', () => {
    expect(formatDiagnostic({ file: 'slos/a\nb.yaml', line: 1, col: 1, message: 'm' })).toBe('slos/a\\nb.yaml:1:1: m');
  });
});
