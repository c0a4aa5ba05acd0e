/**
 * A directory on the box copied into an S3 prefix: tar streamed over SSH, each file uploaded as
 * it arrives (multipart above the part size), resumable (a file already in S3 with the same size,
 * time and mode is not sent again), a final delta that also deletes what the box deleted, and a
 * verification of every file's sha256 on the box against the one its object carries.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { DataError, isDataError } from '../../../shared/data/data-error.js';
import type { SshSession } from '../ssh/index.js';
import { boxChecksums, boxTar, listBoxDir, normalMtime, type BoxFile, type BoxTree } from './files-box.js';
import { deleteStored, eachLimited, listStored, MIN_PART_SIZE, putFile, storedMeta, type StoredFile } from './files-s3.js';

export interface FilesTarget {
  s3: S3Client;
  bucket: string;
  /** Empty, or ending in `/`. */
  prefix: string;
}

export type FilesPhase = 'list' | 'copy' | 'delete' | 'verify' | 'write';

export type FilesEvent =
  | { type: 'progress'; phase: FilesPhase; files: number; filesTotal: number; bytes: number; bytesTotal: number; current?: string }
  | { type: 'notice'; level: 'info' | 'warn'; message: string };

export interface FilesOptions {
  /** Multipart part size (at least 5 MiB, default 8): files up to it go in one request; a larger one holds about three parts in memory. */
  partSize?: number;
  /** Small files uploaded at once. */
  concurrency?: number;
  onEvent?: (e: FilesEvent) => void;
  signal?: AbortSignal;
}

/** One unit of work; the runner journals each so that a resumed run skips finished batches. */
export type RunBatch = <T extends Record<string, number>>(id: string, what: string, work: () => Promise<T>) => Promise<T>;

export interface FilesSyncJob extends FilesOptions {
  session: SshSession;
  dir: string;
  target: FilesTarget;
  /** `sync-delta` also deletes objects whose file is gone from the box. */
  method: 'sync' | 'sync-delta';
  /** Files and bytes per batch (defaults 1000 files, 1 GiB). */
  batch?: { files: number; bytes: number };
  runBatch?: RunBatch;
}

export interface FilesMismatch {
  path: string;
  why: 'missing in S3' | 'size differs' | 'sha256 differs' | 'no sha256 in S3' | 'only in S3';
}

export interface FilesVerifyReport {
  ok: boolean;
  files: number;
  bytes: number;
  mismatches: FilesMismatch[];
}

export interface FilesSyncResult {
  files: number;
  bytes: number;
  uploaded: number;
  uploadedBytes: number;
  deleted: number;
  symlinks: { path: string; target: string }[];
  skipped: { path: string; why: string }[];
  verify: FilesVerifyReport;
}

const DEFAULT_PART_SIZE = 8 * 1024 * 1024;
const HEAD_CONCURRENCY = 8;
const EMIT_EVERY_MS = 250;

/** A file whose bytes changed between its checksum and its read: not uploaded, picked up by the next run. */
class ChangedWhileRead extends Error {}

/** Throttled progress: a few events a second, plus each phase's first and last. */
export class FilesMeter {
  files = 0;
  bytes = 0;
  private filesTotal = 0;
  private bytesTotal = 0;
  private last = 0;
  constructor(
    private readonly onEvent: ((e: FilesEvent) => void) | undefined,
    private phase: FilesPhase,
  ) {}

  start(phase: FilesPhase, filesTotal: number, bytesTotal: number): void {
    this.phase = phase;
    this.filesTotal = filesTotal;
    this.bytesTotal = bytesTotal;
    this.files = 0;
    this.bytes = 0;
    this.emit(true);
  }

  add(files: number, bytes: number, current?: string): void {
    this.files += files;
    this.bytes += bytes;
    this.emit(false, current);
  }

  emit(force: boolean, current?: string): void {
    const now = Date.now();
    if (!force && now - this.last < EMIT_EVERY_MS) return;
    this.last = now;
    this.send({ type: 'progress', phase: this.phase, files: this.files, filesTotal: this.filesTotal, bytes: this.bytes, bytesTotal: this.bytesTotal, ...(current ? { current } : {}) });
  }

  notice(level: 'info' | 'warn', message: string): void {
    this.send({ type: 'notice', level, message });
  }

  private send(e: FilesEvent): void {
    try {
      this.onEvent?.(e);
    } catch {
      // A listener that throws (a closed window) must not stop the copy.
    }
  }
}

