import type { Listener } from '../schema/inventory.js';
import { toInt } from './parse-records.js';

/**
 * Listening sockets from `ss -lntup`, `netstat -lntup` or raw /proc/net/{tcp,udp}[6] lines.
 * Each parser takes one line and returns null for anything that is not a listener.
 */

/** "0.0.0.0:22", "[::]:22", "*:68", "127.0.0.53%lo:53", "[fe80::1%eth0]:123", ":::22" → address and port. */
export function splitHostPort(text: string): { address: string; port: number } | null {
  const cut = text.lastIndexOf(':');
  if (cut < 0) return null;
  const port = toInt(text.slice(cut + 1));
  if (port === null || port > 65535) return null;
  let address = text.slice(0, cut);
  if (address.startsWith('[') && address.endsWith(']')) address = address.slice(1, -1);
  const zone = address.indexOf('%');
  if (zone >= 0) address = address.slice(0, zone);
  return { address: address === '' ? '*' : address, port };
}

/** Bound to a wildcard or to any address other than loopback: reachable from outside the box. */
export function isPublicAddress(address: string): boolean {
  const a = address.toLowerCase();
  if (a === '*' || a === '0.0.0.0' || a === '::') return true;
  return !(/^127\./.test(a) || a === '::1' || /^::ffff:127\./.test(a) || a === 'localhost');
}

function listener(proto: string, local: string, pid: number | null, processName: string | null): Listener | null {
  const p = proto.replace(/6$/, '');
  if (p !== 'tcp' && p !== 'udp') return null;
  const hp = splitHostPort(local);
  if (!hp) return null;
  return { proto: p, address: hp.address, port: hp.port, pid, processName, public: isPublicAddress(hp.address) };
}

/**
 * `tcp LISTEN 0 128 0.0.0.0:22 0.0.0.0:* users:(("sshd",pid=812,fd=3),…)`. Of several owners
 * (nginx master and workers share the socket) the lowest pid is kept, usually the parent;
 * systemd (pid 1) only when it alone holds a socket-activated listener.
 */
export function parseSsLine(line: string): Listener | null {
  const [netid = '', state = '', , , local = ''] = line.trim().split(/\s+/);
  if (state !== 'LISTEN' && state !== 'UNCONN') return null;
  const owners = [...line.matchAll(/\("([^"]*)",pid=(\d+)/g)]
    .map((m) => ({ name: m[1] ?? null, pid: toInt(m[2]) }))
    .filter((o): o is { name: string | null; pid: number } => o.pid !== null)
    .sort((a, b) => (a.pid === 1 ? 1 : 0) - (b.pid === 1 ? 1 : 0) || a.pid - b.pid);
  return listener(netid, local, owners[0]?.pid ?? null, owners[0]?.name ?? null);
}

/** `tcp 0 0 0.0.0.0:22 0.0.0.0:* LISTEN 812/sshd: /usr/sbin` (udp lines have no state). */
export function parseNetstatLine(line: string): Listener | null {
  const m = /^(tcp6?|udp6?)\s+\d+\s+\d+\s+(\S+)\s+\S+\s*(LISTEN\b)?\s*(.*)$/.exec(line.trim());
  if (!m) return null;
  const [, proto = '', local = '', state, owner = ''] = m;
  if (proto.startsWith('tcp') && !state) return null;
  const o = /^(\d+)\/(.*)$/.exec(owner.trim());
  return listener(proto, local, o ? toInt(o[1]) : null, o?.[2]?.trim() || null);
}

/** Kernel byte order: each 32-bit word of the address is little-endian hex. */
function hexAddress(hex: string): string | null {
  if (!/^[0-9A-Fa-f]+$/.test(hex) || (hex.length !== 8 && hex.length !== 32)) return null;
  const bytes: number[] = [];
  for (let w = 0; w < hex.length; w += 8) {
    for (let b = 6; b >= 0; b -= 2) bytes.push(parseInt(hex.slice(w + b, w + b + 2), 16));
  }
  if (bytes.length === 4) return bytes.join('.');
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return `::ffff:${bytes.slice(12).join('.')}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  const joined = groups.join(':');
  return joined === '0:0:0:0:0:0:0:0' ? '::' : joined === '0:0:0:0:0:0:0:1' ? '::1' : joined;
}

/** A /proc/net/tcp line (`0: 0100007F:1F90 00000000:0000 0A …`); LISTEN is 0A, an unconnected UDP socket 07. */
export function parseProcNetLine(file: string, line: string): Listener | null {
  const [, local = '', , state = ''] = line.trim().split(/\s+/);
  const proto = file.replace(/6$/, '');
  if (!((proto === 'tcp' && state === '0A') || (proto === 'udp' && state === '07'))) return null;
  const [hex = '', portHex = ''] = local.split(':');
  const address = hexAddress(hex);
  if (!address || !/^[0-9A-Fa-f]{1,4}$/.test(portHex)) return null;
  return listener(proto, `${address}:${parseInt(portHex, 16)}`, null, null);
}
