import { parseByteSize } from './byte-size.js';

describe('parseByteSize', () => {
  it.each([
    ['10GiB', 10 * 2 ** 30],
    ['10GB', 10e9],
    ['512MiB', 512 * 2 ** 20],
    ['1.5TiB', 1.5 * 2 ** 40],
    ['4096', 4096],
    ['100 kB', 100_000],
    ['0B', 0],
  ])('reads %s as %d bytes', (text, bytes) => {
    expect(parseByteSize(text)).toBe(bytes);
  });

  // gib and Gb are someone else's units (Elasticsearch's, bits); 0.5B is no whole byte; 9e15 TiB overflows.
  it.each(['', 'GiB', '10gib', '10Gb', '10 GiBs', '-1GiB', '0.5B', '9000000000000000TiB'])('refuses %j', (text) => {
    expect(parseByteSize(text)).toBeUndefined();
  });
});
