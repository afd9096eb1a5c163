import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const OPENSSL = '/usr/bin/openssl';

export interface TestCertificates {
  /** The CA a client must trust (PEM). */
  readonly caPem: string;
  /** Server certificate for 127.0.0.1 and localhost, signed by the CA. */
  readonly certPem: string;
  readonly keyPem: string;
}

/**
 * A throw-away CA and a server certificate it signed, made with the openssl CLI for each server
 * that needs TLS. A real chain (not a self-signed leaf) so clients verify exactly as they would
 * against PagerDuty: name checked against the SAN, chain checked against a trusted root.
 * P-256 keys: generating them takes milliseconds, RSA would take a good part of a second.
 */
export async function makeTestCertificates(): Promise<TestCertificates> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-test-ca-'));
  try {
    const f = (name: string) => join(dir, name);
    await writeFile(f('server.ext'), ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature', 'extendedKeyUsage=serverAuth', 'subjectAltName=IP:127.0.0.1,DNS:localhost', ''].join('\n'));
    await run(OPENSSL, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '2', '-subj', '/CN=Vigil test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    await run(OPENSSL, ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', '/CN=127.0.0.1']);
    await run(OPENSSL, ['x509', '-req', '-in', f('server.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('server.pem'), '-days', '2', '-extfile', f('server.ext')]);
    const [caPem, certPem, keyPem] = await Promise.all([readFile(f('ca.pem'), 'utf8'), readFile(f('server.pem'), 'utf8'), readFile(f('server.key'), 'utf8')]);
    return { caPem, certPem, keyPem };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
