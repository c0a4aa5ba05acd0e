import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Readable } from 'node:stream';
import { crc32, deflateRawSync } from 'node:zlib';
import { quote } from 'shell-quote';
import type { SshSession } from '../ssh/index.js';
import { RunnerError } from './errors.js';

export interface BundleFile {
  path: string;
  mode: number;
  data: Buffer;
}

/** Never shipped whatever the plan says: dependencies EB installs itself, secrets, history. */
const ALWAYS_EXCLUDED = ['node_modules', '.env', '.env.*', '.git'];

/** Regular files out of a tar stream (ustar, GNU long names, pax paths); links and devices are left out. */
export function untar(buffer: Buffer): BundleFile[] {
  const files: BundleFile[] = [];
  let offset = 0;
  let longName: string | null = null;
  const field = (b: Buffer, start: number, len: number) => b.subarray(start, start + len).toString('utf8').replace(/\0.*$/s, '');
  while (offset + 512 <= buffer.length) {
    const header = buffer.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const size = parseInt(field(header, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156] ?? 48);
    const prefix = field(header, 345, 155);
    const name = longName ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
    const mode = parseInt(field(header, 100, 8).trim() || '644', 8);
    const data = buffer.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === 'L') {
      longName = data.toString('utf8').replace(/\0.*$/s, '');
      continue;
    }
    if (type === 'x') {
      const path = /\d+ path=([^\n]*)\n/.exec(data.toString('utf8'))?.[1];
      if (path) longName = path;
      continue;
    }
    longName = null;
    if (type === '0' || type === '\0' || type === '7') files.push({ path: name.replace(/^\.\//, ''), mode, data: Buffer.from(data) });
  }
  return files;
}

/** A .zip (deflate) of the files, with their Unix modes, as Elastic Beanstalk takes source bundles. */
export function zip(files: BundleFile[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const name = Buffer.from(f.path, 'utf8');
    const packed = deflateRawSync(f.data);
    const crc = crc32(f.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(f.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, packed);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE((3 << 8) | 20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0x0800, 8);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(packed.length, 20);
    entry.writeUInt32LE(f.data.length, 24);
    entry.writeUInt16LE(name.length, 28);
    entry.writeUInt32LE(((0o100000 | (f.mode & 0o7777)) << 16) >>> 0, 38);
    entry.writeUInt32LE(offset, 42);
    central.push(entry, name);
    offset += 30 + name.length + packed.length;
  }
  const dir = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** The app directory as the box has it, packed on the box by tar (without what the plan excludes) and streamed back. */
export async function boxFiles(session: SshSession, dir: string, excludes: string[], signal?: AbortSignal): Promise<BundleFile[]> {
  const patterns = [...new Set([...ALWAYS_EXCLUDED, ...excludes])].flatMap((p) => [`--exclude=./${p}`, `--exclude=${p}`]);
  const stream = session.execStream(`LC_ALL=C tar -C ${quote([dir])} -cf - ${quote(patterns)} .`, { timeoutMs: 30 * 60_000, ...(signal ? { signal } : {}) });
  stream.stdin.end();
  let stderr = '';
  stream.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [tar, exit] = await Promise.all([collect(stream.stdout), stream.done]);
  if (exit.code !== 0) throw new RunnerError('STEP_FAILED', `packing ${dir} on ${session.label} failed (tar exited ${exit.code ?? exit.signal}): ${stderr.trim().split('\n').slice(-2).join(' | ')}`, 'check that the directory exists and is readable by the SSH user');
  return untar(tar);
}

/** The plan's eb/ folder (Procfile, .ebextensions, .platform) laid over the app's files. */
export async function overlayFiles(root: string): Promise<BundleFile[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => {
    throw new RunnerError('STEP_FAILED', `the plan's Elastic Beanstalk files are not in ${root}`, 'run apply on the plan.json inside the folder skylift plan wrote (its eb/ folder sits beside it)');
  });
  const files = entries.filter((e) => e.isFile());
  return Promise.all(
    files.map(async (e) => {
      const full = join(e.parentPath, e.name);
      return { path: relative(root, full), mode: (await stat(full)).mode & 0o777, data: await readFile(full) };
    }),
  );
}

export function mergeBundle(app: BundleFile[], overlay: BundleFile[]): BundleFile[] {
  const byPath = new Map(app.map((f) => [f.path, f]));
  for (const f of overlay) byPath.set(f.path, f);
  return [...byPath.values()].sort((a, b) => a.path.localeCompare(b.path));
}
