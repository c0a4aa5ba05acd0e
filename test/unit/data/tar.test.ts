/**
 * The tar reader and writer against GNU tar itself: archives GNU tar makes (`--format=pax`, and
 * its default gnu format) are read back file for file, and archives we write are extracted by
 * GNU tar with names, bytes, modes and sub-second times intact.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { link, lstat, mkdir, mkdtemp, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePax, parsePax } from '../../../electron/engine/data/tar-header.js';
import { readTar, TarFormatError, type TarEntry } from '../../../electron/engine/data/tar-reader.js';
import { writeTar, type TarFileIn } from '../../../electron/engine/data/tar-writer.js';

const NAMES = ['plain.txt', 'with space.txt', `quote's "double".txt`, 'ünïcødé-文件.bin', `${'long-'.repeat(30)}name.txt`, `${'d'.repeat(120)}/${'e'.repeat(120)}/deep.txt`, '-starts-with-dash', 'empty'];

let dir: string;
let src: string;
const content = new Map<string, Buffer>();

/** GNU tar's archive of the listed names under `src`, as one buffer. */
async function gnuTar(names: string[], format: string): Promise<Buffer> {
  const child = spawn('tar', ['-c', '-f', '-', `--format=${format}`, '--null', '--verbatim-files-from', '--no-recursion', '-C', src, '-T', '-']);
  const out: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stdin.end(Buffer.from(names.map((n) => `${n}\0`).join('')));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  expect(code).toBe(0);
  return Buffer.concat(out);
}

/** Feeds a buffer in the given chunk sizes (the rest in one chunk). */
async function* chunked(b: Buffer, sizes: number[]): AsyncGenerator<Buffer> {
  let at = 0;
  for (const s of sizes) {
    if (at >= b.length) break;
    yield b.subarray(at, at + s);
    at += s;
  }
  if (at < b.length) yield b.subarray(at);
}

type ReadEntry = Omit<TarEntry, 'body'> & { data: Buffer; sha256: string };

async function readAll(input: AsyncIterable<Buffer>): Promise<ReadEntry[]> {
  const out: ReadEntry[] = [];
  for await (const e of readTar(input)) {
    const parts: Buffer[] = [];
    for await (const p of e.body) parts.push(p);
    const { body: _, ...rest } = e;
    const data = Buffer.concat(parts);
    out.push({ ...rest, data, sha256: createHash('sha256').update(data).digest('hex') });
  }
  return out;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'skylift-tar-'));
  src = join(dir, 'src');
  for (const [i, name] of NAMES.entries()) {
    const data = name === 'empty' ? Buffer.alloc(0) : name.endsWith('.bin') ? randomBytes(300_000 + i) : Buffer.from(`file ${i}: ${name}\n`);
    await mkdir(join(src, name, '..'), { recursive: true });
    await writeFile(join(src, name), data, { mode: 0o640 });
    content.set(name, data);
  }
  await symlink('plain.txt', join(src, 'link-to-plain'));
  await link(join(src, 'plain.txt'), join(src, 'hard-to-plain'));
  await utimes(join(src, 'plain.txt'), 1_700_000_000.25, 1_700_000_000.25);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readTar', () => {
  it.each(['pax', 'gnu'])('reads what GNU tar writes (--format=%s): names, bytes, symlinks and hard links', async (format) => {
    const archive = await gnuTar([...NAMES, 'link-to-plain', 'hard-to-plain'], format);
    const entries = await readAll(chunked(archive, [archive.length]));
    const files = entries.filter((e) => e.type === 'file');
    expect(files.map((e) => e.path)).toEqual(NAMES);
    for (const e of files) expect(e.data.equals(content.get(e.path)!)).toBe(true);
    expect(files.every((e) => (e.mode & 0o777) === 0o640)).toBe(true);
    expect(entries.find((e) => e.path === 'link-to-plain')).toMatchObject({ type: 'symlink', linkpath: 'plain.txt', size: 0 });
    // The second name of a hard-linked file comes as a link without data (the copy uses --hard-dereference for this reason).
    expect(entries.find((e) => e.path === 'hard-to-plain')).toMatchObject({ type: 'hardlink', linkpath: 'plain.txt', size: 0 });
    if (format === 'pax') expect(entries.find((e) => e.path === 'plain.txt')!.mtime).toMatch(/^1700000000\.25/);
  });

  it('gives the same entries however the stream is cut into chunks', async () => {
    const archive = await gnuTar(NAMES, 'pax');
    // Compared by digest: a deep equality of the bodies byte by byte is needlessly slow.
    const summary = (entries: ReadEntry[]) => entries.map(({ data: _, ...e }) => e);
    const whole = summary(await readAll(chunked(archive, [archive.length])));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 2000 }), { maxLength: 60 }), async (sizes) => {
        expect(summary(await readAll(chunked(archive, sizes)))).toEqual(whole);
      }),
      { numRuns: 40 },
    );
  });

  it('skips bodies the consumer does not read', async () => {
    const archive = await gnuTar(NAMES, 'pax');
    const names: string[] = [];
    for await (const e of readTar(chunked(archive, [777]))) names.push(e.path);
    expect(names).toEqual(NAMES);
  });

  it('refuses a truncated archive and a corrupt header', async () => {
    const archive = await gnuTar(NAMES, 'pax');
    await expect(readAll(chunked(archive.subarray(0, 512 * 7 + 100), [4096]))).rejects.toBeInstanceOf(TarFormatError);
    await expect(readAll(chunked(archive.subarray(0, archive.length - 1024 * 10), [4096]))).rejects.toBeInstanceOf(TarFormatError);
    const corrupt = Buffer.from(archive);
    corrupt[10] = corrupt[10]! ^ 0xff;
    await expect(readAll(chunked(corrupt, [4096]))).rejects.toBeInstanceOf(TarFormatError);
  });
});

