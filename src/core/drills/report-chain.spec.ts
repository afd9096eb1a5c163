import { failoverOutcome, failoverSpec, restoreOutcome, restoreSpec } from '../../../test/support/drill-fixtures.js';
import { buildDrillReport, type DrillReport } from './drill-report.js';
import { canonicalJson, chainOrder, contentHash, GENESIS_HASH, nextLinks, seal, serializeSealed, verifyChain, verifyRecord, type ChainLinks, type StoredRecord } from './report-chain.js';

/** A chain of small records: the chain knows nothing of what a record holds. */
type Sealed = ChainLinks & { readonly body: string };
function chainOf(n: number): Sealed[] {
  const out: Sealed[] = [];
  for (let i = 0; i < n; i++) out.push(seal({ ...nextLinks(out.at(-1) ?? null), body: `record ${i + 1}` }));
  return out;
}
const stored = (records: readonly ChainLinks[]): StoredRecord[] => records.map((r) => ({ name: `${String(r.sequence).padStart(6, '0')}.json`, text: serializeSealed(r) }));

/** Three drill reports as `vigil` stores them: restore, failover, restore again. */
function drillChain(): StoredRecord[] {
  const reports: DrillReport[] = [];
  const next = (spec = restoreSpec(), outcome = restoreOutcome()) =>
    reports.push(buildDrillReport({ spec, outcome, chainTip: reports.at(-1) ?? null, previousFindings: [], preparedBy: 'vigil 0.1.0', preparedAt: outcome.identity.finishedAt }));
  next();
  next(failoverSpec(), failoverOutcome());
  next(restoreSpec(), { ...restoreOutcome(), identity: { ...restoreOutcome().identity, runId: 'run-2025-04-03-orders-restore' } });
  return stored(reports);
}

describe('canonicalJson (RFC 8785)', () => {
  it.each<[string, unknown, string]>([
    ['sorts keys at every depth', { b: 1, a: [2, { d: 1, c: 'x' }] }, '{"a":[2,{"c":"x","d":1}],"b":1}'],
    ['writes numbers the ECMAScript way', [1e21, 1e-7, 0.000001, -0, 10.0, 1.5e300], '[1e+21,1e-7,0.000001,0,10,1.5e+300]'],
    ['keeps non-ASCII as UTF-8 and escapes only what JSON must', { s: '€ "q" \n \u0001 </script>' }, '{"s":"€ \\"q\\" \\n \\u0001 </script>"}'],
    ['drops undefined members, as JSON.stringify does', { a: undefined, b: null }, '{"b":null}'],
  ])('%s', (_, value, text) => {
    expect(canonicalJson(value)).toBe(text);
  });
});

describe('contentHash', () => {
  it('is SHA-256 hex over the record without its hash, whatever the key order', () => {
    const a = contentHash({ sequence: 1, previousHash: GENESIS_HASH, body: 'x' });
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(contentHash({ body: 'x', hash: 'anything', previousHash: GENESIS_HASH, sequence: 1 })).toBe(a);
    expect(contentHash({ sequence: 1, previousHash: GENESIS_HASH, body: 'y' })).not.toBe(a);
  });
});

