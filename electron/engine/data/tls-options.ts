import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { DataError } from '../../../shared/data/data-error.js';
import type { TargetUrl } from '../../../shared/data/target-url.js';

/**
 * Node TLS options for a target URL's mode: `require` encrypts without checking the
 * certificate, `verify-ca` checks the chain only, `verify-full` the chain and the host name
 * (against the CA file when given, else the system's CAs). Null for `disable`.
 */
export function tlsOptions(url: TargetUrl): ConnectionOptions | null {
  const { mode, caFile } = url.tls;
  if (mode === 'disable') return null;
  let ca: string | undefined;
  if (caFile) {
    try {
      ca = readFileSync(caFile, 'utf8');
    } catch (err) {
      throw new DataError('BAD_URL', `cannot read the CA bundle ${caFile}: ${(err as Error).message}`, 'give the path of a PEM file (RDS: global-bundle.pem from truststore.pki.rds.amazonaws.com)', { cause: err });
    }
  }
  if (mode === 'prefer' || mode === 'require') return { rejectUnauthorized: false, ...(ca ? { ca } : {}) };
  return {
    rejectUnauthorized: true,
    ...(ca ? { ca } : {}),
    servername: /^[\d.]+$|:/.test(url.host) ? undefined : url.host,
    ...(mode === 'verify-ca' ? { checkServerIdentity: () => undefined } : {}),
  };
}
