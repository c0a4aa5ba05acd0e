import { SshError, type HostKeyFacts } from './errors.js';
import { appendKnownHost, entryMatchesHost, fingerprintOf, keyTypeOf, readKnownHosts, type KnownHostEntry } from './known-hosts.js';

/** What a user sees when asked to trust a host key on first contact. */
export interface HostKeyPrompt {
  /** user@host:port */
  label: string;
  host: string;
  port: number;
  keyType: string;
  fingerprint: string;
}

/**
 * How to treat a host key that is not on record. A key on record that differs is always a hard
 * stop, whatever the mode.
 */
export type HostKeyPolicy =
  | { mode: 'strict' }
  | { mode: 'accept-new' }
  | { mode: 'pinned'; fingerprint: string }
  | { mode: 'ask'; confirm: (prompt: HostKeyPrompt) => Promise<boolean> };

/** Loads Skylift's file and the user's OpenSSH file (either may be missing). */
export async function loadKnownHosts(files: (string | null)[]): Promise<KnownHostEntry[]> {
  const lists = await Promise.all(files.filter((f): f is string => f !== null).map(readKnownHosts));
  return lists.flat();
}

/** `SHA256:abc` as typed or pasted (padding and whitespace tolerated). */
export function normalizeFingerprint(text: string): string {
  const fp = text.trim().replace(/=+$/, '');
  if (!/^SHA256:[A-Za-z0-9+/]{43}$/.test(fp)) {
    throw new SshError('CONFIG', `"${text}" is not a SHA256 host key fingerprint`, 'copy it as OpenSSH prints it: SHA256:… (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on the box)');
  }
  return fp;
}

const DEFAULT_HOST_KEY_ALGORITHMS = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
const algorithmsFor = (keyType: string): string[] => (keyType === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [keyType]);

/** Asks for the key types already on record first (as OpenSSH does), so a known host is not mistaken for a changed one. */
export function hostKeyAlgorithmsFor(entries: KnownHostEntry[], name: string): string[] {
  const known = entries.filter((e) => e.marker === null && entryMatchesHost(e, name)).flatMap((e) => algorithmsFor(e.keyType));
  return [...new Set([...known.filter((a) => DEFAULT_HOST_KEY_ALGORITHMS.includes(a)), ...DEFAULT_HOST_KEY_ALGORITHMS])];
}

const checkOnBox = (keyType: string): string => `ssh-keygen -lf /etc/ssh/ssh_host_${keyType.replace(/^ssh-|-sha2-.*$/g, '')}_key.pub`;

export interface VerifyHostKeyInput {
  entries: KnownHostEntry[];
  /** The known_hosts name (`host` or `[host]:port`, or the HostKeyAlias), lower case. */
  name: string;
  label: string;
  host: string;
  port: number;
  blob: Buffer;
  policy: HostKeyPolicy;
  /** Skylift's own file, where accepted keys are recorded. */
  knownHostsPath: string;
}

/** Resolves with the key's facts when it may be trusted; throws a HOST_KEY_* SshError otherwise. */
export async function verifyHostKey(input: VerifyHostKeyInput): Promise<HostKeyFacts> {
  const { entries, name, label, blob, policy } = input;
  const facts: HostKeyFacts = { host: input.host, port: input.port, keyType: keyTypeOf(blob), fingerprint: fingerprintOf(blob) };
  const { keyType, fingerprint } = facts;
  const forHost = entries.filter((e) => entryMatchesHost(e, name));

  const revoked = forHost.find((e) => e.marker === 'revoked' && e.key.equals(blob));
  if (revoked) {
    throw new SshError('HOST_KEY_REVOKED', `host key ${fingerprint} of ${label} is marked @revoked in ${revoked.file} line ${revoked.line}`, 'the key was revoked on purpose: do not connect; ask whoever runs the box for its new key', { hostKey: facts });
  }
  if (policy.mode === 'pinned') {
    const pinned = normalizeFingerprint(policy.fingerprint);
    if (pinned !== fingerprint) {
      throw new SshError('HOST_KEY_CHANGED', `host key of ${label} is ${keyType} ${fingerprint}, not the pinned ${pinned}; nothing was sent to the box`, `compare with the box's own fingerprint (${checkOnBox(keyType)}); if it was rebuilt, pin the new one with --host-key`, { hostKey: facts });
    }
  }

  const known = forHost.filter((e) => e.marker === null);
  if (known.some((e) => e.key.equals(blob))) return facts;
  if (known.length > 0) {
    facts.known = known.map((e) => ({ fingerprint: fingerprintOf(e.key), keyType: e.keyType, file: e.file, line: e.line }));
    const was = facts.known.map((k) => `${k.keyType} ${k.fingerprint} (${k.file} line ${k.line})`).join(', ');
    const first = known[0] as KnownHostEntry;
    throw new SshError(
      'HOST_KEY_CHANGED',
      `HOST KEY CHANGED for ${label}: on record ${was}, but the server presented ${keyType} ${fingerprint}; nothing was sent to the box`,
      `if the box was rebuilt, remove its line from ${first.file} (line ${first.line}; or: ssh-keygen -R '${name}' -f ${first.file}), then connect again and check the new fingerprint (${checkOnBox(keyType)}); otherwise someone may be intercepting the connection: stop here`,
      { hostKey: facts },
    );
  }

  const unknownHint = `check it on the box (${checkOnBox(keyType)}), then run again with --host-key ${fingerprint} to pin it, or --accept-new to trust it on first use`;
  if (policy.mode === 'strict') {
    throw new SshError('HOST_KEY_UNKNOWN', `host key of ${label} is not known: ${keyType} ${fingerprint}`, unknownHint, { hostKey: facts });
  }
  if (policy.mode === 'ask' && !(await policy.confirm({ label, host: input.host, port: input.port, keyType, fingerprint }))) {
    throw new SshError('HOST_KEY_UNKNOWN', `host key of ${label} (${keyType} ${fingerprint}) was not accepted`, unknownHint, { hostKey: facts });
  }
  await appendKnownHost(input.knownHostsPath, name, blob);
  return facts;
}
