import { checkResolvedAddress, checkWebhookUrl, EMPTY_ALLOW_LIST, isNamedInAllowList, parseAllowList, type AllowList } from './target-policy.js';

const HOW = 'add it to VIGIL_WEBHOOK_ALLOWED_HOSTS to allow it';
const CREDENTIALS =
  'the URL contains credentials (user:password@), which anyone who can list webhooks would see; remove them and rely on the webhook secret instead (the receiver checks X-Vigil-Signature)';

function allowList(text: string): AllowList {
  const parsed = parseAllowList(text);
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  return parsed.allowList;
}

function reasonFor(url: string, allow: AllowList = EMPTY_ALLOW_LIST): string | undefined {
  const r = checkWebhookUrl(url, allow);
  return r.ok ? undefined : r.reason;
}

describe('checkWebhookUrl refuses', () => {
  it.each<[string, string, string]>([
    ['text that is not a URL', 'hooks.example.com/vigil', 'not a valid absolute URL'],
    ['a relative path', '/vigil', 'not a valid absolute URL'],
    ['an ftp URL', 'ftp://hooks.example.com/vigil', 'only http:// and https:// URLs can receive webhooks, not ftp:'],
    ['a file URL', 'file:///etc/passwd', 'only http:// and https:// URLs can receive webhooks, not file:'],
    ['a javascript URL', 'javascript:alert(1)', 'only http:// and https:// URLs can receive webhooks, not javascript:'],
    ['a user and password in the URL', 'https://vigil:hunter2@hooks.example.com/vigil', CREDENTIALS],
    ['a user alone in the URL', 'https://vigil@hooks.example.com/vigil', CREDENTIALS],
    ['a password alone in the URL', 'https://:hunter2@hooks.example.com/vigil', CREDENTIALS],
    ['127.0.0.1', 'http://127.0.0.1:8080/hook', `127.0.0.1 is a loopback address; ${HOW}`],
    ['any address in 127.0.0.0/8', 'http://127.8.9.10/', `127.8.9.10 is a loopback address; ${HOW}`],
    ['the top of 127.0.0.0/8', 'http://127.255.255.255/', `127.255.255.255 is a loopback address; ${HOW}`],
    ['IPv6 loopback in brackets', 'http://[::1]:8080/', `::1 is the loopback address; ${HOW}`],
    ['0.0.0.0, which Linux connects to this machine', 'http://0.0.0.0:8080/', `0.0.0.0 is an unspecified address; ${HOW}`],
    ['any address in 0.0.0.0/8', 'http://0.1.2.3/', `0.1.2.3 is an unspecified address; ${HOW}`],
    ['the IPv6 unspecified address', 'http://[::]/', `:: is the unspecified address; ${HOW}`],
    ['IPv4 link-local', 'http://169.254.10.20/', `169.254.10.20 is a link-local address; ${HOW}`],
    ['IPv6 link-local at the start of fe80::/10', 'http://[fe80::1]/', `fe80::1 is a link-local address; ${HOW}`],
    ['IPv6 link-local at the end of fe80::/10', 'http://[febf:ffff::1]/', `febf:ffff::1 is a link-local address; ${HOW}`],
    ['the AWS/GCP/Azure metadata address', 'http://169.254.169.254/latest/meta-data/', `169.254.169.254 is a cloud metadata address; ${HOW}`],
    ['the AWS IPv6 metadata address', 'http://[fd00:ec2::254]/latest/meta-data/', `fd00:ec2::254 is a cloud metadata address; ${HOW}`],
    ['the Alibaba Cloud metadata address', 'http://100.100.100.200/latest/meta-data/', `100.100.100.200 is a cloud metadata address; ${HOW}`],
    // WHATWG normalisation turns every spelling into dotted decimal before the check.
    ['127.0.0.1 written as one decimal number', 'http://2130706433/', `127.0.0.1 is a loopback address; ${HOW}`],
    ['127.0.0.1 written as one hex number', 'http://0x7f000001/', `127.0.0.1 is a loopback address; ${HOW}`],
    ['127.0.0.1 written as hex and a short form', 'http://0x7f.1/', `127.0.0.1 is a loopback address; ${HOW}`],
    ['127.0.0.1 written in octal', 'http://017700000001/', `127.0.0.1 is a loopback address; ${HOW}`],
    ['127.0.0.1 written short', 'http://127.1/', `127.0.0.1 is a loopback address; ${HOW}`],
    ['0.0.0.0 written as 0', 'http://0/', `0.0.0.0 is an unspecified address; ${HOW}`],
    ['the metadata address as one hex number', 'http://0xa9fea9fe/', `169.254.169.254 is a cloud metadata address; ${HOW}`],
    ['the metadata address with a trailing dot', 'http://169.254.169.254./', `169.254.169.254 is a cloud metadata address; ${HOW}`],
    ['IPv6 loopback written in full', 'http://[0:0:0:0:0:0:0:1]/', `::1 is the loopback address; ${HOW}`],
    ['IPv6 loopback in upper case with leading zeros', 'http://[0000::0001]/', `::1 is the loopback address; ${HOW}`],
    ['IPv4-mapped loopback, dotted', 'http://[::ffff:127.0.0.1]/', `::ffff:7f00:1 is an IPv4-mapped form of 127.0.0.1, a loopback address; ${HOW}`],
    ['IPv4-mapped loopback, hex', 'http://[::ffff:7f00:1]/', `::ffff:7f00:1 is an IPv4-mapped form of 127.0.0.1, a loopback address; ${HOW}`],
    ['IPv4-mapped metadata address', 'http://[::ffff:169.254.169.254]/', `::ffff:a9fe:a9fe is an IPv4-mapped form of 169.254.169.254, a cloud metadata address; ${HOW}`],
    ['IPv4-mapped 0.0.0.0', 'http://[::ffff:0.0.0.0]/', `::ffff:0:0 is an IPv4-mapped form of 0.0.0.0, an unspecified address; ${HOW}`],
    ['IPv4-compatible loopback', 'http://[::127.0.0.1]/', `::7f00:1 is an IPv4-compatible form of 127.0.0.1, a loopback address; ${HOW}`],
    ['IPv4-compatible link-local', 'http://[::169.254.1.1]/', `::a9fe:101 is an IPv4-compatible form of 169.254.1.1, a link-local address; ${HOW}`],
    ['localhost', 'http://localhost:3000/', `localhost is a loopback name; ${HOW}`],
    ['localhost in capitals with the root dot', 'http://LOCALHOST./', `localhost is a loopback name; ${HOW}`],
    ['a name under .localhost', 'http://app.localhost/', `app.localhost is a loopback name; ${HOW}`],
    ['localhost.localdomain', 'http://localhost.localdomain/', `localhost.localdomain is a loopback name; ${HOW}`],
    ['ip6-localhost', 'http://ip6-localhost/', `ip6-localhost is a loopback name; ${HOW}`],
    ['GCP metadata.google.internal', 'http://metadata.google.internal/computeMetadata/v1/', `metadata.google.internal is a cloud metadata name; ${HOW}`],
    ['GCP metadata.goog', 'http://metadata.goog/', `metadata.goog is a cloud metadata name; ${HOW}`],
    ['the bare name metadata', 'http://metadata/computeMetadata/v1/', `metadata is a cloud metadata name; ${HOW}`],
    ['AWS instance-data', 'http://instance-data/latest/meta-data/', `instance-data is a cloud metadata name; ${HOW}`],
    ['AWS instance-data.ec2.internal', 'http://instance-data.ec2.internal/', `instance-data.ec2.internal is a cloud metadata name; ${HOW}`],
  ])('%s', (_, url, reason) => {
    expect(reasonFor(url)).toBe(reason);
  });
});