describe('pax records', () => {
  it('round-trips any key and value, with lengths that change their own digit count', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.stringMatching(/^[a-z.]{1,12}$/), fc.string({ unit: 'grapheme', maxLength: 120 })), (records) => {
        expect(parsePax(encodePax(records))).toEqual(records);
      }),
    );
    // 9 + 1 digit → 10: the length prefix itself grows from one digit to two.
    for (let n = 0; n < 1100; n += 1) expect(parsePax(encodePax({ k: 'v'.repeat(n) })).k).toHaveLength(n);
  });
});

describe('writeTar', () => {
  it('writes archives GNU tar extracts with names, bytes, modes and sub-second times', async () => {
    const out = join(dir, `out-${Date.now()}`);
    await mkdir(out);
    const files: TarFileIn[] = NAMES.map((path, i) => ({
      path,
      size: content.get(path)!.length,
      mode: 0o600 + (i % 2) * 0o44,
      mtime: `1700000${String(i).padStart(3, '0')}.123456789`,
      uid: 0,
      gid: 0,
      body: chunked(content.get(path)!, [1000, 1, 70_000]),
    }));
    async function* source(): AsyncGenerator<TarFileIn> {
      yield* files;
    }
    const child = spawn('tar', ['-x', '-f', '-', '-C', out]);
    const err: Buffer[] = [];
    child.stderr.on('data', (c: Buffer) => err.push(c));
    for await (const chunk of writeTar(source())) if (!child.stdin.write(chunk)) await new Promise((r) => child.stdin.once('drain', r));
    child.stdin.end();
    expect(await new Promise<number | null>((r) => child.on('close', r))).toBe(0);
    expect(Buffer.concat(err).toString()).toBe('');
    for (const f of files) {
      expect((await readFile(join(out, f.path))).equals(content.get(f.path)!)).toBe(true);
      const st = await lstat(join(out, f.path), { bigint: true });
      expect(Number(st.mode & 0o777n)).toBe(f.mode);
      expect(`${st.mtimeNs / 1_000_000_000n}.${String(st.mtimeNs % 1_000_000_000n).padStart(9, '0')}`).toBe(f.mtime);
    }
  });

  it('fails when a body does not have the size announced', async () => {
    const f: TarFileIn = { path: 'short', size: 10, mode: 0o644, mtime: '1', uid: 0, gid: 0, body: chunked(Buffer.from('abc'), []) };
    async function* one(): AsyncGenerator<TarFileIn> {
      yield f;
    }
    await expect(async () => {
      for await (const _ of writeTar(one()));
    }).rejects.toThrow(/3 bytes instead of the 10 announced/);
  });
});
