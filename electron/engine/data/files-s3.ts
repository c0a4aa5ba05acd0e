/**
 * The S3 side of a files copy: objects under a prefix, each carrying the box file's sha256, time
 * and mode as user metadata (`x-amz-meta-skylift-*`), so that a later run can tell which files
 * are already there and the verification can compare checksums without downloading.
 */
import { DeleteObjectsCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Readable } from 'node:stream';

/** S3's minimum part size; every part but the last is exactly this big. */
export const MIN_PART_SIZE = 5 * 1024 * 1024;

export interface StoredFile {
  /** Relative to the prefix: the box file's path. */
  path: string;
  key: string;
  size: number;
  etag: string;
  lastModified: Date | null;
}

export interface FileMeta {
  sha256: string | null;
  mtime: string | null;
  mode: number | null;
}

const META = { sha256: 'skylift-sha256', mtime: 'skylift-mtime', mode: 'skylift-mode' } as const;

/** Every object under the prefix, by path relative to it (folder markers `…/` left out). */
export async function listStored(s3: S3Client, bucket: string, prefix: string, signal?: AbortSignal): Promise<Map<string, StoredFile>> {
  const out = new Map<string, StoredFile>();
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }), signal ? { abortSignal: signal } : {});
    for (const o of page.Contents ?? []) {
      const key = o.Key ?? '';
      if (!key.startsWith(prefix) || key.endsWith('/')) continue;
      const path = key.slice(prefix.length);
      out.set(path, { path, key, size: o.Size ?? 0, etag: o.ETag ?? '', lastModified: o.LastModified ?? null });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return out;
}

function metaOf(m: Record<string, string> | undefined): FileMeta {
  const mode = m?.[META.mode];
  return { sha256: m?.[META.sha256] ?? null, mtime: m?.[META.mtime] ?? null, mode: mode && /^[0-7]+$/.test(mode) ? parseInt(mode, 8) : null };
}

export async function storedMeta(s3: S3Client, bucket: string, key: string, signal?: AbortSignal): Promise<FileMeta> {
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }), signal ? { abortSignal: signal } : {});
  return metaOf(head.Metadata);
}

/** Uploads one file (multipart above `partSize`); a failed upload leaves no parts behind. */
export async function putFile(
  s3: S3Client,
  target: { bucket: string; key: string; body: Readable | Buffer; meta: { sha256: string; mtime: string; mode: number } },
  opts: { partSize: number; signal?: AbortSignal; onBytes?: (n: number) => void },
): Promise<void> {
  const upload = new Upload({
    client: s3,
    params: {
      Bucket: target.bucket,
      Key: target.key,
      Body: target.body,
      Metadata: { [META.sha256]: target.meta.sha256, [META.mtime]: target.meta.mtime, [META.mode]: target.meta.mode.toString(8) },
    },
    partSize: Math.max(MIN_PART_SIZE, opts.partSize),
    queueSize: 2,
    leavePartsOnError: false,
  });
  let loaded = 0;
  if (opts.onBytes) {
    upload.on('httpUploadProgress', (p) => {
      const now = p.loaded ?? loaded;
      opts.onBytes!(now - loaded);
      loaded = now;
    });
  }
  const onAbort = (): void => void upload.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await upload.done();
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

/** Deletes the keys, 1000 per request; throws if S3 reports any it could not delete. */
export async function deleteStored(s3: S3Client, bucket: string, keys: readonly string[], signal?: AbortSignal): Promise<void> {
  for (let i = 0; i < keys.length; i += 1000) {
    const batch = keys.slice(i, i + 1000).map((Key) => ({ Key }));
    const r = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch, Quiet: true } }), signal ? { abortSignal: signal } : {});
    const failed = r.Errors ?? [];
    if (failed.length) throw new Error(`S3 did not delete ${failed.length} objects (first: ${failed[0]!.Key}: ${failed[0]!.Code} ${failed[0]!.Message})`);
  }
}

/** One object's bytes as a stream, with its metadata. */
export async function getStored(s3: S3Client, bucket: string, key: string, signal?: AbortSignal): Promise<{ body: AsyncIterable<Uint8Array>; size: number; meta: FileMeta; lastModified: Date | null }> {
  const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), signal ? { abortSignal: signal } : {});
  if (!r.Body) throw new Error(`s3://${bucket}/${key} has no body`);
  return { body: r.Body as unknown as AsyncIterable<Uint8Array>, size: r.ContentLength ?? 0, meta: metaOf(r.Metadata), lastModified: r.LastModified ?? null };
}

/** Runs `fn` over the items with at most `limit` at once; the first failure is thrown once all settled. */
export async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure = null as { err: unknown } | null;
  const worker = async (): Promise<void> => {
    while (next < items.length && !failure) {
      const item = items[next++] as T;
      await fn(item).catch((err: unknown) => {
        failure ??= { err };
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.err;
}
