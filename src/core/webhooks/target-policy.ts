/**
 * Which URLs may receive webhooks. Vigil sends requests to URLs that API users type in, from
 * inside the operator's network, so an unchecked URL lets any API user make Vigil call its own
 * loopback services or the cloud metadata endpoint (which hands out credentials): SSRF. This
 * module decides; the HTTP adapter asks it twice: at registration (`checkWebhookUrl`) and for each
 * address a name resolves to just before connecting (`checkResolvedAddress`), so a name that
 * resolves differently by then (DNS rebinding) is still caught.
 *
 * Private ranges (10/8, 172.16/12, 192.168/16, fc00::/7) are allowed on purpose: receivers inside
 * the company network are the normal case. What is refused is what no receiver needs and an
 * attacker wants: this machine itself, link-local and the metadata services.
 *
 * Pure: addresses are parsed here, not with node:net, so the core stays free of Node I/O modules.
 */

/** The environment variable operators use to let refused targets through (docs/webhooks.md). */
export const ALLOW_LIST_VARIABLE = 'VIGIL_WEBHOOK_ALLOWED_HOSTS';

/** An IPv4 (32-bit) or IPv6 (128-bit) address as a number, so ranges are one comparison. */
interface Address {
  readonly family: 4 | 6;
  readonly value: bigint;
}

interface Network {
  readonly family: 4 | 6;
  /** The first address of the network: host bits are zero. */
  readonly base: bigint;
  readonly prefix: number;
}

/** What the operator lets through although the policy would refuse it. */
export interface AllowList {
  /** Host names, lower case, without a trailing dot. */
  readonly hosts: readonly string[];
  /** Single addresses are /32 or /128 networks. */
  readonly networks: readonly Network[];
}

export const EMPTY_ALLOW_LIST: AllowList = { hosts: [], networks: [] };

const BITS = { 4: 32, 6: 128 } as const;

/**
 * Refused address ranges, first match wins (so metadata is named before the link-local range it
 * sits in). `what` completes "<address> is …".
 */
const REFUSED_RANGES: readonly { readonly cidr: string; readonly what: string }[] = [
  { cidr: '169.254.169.254/32', what: 'a cloud metadata address' }, // AWS, GCP, Azure, OCI, OpenStack
  { cidr: '100.100.100.200/32', what: 'a cloud metadata address' }, // Alibaba Cloud
  { cidr: 'fd00:ec2::254/128', what: 'a cloud metadata address' }, // AWS over IPv6 (inside fc00::/7, which stays allowed)
  { cidr: '0.0.0.0/8', what: 'an unspecified address' }, // Linux connects 0.0.0.0 to this machine
  { cidr: '127.0.0.0/8', what: 'a loopback address' },
  { cidr: '169.254.0.0/16', what: 'a link-local address' },
  { cidr: '::/128', what: 'the unspecified address' },
  { cidr: '::1/128', what: 'the loopback address' },
  { cidr: 'fe80::/10', what: 'a link-local address' },
];

/**
 * IPv6 forms that carry an IPv4 address in their last 32 bits and reach it: ::ffff:127.0.0.1 is
 * 127.0.0.1 to a dual-stack socket. `::/96` also holds :: and ::1, which REFUSED_RANGES names first.
 */
const IPV4_CARRIERS: readonly { readonly cidr: string; readonly form: string }[] = [
  { cidr: '::ffff:0:0/96', form: 'an IPv4-mapped' },
  { cidr: '::/96', form: 'an IPv4-compatible' },
];

/**
 * Names that mean a refused address wherever they are resolved. Refusing them at registration
 * gives a clear answer early; the send-time address check would catch them anyway. `means` are
 * the addresses the name stands for: an allow-list containing one of them lets the name through.
 */
const REFUSED_NAMES: readonly { readonly matches: (host: string) => boolean; readonly what: string; readonly means: readonly string[] }[] = [
  {
    // RFC 6761: localhost and everything under it is this machine; the others are common /etc/hosts aliases.
    matches: (h) => h === 'localhost' || h.endsWith('.localhost') || ['localhost.localdomain', 'ip6-localhost', 'ip6-loopback'].includes(h),
    what: 'a loopback name',
    means: ['127.0.0.1', '::1'],
  },
  {
    // GCP's names, and `metadata` because GCP's resolver answers the bare name too.
    matches: (h) => ['metadata.google.internal', 'metadata.goog', 'metadata'].includes(h),
    what: 'a cloud metadata name',
    means: ['169.254.169.254'],
  },
  {
    matches: (h) => ['instance-data', 'instance-data.ec2.internal'].includes(h),
    what: 'a cloud metadata name',
    means: ['169.254.169.254', 'fd00:ec2::254'],
  },
];

const refusedRanges = REFUSED_RANGES.map((r) => ({ network: mustParseNetwork(r.cidr), what: r.what }));
const ipv4Carriers = IPV4_CARRIERS.map((c) => ({ network: mustParseNetwork(c.cidr), form: c.form }));
const refusedNames = REFUSED_NAMES.map((n) => ({ ...n, means: n.means.map(mustParseAddress) }));

