import { parse } from 'yaml';
import type { RuleGroup } from './rule-model.js';
import { ruleGroupsYaml, scalar } from './rule-yaml.js';

/** The hand-written YAML must read back, with a real YAML parser, as exactly what was written. */
const TRICKY = [
  'plain', '14.4', '1', '0x1F', '1:30', '.5', '-1', '1e-300', '2026-11-23', 'true', 'False', 'yes', 'on', 'n', 'null', '~',
  '<<', '=', '', ' leading', 'trailing ', 'a: b', 'a #b', 'ends:', '- dash', '? q', '[x]', '{x}', '{{ $value }}', '#c', '&a',
  '*a', '!t', '|', '>', "'", '"', '%', '@', '`', 'tab\there', 'line\nbreak', 'two\nlines\n', 'trailing\n\n', '\nleading',
  '  indented\nblock', 'ünïcödé 🚨', 'x\u0085y', 'nul\u0000', 'a\rb', '5m', '1 - (x / 0.001)', 'http://x/y?z=1#frag',
  'sum(rate(x{code=~"5.."}[5m]))\n/\nsum(rate(x[5m]))',
];

describe('rule-file YAML writer', () => {
  it.each(TRICKY.map((s) => [s]))('keeps %j as a string, byte for byte, in every position', (s) => {
    const groups: RuleGroup[] = [
      {
        name: s || 'g',
        rules: [
          { record: 'r', expr: s, labels: { [s || 'k']: s } },
          { alert: 'A', expr: s, for: s, labels: {}, annotations: { description: s } },
        ],
      },
    ];
    expect(parse(ruleGroupsYaml(groups))).toEqual({ groups });
  });

  it.each([
    ['5m', '5m'],
    ['14.4', '"14.4"'],
    ['true', '"true"'],
    ['a: b', '"a: b"'],
    ['x\ny', '|-\n  x\n  y'],
  ])('writes %j as %s', (s, yaml) => {
    expect(scalar(s, '  ')).toBe(yaml);
  });
});