describe('verifyChain', () => {
  it('accepts a chain from genesis, every record linked to the one before', () => {
    const v = verifyChain(stored(chainOf(3)));
    expect(v.ok).toBe(true);
    expect(v.firstBreak).toBeNull();
    expect(v.results.map((r) => [r.name, r.sequence, r.integrity, r.link])).toEqual([
      ['000001.json', 1, null, null],
      ['000002.json', 2, null, null],
      ['000003.json', 3, null, null],
    ]);
  });

  const [r1, r2, r3, r4] = chainOf(4) as [Sealed, Sealed, Sealed, Sealed];
  const forged = seal({ sequence: 2, previousHash: r2.previousHash, body: 'forged' });
  it.each<[string, StoredRecord[], string, string]>([
    ['a reordered chain', stored([r1, r3, r2]), '000003.json', 'sequence gap: expected 2, found 3'],
    ['a record moved back', stored([r1, r2, r4, r3]), '000004.json', 'sequence gap: expected 3, found 4'],
    ['a removed record', stored([r1, r3]), '000003.json', 'sequence gap: expected 2, found 3'],
    ['a record stored twice', [...stored([r1, r2]), { name: 'copy.json', text: serializeSealed(r2) }], 'copy.json', 'duplicate sequence 2 (also 000002.json)'],
    ['a chain that does not start at the first record', stored([r2, r3]), '000002.json', 'sequence gap: the chain starts at 2, not 1'],
    ['a forged record hashed again: its successor no longer links to it', stored([r1, forged, r3]), '000003.json', `link broken: previousHash ${r3.previousHash} is not the hash of 000002.json (${forged.hash})`],
    ['a first record that claims a predecessor', stored([seal({ sequence: 1, previousHash: 'a'.repeat(64), body: 'x' })]), '000001.json', 'link broken: the first report must have previousHash 0…0'],
    ['a re-indented record (same content, other bytes)', [...stored([r1]), { name: '000002.json', text: `${JSON.stringify(r2, null, 2)}\n` }], '000002.json', 'not in canonical form: the stored bytes differ from the sealed text'],
    ['a record without its newline', [...stored([r1]), { name: '000002.json', text: canonicalJson(r2) }], '000002.json', 'not in canonical form: the stored bytes differ from the sealed text'],
    ['a record that is not JSON', [...stored([r1]), { name: 'x.json', text: '{"sequence":2,' }], 'x.json', expect.stringMatching(/^not valid JSON/) as unknown as string],
    ['a record without chain fields', [...stored([r1]), { name: 'x.json', text: '{"body":"x"}\n' }], 'x.json', 'sequence is not a whole number from 1'],
    ['a record whose content changed and hash did not', [...stored([r1]), { name: '000002.json', text: serializeSealed(r2).replace('record 2', 'record 9') }, ...stored([r3])], '000002.json', `content altered: hash mismatch (stored ${r2.hash}, computed ${contentHash({ ...r2, body: 'record 9' })})`],
  ])('names the first break in %s', (_, records, name, reason) => {
    const v = verifyChain(records);
    expect(v.ok).toBe(false);
    expect(v.firstBreak).toEqual({ name, reason });
  });

  it('fails an empty chain', () => {
    expect(verifyChain([]).ok).toBe(false);
  });

  it('detects a flipped byte anywhere in a stored drill report, and names that report', () => {
    const chain = drillChain();
    expect(verifyChain(chain).ok).toBe(true);
    const middle = Buffer.from(chain[1]!.text, 'utf8');
    // Every 7th byte from the first to the last: keys, values, digits of the hash, punctuation, the newline.
    const positions = [...Array.from({ length: Math.ceil(middle.length / 7) }, (_, i) => i * 7), middle.length - 1];
    expect(positions.length).toBeGreaterThan(300);
    const missed = positions.filter((p) => {
      const bytes = Buffer.from(middle);
      bytes[p] = bytes[p]! ^ 0x01;
      const v = verifyChain([chain[0]!, { name: chain[1]!.name, text: bytes.toString('utf8') }, chain[2]!]);
      return v.ok || v.firstBreak?.name !== chain[1]!.name;
    });
    expect(missed).toEqual([]);
  });
});

describe('verifyRecord', () => {
  it.each<[string, StoredRecord, string | null, string | null]>([
    ['a sealed record', stored(chainOf(2))[1]!, null, null],
    ['an altered record', { name: 'a.json', text: stored(chainOf(1))[0]!.text.replace('record 1', 'record 2') }, expect.stringMatching(/^content altered: hash mismatch/) as unknown as string, null],
    ['a first record with a predecessor', stored([seal({ sequence: 1, previousHash: 'b'.repeat(64), body: 'x' })])[0]!, null, 'link broken: the first report must have previousHash 0…0'],
  ])('%s', (_, record, integrity, link) => {
    expect(verifyRecord(record)).toMatchObject({ integrity, link });
  });
});

describe('chainOrder', () => {
  const [a, b, c] = stored(chainOf(3)) as [StoredRecord, StoredRecord, StoredRecord];
  it.each<[string, StoredRecord[], string[]]>([
    ['by sequence, not by name', [{ ...c, name: 'a.json' }, { ...a, name: 'c.json' }, { ...b, name: 'b.json' }], ['c.json', 'b.json', 'a.json']],
    ['by name when two claim one sequence', [{ ...b, name: 'y.json' }, { ...b, name: 'x.json' }, a], ['000001.json', 'x.json', 'y.json']],
    ['an unreadable file where its name sorts', [c, { name: '000002.json', text: 'garbage' }, a], ['000001.json', '000002.json', '000003.json']],
    ['unreadable files sorting after every other go last', [{ name: 'zz.json', text: '{' }, b, a, { name: 'z.json', text: '' }], ['000001.json', '000002.json', 'z.json', 'zz.json']],
  ])('orders %s', (_, files, names) => {
    expect(chainOrder(files).map((f) => f.name)).toEqual(names);
  });
});
