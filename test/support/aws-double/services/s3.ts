import * as sdk from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { RestRequest } from '../codec/rest-xml.js';
import { AwsFault, required } from '../errors.js';
import { ids } from '../ids.js';
import type { Out, ServiceDef } from '../service-def.js';
import type { Tag } from '../util.js';
import type { CallContext, World } from '../world.js';

interface StoredObject {
  body: Buffer;
  etag: string;
  lastModified: Date;
  contentType?: string;
  metadata?: Record<string, string>;
}

interface Upload {
  key: string;
  metadata?: Record<string, string>;
  parts: Map<number, { body: Buffer; etag: string }>;
}

interface Bucket {
  name: string;
  account: string;
  region: string;
  created: Date;
  tags: Tag[];
  objects: Map<string, StoredObject>;
  uploads: Map<string, Upload>;
}

/** Bucket names are global across accounts, as on AWS. */
export class S3State {
  buckets = new Map<string, Bucket>();
}

export const s3State = (world: World) => world.scoped('s3', '-', null, () => new S3State());

/** An object's bytes, if that bucket exists in that region (EB reads source bundles this way). */
export function findObject(world: World, region: string, bucket: string, key: string): Buffer | undefined {
  const b = s3State(world).buckets.get(bucket);
  return b && b.region === region ? b.objects.get(key)?.body : undefined;
}

const md5 = (b: Buffer) => createHash('md5').update(b).digest();

function bucket(ctx: CallContext, name: string | undefined): Bucket {
  const found = s3State(ctx.world).buckets.get(required(name, 'Bucket'));
  if (!found) throw new AwsFault('NoSuchBucket', 'The specified bucket does not exist', 404);
  if (found.account !== ctx.account) throw new AwsFault('AccessDenied', 'Access Denied', 403);
  if (found.region !== ctx.region) {
    throw new AwsFault('AuthorizationHeaderMalformed', `The authorization header is malformed; the region '${ctx.region}' is wrong; expecting '${found.region}'`, 400);
  }
  return found;
}

/** Checks the body against the checksum the client declared (Content-MD5 or x-amz-checksum-crc32). */
function verifyChecksums(body: Buffer, input: { ContentMD5?: string; ChecksumCRC32?: string }): void {
  if (input.ContentMD5 && input.ContentMD5 !== md5(body).toString('base64')) {
    throw new AwsFault('BadDigest', 'The Content-MD5 you specified did not match what we received.', 400);
  }
  if (input.ChecksumCRC32) {
    const expected = Buffer.alloc(4);
    expected.writeUInt32BE(crc32(body));
    if (input.ChecksumCRC32 !== expected.toString('base64')) throw new AwsFault('BadDigest', 'The CRC32 you specified did not match the calculated checksum.', 400);
  }
}

const asBuffer = (body: unknown) => (Buffer.isBuffer(body) ? body : body === undefined ? Buffer.alloc(0) : Buffer.from(String(body)));

/** Routes the way S3 does: by bucket/key presence, method and sub-resource query keys. */
function route(req: RestRequest): { operation: string; labels: Record<string, string> } | undefined {
  const [, bucketPart = '', ...keyParts] = req.path.split('/');
  if (!bucketPart) return undefined;
  const labels: Record<string, string> = { Bucket: decodeURIComponent(bucketPart) };
  const q = (k: string) => req.query.has(k);
  if (keyParts.length === 0 || (keyParts.length === 1 && keyParts[0] === '')) {
    const byMethod: Record<string, string | undefined> = {
      PUT: q('tagging') ? 'PutBucketTagging' : 'CreateBucket',
      HEAD: 'HeadBucket',
      GET: req.query.get('list-type') === '2' ? 'ListObjectsV2' : undefined,
      DELETE: 'DeleteBucket',
      POST: q('delete') ? 'DeleteObjects' : undefined,
    };
    const operation = byMethod[req.method];
    return operation ? { operation, labels } : undefined;
  }
  labels.Key = keyParts.map(decodeURIComponent).join('/');
  const byMethod: Record<string, string | undefined> = {
    PUT: q('uploadId') && q('partNumber') ? 'UploadPart' : req.headers['x-amz-copy-source'] ? undefined : 'PutObject',
    POST: q('uploads') ? 'CreateMultipartUpload' : q('uploadId') ? 'CompleteMultipartUpload' : undefined,
    HEAD: 'HeadObject',
    DELETE: q('uploadId') ? 'AbortMultipartUpload' : 'DeleteObject',
    GET: 'GetObject',
  };
  const operation = byMethod[req.method];
  return operation ? { operation, labels } : undefined;
}

