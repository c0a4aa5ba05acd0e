/**
 * The 512-byte ustar header and pax extended records (POSIX.1-2001), as GNU tar writes them with
 * `--format=pax`: enough to read what the box sends and to write what it extracts. Names and
 * link targets longer than ustar allows, non-ASCII names, sub-second times and sizes of 8 GiB
 * and more travel in pax records.
 */

export const BLOCK = 512;

export type EntryType = 'file' | 'hardlink' | 'symlink' | 'directory' | 'pax' | 'pax-global' | 'gnu-longname' | 'gnu-longlink' | 'other';

const TYPES: Record<string, EntryType> = { '0': 'file', '\0': 'file', '7': 'file', '1': 'hardlink', '2': 'symlink', '5': 'directory', x: 'pax', g: 'pax-global', L: 'gnu-longname', K: 'gnu-longlink' };

export interface RawHeader {
  name: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** Whole seconds (pax `mtime` may refine it). */
  mtime: number;
  type: EntryType;
  linkname: string;
}

const text = (b: Buffer, start: number, len: number): string => {
  const field = b.subarray(start, start + len);
  const end = field.indexOf(0);
  return field.subarray(0, end < 0 ? len : end).toString('utf8');
};

/** Octal (space/NUL terminated), or GNU's base-256 for values too large for octal. */
function numeric(b: Buffer, start: number, len: number): number {
  const field = b.subarray(start, start + len);
  if (field[0]! & 0x80) {
    let n = field[0]! & 0x7f;
    for (let i = 1; i < len; i++) n = n * 256 + field[i]!;
    return n;
  }
  const digits = field.toString('latin1').replace(/[\0 ]+$/g, '').trim();
  return digits ? parseInt(digits, 8) : 0;
}

function checksumOf(b: Buffer): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : b[i]!;
  return sum;
}

export const isZeroBlock = (b: Buffer): boolean => b.every((x) => x === 0);

/** Decodes one header block; throws on a bad checksum (a corrupt or misaligned stream). */
export function decodeHeader(b: Buffer): RawHeader {
  const stored = numeric(b, 148, 8);
  if (stored !== checksumOf(b)) throw new Error('tar header checksum mismatch: the stream is corrupt or not a tar archive');
  const ustar = b.subarray(257, 263).toString('latin1') === 'ustar\0';
  const prefix = ustar ? text(b, 345, 155) : '';
  const name = text(b, 0, 100);
  return {
    name: prefix ? `${prefix}/${name}` : name,
    mode: numeric(b, 100, 8),
    uid: numeric(b, 108, 8),
    gid: numeric(b, 116, 8),
    size: numeric(b, 124, 12),
    mtime: numeric(b, 136, 12),
    type: TYPES[String.fromCharCode(b[156]!)] ?? 'other',
    linkname: text(b, 157, 100),
  };
}

/** `LEN key=value\n` records (LEN counts the whole record, itself included). */
export function parsePax(b: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let at = 0;
  while (at < b.length) {
    const space = b.indexOf(0x20, at);
    if (space < 0) break;
    const len = Number(b.subarray(at, space).toString('latin1'));
    if (!Number.isInteger(len) || len <= 0 || at + len > b.length) throw new Error('malformed pax extended header');
    const record = b.subarray(space + 1, at + len - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    at += len;
  }
  return out;
}

export function encodePax(records: Record<string, string>): Buffer {
  const parts = Object.entries(records).map(([k, v]) => {
    const body = ` ${k}=${v}\n`;
    const bytes = Buffer.byteLength(body);
    // The length prefix counts its own digits: grow it until it is consistent.
    let digits = String(bytes).length;
    if (String(bytes + digits).length > digits) digits++;
    return Buffer.from(`${bytes + digits}${body}`, 'utf8');
  });
  return Buffer.concat(parts);
}

const OCTAL_MAX_12 = 8 ** 11 - 1;

function writeOctal(b: Buffer, start: number, len: number, value: number): void {
  if (value > 8 ** (len - 1) - 1) {
    // GNU base-256: high bit set, big-endian value in the rest of the field.
    let v = value;
    for (let i = len - 1; i > 0; i--, v = Math.floor(v / 256)) b[start + i] = v % 256;
    b[start] = 0x80;
    return;
  }
  b.write(`${value.toString(8).padStart(len - 1, '0')}\0`, start, len, 'latin1');
}

/** What we write: regular files and their pax headers, no links. */
export type HeaderFields = Omit<RawHeader, 'type' | 'linkname'> & { type: 'file' | 'pax' };

export function encodeHeader(h: HeaderFields): Buffer {
  const b = Buffer.alloc(BLOCK);
  // A name that does not fit ustar (too long, or not ASCII) is carried by the pax `path` record; this is only a fallback.
  const ascii = /^[\x20-\x7e]*$/.test(h.name) && h.name.length <= 100 ? h.name : h.name.replace(/[^\x20-\x7e]/g, '_').slice(-100);
  b.write(ascii, 0, 100, 'latin1');
  writeOctal(b, 100, 8, h.mode & 0o7777);
  writeOctal(b, 108, 8, h.uid);
  writeOctal(b, 116, 8, h.gid);
  writeOctal(b, 124, 12, h.size);
  writeOctal(b, 136, 12, Math.max(0, Math.floor(h.mtime)));
  b.write(h.type === 'pax' ? 'x' : '0', 156, 1, 'latin1');
  b.write('ustar\0', 257, 6, 'latin1');
  b.write('00', 263, 2, 'latin1');
  b.write(`${checksumOf(b).toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
  return b;
}

/** Header of a regular file: a pax header (path, sub-second mtime, large size) then the ustar one. */
export function fileHeader(f: { path: string; size: number; mode: number; mtime: string; uid: number; gid: number }): Buffer {
  const records: Record<string, string> = { path: f.path, mtime: f.mtime };
  if (f.size > OCTAL_MAX_12) records.size = String(f.size);
  const pax = encodePax(records);
  const seconds = Number(f.mtime.split('.')[0]);
  return Buffer.concat([
    encodeHeader({ name: 'PaxHeaders/entry', mode: 0o644, uid: 0, gid: 0, size: pax.length, mtime: seconds, type: 'pax' }),
    padded(pax),
    encodeHeader({ name: f.path, mode: f.mode, uid: f.uid, gid: f.gid, size: f.size, mtime: seconds, type: 'file' }),
  ]);
}

export const padding = (size: number): number => (BLOCK - (size % BLOCK)) % BLOCK;

const padded = (b: Buffer): Buffer => Buffer.concat([b, Buffer.alloc(padding(b.length))]);

/** Two zero blocks end an archive. */
export const END_OF_ARCHIVE = Buffer.alloc(2 * BLOCK);
