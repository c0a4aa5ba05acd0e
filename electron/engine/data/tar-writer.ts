/**
 * A streaming tar writer for regular files (pax format, as GNU tar reads it): the archive is an
 * async iterable of chunks, so `Readable.from(writeTar(...))` pipes it with backpressure and a
 * body passes through without being held in memory.
 */
import { END_OF_ARCHIVE, fileHeader, padding } from './tar-header.js';

export interface TarFileIn {
  path: string;
  size: number;
  mode: number;
  /** Seconds since the epoch as decimal text; sub-second digits are kept. */
  mtime: string;
  uid: number;
  gid: number;
  body: AsyncIterable<Uint8Array>;
}

/** One file's header, its bytes (exactly `size` of them, or it throws) and its padding. */
async function* fileChunks(f: TarFileIn): AsyncGenerator<Buffer> {
  yield fileHeader(f);
  let seen = 0;
  for await (const chunk of f.body) {
    seen += chunk.length;
    if (seen > f.size) throw new Error(`${f.path}: more than the ${f.size} bytes announced`);
    yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
  }
  if (seen !== f.size) throw new Error(`${f.path}: ${seen} bytes instead of the ${f.size} announced`);
  const pad = padding(f.size);
  if (pad) yield Buffer.alloc(pad);
}

/** The whole archive: each file as it comes (produced lazily, one at a time), then the end blocks. */
export async function* writeTar(files: AsyncIterable<TarFileIn>): AsyncGenerator<Buffer> {
  for await (const f of files) yield* fileChunks(f);
  yield END_OF_ARCHIVE;
}