function store(b: Bucket, key: string, body: Buffer, etag: string, at: number, contentType?: string, metadata?: Record<string, string>): void {
  b.objects.set(key, { body, etag, lastModified: new Date(at), ...(contentType ? { contentType } : {}), ...(metadata ? { metadata } : {}) });
}

function object(ctx: CallContext, input: { Bucket?: string; Key?: string }): StoredObject {
  const found = bucket(ctx, input.Bucket).objects.get(required(input.Key, 'Key'));
  if (!found) throw new AwsFault('NoSuchKey', 'The specified key does not exist.', 404);
  return found;
}

export const s3: ServiceDef = {
  id: 's3',
  signingName: 's3',
  protocol: 'rest-xml',
  xmlNamespace: 'http://s3.amazonaws.com/doc/2006-03-01/',
  s3: true,
  sdk,
  route,
  iamAction: (operation) =>
    ({
      HeadBucket: 's3:ListBucket',
      ListObjectsV2: 's3:ListBucket',
      DeleteObjects: 's3:DeleteObject',
      CreateMultipartUpload: 's3:PutObject',
      UploadPart: 's3:PutObject',
      CompleteMultipartUpload: 's3:PutObject',
      AbortMultipartUpload: 's3:AbortMultipartUpload',
    })[operation] ?? `s3:${operation}`,
  handlers: {
    CreateBucket: (ctx: CallContext, input: sdk.CreateBucketRequest): Out<sdk.CreateBucketOutput> => {
      const name = required(input.Bucket, 'Bucket');
      if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) || name.includes('..')) throw new AwsFault('InvalidBucketName', 'The specified bucket is not valid.', 400);
      const constraint = input.CreateBucketConfiguration?.LocationConstraint;
      if (ctx.region === 'us-east-1' ? constraint !== undefined : constraint !== ctx.region) {
        throw new AwsFault(
          ctx.region === 'us-east-1' ? 'InvalidLocationConstraint' : 'IllegalLocationConstraintException',
          `The ${constraint ?? 'unspecified'} location constraint is incompatible for the region specific endpoint this request was sent to.`,
          400,
        );
      }
      const state = s3State(ctx.world);
      const existing = state.buckets.get(name);
      if (existing) {
        throw existing.account === ctx.account
          ? new AwsFault('BucketAlreadyOwnedByYou', 'Your previous request to create the named bucket succeeded and you already own it.', 409)
          : new AwsFault('BucketAlreadyExists', 'The requested bucket name is not available. The bucket namespace is shared by all users of the system.', 409);
      }
      state.buckets.set(name, {
        name,
        account: ctx.account,
        region: ctx.region,
        created: new Date(ctx.now),
        tags: input.CreateBucketConfiguration?.Tags ?? [],
        objects: new Map(),
        uploads: new Map(),
      });
      return { Location: `/${name}`, BucketArn: `arn:aws:s3:::${name}` };
    },

    HeadBucket: (ctx: CallContext, input: sdk.HeadBucketRequest): Out<sdk.HeadBucketOutput> => {
      const found = s3State(ctx.world).buckets.get(required(input.Bucket, 'Bucket'));
      if (!found) throw new AwsFault('NotFound', 'Not Found', 404);
      if (found.account !== ctx.account) throw new AwsFault('Forbidden', 'Forbidden', 403);
      return { BucketRegion: found.region };
    },

    PutBucketTagging: (ctx: CallContext, input: sdk.PutBucketTaggingRequest) => {
      bucket(ctx, input.Bucket).tags = required(input.Tagging?.TagSet, 'Tagging');
    },

    DeleteBucket: (ctx: CallContext, input: sdk.DeleteBucketRequest) => {
      const b = bucket(ctx, input.Bucket);
      if (b.objects.size > 0) throw new AwsFault('BucketNotEmpty', 'The bucket you tried to delete is not empty', 409);
      s3State(ctx.world).buckets.delete(b.name);
    },

    PutObject: (ctx: CallContext, input: sdk.PutObjectRequest): Out<sdk.PutObjectOutput> => {
      const b = bucket(ctx, input.Bucket);
      const body = asBuffer(input.Body);
      verifyChecksums(body, input);
      const etag = `"${md5(body).toString('hex')}"`;
      store(b, required(input.Key, 'Key'), body, etag, ctx.now, input.ContentType, input.Metadata);
      return { ETag: etag, ...(input.ChecksumCRC32 ? { ChecksumCRC32: input.ChecksumCRC32 } : {}) };
    },

    GetObject: (ctx: CallContext, input: sdk.GetObjectRequest): Out<sdk.GetObjectOutput> => {
      const found = object(ctx, input);
      return { Body: found.body, ContentLength: found.body.length, ETag: found.etag, LastModified: found.lastModified, ...(found.contentType ? { ContentType: found.contentType } : {}), ...(found.metadata ? { Metadata: found.metadata } : {}) } as unknown as Out<sdk.GetObjectOutput>;
    },

    CreateMultipartUpload: (ctx: CallContext, input: sdk.CreateMultipartUploadRequest): Out<sdk.CreateMultipartUploadOutput> => {
      const b = bucket(ctx, input.Bucket);
      const uploadId = ids.lower(64);
      b.uploads.set(uploadId, { key: required(input.Key, 'Key'), parts: new Map(), ...(input.Metadata ? { metadata: input.Metadata } : {}) });
      return { Bucket: b.name, Key: input.Key, UploadId: uploadId, ...(input.ChecksumAlgorithm ? { ChecksumAlgorithm: input.ChecksumAlgorithm } : {}) };
    },

    UploadPart: (ctx: CallContext, input: sdk.UploadPartRequest): Out<sdk.UploadPartOutput> => {
      const upload = bucket(ctx, input.Bucket).uploads.get(required(input.UploadId, 'uploadId'));
      if (!upload || upload.key !== input.Key) throw new AwsFault('NoSuchUpload', 'The specified upload does not exist.', 404);
      const body = asBuffer(input.Body);
      verifyChecksums(body, input);
      const etag = `"${md5(body).toString('hex')}"`;
      upload.parts.set(required(input.PartNumber, 'partNumber'), { body, etag });
      return { ETag: etag, ...(input.ChecksumCRC32 ? { ChecksumCRC32: input.ChecksumCRC32 } : {}) };
    },

    CompleteMultipartUpload: (ctx: CallContext, input: sdk.CompleteMultipartUploadRequest): Out<sdk.CompleteMultipartUploadOutput> => {
      const b = bucket(ctx, input.Bucket);
      const upload = b.uploads.get(required(input.UploadId, 'uploadId'));
      if (!upload || upload.key !== input.Key) throw new AwsFault('NoSuchUpload', 'The specified upload does not exist.', 404);
      const listed = required(input.MultipartUpload?.Parts, 'MultipartUpload');
      const parts = listed.map((p, i) => {
        const part = upload.parts.get(p.PartNumber ?? -1);
        if (!part || part.etag !== p.ETag) throw new AwsFault('InvalidPart', `Part ${p.PartNumber} was not uploaded or its ETag does not match.`, 400);
        if (i > 0 && (listed[i - 1]!.PartNumber ?? 0) >= p.PartNumber!) throw new AwsFault('InvalidPartOrder', 'The list of parts was not in ascending order.', 400);
        if (i < listed.length - 1 && part.body.length < 5 * 1024 * 1024) throw new AwsFault('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed object size.', 400);
        return part;
      });
      const etag = `"${md5(Buffer.concat(parts.map((p) => Buffer.from(p.etag.slice(1, -1), 'hex')))).toString('hex')}-${parts.length}"`;
      store(b, upload.key, Buffer.concat(parts.map((p) => p.body)), etag, ctx.now, undefined, upload.metadata);
      b.uploads.delete(input.UploadId!);
      return { Location: `/${b.name}/${upload.key}`, Bucket: b.name, Key: upload.key, ETag: etag };
    },

    AbortMultipartUpload: (ctx: CallContext, input: sdk.AbortMultipartUploadRequest) => {
      const b = bucket(ctx, input.Bucket);
      if (!b.uploads.delete(required(input.UploadId, 'uploadId'))) throw new AwsFault('NoSuchUpload', 'The specified upload does not exist.', 404);
    },

    ListObjectsV2: (ctx: CallContext, input: sdk.ListObjectsV2Request): Out<sdk.ListObjectsV2Output> => {
      const b = bucket(ctx, input.Bucket);
      const prefix = input.Prefix ?? '';
      const after = input.ContinuationToken ? Buffer.from(input.ContinuationToken, 'base64url').toString('utf8') : (input.StartAfter ?? '');
      const max = input.MaxKeys ?? 1000;
      const keys = [...b.objects.keys()].filter((k) => k.startsWith(prefix) && k > after).sort();
      const contents: sdk._Object[] = [];
      const prefixes = new Set<string>();
      let last = '';
      for (const key of keys) {
        if (contents.length + prefixes.size >= max) break;
        last = key;
        const rest = key.slice(prefix.length);
        const cut = input.Delimiter ? rest.indexOf(input.Delimiter) : -1;
        if (cut >= 0) prefixes.add(prefix + rest.slice(0, cut + input.Delimiter!.length));
        else {
          const o = b.objects.get(key)!;
          contents.push({ Key: key, LastModified: o.lastModified, ETag: o.etag, Size: o.body.length, StorageClass: 'STANDARD' });
        }
      }
      const truncated = keys.length > 0 && last !== keys[keys.length - 1];
      return {
        Name: b.name,
        Prefix: prefix,
        MaxKeys: max,
        KeyCount: contents.length + prefixes.size,
        IsTruncated: truncated,
        Contents: contents,
        CommonPrefixes: [...prefixes].map((Prefix) => ({ Prefix })),
        ...(input.Delimiter ? { Delimiter: input.Delimiter } : {}),
        ...(input.ContinuationToken ? { ContinuationToken: input.ContinuationToken } : {}),
        ...(truncated ? { NextContinuationToken: Buffer.from(last).toString('base64url') } : {}),
      };
    },

    // No ContentLength: the server sets Content-Length from the (empty) reply body; the size is in ListObjectsV2.
    HeadObject: (ctx: CallContext, input: sdk.HeadObjectRequest): Out<sdk.HeadObjectOutput> => {
      const o = object(ctx, input);
      return { ETag: o.etag, LastModified: o.lastModified, ...(o.contentType ? { ContentType: o.contentType } : {}), ...(o.metadata ? { Metadata: o.metadata } : {}) };
    },

    DeleteObject: (ctx: CallContext, input: sdk.DeleteObjectRequest) => {
      bucket(ctx, input.Bucket).objects.delete(required(input.Key, 'Key'));
    },

    DeleteObjects: (ctx: CallContext, input: sdk.DeleteObjectsRequest): Out<sdk.DeleteObjectsOutput> => {
      const b = bucket(ctx, input.Bucket);
      const keys = required(input.Delete?.Objects, 'Delete').map((o) => required(o.Key, 'Key'));
      if (keys.length > 1000) throw new AwsFault('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema', 400);
      for (const key of keys) b.objects.delete(key);
      return { Deleted: input.Delete?.Quiet ? [] : keys.map((Key) => ({ Key })), Errors: [] };
    },
  },
};
