import * as sdk from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { RestRequest } from '../codec/rest-xml.js';
import { AwsFault, required } from '../errors.js';
import { ids } from '../ids.js';
import type { Out, ServiceDef } from '../service-def.js';
import { paginate, type Tag } from '../util.js';
import type { CallContext, World } from '../world.js';

interface StoredObject {
  body: Buffer;
  etag: string;
  lastModified: Date;
  /** 'null' until the bucket's versioning is enabled, as S3 names it. */
  versionId: string;
  contentType?: string;
  metadata?: Record<string, string>;
}

/** A version that is no longer current: an older object, or a delete marker. */
interface OldVersion {
  key: string;
  versionId: string;
  lastModified: Date;
  object: StoredObject | null;
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
  /** Older versions and delete markers, kept while versioning is enabled. */
  history: OldVersion[];
  versioning?: sdk.BucketVersioningStatus;
  publicAccessBlock?: sdk.PublicAccessBlockConfiguration;
  /** The bucket policy document, as JSON text. */
  policy?: string;
  lifecycle?: sdk.LifecycleRule[];
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
  // The service root lists the caller's buckets.
  if (!bucketPart) return req.method === 'GET' ? { operation: 'ListBuckets', labels: {} } : undefined;
  const labels: Record<string, string> = { Bucket: decodeURIComponent(bucketPart) };
  const q = (k: string) => req.query.has(k);
  if (keyParts.length === 0 || (keyParts.length === 1 && keyParts[0] === '')) {
    const sub = ['tagging', 'versioning', 'lifecycle', 'publicAccessBlock', 'policy'].find(q);
    const put: Record<string, string> = { tagging: 'PutBucketTagging', versioning: 'PutBucketVersioning', lifecycle: 'PutBucketLifecycleConfiguration', publicAccessBlock: 'PutPublicAccessBlock', policy: 'PutBucketPolicy' };
    const get: Record<string, string> = { tagging: 'GetBucketTagging', versioning: 'GetBucketVersioning', lifecycle: 'GetBucketLifecycleConfiguration', publicAccessBlock: 'GetPublicAccessBlock' };
    const byMethod: Record<string, string | undefined> = {
      PUT: sub ? put[sub] : 'CreateBucket',
      HEAD: 'HeadBucket',
      GET: sub ? get[sub] : q('versions') ? 'ListObjectVersions' : req.query.get('list-type') === '2' ? 'ListObjectsV2' : undefined,
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

/** With versioning enabled, what a write or delete replaces stays as an older version. */
function retire(b: Bucket, key: string, at: number, deleteMarker: boolean): void {
  if (b.versioning !== 'Enabled') return;
  const current = b.objects.get(key);
  if (current) b.history.push({ key, versionId: current.versionId, lastModified: current.lastModified, object: current });
  if (deleteMarker) b.history.push({ key, versionId: ids.lower(32), lastModified: new Date(at), object: null });
}

function store(b: Bucket, key: string, body: Buffer, etag: string, at: number, contentType?: string, metadata?: Record<string, string>): string {
  retire(b, key, at, false);
  const versionId = b.versioning === 'Enabled' ? ids.lower(32) : 'null';
  b.objects.set(key, { body, etag, lastModified: new Date(at), versionId, ...(contentType ? { contentType } : {}), ...(metadata ? { metadata } : {}) });
  return versionId;
}

/** Deletes one key (a delete marker when versioned) or one version of it. */
function remove(b: Bucket, key: string, versionId: string | undefined, at: number): void {
  if (versionId === undefined) {
    retire(b, key, at, true);
    b.objects.delete(key);
  } else if (b.objects.get(key)?.versionId === versionId) b.objects.delete(key);
  else b.history = b.history.filter((v) => !(v.key === key && v.versionId === versionId));
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
      ListBuckets: 's3:ListAllMyBuckets',
      ListObjectsV2: 's3:ListBucket',
      DeleteObjects: 's3:DeleteObject',
      CreateMultipartUpload: 's3:PutObject',
      UploadPart: 's3:PutObject',
      CompleteMultipartUpload: 's3:PutObject',
      AbortMultipartUpload: 's3:AbortMultipartUpload',
      ListObjectVersions: 's3:ListBucketVersions',
      PutPublicAccessBlock: 's3:PutBucketPublicAccessBlock',
      GetPublicAccessBlock: 's3:GetBucketPublicAccessBlock',
      PutBucketLifecycleConfiguration: 's3:PutLifecycleConfiguration',
      GetBucketLifecycleConfiguration: 's3:GetLifecycleConfiguration',
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
        history: [],
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

    GetBucketTagging: (ctx: CallContext, input: sdk.GetBucketTaggingRequest): Out<sdk.GetBucketTaggingOutput> => {
      const tags = bucket(ctx, input.Bucket).tags;
      if (tags.length === 0) throw new AwsFault('NoSuchTagSet', 'The TagSet does not exist', 404);
      return { TagSet: tags as sdk.Tag[] };
    },

    ListBuckets: (ctx: CallContext, input: sdk.ListBucketsRequest): Out<sdk.ListBucketsOutput> => {
      const own = [...s3State(ctx.world).buckets.values()].filter((b) => b.account === ctx.account && (!input.BucketRegion || b.region === input.BucketRegion) && (!input.Prefix || b.name.startsWith(input.Prefix)));
      const { page, next } = paginate(own, input.ContinuationToken, input.MaxBuckets, 10_000);
      return {
        Buckets: page.map((b) => ({ Name: b.name, CreationDate: b.created, BucketRegion: b.region })),
        Owner: { ID: createHash('sha256').update(ctx.account).digest('hex') },
        ...(next ? { ContinuationToken: next } : {}),
        ...(input.Prefix ? { Prefix: input.Prefix } : {}),
      };
    },

    PutBucketPolicy: (ctx: CallContext, input: sdk.PutBucketPolicyRequest) => {
      const policy = required(input.Policy, 'Policy');
      try {
        JSON.parse(policy);
      } catch {
        throw new AwsFault('MalformedPolicy', 'Policies must be valid JSON and the first byte must be \'{\'', 400);
      }
      bucket(ctx, input.Bucket).policy = policy;
    },

    PutBucketVersioning: (ctx: CallContext, input: sdk.PutBucketVersioningRequest) => {
      const status = required(input.VersioningConfiguration?.Status, 'VersioningConfiguration.Status');
      if (status !== 'Enabled' && status !== 'Suspended') throw new AwsFault('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema', 400);
      bucket(ctx, input.Bucket).versioning = status;
    },

    GetBucketVersioning: (ctx: CallContext, input: sdk.GetBucketVersioningRequest): Out<sdk.GetBucketVersioningOutput> => {
      const b = bucket(ctx, input.Bucket);
      return b.versioning ? { Status: b.versioning } : {};
    },

    PutPublicAccessBlock: (ctx: CallContext, input: sdk.PutPublicAccessBlockRequest) => {
      bucket(ctx, input.Bucket).publicAccessBlock = required(input.PublicAccessBlockConfiguration, 'PublicAccessBlockConfiguration');
    },

    GetPublicAccessBlock: (ctx: CallContext, input: sdk.GetPublicAccessBlockRequest): Out<sdk.GetPublicAccessBlockOutput> => {
      const config = bucket(ctx, input.Bucket).publicAccessBlock;
      if (!config) throw new AwsFault('NoSuchPublicAccessBlockConfiguration', 'The public access block configuration was not found', 404);
      return { PublicAccessBlockConfiguration: config };
    },

    PutBucketLifecycleConfiguration: (ctx: CallContext, input: sdk.PutBucketLifecycleConfigurationRequest): Out<sdk.PutBucketLifecycleConfigurationOutput> => {
      const rules = required(input.LifecycleConfiguration?.Rules, 'LifecycleConfiguration.Rules');
      for (const r of rules) {
        if (r.Status !== 'Enabled' && r.Status !== 'Disabled') throw new AwsFault('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema', 400);
        if (r.AbortIncompleteMultipartUpload && r.Filter?.Tag) throw new AwsFault('InvalidRequest', 'AbortIncompleteMultipartUpload cannot be specified with Tags.', 400);
      }
      bucket(ctx, input.Bucket).lifecycle = rules;
      return {};
    },

    GetBucketLifecycleConfiguration: (ctx: CallContext, input: sdk.GetBucketLifecycleConfigurationRequest): Out<sdk.GetBucketLifecycleConfigurationOutput> => {
      const rules = bucket(ctx, input.Bucket).lifecycle;
      if (!rules) throw new AwsFault('NoSuchLifecycleConfiguration', 'The lifecycle configuration does not exist', 404);
      return { Rules: rules };
    },

    ListObjectVersions: (ctx: CallContext, input: sdk.ListObjectVersionsRequest): Out<sdk.ListObjectVersionsOutput> => {
      const b = bucket(ctx, input.Bucket);
      const prefix = input.Prefix ?? '';
      const all = [
        ...[...b.objects.entries()].map(([key, o]) => ({ key, versionId: o.versionId, lastModified: o.lastModified, object: o, latest: true })),
        ...b.history.map((v) => ({ ...v, latest: false })),
      ]
        .filter((v) => v.key.startsWith(prefix))
        .sort((x, y) => (x.key === y.key ? y.lastModified.getTime() - x.lastModified.getTime() : x.key < y.key ? -1 : 1));
      // A delete marker is the latest version of a key that has no current object.
      const latest = (v: (typeof all)[number]) => v.latest || (v.object === null && !b.objects.has(v.key) && all.find((w) => w.key === v.key) === v);
      const start = input.KeyMarker ? all.findIndex((v) => v.key === input.KeyMarker && v.versionId === input.VersionIdMarker) + 1 : 0;
      const page = all.slice(start, start + (input.MaxKeys ?? 1000));
      const last = page[page.length - 1];
      const truncated = start + page.length < all.length;
      return {
        Name: b.name,
        Prefix: prefix,
        IsTruncated: truncated,
        Versions: page.filter((v) => v.object).map((v) => ({ Key: v.key, VersionId: v.versionId, IsLatest: latest(v), LastModified: v.lastModified, ETag: v.object!.etag, Size: v.object!.body.length, StorageClass: 'STANDARD' })),
        DeleteMarkers: page.filter((v) => !v.object).map((v) => ({ Key: v.key, VersionId: v.versionId, IsLatest: latest(v), LastModified: v.lastModified })),
        ...(truncated && last ? { NextKeyMarker: last.key, NextVersionIdMarker: last.versionId } : {}),
      };
    },

    DeleteBucket: (ctx: CallContext, input: sdk.DeleteBucketRequest) => {
      const b = bucket(ctx, input.Bucket);
      if (b.objects.size > 0 || b.history.length > 0) throw new AwsFault('BucketNotEmpty', 'The bucket you tried to delete is not empty', 409);
      s3State(ctx.world).buckets.delete(b.name);
    },

    PutObject: (ctx: CallContext, input: sdk.PutObjectRequest): Out<sdk.PutObjectOutput> => {
      const b = bucket(ctx, input.Bucket);
      const body = asBuffer(input.Body);
      verifyChecksums(body, input);
      const etag = `"${md5(body).toString('hex')}"`;
      const versionId = store(b, required(input.Key, 'Key'), body, etag, ctx.now, input.ContentType, input.Metadata);
      return { ETag: etag, ...(versionId !== 'null' ? { VersionId: versionId } : {}), ...(input.ChecksumCRC32 ? { ChecksumCRC32: input.ChecksumCRC32 } : {}) };
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
      remove(bucket(ctx, input.Bucket), required(input.Key, 'Key'), input.VersionId, ctx.now);
    },

    DeleteObjects: (ctx: CallContext, input: sdk.DeleteObjectsRequest): Out<sdk.DeleteObjectsOutput> => {
      const b = bucket(ctx, input.Bucket);
      const objects = required(input.Delete?.Objects, 'Delete').map((o) => ({ Key: required(o.Key, 'Key'), ...(o.VersionId ? { VersionId: o.VersionId } : {}) }));
      if (objects.length > 1000) throw new AwsFault('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema', 400);
      for (const o of objects) remove(b, o.Key, o.VersionId, ctx.now);
      return { Deleted: input.Delete?.Quiet ? [] : objects, Errors: [] };
    },
  },
};
