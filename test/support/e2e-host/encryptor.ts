import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { StringEncryptor } from '../../../electron/engine/aws/credential-store.js';

/**
 * What Electron's safeStorage does, minus the OS keychain: AES-256-GCM under a key held by the
 * test host for its lifetime (a restart of the host keeps it, as a keychain would).
 */
export function aesEncryptor(key: Buffer = randomBytes(32)): StringEncryptor {
  return {
    isEncryptionAvailable: () => true,
    encryptString(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decryptString(encrypted) {
      const decipher = createDecipheriv('aes-256-gcm', key, encrypted.subarray(0, 12));
      decipher.setAuthTag(encrypted.subarray(12, 28));
      return Buffer.concat([decipher.update(encrypted.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}