/**
 * Whether a webhook may be registered with this URL. The URL is parsed the WHATWG way, as the
 * HTTP client will: 2130706433, 0x7f.1 and 127.1 all become 127.0.0.1 before anything is checked,
 * so no spelling of an address slips past.
 */
export function checkWebhookUrl(url: string, allow: AllowList): { ok: true; url: URL } | { ok: false; reason: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, reason: 'not a valid absolute URL' };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return { ok: false, reason: `only http:// and https:// URLs can receive webhooks, not ${parsed.protocol}` };
  }
  // The URL is shown to everyone who can list webhooks and written to logs; the secret is not.
  if (parsed.username !== '' || parsed.password !== '') {
    return {
      ok: false,
      reason: 'the URL contains credentials (user:password@), which anyone who can list webhooks would see; remove them and rely on the webhook secret instead (the receiver checks X-Vigil-Signature)',
    };
  }
  const host = parsed.hostname;
  const literal = host.startsWith('[') ? parseIPv6(host.slice(1, -1)) : parseIPv4(host);
  const reason = literal ? refusal(host.startsWith('[') ? host.slice(1, -1) : host, literal, allow) : nameRefusal(host, allow);
  return reason === undefined ? { ok: true, url: parsed } : { ok: false, reason };
}

/**
 * For each address a host name resolved to, just before connecting: undefined when Vigil may
 * connect to it, else why not. Anything that is not an IP address is refused.
 */
export function checkResolvedAddress(ip: string, allow: AllowList): string | undefined {
  // getaddrinfo may append the interface to a link-local address (fe80::1%eth0); it stays link-local.
  const bare = ip.includes('%') ? ip.slice(0, ip.indexOf('%')) : ip;
  const address = parseIPv4(bare) ?? parseIPv6(bare);
  if (!address) return `${JSON.stringify(ip)} is not an IP address`;
  return refusal(ip, address, allow);
}

/**
 * Whether the allow-list names this host. The HTTP adapter then trusts whatever the name resolves
 * to: the operator vouched for the name itself (`localhost`, `hooks.internal`), not one address.
 */
export function isNamedInAllowList(host: string, allow: AllowList): boolean {
  return allow.hosts.includes(normaliseName(host));
}

/**
 * The operator's allow-list: comma-separated host names, IP addresses and CIDR networks, e.g.
 * `127.0.0.1,::1,hooks.internal,10.0.0.0/8`. Spaces around entries and empty entries are ignored.
 * Every bad entry is reported, each naming the entry.
 */
export function parseAllowList(text: string): { ok: true; allowList: AllowList } | { ok: false; problems: string[] } {
  const hosts: string[] = [];
  const networks: Network[] = [];
  const problems: string[] = [];
  for (const raw of text.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const parsed = parseAllowEntry(entry);
    if (typeof parsed === 'string') problems.push(`${JSON.stringify(entry)}: ${parsed}`);
    else if ('host' in parsed) hosts.push(parsed.host);
    else networks.push(parsed.network);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, allowList: { hosts, networks } };
}

function parseAllowEntry(entry: string): { host: string } | { network: Network } | string {
  if (entry.includes('/')) {
    if (entry.includes('://')) return 'write the host alone, without a scheme or path';
    const network = parseNetwork(entry);
    return typeof network === 'string' ? network : { network };
  }
  const address = parseIPv4(entry) ?? parseIPv6(entry.startsWith('[') && entry.endsWith(']') ? entry.slice(1, -1) : entry);
  if (address) return { network: { family: address.family, base: address.value, prefix: BITS[address.family] } };
  if (entry.includes('%')) return 'interface suffixes (%eth0) are not supported; write the address alone';
  if (entry.includes(':')) return 'not an IP address, host name or CIDR network (ports are not part of an entry)';
  if (entry.startsWith('*.')) return 'wildcards are not supported; list each host name';
  // Through the URL parser, as the webhook URLs are: IDN names become punycode, upper case lower.
  let host: string;
  try {
    host = new URL(`http://${entry}/`).hostname;
  } catch {
    return 'not an IP address, host name or CIDR network';
  }
  if (parseIPv4(host)) return `an IPv4 address in a non-standard form; write it as ${host}`;
  const name = normaliseName(host);
  const label = /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/;
  if (name.length > 253 || !name.split('.').every((l) => label.test(l))) return 'not an IP address, host name or CIDR network';
  return { host: name };
}

/** Why `address` (written `shown`) is refused, or undefined when it is allowed. */
function refusal(shown: string, address: Address, allow: AllowList): string | undefined {
  const carried = carriedIPv4(address);
  if (allowed(address, allow) || (carried && allowed(carried.address, allow))) return undefined;
  const range = refusedRanges.find((r) => contains(r.network, address));
  if (range) return `${shown} is ${range.what}; ${howToAllow()}`;
  if (carried) {
    const inner = refusedRanges.find((r) => contains(r.network, carried.address));
    if (inner) return `${shown} is ${carried.form} form of ${formatIPv4(carried.address.value)}, ${inner.what}; ${howToAllow()}`;
  }
  return undefined;
}