describe('checkWebhookUrl allows', () => {
  it.each<[string, string]>([
    ['a public https receiver', 'https://hooks.example.com/vigil'],
    ['a public http receiver on a port', 'http://hooks.example.com:8080/vigil?team=checkout'],
    ['a public IPv4 address', 'http://93.184.215.14/'],
    ['a public IPv6 address', 'http://[2606:4700:4700::1111]/'],
    ['10.0.0.0/8, an internal receiver', 'http://10.1.2.3:8080/hook'],
    ['172.16.0.0/12', 'http://172.31.255.1/hook'],
    ['192.168.0.0/16', 'http://192.168.1.10/hook'],
    ['fc00::/7, an IPv6 internal receiver', 'http://[fd12:3456::1]/hook'],
    ['the neighbour of the AWS IPv6 metadata address', 'http://[fd00:ec2::253]/'],
    ['the address just below 127.0.0.0/8', 'http://126.255.255.255/'],
    ['the address just above 127.0.0.0/8', 'http://128.0.0.0/'],
    ['the address just below 169.254.0.0/16', 'http://169.253.255.255/'],
    ['the address just past fe80::/10', 'http://[fec0::1]/'],
    ['an IPv4-mapped internal address', 'http://[::ffff:10.0.0.1]/'],
    ['a name that merely starts with localhost', 'http://localhost.example.com/'],
    ['a name that merely ends in localhost', 'http://mylocalhost/'],
    ['a name under a metadata-like domain', 'http://metadata.example.com/'],
    ['a URL with an empty userinfo, which WHATWG drops', 'http://@hooks.example.com/'],
  ])('%s', (_, url) => {
    expect(reasonFor(url)).toBeUndefined();
  });

  it('returns the URL as WHATWG normalised it, which is what the HTTP client will use', () => {
    const r = checkWebhookUrl('HTTPS://Hooks.Example.COM:443/Vigil', EMPTY_ALLOW_LIST);
    expect(r.ok && r.url.href).toBe('https://hooks.example.com/Vigil');
  });
});

