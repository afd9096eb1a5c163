import type { PoolClient } from 'pg';
import { inlineStatements, type Statement } from './prepared.js';

/** Connections are only keys here: which statements each has PREPAREd. */
const connection = () => ({}) as PoolClient;

const lock: Statement = { name: 'key_lock', text: 'SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', values: ['critical', "{}:{alertname=\"O'Brien\"}"] };
const BEGIN: Statement = { name: 'begin', text: 'BEGIN', values: [] };

describe('inlineStatements', () => {
  it('prepares a statement once per connection, executes it with escaped literals, and runs statements without parameters as they are', () => {
    const c = connection();
    const first = inlineStatements(c, [BEGIN, lock]);
    expect(first.text).toBe([
      'PREPARE key_lock_sql AS SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))',
      'BEGIN',
      `EXECUTE key_lock_sql('critical', '{}:{alertname="O''Brien"}')`,
    ].join(';\n'));
    first.done();
    expect(inlineStatements(c, [BEGIN, lock]).text).toBe(`BEGIN;\nEXECUTE key_lock_sql('critical', '{}:{alertname="O''Brien"}')`);
    // Another connection has not seen it.
    expect(inlineStatements(connection(), [lock]).text).toMatch(/^PREPARE key_lock_sql AS /);
  });

  it('keeps nothing of a batch that was not done (the query failed): the next one prepares again', () => {
    const c = connection();
    inlineStatements(c, [lock]);
    expect(inlineStatements(c, [lock]).text).toMatch(/^PREPARE key_lock_sql AS /);
  });

  it('prepares a statement used twice in one batch once', () => {
    const text = inlineStatements(connection(), [lock, lock]).text;
    expect(text.match(/PREPARE/g)).toHaveLength(1);
    expect(text.match(/EXECUTE/g)).toHaveLength(2);
  });

  it.each<[string, unknown, string]>([
    ['null', null, 'NULL'],
    ['undefined', undefined, 'NULL'],
    ['a date, in UTC with ms', new Date('2026-11-29T12:00:00.123Z'), "'2026-11-29T12:00:00.123Z'"],
    ['a number, quoted so the parameter type decides', 42, "'42'"],
    ['a boolean', true, "'true'"],
    ['an object, as JSON', { a: "it's" }, `'{"a":"it''s"}'`],
    ['a backslash, in an E string', 'a\\b', "E'a\\\\b'"],
    ['a dollar sign, never taken for a parameter', 'cost $1', "'cost $1'"],
  ])('renders %s', (_, value, rendered) => {
    const text = inlineStatements(connection(), [{ name: 's', text: 'SELECT $1', values: [value] }]).text;
    expect(text.split(';\n')[1]).toBe(`EXECUTE s_sql(${rendered})`);
  });

  it.each<[string, unknown, RegExp]>([
    ['a NUL character (the query is sent as a C string)', 'a\0b', /s: parameter \$1 holds a NUL character/],
    ['an array', ['a'], /s: parameter \$1 is an array/],
    ['a function', () => 1, /s: parameter \$1 is function/],
  ])('refuses %s', (_, value, message) => {
    expect(() => inlineStatements(connection(), [{ name: 's', text: 'SELECT $1', values: [value] }])).toThrow(message);
  });
});
