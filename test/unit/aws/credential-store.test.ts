import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { forgetAccessKeys, loadAccessKeys, saveAccessKeys, type StringEncryptor } from '../../../electron/engine/aws/credential-store.js';

/** Stands in for Electron's safeStorage (an OS-keychain cipher). */
const safeStorage = (available = true): StringEncryptor => ({
  isEncryptionAvailable: () => available,
  encryptString: (plain) => Buffer.from(Buffer.from(plain).map((b) => b ^ 0x5a)),
  decryptString: (encrypted) => Buffer.from(encrypted.map((b) => b ^ 0x5a)).toString(),
});

describe('access keys typed into the desktop app', () => {
  let dir: string;
  let file: string;
  const keys = { accessKeyId: 'AKIAEXAMPLEEXAMPLE12', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'skylift-keys-'));
    file = path.join(dir, 'aws-keys.bin');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('are stored only encrypted, readable by the owner alone, and read back', async () => {
    await saveAccessKeys(file, safeStorage(), keys);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const raw = await readFile(file, 'latin1');
    expect(raw).not.toContain(keys.secretAccessKey);
    expect(raw).not.toContain(keys.accessKeyId);
    expect(await loadAccessKeys(file, safeStorage())).toEqual({ kind: 'keys', ...keys });
    await forgetAccessKeys(file);
    expect(await loadAccessKeys(file, safeStorage())).toBeUndefined();
  });

  it('are refused when the system has no encrypted storage', async () => {
    await expect(saveAccessKeys(file, safeStorage(false), keys)).rejects.toMatchObject({ code: 'CREDENTIALS', hint: expect.stringContaining('AWS profile') });
  });

  it('that no longer decrypt ask to be entered again', async () => {
    await writeFile(file, Buffer.from('garbage'));
    await expect(loadAccessKeys(file, safeStorage())).rejects.toMatchObject({ code: 'CREDENTIALS', hint: expect.stringContaining('enter the keys again') });
  });
});
