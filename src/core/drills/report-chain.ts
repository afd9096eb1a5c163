import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { compareText } from '../compare-text.js';

/**
 * Drill reports form a hash chain, so that an altered, removed or reordered report is detected
 * by anyone holding the files (`vigil report verify`), without trusting the database that wrote them:
 * - a report's `hash` is SHA-256 (hex) over the RFC 8785 canonical JSON of the report without
 *   its `hash` field: canonical so that key order or number spelling cannot change the hash;
 * - `previousHash` is the `hash` of the report before it (the first: 64 zeros), and `sequence`
 *   counts from 1, so a removed or reordered report breaks a link;
 * - a report is stored as its canonical JSON and a newline, and only that exact text verifies:
 *   re-indenting a report is an edit too, and any flipped byte is either a changed value (the
 *   hash no longer matches) or a changed spelling of the same value (no longer canonical).
 * Nothing here knows what a drill report holds: the chain works on any JSON record with these
 * three fields.
 */

export const GENESIS_HASH = '0'.repeat(64);

export interface ChainLinks {
  readonly sequence: number;
  readonly previousHash: string;
  readonly hash: string;
}

/** The last report of a chain, which the next one links to. */
export interface ChainTip {
  readonly sequence: number;
  readonly hash: string;
}

export function nextLinks(tip: ChainTip | null): { readonly sequence: number; readonly previousHash: string } {
  return tip ? { sequence: tip.sequence + 1, previousHash: tip.hash } : { sequence: 1, previousHash: GENESIS_HASH };
}

/** RFC 8785 (JSON Canonicalization Scheme) text of a JSON value. */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('not a JSON value');
  return text;
}

/** The hash a record must carry: over everything but `hash` itself. */
export function contentHash(record: object): string {
  const { hash: _ignored, ...content } = record as Record<string, unknown>;
  return createHash('sha256').update(canonicalJson(content), 'utf8').digest('hex');
}

export function seal<T extends Omit<ChainLinks, 'hash'>>(unsealed: T): T & { readonly hash: string } {
  return { ...unsealed, hash: contentHash(unsealed) };
}

/** The stored form: the only text of the record that verifies. */
export function serializeSealed(record: ChainLinks): string {
  return `${canonicalJson(record)}\n`;
}

export interface StoredRecord {
  /** Where it came from, for messages: a file name. */
  readonly name: string;
  readonly text: string;
}

export interface RecordVerification {
  readonly name: string;
  readonly sequence: number | null;
  readonly hash: string | null;
  /** The record's own text: unreadable, not canonical, or altered. */
  readonly integrity: string | null;
  /** Its place in the chain: sequence and previousHash against the record before it. */
  readonly link: string | null;
}

export interface ChainVerification {
  readonly ok: boolean;
  readonly results: readonly RecordVerification[];
  /**
   * The first problem, preferring an altered record to a broken link: altering a record (its
   * `hash` field included) also breaks the next record's link, and naming that next record
   * would send the auditor to the wrong file.
   */
  readonly firstBreak: { readonly name: string; readonly reason: string } | null;
}

type Parsed = { readonly ok: true; readonly links: ChainLinks; readonly integrity: string | null } | { readonly ok: false; readonly integrity: string };

const HEX64 = /^[0-9a-f]{64}$/;
const NOT_GENESIS = 'link broken: the first report must have previousHash 0…0';

function parse(r: StoredRecord): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(r.text);
  } catch (err) {
    return { ok: false, integrity: `not valid JSON (${(err as Error).message})` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, integrity: 'not a JSON object' };
  const v = value as Record<string, unknown>;
  if (!Number.isSafeInteger(v.sequence) || (v.sequence as number) < 1) return { ok: false, integrity: 'sequence is not a whole number from 1' };
  if (typeof v.previousHash !== 'string' || !HEX64.test(v.previousHash)) return { ok: false, integrity: 'previousHash is not 64 hex digits' };
  if (typeof v.hash !== 'string' || !HEX64.test(v.hash)) return { ok: false, integrity: 'hash is not 64 hex digits' };
  const links = { sequence: v.sequence as number, previousHash: v.previousHash, hash: v.hash };
  const computed = contentHash(v);
  if (computed !== v.hash) return { ok: true, links, integrity: `content altered: hash mismatch (stored ${v.hash}, computed ${computed})` };
  if (r.text !== `${canonicalJson(v)}\n`) return { ok: true, links, integrity: 'not in canonical form: the stored bytes differ from the sealed text' };
  return { ok: true, links, integrity: null };
}