describe('checkWebhookUrl with an allow-list', () => {
  it.each<[string, string, string]>([
    ['an exact IPv4 address', '127.0.0.1', 'http://127.0.0.1:8080/'],
    ['an IPv4 CIDR', '127.0.0.0/8', 'http://127.0.0.5/'],
    ['an address in another spelling of a listed one', '127.0.0.1', 'http://2130706433/'],
    ['the IPv4-mapped form of a listed address', '127.0.0.1', 'http://[::ffff:127.0.0.1]/'],
    ['an exact IPv6 address', '::1', 'http://[::1]/'],
    ['an IPv6 address in brackets', '[::1]', 'http://[::1]/'],
    ['an IPv6 /128 matching the full spelling', '::1/128', 'http://[0:0:0:0:0:0:0:1]/'],
    ['an IPv6 CIDR', 'fe80::/10', 'http://[fe80::1234]/'],
    ['a CIDR that contains the metadata address', '169.254.0.0/16', 'http://169.254.169.254/'],
    ['a listed name', 'localhost', 'http://localhost:3000/'],
    ['a listed name written differently', 'LocalHost.', 'http://LOCALHOST./'],
    ['localhost, because 127.0.0.1 is what it stands for', '127.0.0.1', 'http://localhost:3000/'],
    ['localhost, because ::1 is what it stands for', '::1', 'http://localhost:3000/'],
    ['a listed metadata name', 'metadata.google.internal', 'http://metadata.google.internal/'],
    ['a metadata name, because its address is listed', '169.254.169.254', 'http://metadata.google.internal/'],
    ['one entry among several', 'hooks.internal, 10.0.0.0/8 ,127.0.0.1', 'http://127.0.0.1/'],
  ])('lets through %s', (_, allow, url) => {
    expect(reasonFor(url, allowList(allow))).toBeUndefined();
  });

  it.each<[string, string, string, string]>([
    ['another loopback address than the listed one', '127.0.0.1', 'http://127.0.0.2/', `127.0.0.2 is a loopback address; ${HOW}`],
    ['IPv4 loopback when only ::1 is listed', '::1', 'http://127.0.0.1/', `127.0.0.1 is a loopback address; ${HOW}`],
    ['IPv6 loopback when only 127.0.0.1 is listed', '127.0.0.1', 'http://[::1]/', `::1 is the loopback address; ${HOW}`],
    ['loopback when only a private range is listed', '10.0.0.0/8', 'http://127.0.0.1/', `127.0.0.1 is a loopback address; ${HOW}`],
    ['a name under localhost when only localhost is listed', 'localhost', 'http://app.localhost/', `app.localhost is a loopback name; ${HOW}`],
    ['a metadata name when only loopback is listed', '127.0.0.0/8', 'http://metadata/', `metadata is a cloud metadata name; ${HOW}`],
    ['credentials, whatever is listed', 'hooks.example.com', 'https://a:b@hooks.example.com/', CREDENTIALS],
  ])('still refuses %s', (_, allow, url, reason) => {
    expect(reasonFor(url, allowList(allow))).toBe(reason);
  });
});

