import type { Action } from '../../../shared/schema/plan.js';
import type { ActionContext } from './exec-step.js';
import { unsupported } from './exec-step.js';
import { join } from 'node:path';
import type { Json } from '../../../shared/runner/jmespath.js';
import { uploadObject } from '../aws/s3.js';
import { journaled } from './effect.js';
import { awsFailure } from './exec-aws.js';
import { secretToSsm } from './exec-secrets.js';
import { boxFiles, mergeBundle, overlayFiles, zip } from './source-bundle.js';

type DataCopy = Extract<Action, { kind: 'data-copy' }>;

/** Whether the runner can carry out this copy itself. */
export function canCopy(action: DataCopy): boolean {
  return action.engine === 'env' || action.engine === 'source-bundle';
}

type Obj = Record<string, Json>;

/** The code on the box, packed there, the plan's eb/ files laid over it, zipped and uploaded to Elastic Beanstalk's bucket. */
async function sourceBundle(ctx: ActionContext, key: string, action: DataCopy, reuse: boolean): Promise<void> {
  const { run, step } = ctx;
  const source = (await run.resolve(action.source as Json)).value as Obj;
  const target = (await run.resolve(action.target as Json)).value as Obj;
  const bucket = String(target.bucket);
  const objectKey = String(target.key);
  await journaled(run, step.id, key, { kind: 'upload', service: 's3', operation: 'PutObject', params: { source: `${String(source.host)}:${String(source.dir)}`, overlay: source.overlay ?? null, Bucket: bucket, Key: objectKey }, token: `s3://${bucket}/${objectKey}` }, async () => {
    const session = await run.boxes.session(String(source.host));
    const app = await boxFiles(session, String(source.dir), (Array.isArray(source.excludes) ? source.excludes : []).map(String), run.opts.signal);
    const overlay = typeof source.overlay === 'string' && run.opts.bundleRoot ? await overlayFiles(join(run.opts.bundleRoot, source.overlay)) : [];
    const files = mergeBundle(app, overlay);
    const body = zip(files);
    run.emit({ type: 'notice', step: step.id, level: 'info', message: `source bundle: ${files.length} files (${app.length} from the box, ${overlay.length} from ${String(source.overlay ?? 'no overlay')}), ${body.length} bytes` });
    await uploadObject(run.clients, { bucket, key: objectKey, body, contentType: 'application/zip' }, run.opts.signal ? { signal: run.opts.signal } : {}).catch((err: unknown) => {
      throw awsFailure(run, `${step.id}: uploading the source bundle`, err);
    });
    return { outputs: { files: files.length, bytes: body.length } };
  }, reuse);
}

/** A `data-copy` action by engine and method. */
export async function dataCopyAction(ctx: ActionContext, key: string, action: DataCopy, reuse: boolean): Promise<void> {
  if (action.engine === 'env') {
    await secretToSsm(ctx.run, ctx.step, key, action);
    return;
  }
  if (action.engine === 'source-bundle') {
    await sourceBundle(ctx, key, action, reuse);
    return;
  }
  throw unsupported(ctx.step, `copy ${action.engine} (${action.method})`);
}
