import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshError } from '../../electron/engine/ssh/errors.js';
import { hostKeyAlgorithmsFor, normalizeFingerprint, verifyHostKey, type HostKeyPolicy } from '../../electron/engine/ssh/host-key-policy.js';
import { entryMatchesHost, fingerprintOf, keyTypeOf, knownHostName, parseKnownHosts } from '../../electron/engine/ssh/known-hosts.js';

// Keys and fingerprints as ssh-keygen made and printed them (ssh-keygen -lf), hashed lines from ssh-keygen -H.
const ED1 = 'AAAAC3NzaC1lZDI1NTE5AAAAINZTwslphXs6pH3xu5uO8U1wOIjrSq/+fXa6uGEMADV0';
const ED1_FP = 'SHA256:OVJAeCXpHHIVt1ZxvwDQuVH1eoYMiTeNqBo/g5YuW0w';
const ED2 = 'AAAAC3NzaC1lZDI1NTE5AAAAIPBhFM7OkfPzb1/BQJYLGgguBRMXZymy2BVpMdQoN9RU';
const ED2_FP = 'SHA256:BzRXiwv1bDLrqnPM0L4VBmCK2nCDZ0FvIoaGfAfRwyk';
const EC = 'AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBKAf8+LC23B2tGGpkMw0jMVvQIBcRrOpYipNPTeTEH1nvnOCAqL0C4DP1n0yRun4ZqQRepPvJDbpvFlJDybn560=';
const EC_FP = 'SHA256:9gsaVaAuLsQu6PA9K1O6A34e5+vHrOx6mqFsjiNs9e8';
const HASHED_WEB = '|1|QabxLlBtYHVpD77pgjjMVA57L98=|jK21Zp/jCDQ2dH72dM+/Fec8U7c='; // web.example.com
const HASHED_PORT = '|1|1pPrfDd3hr6XKgEVDZwq2r0vbw4=|COwAcBBqP+KFeDhgccXeJQPveYs='; // [10.0.0.5]:2222

const blob = (b64: string): Buffer => Buffer.from(b64, 'base64');
const matches = (text: string, name: string): boolean => parseKnownHosts(text, 'f').some((e) => entryMatchesHost(e, name));

describe('known_hosts parsing', () => {
  it('reads key type and OpenSSH fingerprints from key blobs', () => {
    expect(keyTypeOf(blob(ED1))).toBe('ssh-ed25519');
    expect(keyTypeOf(blob(EC))).toBe('ecdsa-sha2-nistp256');
    expect(fingerprintOf(blob(ED1))).toBe(ED1_FP);
    expect(fingerprintOf(blob(EC))).toBe(EC_FP);
  });

  it('names hosts as OpenSSH records them', () => {
    expect(knownHostName('web.example.com', 22)).toBe('web.example.com');
    expect(knownHostName('10.0.0.5', 2222)).toBe('[10.0.0.5]:2222');
    expect(knownHostName('::1', 2222)).toBe('[::1]:2222');
  });

  it('matches plain, comma-separated, bracketed, wildcard and negated patterns', () => {
    expect(matches(`web.example.com,10.0.0.5 ssh-ed25519 ${ED1}`, '10.0.0.5')).toBe(true);
    expect(matches(`WEB.example.com ssh-ed25519 ${ED1}`, 'web.example.com')).toBe(true);
    expect(matches(`[10.0.0.5]:2222 ssh-ed25519 ${ED1}`, '[10.0.0.5]:2222')).toBe(true);
    expect(matches(`[10.0.0.5]:2222 ssh-ed25519 ${ED1}`, '10.0.0.5')).toBe(false);
    expect(matches(`*.example.com ssh-ed25519 ${ED1}`, 'db.example.com')).toBe(true);
    expect(matches(`*.example.com,!db.example.com ssh-ed25519 ${ED1}`, 'db.example.com')).toBe(false);
    expect(matches(`web?.example.com ssh-ed25519 ${ED1}`, 'web1.example.com')).toBe(true);
    expect(matches(`web.example.com ssh-ed25519 ${ED1}`, 'webxexample.com')).toBe(false);
  });

  it('matches hashed |1|salt|hash entries', () => {
    expect(matches(`${HASHED_WEB} ssh-ed25519 ${ED1}`, 'web.example.com')).toBe(true);
    expect(matches(`${HASHED_WEB} ssh-ed25519 ${ED1}`, 'other.example.com')).toBe(false);
    expect(matches(`${HASHED_PORT} ssh-ed25519 ${ED1}`, '[10.0.0.5]:2222')).toBe(true);
  });

  it('reads markers and skips comments and malformed lines', () => {
    const entries = parseKnownHosts(
      [
        '# comment',
        '',
        `@revoked * ssh-ed25519 ${ED2}`,
        `@cert-authority *.example.com ssh-ed25519 ${ED1}`,
        `@bogus host ssh-ed25519 ${ED1}`,
        'host ssh-ed25519 not-base64!',
        `host ssh-rsa ${ED1}`,
        `  host   ssh-ed25519 ${ED1} a comment  `,
      ].join('\n'),
      '/k',
    );
    expect(entries.map((e) => [e.line, e.marker, e.keyType])).toEqual([
      [3, 'revoked', 'ssh-ed25519'],
      [4, 'cert-authority', 'ssh-ed25519'],
      [8, null, 'ssh-ed25519'],
    ]);
  });
});