describe('checkResolvedAddress', () => {
  it.each<[string, string, string, string | undefined]>([
    ['refuses IPv4 loopback', '127.0.0.1', '', `127.0.0.1 is a loopback address; ${HOW}`],
    ['refuses IPv6 loopback', '::1', '', `::1 is the loopback address; ${HOW}`],
    ['refuses 0.0.0.0', '0.0.0.0', '', `0.0.0.0 is an unspecified address; ${HOW}`],
    ['refuses the metadata address', '169.254.169.254', '', `169.254.169.254 is a cloud metadata address; ${HOW}`],
    ['refuses the AWS IPv6 metadata address written in full', 'fd00:ec2:0:0:0:0:0:254', '', `fd00:ec2:0:0:0:0:0:254 is a cloud metadata address; ${HOW}`],
    ['refuses link-local with an interface suffix', 'fe80::1%eth0', '', `fe80::1%eth0 is a link-local address; ${HOW}`],
    ['refuses IPv4-mapped loopback, dotted', '::ffff:127.0.0.1', '', `::ffff:127.0.0.1 is an IPv4-mapped form of 127.0.0.1, a loopback address; ${HOW}`],
    ['refuses IPv4-mapped loopback written in full', '0:0:0:0:0:ffff:7f00:1', '', `0:0:0:0:0:ffff:7f00:1 is an IPv4-mapped form of 127.0.0.1, a loopback address; ${HOW}`],
    ['refuses what is not an IP address', 'hooks.example.com', '', '"hooks.example.com" is not an IP address'],
    ['refuses an IPv4 address with leading zeros', '127.000.000.001', '', '"127.000.000.001" is not an IP address'],
    ['refuses IPv6 with two "::"', '1::2::3', '', '"1::2::3" is not an IP address'],
    ['refuses IPv6 with nine groups', '1:2:3:4:5:6:7:8:9', '', '"1:2:3:4:5:6:7:8:9" is not an IP address'],
    ['refuses an IPv6 group of five digits', '12345::1', '', '"12345::1" is not an IP address'],
    ['refuses a short embedded IPv4 address', '::ffff:1.2.3', '', '"::ffff:1.2.3" is not an IP address'],
    ['allows a public IPv4 address', '93.184.215.14', '', undefined],
    ['allows a private IPv4 address', '10.0.0.1', '', undefined],
    ['allows a public IPv6 address', '2606:4700:4700::1111', '', undefined],
    ['allows IPv6 with all eight groups', '2001:db8:1:2:3:4:5:6', '', undefined],
    ['allows an IPv4-mapped public address', '::ffff:93.184.215.14', '', undefined],
    ['allows loopback when it is listed', '127.0.0.1', '127.0.0.1', undefined],
    ['allows the IPv4-mapped form of a listed network', '::ffff:127.0.0.1', '127.0.0.0/8', undefined],
    ['allows link-local when the interface suffix is on the address only', 'fe80::1%eth0', 'fe80::/10', undefined],
    ['still refuses loopback when only a host name is listed (the adapter trusts listed names before asking)', '127.0.0.1', 'localhost', `127.0.0.1 is a loopback address; ${HOW}`],
  ])('%s', (_, ip, allow, expected) => {
    expect(checkResolvedAddress(ip, allowList(allow))).toBe(expected);
  });
});

describe('isNamedInAllowList', () => {
  it.each<[string, string, string, boolean]>([
    ['finds a listed name', 'localhost', 'localhost', true],
    ['ignores case and the root dot', 'Hooks.Internal', 'hooks.internal.', true],
    ['does not match a name under a listed one', 'hooks.internal', 'a.hooks.internal', false],
    ['does not treat a listed address as a name', '127.0.0.1', 'localhost', false],
  ])('%s', (_, allow, host, expected) => {
    expect(isNamedInAllowList(host, allowList(allow))).toBe(expected);
  });
});

