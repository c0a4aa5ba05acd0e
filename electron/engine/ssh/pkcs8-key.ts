import { createPrivateKey, type KeyObject } from 'node:crypto';

const PKCS8 = /-----BEGIN (ENCRYPTED )?PRIVATE KEY-----/;

/**
 * A PKCS#8 key (what `ssh-keygen -m PKCS8` and openssl write) re-encoded as the PEM ssh2 reads:
 * PKCS#1 for RSA, SEC1 for ECDSA — the two types OpenSSH itself reads in this form. Null when the
 * file is not PKCS#8; an Error naming the passphrase when it is encrypted and cannot be opened.
 */
export function pkcs8AsPem(data: Buffer, passphrase: string | undefined): Buffer | Error | null {
  const found = PKCS8.exec(data.toString('latin1'));
  if (!found) return null;
  const encrypted = found[1] !== undefined;
  if (encrypted && passphrase === undefined) return new Error('encrypted PKCS#8 key, but no passphrase given');
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: data, format: 'pem', ...(encrypted ? { passphrase } : {}) });
  } catch (err) {
    return new Error(encrypted ? 'cannot decrypt the PKCS#8 key with this passphrase' : `not a readable PKCS#8 key (${(err as Error).message})`);
  }
  if (key.asymmetricKeyType === 'rsa') return Buffer.from(key.export({ type: 'pkcs1', format: 'pem' }));
  if (key.asymmetricKeyType === 'ec') return Buffer.from(key.export({ type: 'sec1', format: 'pem' }));
  return new Error(`a ${key.asymmetricKeyType ?? 'unknown'} key in PKCS#8 form, which OpenSSH does not read either: use an OpenSSH-format key (ssh-keygen -t ${key.asymmetricKeyType ?? 'ed25519'})`);
}