describe('host key policy', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'skylift-hk-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const verify = (known: string, key: string, policy: HostKeyPolicy, knownHostsPath = join(dir, 'unused')) =>
    verifyHostKey({ entries: parseKnownHosts(known, '/u/known_hosts'), name: '[10.0.0.5]:2222', label: 'root@10.0.0.5:2222', host: '10.0.0.5', port: 2222, blob: blob(key), policy, knownHostsPath });
  const rejection = async (p: Promise<unknown>): Promise<SshError> => {
    const err = await p.then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(SshError);
    return err as SshError;
  };

  it('accepts a known key in any mode', async () => {
    await expect(verify(`[10.0.0.5]:2222 ssh-ed25519 ${ED1}`, ED1, { mode: 'strict' })).resolves.toMatchObject({ fingerprint: ED1_FP, keyType: 'ssh-ed25519' });
  });

  it('treats any known key that does not match as changed, even in accept-new mode', async () => {
    const err = await rejection(verify(`\n[10.0.0.5]:2222 ssh-ed25519 ${ED2}`, ED1, { mode: 'accept-new' }));
    expect(err.code).toBe('HOST_KEY_CHANGED');
    expect(err.message).toContain(ED1_FP);
    expect(err.message).toContain(ED2_FP);
    expect(err.hint).toContain('remove its line from /u/known_hosts (line 2');
    expect(err.hostKey?.known).toEqual([{ fingerprint: ED2_FP, keyType: 'ssh-ed25519', file: '/u/known_hosts', line: 2 }]);
    expect((await rejection(verify(`[10.0.0.5]:2222 ecdsa-sha2-nistp256 ${EC}`, ED1, { mode: 'accept-new' }))).code).toBe('HOST_KEY_CHANGED');
  });

  it('refuses a revoked key, whatever else is known', async () => {
    const err = await rejection(verify(`@revoked * ssh-ed25519 ${ED1}\n[10.0.0.5]:2222 ssh-ed25519 ${ED1}`, ED1, { mode: 'accept-new' }));
    expect(err.code).toBe('HOST_KEY_REVOKED');
  });

  it('ignores @cert-authority lines', async () => {
    expect((await rejection(verify(`@cert-authority * ssh-ed25519 ${ED1}`, ED1, { mode: 'strict' }))).code).toBe('HOST_KEY_UNKNOWN');
  });

  it('records a new key for accept-new, pinned (on match) and ask (on yes), in OpenSSH format', async () => {
    const file = join(dir, 'sub', 'known_hosts');
    await verify('', ED1, { mode: 'accept-new' }, file);
    await verify('', ED2, { mode: 'pinned', fingerprint: `${ED2_FP}=` }, file);
    await verify('', EC, { mode: 'ask', confirm: async (p) => p.fingerprint === EC_FP }, file);
    expect(await readFile(file, 'utf8')).toBe(`[10.0.0.5]:2222 ssh-ed25519 ${ED1}\n[10.0.0.5]:2222 ssh-ed25519 ${ED2}\n[10.0.0.5]:2222 ecdsa-sha2-nistp256 ${EC}\n`);
  });

  it('refuses a pinned mismatch and a declined prompt', async () => {
    const pinned = await rejection(verify('', ED1, { mode: 'pinned', fingerprint: ED2_FP }));
    expect(pinned.code).toBe('HOST_KEY_CHANGED');
    expect(pinned.message).toContain(ED2_FP);
    expect((await rejection(verify('', ED1, { mode: 'ask', confirm: async () => false }))).code).toBe('HOST_KEY_UNKNOWN');
  });

  it('validates pinned fingerprints', () => {
    expect(normalizeFingerprint(` ${ED1_FP}= `)).toBe(ED1_FP);
    expect(() => normalizeFingerprint('MD5:aa:bb')).toThrow(SshError);
  });

  it('asks for the key types on record first', () => {
    const entries = parseKnownHosts(`[10.0.0.5]:2222 ecdsa-sha2-nistp256 ${EC}\nother ssh-ed25519 ${ED1}`, 'f');
    expect(hostKeyAlgorithmsFor(entries, '[10.0.0.5]:2222').slice(0, 2)).toEqual(['ecdsa-sha2-nistp256', 'ssh-ed25519']);
    expect(hostKeyAlgorithmsFor(entries, 'unknown')[0]).toBe('ssh-ed25519');
  });
});
