import { readFile, rm, writeFile } from 'node:fs/promises';
import { AwsLayerError } from './errors.js';
import type { CredentialSource } from './credentials.js';

/** The part of Electron's `safeStorage` the store needs (main passes `safeStorage` itself). */
export interface StringEncryptor {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

type Keys = Extract<CredentialSource, { kind: 'keys' }>;

/** Access keys the user typed into the desktop app, kept only encrypted by the OS keychain
 * (safeStorage) in a 0600 file. The CLI never writes this file. */
export async function saveAccessKeys(file: string, encryptor: StringEncryptor, keys: Omit<Keys, 'kind'>): Promise<void> {
  if (!encryptor.isEncryptionAvailable()) {
    throw new AwsLayerError('CREDENTIALS', 'this system offers no encrypted storage for the keys', 'use an AWS profile (~/.aws/config) instead of typing keys');
  }
  const plain = JSON.stringify({ accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey, ...(keys.sessionToken ? { sessionToken: keys.sessionToken } : {}) });
  await writeFile(file, encryptor.encryptString(plain), { mode: 0o600 });
}

export async function loadAccessKeys(file: string, encryptor: StringEncryptor): Promise<Keys | undefined> {
  let encrypted: Buffer;
  try {
    encrypted = await readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let parsed: { accessKeyId?: unknown; secretAccessKey?: unknown; sessionToken?: unknown };
  try {
    parsed = JSON.parse(encryptor.decryptString(encrypted)) as typeof parsed;
  } catch (err) {
    throw new AwsLayerError('CREDENTIALS', 'the saved AWS keys could not be decrypted', 'enter the keys again in Settings (the OS keychain may have changed)', { cause: err });
  }
  if (typeof parsed.accessKeyId !== 'string' || typeof parsed.secretAccessKey !== 'string') {
    throw new AwsLayerError('CREDENTIALS', 'the saved AWS keys are incomplete', 'enter the keys again in Settings');
  }
  return {
    kind: 'keys',
    accessKeyId: parsed.accessKeyId,
    secretAccessKey: parsed.secretAccessKey,
    ...(typeof parsed.sessionToken === 'string' ? { sessionToken: parsed.sessionToken } : {}),
  };
}

export async function forgetAccessKeys(file: string): Promise<void> {
  await rm(file, { force: true });
}