function nameRefusal(hostname: string, allow: AllowList): string | undefined {
  const host = normaliseName(hostname);
  const refused = refusedNames.find((n) => n.matches(host));
  if (!refused || allow.hosts.includes(host) || refused.means.some((a) => allowed(a, allow))) return undefined;
  return `${host} is ${refused.what}; ${howToAllow()}`;
}

function howToAllow(): string {
  return `add it to ${ALLOW_LIST_VARIABLE} to allow it`;
}

function allowed(address: Address, allow: AllowList): boolean {
  return allow.networks.some((n) => contains(n, address));
}

function carriedIPv4(address: Address): { address: Address; form: string } | undefined {
  if (address.family !== 6) return undefined;
  const carrier = ipv4Carriers.find((c) => contains(c.network, address));
  return carrier && { address: { family: 4, value: address.value & 0xffff_ffffn }, form: carrier.form };
}

function contains(network: Network, address: Address): boolean {
  if (network.family !== address.family) return false;
  const shift = BigInt(BITS[network.family] - network.prefix);
  return address.value >> shift === network.base >> shift;
}

/** Host names compare case-insensitively and with or without the root's trailing dot. */
function normaliseName(host: string): string {
  const lower = host.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

function parseNetwork(text: string): Network | string {
  const slash = text.indexOf('/');
  const address = parseIPv4(text.slice(0, slash)) ?? parseIPv6(text.slice(0, slash));
  if (!address) return 'not a CIDR network: the part before "/" is not an IP address';
  const bits = BITS[address.family];
  const prefixText = text.slice(slash + 1);
  const prefix = /^(0|[1-9]\d{0,2})$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix <= bits)) return `not a CIDR network: the prefix length must be a whole number from 0 to ${bits}`;
  const shift = BigInt(bits - prefix);
  const base = (address.value >> shift) << shift;
  // 10.1.2.3/8 is usually a typo for 10.1.2.3 or 10.0.0.0/8; guessing which could let in too much.
  if (base !== address.value) return `has bits set after the first ${prefix}; did you mean ${format({ family: address.family, value: base })}/${prefix}?`;
  return { family: address.family, base, prefix };
}

/** Dotted decimal only (what WHATWG URLs and getaddrinfo produce); 010 is refused, not read as octal or decimal. */
function parseIPv4(text: string): Address | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255)) return undefined;
  return { family: 4, value: parts.reduce((v, p) => (v << 8n) | BigInt(p), 0n) };
}

/** RFC 4291 text forms: `::` for a run of zero groups, an IPv4 address as the last 32 bits. */
function parseIPv6(text: string): Address | undefined {
  if (!text.includes(':')) return undefined;
  let body = text;
  const tail: bigint[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    const v4 = parseIPv4(text.slice(lastColon + 1));
    if (!v4) return undefined;
    tail.push(v4.value >> 16n, v4.value & 0xffffn);
    // Drop the IPv4 part and the colon before it, but keep a "::" it followed (::ffff:1.2.3.4, ::1.2.3.4).
    body = text.slice(0, lastColon + 1);
    if (!body.endsWith('::')) body = body.slice(0, -1);
  }
  const halves = body.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  if (![...head, ...rest].every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  const given = head.length + rest.length + tail.length;
  if (halves.length === 2 ? given > 7 : given !== 8) return undefined;
  const all = [...head.map((g) => BigInt(`0x${g}`)), ...Array<bigint>(8 - given).fill(0n), ...rest.map((g) => BigInt(`0x${g}`)), ...tail];
  return { family: 6, value: all.reduce((v, g) => (v << 16n) | g, 0n) };
}

function formatIPv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join('.');
}

/** RFC 5952 for IPv6: lower case, the longest run of two or more zero groups as "::". */
function format(address: Address): string {
  if (address.family === 4) return formatIPv4(address.value);
  const groups = Array.from({ length: 8 }, (_, i) => (address.value >> BigInt(112 - 16 * i)) & 0xffffn);
  let best = { at: -1, length: 1 };
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0n) j++;
    if (j - i > best.length) best = { at: i, length: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.at < 0) return hex.join(':');
  return `${hex.slice(0, best.at).join(':')}::${hex.slice(best.at + best.length).join(':')}`;
}

function mustParseAddress(text: string): Address {
  const a = parseIPv4(text) ?? parseIPv6(text);
  if (!a) throw new Error(`target-policy table: bad address ${text}`);
  return a;
}

function mustParseNetwork(text: string): Network {
  const n = parseNetwork(text);
  if (typeof n === 'string') throw new Error(`target-policy table: bad network ${text}: ${n}`);
  return n;
}
