import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { World } from '../world.js';

const run = promisify(execFile);

/** Our own OpenSSL configuration, so the extensions do not depend on the system's openssl.cnf. */
const CONFIG = `[req]
distinguished_name = dn
[dn]
[ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[leaf]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
`;

/** EC P-256 keys: generated in milliseconds on a busy machine, unlike RSA. */
const KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-noenc'];

export interface IssuedCertificate {
  key: string;
  cert: string;
}

/**
 * The double's certificate authority, standing in for Amazon's roots: ACM certificates are real
 * X.509 certificates it signs, and a client trusts them by trusting `cert` (the `ca` option, or
 * NODE_EXTRA_CA_CERTS=`certFile` for a child process). Everything runs `openssl` as an
 * asynchronous child process: the double shares its event loop with the test.
 */
export class TestCa {
  private serial = 0;
  private readonly pending = new Set<Promise<IssuedCertificate>>();

  private constructor(
    private readonly dir: string,
    readonly cert: string,
  ) {}

  static async create(): Promise<TestCa> {
    const dir = await mkdtemp(join(tmpdir(), 'aws-double-ca-'));
    await writeFile(join(dir, 'openssl.cnf'), CONFIG);
    await run('openssl', ['req', '-x509', ...KEY, '-config', join(dir, 'openssl.cnf'), '-extensions', 'ca', '-keyout', join(dir, 'ca.key'), '-out', join(dir, 'ca.pem'), '-days', '7', '-subj', '/O=Skylift AWS double/CN=AWS double test CA']);
    return new TestCa(dir, await readFile(join(dir, 'ca.pem'), 'utf8'));
  }

  get certFile(): string {
    return join(this.dir, 'ca.pem');
  }

  /** A server certificate for `names` (DNS subject alternative names, wildcards allowed), valid from now for two days of real time (TLS clients check the wall clock, not the double's). */
  issue(names: string[]): Promise<IssuedCertificate> {
    // Tracked so that close() waits for openssl to finish writing in the directory it removes.
    const issuing = this.sign(names);
    this.pending.add(issuing);
    void issuing.finally(() => this.pending.delete(issuing)).catch(() => undefined);
    return issuing;
  }

  private async sign(names: string[]): Promise<IssuedCertificate> {
    const base = join(this.dir, `leaf-${++this.serial}`);
    const cn = (names[0] ?? 'localhost').slice(0, 64);
    await run('openssl', [
      'req', '-x509', ...KEY, '-config', join(this.dir, 'openssl.cnf'), '-extensions', 'leaf',
      '-CA', this.certFile, '-CAkey', join(this.dir, 'ca.key'), '-days', '2',
      '-subj', `/CN=${cn}`, '-addext', `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}`,
      '-keyout', `${base}.key`, '-out', `${base}.pem`,
    ]);
    return { key: await readFile(`${base}.key`, 'utf8'), cert: await readFile(`${base}.pem`, 'utf8') };
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.pending]);
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** Registers the double's CA (startAwsDouble creates it before serving). */
export const setTestCa = (world: World, ca: TestCa) => world.scoped('test-ca', '-', null, () => ca);

export function testCa(world: World): TestCa {
  return world.scoped<TestCa>('test-ca', '-', null, () => {
    throw new Error('the AWS double has no CA: start it with startAwsDouble()');
  });
}