export const sumBytes = (files: readonly BoxFile[]): number => files.reduce((n, f) => n + f.size, 0);
const signalOpt = (signal: AbortSignal | undefined) => (signal ? { signal } : {});
export const sample = (items: readonly string[], n = 3): string => `${items.slice(0, n).join(', ')}${items.length > n ? `, … (${items.length - n} more)` : ''}`;

/** Paths longer than S3's 1024-byte key limit cannot be copied. */
function keyable(tree: BoxTree, prefix: string): BoxFile[] {
  const out: BoxFile[] = [];
  for (const f of tree.files.values()) {
    if (Buffer.byteLength(prefix + f.path) > 1024) tree.skipped.push({ path: f.path, why: 'its S3 key would be longer than 1024 bytes' });
    else out.push(f);
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Consecutive files (sorted by path) in batches; a batch's id depends only on what it holds. */
export function batchesOf(files: readonly BoxFile[], limit: { files: number; bytes: number }): { id: string; files: BoxFile[] }[] {
  const out: { id: string; files: BoxFile[] }[] = [];
  let cur: BoxFile[] = [];
  let bytes = 0;
  const close = (): void => {
    if (!cur.length) return;
    const id = createHash('sha1').update(`${cur[0]!.path}\0${cur[cur.length - 1]!.path}\0${cur.length}`).digest('hex').slice(0, 12);
    out.push({ id, files: cur });
    cur = [];
    bytes = 0;
  };
  for (const f of files) {
    if (cur.length >= limit.files || (cur.length > 0 && bytes + f.size > limit.bytes)) close();
    cur.push(f);
    bytes += f.size;
  }
  close();
  return out;
}

/** The files S3 does not hold as they are on the box (size, time and mode compared; the last two from object metadata). */
async function needUpload(files: readonly BoxFile[], stored: Map<string, StoredFile>, target: FilesTarget, signal?: AbortSignal): Promise<BoxFile[]> {
  const out: BoxFile[] = [];
  const same = files.filter((f) => {
    const o = stored.get(f.path);
    if (o && o.size === f.size) return true;
    out.push(f);
    return false;
  });
  await eachLimited(same, HEAD_CONCURRENCY, async (f) => {
    const meta = await storedMeta(target.s3, target.bucket, stored.get(f.path)!.key, signal);
    if (meta.mtime !== f.mtime || meta.mode !== (f.mode & 0o7777) || !meta.sha256) out.push(f);
  });
  return out.sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** Hashes a body as it passes and fails at its end if the sha256 is not the one the box computed. */
async function* checked(body: AsyncIterable<Buffer>, sha256: string): AsyncGenerator<Buffer> {
  const hash = createHash('sha256');
  for await (const piece of body) {
    hash.update(piece);
    yield piece;
  }
  if (hash.digest('hex') !== sha256) throw new ChangedWhileRead();
}

/**
 * Uploads the files from the box: their sha256 is computed on the box first (it becomes the
 * object's metadata), then a tar of them streams through; a file whose bytes no longer match is
 * not uploaded (`changed`), one that vanished is reported (`vanished`).
 */
export async function uploadFromBox(session: SshSession, dir: string, files: readonly BoxFile[], target: FilesTarget, meter: FilesMeter, opts: FilesOptions): Promise<{ uploaded: number; bytes: number; changed: string[]; vanished: string[] }> {
  const partSize = Math.max(MIN_PART_SIZE, opts.partSize ?? DEFAULT_PART_SIZE);
  const sums = await boxChecksums(session, dir, files.map((f) => f.path), opts.signal);
  const wanted = new Map(files.filter((f) => sums.has(f.path)).map((f) => [f.path, f]));
  const changed: string[] = [];
  const seen = new Set<string>();
  let uploaded = 0;
  let bytes = 0;
  const pending = new Set<Promise<void>>();
  // Set from the background uploads' callbacks (hence the cast: no narrowing to null here).
  let failure = null as { err: unknown } | null;
  const upload = async (path: string, body: Readable | Buffer, meta: { sha256: string; mtime: string; mode: number }): Promise<void> => {
    try {
      await putFile(target.s3, { bucket: target.bucket, key: target.prefix + path, body, meta }, { partSize, ...signalOpt(opts.signal), onBytes: (n) => meter.add(0, n, path) });
      uploaded++;
      meter.add(1, 0, path);
    } catch (err) {
      if (err instanceof ChangedWhileRead || (err as Error)?.cause instanceof ChangedWhileRead) changed.push(path);
      else throw err;
    }
  };
  try {
    for await (const entry of boxTar(session, dir, [...wanted.keys()], opts.signal)) {
      if (failure) throw failure.err;
      const file = wanted.get(entry.path);
      if (!file || entry.type !== 'file') continue;
      seen.add(entry.path);
      const sha256 = sums.get(entry.path)!;
      const meta = { sha256, mtime: normalMtime(entry.mtime), mode: entry.mode & 0o7777 };
      bytes += entry.size;
      if (entry.size > partSize) {
        // Large: streamed through, at most a few parts in memory; the tar waits meanwhile.
        await upload(entry.path, Readable.from(checked(entry.body, sha256)), meta);
        continue;
      }
      // Small: read whole (at most one part) and uploaded alongside the next ones.
      const parts: Buffer[] = [];
      try {
        for await (const p of checked(entry.body, sha256)) parts.push(p);
      } catch (err) {
        if (!(err instanceof ChangedWhileRead)) throw err;
        changed.push(entry.path);
        continue;
      }
      while (pending.size >= (opts.concurrency ?? 4)) await Promise.race(pending);
      const job: Promise<void> = upload(entry.path, Buffer.concat(parts), meta)
        .catch((err: unknown) => {
          failure ??= { err };
        })
        .finally(() => pending.delete(job));
      pending.add(job);
    }
  } finally {
    // Uploads already under way end (or fail) before this returns: what S3 holds is then settled.
    await Promise.allSettled(pending);
  }
  if (failure) throw failure.err;
  const vanished = files.filter((f) => !seen.has(f.path)).map((f) => f.path);
  return { uploaded, bytes, changed, vanished };
}

/** Every box file's sha256 (read on the box now) against its object's size and recorded sha256. */
export async function verifyFiles(session: SshSession, dir: string, target: FilesTarget, opts: FilesOptions & { only?: readonly string[]; extraIsMismatch?: boolean; meter?: FilesMeter } = {}): Promise<FilesVerifyReport> {
  const meter = opts.meter ?? new FilesMeter(opts.onEvent, 'verify');
  const tree = await listBoxDir(session, dir, opts.signal);
  const stored = await listStored(target.s3, target.bucket, target.prefix, opts.signal);
  const only = opts.only ? new Set(opts.only) : null;
  const files = keyable(tree, target.prefix).filter((f) => !only || only.has(f.path));
  meter.start('verify', files.length, sumBytes(files));
  const mismatches: FilesMismatch[] = [];
  const sums = await boxChecksums(session, dir, files.map((f) => f.path), opts.signal);
  await eachLimited(files, HEAD_CONCURRENCY, async (f) => {
    const o = stored.get(f.path);
    const sum = sums.get(f.path);
    if (sum === undefined) return; // Gone from the box since the listing.
    if (!o) mismatches.push({ path: f.path, why: 'missing in S3' });
    else if (o.size !== f.size) mismatches.push({ path: f.path, why: 'size differs' });
    else {
      const meta = await storedMeta(target.s3, target.bucket, o.key, opts.signal);
      if (!meta.sha256) mismatches.push({ path: f.path, why: 'no sha256 in S3' });
      else if (meta.sha256 !== sum) mismatches.push({ path: f.path, why: 'sha256 differs' });
    }
    meter.add(1, f.size, f.path);
  });
  if (opts.extraIsMismatch && !only) for (const path of stored.keys()) if (!tree.files.has(path)) mismatches.push({ path, why: 'only in S3' });
  meter.emit(true);
  mismatches.sort((a, b) => (a.path < b.path ? -1 : 1));
  return { ok: mismatches.length === 0, files: files.length, bytes: sumBytes(files), mismatches };
}

const direct: RunBatch = (_id, _what, work) => work();

/** The directory into the prefix; see the file's comment. Throws VERIFY_MISMATCH when files still differ after one repair pass. */
export async function syncFilesToS3(job: FilesSyncJob): Promise<FilesSyncResult> {
  const { session, dir, target } = job;
  const runBatch = job.runBatch ?? direct;
  const meter = new FilesMeter(job.onEvent, 'list');
  try {
    meter.emit(true);
    const tree = await listBoxDir(session, dir, job.signal);
    const files = keyable(tree, target.prefix);
    if (tree.symlinks.length) meter.notice('warn', `${tree.symlinks.length} symbolic links under ${dir} are not copied (S3 has no links): ${sample(tree.symlinks.map((s) => `${s.path} → ${s.target}`))}`);
    if (tree.skipped.length) meter.notice('warn', `${tree.skipped.length} entries under ${dir} are not copied: ${sample(tree.skipped.map((s) => `${s.path} (${s.why})`))}`);
    const stored = await listStored(target.s3, target.bucket, target.prefix, job.signal);
    meter.start('copy', files.length, sumBytes(files));
    let uploaded = 0;
    let uploadedBytes = 0;
    for (const batch of batchesOf(files, job.batch ?? { files: 1000, bytes: 1024 ** 3 })) {
      const what = `${batch.files.length} files from ${batch.files[0]!.path}`;
      const r = await runBatch(`files-${batch.id}`, what, async () => {
        const todo = await needUpload(batch.files, stored, target, job.signal);
        meter.add(batch.files.length - todo.length, sumBytes(batch.files) - sumBytes(todo));
        const up = todo.length ? await uploadFromBox(session, dir, todo, target, meter, job) : { uploaded: 0, bytes: 0, changed: [], vanished: [] };
        if (up.changed.length) meter.notice('warn', `${up.changed.length} files changed while they were read and were not uploaded (the next sync takes them): ${sample(up.changed)}`);
        if (up.vanished.length) meter.notice('info', `${up.vanished.length} files vanished from the box during the copy: ${sample(up.vanished)}`);
        return { batchFiles: batch.files.length, batchUploaded: up.uploaded, batchUploadedBytes: up.bytes };
      });
      uploaded += r.batchUploaded;
      uploadedBytes += r.batchUploadedBytes;
    }
    let deleted = 0;
    if (job.method === 'sync-delta') {
      const gone = [...stored.values()].filter((o) => !tree.files.has(o.path)).map((o) => o.key);
      if (gone.length) {
        meter.start('delete', gone.length, 0);
        deleted = (await runBatch('files-delete', `${gone.length} objects whose files are gone from the box`, async () => {
          await deleteStored(target.s3, target.bucket, gone, job.signal);
          return { deleted: gone.length };
        })).deleted;
      }
    }
    // Journaled like a batch: a resumed run that already verified does not read every file again.
    const verified = await runBatch('files-verify', 'sha256 of every file on the box compared with S3', async () => {
      const r = await verifyAndRepair(job, meter);
      return { verifiedFiles: r.files, verifiedBytes: r.bytes };
    });
    const verify: FilesVerifyReport = { ok: true, files: verified.verifiedFiles, bytes: verified.verifiedBytes, mismatches: [] };
    return { files: files.length, bytes: sumBytes(files), uploaded, uploadedBytes, deleted, symlinks: tree.symlinks, skipped: tree.skipped, verify };
  } catch (err) {
    throw filesFailure(err, job.signal);
  }
}

/** Verifies; files that differ are uploaded once more and checked again; what still differs fails the copy. */
async function verifyAndRepair(job: FilesSyncJob, meter: FilesMeter): Promise<FilesVerifyReport> {
  const opts = { ...job, meter, extraIsMismatch: job.method === 'sync-delta' };
  const first = await verifyFiles(job.session, job.dir, job.target, opts);
  const repairable = first.mismatches.filter((m) => m.why !== 'only in S3').map((m) => m.path);
  let report = first;
  if (repairable.length) {
    meter.notice('warn', `${repairable.length} files differ in S3 (${sample(first.mismatches.map((m) => `${m.path}: ${m.why}`))}); uploading them again`);
    const tree = await listBoxDir(job.session, job.dir, job.signal);
    const again = repairable.map((p) => tree.files.get(p)).filter((f): f is BoxFile => f !== undefined);
    meter.start('copy', again.length, sumBytes(again));
    await uploadFromBox(job.session, job.dir, again, job.target, meter, job);
    const second = await verifyFiles(job.session, job.dir, job.target, { ...opts, only: repairable });
    report = { ...first, mismatches: [...first.mismatches.filter((m) => m.why === 'only in S3'), ...second.mismatches] };
    report.ok = report.mismatches.length === 0;
  }
  if (!report.ok) {
    throw new DataError('VERIFY_MISMATCH', `${report.mismatches.length} of ${report.files} files under ${job.dir} differ in s3://${job.target.bucket}/${job.target.prefix}: ${sample(report.mismatches.map((m) => `${m.path}: ${m.why}`), 5)}`, 'files that change constantly on the box are copied by the final sync (writes frozen); run the copy again');
  }
  return report;
}

/** Errors in the user's terms: a dropped connection, a cancel, S3's own refusal. */
export function filesFailure(err: unknown, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted && !isDataError(err, 'SSH_LOST')) return new DataError('CANCELLED', 'the files copy was cancelled', 'run it again: files already in S3 are not sent again', { cause: err });
  if (isDataError(err)) return err;
  const name = (err as { name?: string })?.name;
  if (name === 'AccessDenied' || name === 'NoSuchBucket') return new DataError('TARGET_PERMISSION', `S3 refused the copy: ${(err as Error).message}`, 'check that the bucket exists in this region and that the credentials may write to it', { cause: err });
  return err;
}

