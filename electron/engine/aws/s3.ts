import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectsCommand, ListObjectVersionsCommand, PutBucketTaggingCommand, type BucketLocationConstraint } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Readable } from 'node:stream';
import type { AwsClients } from './clients.js';

/** Creates a bucket in the clients' region and tags it (the tag is added by the client guard). */
export async function createTaggedBucket(clients: AwsClients, bucket: string): Promise<void> {
  await clients.s3.send(
    new CreateBucketCommand({
      Bucket: bucket,
      // us-east-1 is the one region that refuses an explicit LocationConstraint.
      ...(clients.region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: clients.region as BucketLocationConstraint } }),
    }),
  );
  await clients.s3.send(new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: [] } }));
}

/** Uploads a file or stream; large bodies go in parts (lib-storage), aborted cleanly on failure. */
export async function uploadObject(
  clients: AwsClients,
  target: { bucket: string; key: string; body: Buffer | Readable | string; contentType?: string },
  opts: { partSize?: number; onProgress?: (loadedBytes: number) => void; signal?: AbortSignal } = {},
): Promise<{ etag: string | undefined }> {
  const upload = new Upload({
    client: clients.s3,
    params: { Bucket: target.bucket, Key: target.key, Body: target.body, ...(target.contentType ? { ContentType: target.contentType } : {}) },
    leavePartsOnError: false,
    ...(opts.partSize ? { partSize: opts.partSize } : {}),
    ...(opts.signal ? { abortController: abortControllerFor(opts.signal) } : {}),
  });
  if (opts.onProgress) upload.on('httpUploadProgress', (p) => opts.onProgress!(p.loaded ?? 0));
  const result = await upload.done();
  return { etag: result.ETag };
}

function abortControllerFor(signal: AbortSignal): AbortController {
  const controller = new AbortController();
  if (signal.aborted) controller.abort();
  else signal.addEventListener('abort', () => controller.abort(), { once: true });
  return controller;
}

/** Deletes every object version and delete marker (1000 per request), so a versioned bucket can go too. */
export async function emptyBucket(clients: AwsClients, bucket: string): Promise<number> {
  let deleted = 0;
  for (;;) {
    // Deleting shifts the listing: each round starts again from the top until nothing is left.
    const page = await clients.s3.send(new ListObjectVersionsCommand({ Bucket: bucket }));
    const objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => ({ Key: v.Key!, ...(v.VersionId ? { VersionId: v.VersionId } : {}) }));
    if (objects.length === 0) return deleted;
    await clients.s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } }));
    deleted += objects.length;
  }
}

/** Empties the bucket (every version) and deletes it. */
export async function emptyAndDeleteBucket(clients: AwsClients, bucket: string): Promise<number> {
  const deleted = await emptyBucket(clients, bucket);
  await clients.s3.send(new DeleteBucketCommand({ Bucket: bucket }));
  return deleted;
}
