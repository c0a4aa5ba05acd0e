/**
 * A `data-copy` action with engine `files`: a box directory into its S3 prefix (`sync` while the
 * box serves, `sync-delta` with writes frozen), or back into the box directory (the rollback's
 * copy back). Each batch of files is journaled, so a resumed run skips the batches it finished.
 */
import type { Json } from '../../../shared/runner/jmespath.js';
import type { Action } from '../../../shared/schema/plan.js';
import { syncFilesToS3, type FilesEvent, type FilesTarget, type RunBatch } from '../data/copy-files.js';
import { copyFilesBack } from '../data/files-copy-back.js';
import { journaled } from './effect.js';
import type { ActionContext } from './exec-step.js';
import { unsupported } from './exec-step.js';

type DataCopy = Extract<Action, { kind: 'data-copy' }>;
type Obj = Record<string, Json>;

/** A prefix is a folder: empty, or ending in one `/`; never starting with one. */
const folder = (prefix: Json | undefined): string => {
  const p = typeof prefix === 'string' ? prefix.replace(/^\/+/, '') : '';
  return p === '' || p.endsWith('/') ? p : `${p}/`;
};

export async function filesCopyAction(ctx: ActionContext, key: string, action: DataCopy, reuse: boolean): Promise<void> {
  const { run, step } = ctx;
  const source = (await run.resolve(action.source as Json)).value as Obj;
  const target = (await run.resolve(action.target as Json)).value as Obj;
  const toS3 = typeof source.host === 'string';
  const box = toS3 ? source : target;
  const store = toS3 ? target : source;
  if (typeof store.bucket !== 'string') throw unsupported(step, `copy files ${toS3 ? 'to' : 'from'} EFS (${String(store.fileSystemId ?? 'a file system')}); only S3 buckets are supported`);
  if (action.method !== 'sync' && action.method !== 'sync-delta') throw unsupported(step, `copy files with method ${action.method}`);
  if (typeof box.host !== 'string' || typeof box.path !== 'string') throw unsupported(step, 'copy files without a box host and directory');
  const host = box.host;
  const dir = box.path;
  const s3: FilesTarget = { s3: run.clients.s3, bucket: store.bucket, prefix: folder(store.prefix) };
  const where = { box: `${host}:${dir}`, s3: `s3://${s3.bucket}/${s3.prefix}` };
  const onEvent = (e: FilesEvent): void =>
    run.emit(
      e.type === 'notice'
        ? { type: 'notice', step: step.id, level: e.level, message: run.scrub(e.message) }
        : {
            type: 'progress',
            step: step.id,
            phase: step.phase,
            percent: e.bytesTotal ? Math.min(100, Math.round((100 * e.bytes) / e.bytesTotal)) : e.filesTotal ? Math.round((100 * e.files) / e.filesTotal) : 0,
            detail: `${dir}: ${e.phase} ${e.files}/${e.filesTotal} files, ${e.bytes}/${e.bytesTotal} bytes${e.current ? ` (${run.scrub(e.current)})` : ''}`,
            elapsedMs: ctx.budget.elapsed(),
            expectedMs: [run.scaled(step.durationMinutes.min * 60_000), run.scaled(step.durationMinutes.max * 60_000)],
          },
    );
  const signal = run.opts.signal ? { signal: run.opts.signal } : {};

  if (!toS3) {
    await journaled(run, step.id, `${key}#copy-back`, { kind: 'data-copy', service: 'files', operation: 'copy-back', params: { source: where.s3, target: where.box }, token: null }, async () => {
      const r = await copyFilesBack({ session: await run.boxes.session(host), source: s3, dir, onEvent, ...signal });
      run.emit({ type: 'notice', step: step.id, level: 'info', message: `${dir}: ${r.created.length} files created, ${r.replaced.length} replaced, ${r.unchanged} unchanged, ${r.boxOnly.length} left in place (not in S3), ${r.skipped.length} objects skipped` });
      return { outputs: { created: r.created.length, replaced: r.replaced.length, unchanged: r.unchanged, leftInPlace: r.boxOnly.length, skipped: r.skipped.length, bytes: r.bytes } };
    }, reuse);
    return;
  }

  const runBatch: RunBatch = async <T extends Record<string, number>>(id: string, what: string, work: () => Promise<T>): Promise<T> =>
    (await journaled(run, step.id, `${key}#${id}`, { kind: 'data-copy', service: 'files', operation: action.method, params: { source: where.box, target: where.s3, batch: what }, token: null }, async () => ({ outputs: await work() }), reuse)) as T;
  // The listing names the batches, so even a run whose batches are all journaled reads it.
  const r = await syncFilesToS3({ session: await run.boxes.session(host), dir, target: s3, method: action.method, runBatch, onEvent, ...signal });
  run.emit({ type: 'notice', step: step.id, level: 'info', message: `${dir} → ${where.s3}: ${r.files} files (${r.bytes} bytes), ${r.uploaded} uploaded, ${r.deleted} deleted, checksums equal for ${r.verify.files} files${r.symlinks.length ? `; ${r.symlinks.length} symbolic links not copied` : ''}` });
}
