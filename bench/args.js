import { parseArgs } from 'node:util';

/**
 * The bench scripts' flags through node:util parseArgs: `numbers` maps each `--name <n>` to its
 * default (a whole number ≥ 0), `strings` each `--name <text>` to its default, `flags` lists the
 * booleans, false unless given. A `--no-x` flag is listed as itself rather than with allowNegative,
 * which would accept `--x` and `--no-json` too.
 */
export function benchArgs(argv, { numbers, strings = {}, flags }, script) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: Object.fromEntries([
        ...Object.entries(numbers).map(([name, value]) => [name, { type: 'string', default: String(value) }]),
        ...Object.entries(strings).map(([name, value]) => [name, { type: 'string', default: value }]),
        ...flags.map((name) => [name, { type: 'boolean', default: false }]),
      ]),
    }));
  } catch (err) {
    throw new Error(`${err.message} (see the header of ${script})`);
  }
  for (const name of Object.keys(numbers)) {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} needs a whole number`);
    values[name] = n;
  }
  return values;
}
