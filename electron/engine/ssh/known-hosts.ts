import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** One key line of an OpenSSH known_hosts file. */
export interface KnownHostEntry {
  file: string;
  /** 1-based, for "remove line N" hints. */
  line: number;
  marker: 'revoked' | 'cert-authority' | null;
  /** Comma-separated patterns (`*`, `?`, `!negation`, `[host]:port`), or a hashed name. */
  hosts: { patterns: string[] } | { salt: Buffer; hash: Buffer };
  keyType: string;
  /** The raw public key blob, as the server sends it. */
  key: Buffer;
}

/** The key type named inside a public key blob (e.g. `ssh-ed25519`, `ssh-rsa`). */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const len = blob.readUInt32BE(0);
  return len > 0 && 4 + len <= blob.length ? blob.subarray(4, 4 + len).toString('latin1') : 'unknown';
}

/** OpenSSH's fingerprint form: `SHA256:` + unpadded base64 of the blob's SHA-256. */
export const fingerprintOf = (blob: Buffer): string => 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');

/** The name OpenSSH records: `host` on port 22, `[host]:port` otherwise. */
export const knownHostName = (host: string, port: number): string => (port === 22 ? host : `[${host}]:${port}`);

export const formatKnownHostLine = (name: string, blob: Buffer): string => `${name} ${keyTypeOf(blob)} ${blob.toString('base64')}`;

const globToRegExp = (pattern: string): RegExp =>
  new RegExp('^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$', 'i');

/** OpenSSH's match_hostname: any positive match, and no negated one. */
export function entryMatchesHost(entry: KnownHostEntry, name: string): boolean {
  if ('hash' in entry.hosts) {
    const digest = createHmac('sha1', entry.hosts.salt).update(name).digest();
    return digest.length === entry.hosts.hash.length && timingSafeEqual(digest, entry.hosts.hash);
  }
  let positive = false;
  for (const pattern of entry.hosts.patterns) {
    const negated = pattern.startsWith('!');
    if (!globToRegExp(negated ? pattern.slice(1) : pattern).test(name)) continue;
    if (negated) return false;
    positive = true;
  }
  return positive;
}

function parseHosts(field: string): KnownHostEntry['hosts'] | null {
  if (!field.startsWith('|1|')) return { patterns: field.split(',').filter(Boolean) };
  const [salt, hash] = field.slice(3).split('|');
  if (!salt || !hash) return null;
  return { salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') };
}

/** Lines that are not well-formed key lines are skipped, as OpenSSH does. */
export function parseKnownHosts(text: string, file: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const fields = raw.trim().split(/\s+/);
    if (!fields[0] || fields[0].startsWith('#')) return;
    let marker: KnownHostEntry['marker'] = null;
    if (fields[0].startsWith('@')) {
      const m = fields.shift();
      if (m !== '@revoked' && m !== '@cert-authority') return;
      marker = m === '@revoked' ? 'revoked' : 'cert-authority';
    }
    const [hostField, keyType, keyText] = fields;
    if (!hostField || !keyType || !keyText || !/^[A-Za-z0-9+/]+={0,2}$/.test(keyText)) return;
    const hosts = parseHosts(hostField);
    const key = Buffer.from(keyText, 'base64');
    if (!hosts || keyTypeOf(key) !== keyType) return;
    entries.push({ file, line: i + 1, marker, hosts, keyType, key });
  });
  return entries;
}

/** A missing file holds no entries. */
export async function readKnownHosts(path: string): Promise<KnownHostEntry[]> {
  try {
    return parseKnownHosts(await readFile(path, 'utf8'), path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** Appends `name type base64` to Skylift's own file (plain names, so Settings can list them). */
export async function appendKnownHost(path: string, name: string, blob: Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  let text = '';
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const sep = text === '' || text.endsWith('\n') ? '' : '\n';
  await appendFile(path, `${sep}${formatKnownHostLine(name, blob)}\n`, { mode: 0o600 });
}

/**
 * Removes one key line (1-based) from Skylift's file, only if that line still holds the key with
 * this fingerprint: the file may have changed since it was listed. False when nothing matched.
 */
export async function removeKnownHost(path: string, line: number, fingerprint: string): Promise<boolean> {
  const lines = (await readFile(path, 'utf8')).split('\n');
  const [entry] = parseKnownHosts(lines[line - 1] ?? '', path);
  if (!entry || fingerprintOf(entry.key) !== fingerprint) return false;
  lines.splice(line - 1, 1);
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, lines.join('\n'), { mode: 0o600 });
  await rename(tmp, path);
  return true;
}
