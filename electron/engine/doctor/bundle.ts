import { GetObjectCommand } from '@aws-sdk/client-s3';
import { inflateRawSync } from 'node:zlib';
import type { Json } from '../../../shared/runner/jmespath.js';
import type { Action } from '../../../shared/schema/plan.js';
import type { AwsClients } from '../aws/clients.js';
import { uploadObject } from '../aws/s3.js';
import { journaled } from '../runner/effect.js';
import { awsFailure } from '../runner/exec-aws.js';
import type { ActionContext } from '../runner/exec-step.js';
import { RunnerError } from '../runner/errors.js';
import { mergeBundle, zip, type BundleFile } from '../runner/source-bundle.js';

/** The files of a .zip (stored or deflated entries), read from its central directory. */
export function unzip(buffer: Buffer): BundleFile[] {
  const end = buffer.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new RunnerError('STEP_FAILED', 'the source bundle is not a zip file (no end of central directory)', 'deploy a .zip source bundle, as Elastic Beanstalk expects');
  const count = buffer.readUInt16LE(end + 10);
  let at = buffer.readUInt32LE(end + 16);
  const files: BundleFile[] = [];
  for (let i = 0; i < count; i++) {
    if (buffer.readUInt32LE(at) !== 0x02014b50) throw new RunnerError('STEP_FAILED', 'the source bundle zip is damaged (bad central directory entry)', 'build the bundle again');
    const method = buffer.readUInt16LE(at + 10);
    const packedSize = buffer.readUInt32LE(at + 20);
    const nameLength = buffer.readUInt16LE(at + 28);
    const extraLength = buffer.readUInt16LE(at + 30);
    const commentLength = buffer.readUInt16LE(at + 32);
    const mode = (buffer.readUInt32LE(at + 38) >>> 16) & 0o7777;
    const local = buffer.readUInt32LE(at + 42);
    const path = buffer.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    at += 46 + nameLength + extraLength + commentLength;
    if (path.endsWith('/')) continue;
    const start = local + 30 + buffer.readUInt16LE(local + 26) + buffer.readUInt16LE(local + 28);
    const packed = buffer.subarray(start, start + packedSize);
    if (method !== 0 && method !== 8) throw new RunnerError('STEP_FAILED', `the source bundle entry ${path} uses zip method ${method}`, 'build the bundle with plain deflate (zip -r)');
    files.push({ path, mode: mode || 0o644, data: method === 8 ? inflateRawSync(packed) : Buffer.from(packed) });
  }
  return files;
}

export async function downloadObject(clients: AwsClients, bucket: string, key: string, signal?: AbortSignal): Promise<Buffer> {
  const got = await clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), signal ? { abortSignal: signal } : {});
  return Buffer.from(await got.Body!.transformToByteArray());
}

type DataCopy = Extract<Action, { kind: 'data-copy' }>;
type Obj = Record<string, Json>;

/** `source-bundle` / `overlay-s3`: an existing bundle from S3, the given files laid over it, zipped and uploaded as a new object. */
export async function overlayS3Bundle(ctx: ActionContext, key: string, action: DataCopy, reuse: boolean): Promise<void> {
  const { run, step } = ctx;
  const source = (await run.resolve(action.source as Json)).value as Obj;
  const target = (await run.resolve(action.target as Json)).value as Obj;
  const files = (source.files ?? {}) as Record<string, Json>;
  const [bucket, objectKey] = [String(target.bucket), String(target.key)];
  await journaled(run, step.id, key, { kind: 'upload', service: 's3', operation: 'PutObject', params: { source: `s3://${String(source.bucket)}/${String(source.key)}`, overlay: Object.keys(files), Bucket: bucket, Key: objectKey }, token: `s3://${bucket}/${objectKey}` }, async () => {
    const signal = run.opts.signal;
    const app = unzip(await downloadObject(run.clients, String(source.bucket), String(source.key), signal).catch((err: unknown) => {
      throw awsFailure(run, `${step.id}: reading the deployed source bundle`, err);
    }));
    const overlay = Object.entries(files).map(([path, text]) => ({ path, mode: 0o644, data: Buffer.from(String(text)) }));
    const merged = mergeBundle(app, overlay);
    const body = zip(merged);
    run.emit({ type: 'notice', step: step.id, level: 'info', message: `source bundle: ${merged.length} files (${overlay.length} laid over ${String(source.key)}), ${body.length} bytes` });
    await uploadObject(run.clients, { bucket, key: objectKey, body, contentType: 'application/zip' }, signal ? { signal } : {}).catch((err: unknown) => {
      throw awsFailure(run, `${step.id}: uploading the source bundle`, err);
    });
    return { outputs: { files: merged.length, bytes: body.length } };
  }, reuse);
}