/** One record on its own: its text is what was sealed. Its links to other records are not checked. */
export function verifyRecord(r: StoredRecord): RecordVerification {
  const p = parse(r);
  const genesisLink = p.ok && p.links.sequence === 1 && p.links.previousHash !== GENESIS_HASH ? NOT_GENESIS : null;
  return { name: r.name, sequence: p.ok ? p.links.sequence : null, hash: p.ok ? p.links.hash : null, integrity: p.integrity, link: genesisLink };
}

/** A whole chain, in the order given (see chainOrder), from the first report (sequence 1) on. */
export function verifyChain(records: readonly StoredRecord[]): ChainVerification {
  const parsed = records.map(parse);
  const results = records.map((r, i): RecordVerification => {
    const p = parsed[i]!;
    if (!p.ok) return { name: r.name, sequence: null, hash: null, integrity: p.integrity, link: null };
    return { name: r.name, sequence: p.links.sequence, hash: p.links.hash, integrity: p.integrity, link: linkProblem(p.links, i === 0 ? null : parsed[i - 1]!, records[i - 1]?.name) };
  });
  const altered = results.find((r) => r.integrity !== null);
  const unlinked = results.find((r) => r.link !== null);
  const firstBreak = altered ? { name: altered.name, reason: altered.integrity! } : unlinked ? { name: unlinked.name, reason: unlinked.link! } : null;
  return { ok: firstBreak === null && records.length > 0, results, firstBreak };
}

function linkProblem(links: ChainLinks, before: Parsed | null, beforeName: string | undefined): string | null {
  if (before === null) {
    if (links.sequence !== 1) return `sequence gap: the chain starts at ${links.sequence}, not 1`;
    return links.previousHash === GENESIS_HASH ? null : NOT_GENESIS;
  }
  if (!before.ok) return null; // the unreadable record before it is the break
  const expected = before.links.sequence + 1;
  if (links.sequence === before.links.sequence) return `duplicate sequence ${links.sequence} (also ${beforeName})`;
  if (links.sequence < expected) return `sequence out of order: ${links.sequence} after ${before.links.sequence}`;
  if (links.sequence > expected) return `sequence gap: expected ${expected}, found ${links.sequence}`;
  if (links.previousHash !== before.links.hash) return `link broken: previousHash ${links.previousHash} is not the hash of ${beforeName} (${before.links.hash})`;
  return null;
}

/**
 * Files in chain order: by `sequence`, then name. A file that cannot be read as a record has no
 * sequence; it goes where its name sorts among the others (Vigil names reports by sequence), so
 * the reports before it still print as verified. Its place only affects that: it is a break
 * wherever it stands, and the reports around it are not blamed for it (see linkProblem).
 */
export function chainOrder(records: readonly StoredRecord[]): StoredRecord[] {
  const parsed = records.map((r) => ({ r, p: parse(r) }));
  const ordered = parsed
    .filter((x) => x.p.ok)
    .sort((a, b) => (a.p.ok && b.p.ok ? a.p.links.sequence - b.p.links.sequence : 0) || compareText(a.r.name, b.r.name))
    .map((x) => x.r);
  for (const { r } of parsed.filter((x) => !x.p.ok).sort((a, b) => compareText(a.r.name, b.r.name))) {
    const at = ordered.findIndex((o) => compareText(o.name, r.name) > 0);
    ordered.splice(at === -1 ? ordered.length : at, 0, r);
  }
  return ordered;
}
