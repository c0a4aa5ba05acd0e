/**
 * An S3 prefix copied back into the box's directory (rollback after the switch): a tar built
 * here from the objects streams into `tar -x` on the box. Only objects that differ from the box
 * file are written; nothing on the box is deleted (a file S3 no longer has is reported and left
 * in place), nothing is written at or through a symbolic link on the box, and every written file's sha256
 * is read back on the box.
 */
import { createHash } from 'node:crypto';
import { DataError } from '../../../shared/data/data-error.js';
import type { SshSession } from '../ssh/index.js';
import { filesFailure, FilesMeter, sample, type FilesOptions, type FilesTarget } from './copy-files.js';
import { boxChecksums, extractOnBox, listBoxDir, normalMtime } from './files-box.js';
import { eachLimited, getStored, listStored, storedMeta, type StoredFile } from './files-s3.js';
import { writeTar, type TarFileIn } from './tar-writer.js';

export interface FilesCopyBackJob extends FilesOptions {
  session: SshSession;
  /** Where the objects are. */
  source: FilesTarget;
  /** The box directory written into. */
  dir: string;
}

export interface FilesCopyBackResult {
  created: string[];
  replaced: string[];
  unchanged: number;
  bytes: number;
  /** Files on the box that S3 does not have (deleted on AWS, or never copied): left in place. */
  boxOnly: string[];
  skipped: { path: string; why: string }[];
}

/** A key that would write outside the directory, or is no file name at all, is refused. */
function unsafe(path: string): string | null {
  if (path.includes('\0')) return 'its name holds a NUL byte';
  if (path.startsWith('/')) return 'it is an absolute path';
  if (path.split('/').some((seg) => seg === '' || seg === '.' || seg === '..')) return 'its path has an empty, "." or ".." part';
  return null;
}

/** Whether the path or one of its parent directories is a symbolic link on the box: writing there could land outside the directory. */
const throughLink = (path: string, links: ReadonlySet<string>): boolean => path.split('/').some((_, i, parts) => links.has(parts.slice(0, i + 1).join('/')));

const mtimeOf = (d: Date | null): string => {
  const ms = d?.getTime() ?? 0;
  return normalMtime(`${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, '0')}`);
};

/** The prefix into the box directory; see the file's comment. Throws VERIFY_MISMATCH when a written file does not read back as sent. */
export async function copyFilesBack(job: FilesCopyBackJob): Promise<FilesCopyBackResult> {
  try {
    return await writeBack(job);
  } catch (err) {
    throw filesFailure(err, job.signal);
  }
}

async function writeBack(job: FilesCopyBackJob): Promise<FilesCopyBackResult> {
  const { session, source, dir, signal } = job;
  const meter = new FilesMeter(job.onEvent, 'list');
  meter.emit(true);
  const tree = await listBoxDir(session, dir, signal);
  const stored = await listStored(source.s3, source.bucket, source.prefix, signal);
  const links = new Set(tree.symlinks.map((l) => l.path));
  const result: FilesCopyBackResult = { created: [], replaced: [], unchanged: 0, bytes: 0, boxOnly: [], skipped: [] };
  const todo: StoredFile[] = [];
  const candidates: StoredFile[] = [];
  for (const o of stored.values()) {
    const why = unsafe(o.path) ?? (throughLink(o.path, links) ? 'it is, or lies under, a symbolic link on the box (kept; tar would follow it)' : null);
    if (why) result.skipped.push({ path: o.path, why });
    else if (tree.files.get(o.path)?.size === o.size) candidates.push(o);
    else todo.push(o);
  }
  // Same size: the object is the box file if it carries the box file's time (it was copied from it and not rewritten on AWS).
  await eachLimited(candidates, 8, async (o) => {
    const meta = await storedMeta(source.s3, source.bucket, o.key, signal);
    if (meta.mtime !== null && meta.mtime === tree.files.get(o.path)!.mtime) result.unchanged++;
    else todo.push(o);
  });
  todo.sort((a, b) => (a.path < b.path ? -1 : 1));
  for (const o of todo) (tree.files.has(o.path) ? result.replaced : result.created).push(o.path);
  result.boxOnly = [...tree.files.keys()].filter((p) => !stored.has(p)).sort();
  if (result.skipped.length) meter.notice('warn', `${result.skipped.length} objects are not written to the box: ${sample(result.skipped.map((s) => `${s.path} (${s.why})`))}`);
  if (result.boxOnly.length) meter.notice('info', `${result.boxOnly.length} files on the box are not in S3 (deleted on AWS, or never copied); they are left in place: ${sample(result.boxOnly)}`);

  const sums = new Map<string, string>();
  meter.start('write', todo.length, todo.reduce((n, o) => n + o.size, 0));
  async function* files(): AsyncGenerator<TarFileIn> {
    for (const o of todo) {
      const got = await getStored(source.s3, source.bucket, o.key, signal);
      const hash = createHash('sha256');
      async function* body(): AsyncGenerator<Uint8Array> {
        for await (const chunk of got.body) {
          hash.update(chunk);
          meter.add(0, chunk.length, o.path);
          yield chunk;
        }
        sums.set(o.path, hash.digest('hex'));
        meter.add(1, 0, o.path);
      }
      result.bytes += got.size;
      yield { path: o.path, size: got.size, mode: got.meta.mode ?? 0o644, mtime: got.meta.mtime ?? mtimeOf(got.lastModified), uid: tree.uid, gid: tree.gid, body: body() };
    }
  }
  if (todo.length) await extractOnBox(session, dir, writeTar(files()), signal);
  meter.emit(true);

  const written = await boxChecksums(session, dir, todo.map((o) => o.path), signal);
  const differ = todo.filter((o) => written.get(o.path) !== sums.get(o.path)).map((o) => o.path);
  if (differ.length) throw new DataError('VERIFY_MISMATCH', `${differ.length} files written into ${dir} on ${session.label} do not have the bytes S3 sent: ${sample(differ)}`, 'something else wrote to them meanwhile, or the disk is full: check the box, then run the copy back again');
  return result;
}