describe('parseAllowList', () => {
  it.each<[string, string, string[], number]>([
    ['reads an empty variable as an empty list', '', [], 0],
    ['reads the documented example', '127.0.0.1,::1,hooks.internal,10.0.0.0/8', ['hooks.internal'], 3],
    ['ignores spaces and empty entries', ' 127.0.0.1 , ,hooks.internal,', ['hooks.internal'], 1],
    ['stores names in lower case without the root dot', 'Hooks.Internal.', ['hooks.internal'], 0],
    ['stores international names as punycode, as URLs carry them', 'café.example', ['xn--caf-dma.example'], 0],
    ['reads an IPv6 address in brackets', '[fd00::1]', [], 1],
    ['reads IPv4 and IPv6 CIDRs, /0 included', '0.0.0.0/0,::/0,fd00::/8', [], 3],
    ['reads a name with an underscore, as some internal zones have', 'hooks_01.internal', ['hooks_01.internal'], 0],
  ])('%s', (_, text, hosts, networks) => {
    const r = parseAllowList(text);
    expect(r.ok && { hosts: r.allowList.hosts, networks: r.allowList.networks.length }).toEqual({ hosts, networks });
  });

  it.each<[string, string, string[]]>([
    ['refuses an IPv4 prefix over 32', '10.0.0.0/33', ['"10.0.0.0/33": not a CIDR network: the prefix length must be a whole number from 0 to 32']],
    ['refuses an IPv6 prefix over 128', 'fd00::/129', ['"fd00::/129": not a CIDR network: the prefix length must be a whole number from 0 to 128']],
    ['refuses an empty prefix', '10.0.0.0/', ['"10.0.0.0/": not a CIDR network: the prefix length must be a whole number from 0 to 32']],
    ['refuses a prefix with a leading zero', '10.0.0.0/08', ['"10.0.0.0/08": not a CIDR network: the prefix length must be a whole number from 0 to 32']],
    ['refuses an IPv4 network with host bits set', '10.1.2.3/8', ['"10.1.2.3/8": has bits set after the first 8; did you mean 10.0.0.0/8?']],
    ['refuses an IPv6 network with host bits set', 'fd00::1/64', ['"fd00::1/64": has bits set after the first 64; did you mean fd00::/64?']],
    ['refuses a CIDR of a name', 'hooks.internal/24', ['"hooks.internal/24": not a CIDR network: the part before "/" is not an IP address']],
    ['refuses a URL', 'http://hooks.internal', ['"http://hooks.internal": write the host alone, without a scheme or path']],
    ['refuses a host with a port', 'hooks.internal:8443', ['"hooks.internal:8443": not an IP address, host name or CIDR network (ports are not part of an entry)']],
    ['refuses an IPv6 address of nine groups', '1:2:3:4:5:6:7:8:9', ['"1:2:3:4:5:6:7:8:9": not an IP address, host name or CIDR network (ports are not part of an entry)']],
    ['refuses a wildcard', '*.internal', ['"*.internal": wildcards are not supported; list each host name']],
    ['refuses an interface suffix', 'fe80::1%eth0', ['"fe80::1%eth0": interface suffixes (%eth0) are not supported; write the address alone']],
    ['refuses 127.0.0.1 as one number', '2130706433', ['"2130706433": an IPv4 address in a non-standard form; write it as 127.0.0.1']],
    ['refuses 127.0.0.1 in hex', '0x7f.1', ['"0x7f.1": an IPv4 address in a non-standard form; write it as 127.0.0.1']],
    ['refuses an IPv4 address with leading zeros', '010.0.0.1', ['"010.0.0.1": an IPv4 address in a non-standard form; write it as 8.0.0.1']],
    ['refuses a name with a space', 'hooks internal', ['"hooks internal": not an IP address, host name or CIDR network']],
    ['refuses a name with an empty label', 'hooks..internal', ['"hooks..internal": not an IP address, host name or CIDR network']],
    ['refuses five dotted numbers', '1.2.3.4.5', ['"1.2.3.4.5": not an IP address, host name or CIDR network']],
    ['names every bad entry, not just the first', 'ok.internal, 10.0.0.0/99 ,127.0.0.1,*.x', ['"10.0.0.0/99": not a CIDR network: the prefix length must be a whole number from 0 to 32', '"*.x": wildcards are not supported; list each host name']],
  ])('%s', (_, text, problems) => {
    expect(parseAllowList(text)).toEqual({ ok: false, problems });
  });
});
