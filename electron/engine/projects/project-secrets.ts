import { access, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { SourceSecrets } from '../../../shared/ipc/project.js';
import type { StringEncryptor } from '../aws/credential-store.js';
import { writeFileAtomic } from './atomic-file.js';

/** The box's password or key passphrase, kept only encrypted (Electron safeStorage) beside the project. */
export const SOURCE_SECRETS_FILE = 'source-secrets.bin';
/** AWS access keys typed into the app (credential-store's format). */
export const AWS_KEYS_FILE = 'aws-keys.bin';

export async function saveSourceSecrets(projectDir: string, encryptor: StringEncryptor, secrets: SourceSecrets): Promise<boolean> {
  if (!encryptor.isEncryptionAvailable() || (!secrets.password && !secrets.passphrase)) return false;
  await writeFileAtomic(join(projectDir, SOURCE_SECRETS_FILE), encryptor.encryptString(JSON.stringify(secrets)));
  return true;
}

export async function loadSourceSecrets(projectDir: string, encryptor: StringEncryptor): Promise<SourceSecrets | undefined> {
  let encrypted: Buffer;
  try {
    encrypted = await readFile(join(projectDir, SOURCE_SECRETS_FILE));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const parsed = JSON.parse(encryptor.decryptString(encrypted)) as SourceSecrets;
    return { ...(typeof parsed.password === 'string' ? { password: parsed.password } : {}), ...(typeof parsed.passphrase === 'string' ? { passphrase: parsed.passphrase } : {}) };
  } catch {
    // The OS keychain changed: the saved value is useless, ask again.
    return undefined;
  }
}

export const forgetSourceSecrets = (projectDir: string): Promise<void> => rm(join(projectDir, SOURCE_SECRETS_FILE), { force: true });

export async function hasFile(projectDir: string, file: string): Promise<boolean> {
  return access(join(projectDir, file)).then(
    () => true,
    () => false,
  );
}
