/**
 * A streaming tar reader: entries one at a time, each body read straight from the input in the
 * chunks it arrives in, so that a file of any size passes through without being held in memory.
 * The next entry is read only after the consumer asks for it (a body left unread is skipped).
 */
import { BLOCK, decodeHeader, isZeroBlock, padding, parsePax, type EntryType } from './tar-header.js';

export interface TarEntry {
  path: string;
  type: Exclude<EntryType, 'pax' | 'pax-global' | 'gnu-longname' | 'gnu-longlink'>;
  size: number;
  mode: number;
  uid: number;
  gid: number;
  /** Seconds since the epoch as decimal text (`1700000000.123456789`), sub-second when the archive has it. */
  mtime: string;
  linkpath: string;
  /** The entry's bytes; read it before asking for the next entry, or they are skipped. */
  body: AsyncIterable<Buffer>;
}

export class TarFormatError extends Error {
  override readonly name = 'TarFormatError';
}

/** Buffered reads over an async iterable of chunks. */
class ByteSource {
  private buf: Buffer = Buffer.alloc(0);
  private readonly it: AsyncIterator<Buffer>;

  constructor(input: AsyncIterable<Buffer>) {
    this.it = input[Symbol.asyncIterator]();
  }

  /** Exactly `n` bytes, or null at a clean end of input. */
  async take(n: number): Promise<Buffer | null> {
    while (this.buf.length < n) {
      const next = await this.it.next();
      if (next.done) {
        if (this.buf.length === 0) return null;
        throw new TarFormatError(`the archive ended in the middle of a block (${this.buf.length} of ${n} bytes)`);
      }
      this.buf = this.buf.length ? Buffer.concat([this.buf, next.value]) : next.value;
    }
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }

  /** Up to `n` bytes in the chunks they arrive in; fails if the input ends first. */
  async *stream(n: number): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      if (this.buf.length === 0) {
        const next = await this.it.next();
        if (next.done) throw new TarFormatError(`the archive ended inside an entry (${left} bytes missing)`);
        this.buf = next.value;
      }
      const piece = this.buf.subarray(0, Math.min(left, this.buf.length));
      this.buf = this.buf.subarray(piece.length);
      left -= piece.length;
      yield piece;
    }
  }

  async skip(n: number): Promise<void> {
    for await (const _ of this.stream(n));
  }

  async collect(n: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    for await (const p of this.stream(n)) parts.push(p);
    return Buffer.concat(parts);
  }

  /** Reads and drops the rest of the input (the zero padding after the end-of-archive blocks). */
  async drain(): Promise<void> {
    this.buf = Buffer.alloc(0);
    for (let next = await this.it.next(); !next.done; next = await this.it.next());
  }
}

const secondsText = (s: string | undefined, whole: number): string => (s && /^\d+(\.\d+)?$/.test(s) ? s : String(whole));

/** The entries of a tar stream (ustar, pax and GNU long names); throws TarFormatError on a corrupt or truncated archive. */
export async function* readTar(input: AsyncIterable<Buffer>): AsyncGenerator<TarEntry> {
  const src = new ByteSource(input);
  let global: Record<string, string> = {};
  let local: Record<string, string> = {};
  let longName: string | null = null;
  let longLink: string | null = null;
  for (;;) {
    const block = await src.take(BLOCK);
    if (block === null) throw new TarFormatError('the archive ended without its end-of-archive blocks');
    if (isZeroBlock(block)) {
      await src.drain();
      return;
    }
    let h;
    try {
      h = decodeHeader(block);
    } catch (err) {
      throw new TarFormatError((err as Error).message);
    }
    const attrs = { ...global, ...local };
    const size = attrs.size !== undefined ? Number(attrs.size) : h.size;
    if (h.type === 'pax' || h.type === 'pax-global' || h.type === 'gnu-longname' || h.type === 'gnu-longlink') {
      const data = await src.collect(h.size);
      await src.skip(padding(h.size));
      if (h.type === 'pax') local = { ...local, ...parsePax(data) };
      else if (h.type === 'pax-global') global = { ...global, ...parsePax(data) };
      else {
        const value = data.toString('utf8').replace(/\0+$/, '');
        if (h.type === 'gnu-longname') longName = value;
        else longLink = value;
      }
      continue;
    }
    // Hard links, directories and symlinks carry no data whatever their size field says.
    const dataSize = h.type === 'file' || h.type === 'other' ? size : 0;
    let left = dataSize;
    async function* body(): AsyncGenerator<Buffer> {
      for await (const piece of src.stream(left)) {
        left -= piece.length;
        yield piece;
      }
    }
    yield {
      path: attrs.path ?? longName ?? h.name,
      type: h.type,
      size: dataSize,
      mode: h.mode,
      uid: attrs.uid !== undefined ? Number(attrs.uid) : h.uid,
      gid: attrs.gid !== undefined ? Number(attrs.gid) : h.gid,
      mtime: secondsText(attrs.mtime, h.mtime),
      linkpath: attrs.linkpath ?? longLink ?? h.linkname,
      body: body(),
    };
    await src.skip(left + padding(dataSize));
    local = {};
    longName = null;
    longLink = null;
  }
}
