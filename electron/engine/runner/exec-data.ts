import type { Action } from '../../../shared/schema/plan.js';
import type { ActionContext } from './exec-step.js';
import { unsupported } from './exec-step.js';
import { join } from 'node:path';
import type { Json } from '../../../shared/runner/jmespath.js';
import { uploadObject } from '../aws/s3.js';
import { journaled } from './effect.js';
import { importZone } from './exec-zone.js';
import { filesCopyAction } from './exec-files.js';
import { awsFailure } from './exec-aws.js';
import { secretToSsm } from './exec-secrets.js';
import { replicates, replicationAction } from './exec-replication.js';
import { copyData, verifyData } from '../data/index.js';
import type { TargetUrl } from '../../../shared/data/target-url.js';
import type { DataEvent, DataSource, VerifyReport } from '../../../shared/schema/data.js';
import type { Run } from './run.js';
import type { SshSession } from '../ssh/index.js';
import { findServerSocket } from '../data/box-socket.js';
import { copyBackMysql } from '../data/copy-back-mysql.js';
import { copyBackPostgres } from '../data/copy-back-postgres.js';
import { readDbSecret } from './secrets.js';
import { boxFiles, mergeBundle, overlayFiles, zip } from './source-bundle.js';
import { overlayS3Bundle } from '../doctor/bundle.js';

type DataCopy = Extract<Action, { kind: 'data-copy' }>;

/** Whether the runner can carry out this copy itself. */
export function canCopy(action: DataCopy): boolean {
  if (action.engine === 'env' || action.engine === 'source-bundle' || action.engine === 'memcached') return true;
  if (action.engine === 'dns-zone') return action.method === 'zone-file';
  if (replicates(action)) return true;
  // Files: to or from an S3 bucket (EFS targets are not carried out yet).
  if (action.engine === 'files') return ('bucket' in action.source || 'bucket' in action.target) && (action.method === 'sync' || action.method === 'sync-delta');
  const toAws = 'host' in action.source && 'endpoint' in action.target;
  const toBox = 'endpoint' in action.source && 'host' in action.target;
  // Copies back go from RDS to the box only (replication is exec-replication's, above).
  if (toBox) return SQL.has(action.engine) && action.method === 'dump-restore';
  return toAws && (action.engine === 'redis' ? action.method === 'key-copy' : SQL.has(action.engine) && action.method === 'dump-restore');
}

const SQL = new Set<DataCopy['engine']>(['postgres', 'mysql', 'mariadb']);

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

const str = (v: Json | undefined): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const num = (v: Json | undefined): number | undefined => (typeof v === 'number' ? v : undefined);

/** What the engine reads on the box, for one database (null for Redis and memcached: the whole server); a database server is reached over its unix socket, found on the box by its port. */
export async function dataSource(session: SshSession, engine: DataCopy['engine'], source: Obj, database: string | null, signal?: AbortSignal): Promise<DataSource> {
  const port = num(source.port);
  if (engine === 'postgres') {
    const socket = port ? await findServerSocket(session, 'postgres', port, signal) : null;
    const dir = socket ? socket.slice(0, socket.lastIndexOf('/')) : str(source.socketDir);
    return { engine, database: database ?? '', ...(dir ? { host: dir } : {}), ...(port ? { port } : {}) };
  }
  if (engine === 'mysql' || engine === 'mariadb') {
    const socket = (port ? await findServerSocket(session, 'mysql', port, signal) : null) ?? str(source.socket);
    return { engine: 'mysql', database: database ?? '', ...(socket ? { socket } : {}), ...(port ? { port } : {}) };
  }
  if (engine === 'redis') return { engine, ...(port ? { port } : {}) };
  return { engine: 'memcached' };
}

/** The created resource as a parsed target URL; the master password is read from its RDS-managed secret and only remembered for scrubbing. */
export async function targetUrl(run: ActionContext['run'], engine: DataCopy['engine'], target: Obj, database: string | null): Promise<TargetUrl> {
  const host = String(target.endpoint);
  const port = num(target.port) ?? 0;
  const kind = engine === 'redis' ? 'redis' : engine === 'postgres' ? 'postgres' : 'mysql';
  const arn = str(target.credentials);
  const creds = arn ? await readDbSecret(run.clients, arn) : null;
  const user = str(target.masterUser) ?? creds?.username ?? null;
  const password = creds ? run.secret(creds.password) : null;
  // RDS always offers TLS: never fall back to plain text; verify the certificate when the CA bundle is given.
  const caFile = run.opts.dbCaFile ?? null;
  const tls = kind === 'redis' ? 'disable' : caFile ? 'verify-full' : 'require';
  return { engine: kind, host, port, user, password, database, tls: { mode: tls, caFile }, masked: `${kind}://${user ? `${user}:***@` : ''}${host}:${port}${database ? `/${database}` : ''}` };
}

/** A database (each one named), a Redis server, or nothing for memcached, copied from the box and verified; copyData leaves the target clean when it fails. */
async function storeCopy(ctx: ActionContext, key: string, action: DataCopy, reuse: boolean): Promise<void> {
  const { run, step } = ctx;
  const source = (await run.resolve(action.source as Json)).value as Obj;
  const target = (await run.resolve(action.target as Json)).value as Obj;
  const names = Array.isArray(source.databases) ? source.databases.map(String) : [];
  const databases: (string | null)[] = SQL.has(action.engine) ? names : [null];
  for (const [i, database] of databases.entries()) {
    const what = database ?? action.engine;
    await journaled(run, step.id, `${key}#${i}`, { kind: 'data-copy', service: action.engine, operation: action.method, params: { source: `${String(source.host)}:${what}`, target: `${String(target.endpoint ?? '(none)')}:${num(target.port) ?? ''}` }, token: null }, async () => {
      const session = await run.boxes.session(String(source.host));
      const url = action.engine === 'memcached' ? '' : await targetUrl(run, action.engine, target, database);
      const result = await copyData({
        session,
        source: await dataSource(session, action.engine, source, database, run.opts.signal),
        target: url,
        // The database is the plan's own on an instance it created: a retry after a failed or mismatched copy, and the final sync, start it over.
        replace: true,
        // MyISAM tables: the rehearsal copy runs unlocked while the box serves (the final sync repeats it); with writes stopped a lock costs nothing.
        myisam: step.phase === 'final-sync' ? 'lock' : 'accept',
        onEvent: (e) => run.emit(e.type === 'notice' ? { type: 'notice', step: step.id, level: e.level, message: run.scrub(e.message) } : { type: 'progress', step: step.id, phase: step.phase, percent: e.total ? Math.round((100 * e.done) / e.total) : 0, detail: `${what}: ${e.phase} ${e.done}/${e.total ?? '?'} ${e.unit}${e.current ? ` (${e.current})` : ''}`, elapsedMs: ctx.budget.elapsed(), expectedMs: [run.scaled(step.durationMinutes.min * 60_000), run.scaled(step.durationMinutes.max * 60_000)] }),
        ...(run.opts.signal ? { signal: run.opts.signal } : {}),
      });
      return { outputs: { items: result.items, bytes: result.bytes, verified: result.verify?.ok ?? null } };
    }, reuse);
  }
}

/** Databases copied back from RDS to the box (a rollback after the switch): the box's rows saved to a file on the box, then replaced and verified. */
async function copyBack(ctx: ActionContext, key: string, action: DataCopy, reuse: boolean): Promise<void> {
  const { run, step } = ctx;
  const source = (await run.resolve(action.source as Json)).value as Obj;
  const target = (await run.resolve(action.target as Json)).value as Obj;
  const names = Array.isArray(target.databases) ? target.databases.map(String) : [];
  for (const [i, database] of names.entries()) {
    await journaled(run, step.id, `${key}#${i}`, { kind: 'data-copy', service: action.engine, operation: 'copy-back', params: { source: `${String(source.endpoint)}:${num(source.port) ?? ''}/${database}`, target: `${String(target.host)}:${database}` }, token: null }, async () => {
      const session = await run.boxes.session(String(target.host));
      const from = await targetUrl(run, action.engine, source, database);
      const box = await dataSource(session, action.engine, target, database, run.opts.signal);
      const onEvent = (e: DataEvent) => run.emit(e.type === 'notice' ? { type: 'notice', step: step.id, level: e.level, message: run.scrub(e.message) } : { type: 'progress', step: step.id, phase: step.phase, percent: e.total ? Math.round((100 * e.done) / e.total) : 0, detail: `${database}: ${e.phase} ${e.done}/${e.total ?? '?'} ${e.unit}`, elapsedMs: ctx.budget.elapsed(), expectedMs: [0, ctx.budget.ms] });
      const common = { session, from, migration: run.id, onEvent, ...(run.opts.signal ? { signal: run.opts.signal } : {}) };
      const result = box.engine === 'postgres' ? await copyBackPostgres({ ...common, box }) : box.engine === 'mysql' ? await copyBackMysql({ ...common, box }) : null;
      if (!result) throw unsupported(step, `copy ${action.engine} back to the box`);
      run.emit({ type: 'notice', step: step.id, level: 'info', message: `${database} copied back to ${String(target.host)}; its previous state is saved on the box in ${result.backup}` });
      return { outputs: { backup: result.backup, tables: result.verify.tables.length, verified: result.verify.ok } };
    }, reuse);
  }
}

/** A database copy's two sides (either direction) compared table by table, rows and checksums: the plan's `row-counts` check. */
export async function compareCopy(run: Run, action: DataCopy): Promise<VerifyReport[]> {
  const source = (await run.resolve(action.source as Json)).value as Obj;
  const target = (await run.resolve(action.target as Json)).value as Obj;
  const [box, aws] = 'host' in source ? [source, target] : [target, source];
  const reports: VerifyReport[] = [];
  for (const database of Array.isArray(box.databases) ? box.databases.map(String) : []) {
    const session = await run.boxes.session(String(box.host));
    const url = await targetUrl(run, action.engine, aws, database);
    reports.push(await verifyData({ session, source: await dataSource(session, action.engine, box, database, run.opts.signal), target: url, ...(run.opts.signal ? { signal: run.opts.signal } : {}) }));
  }
  return reports;
}

/** A `data-copy` action by engine and method. */
export async function dataCopyAction(ctx: ActionContext, key: string, action: DataCopy, reuse: boolean): Promise<void> {
  if (action.engine === 'env') {
    await secretToSsm(ctx.run, ctx.step, key, action);
    return;
  }
  if (action.engine === 'source-bundle') {
    await (action.method === 'overlay-s3' ? overlayS3Bundle : sourceBundle)(ctx, key, action, reuse);
    return;
  }
  if (action.engine === 'files') {
    await filesCopyAction(ctx, key, action, reuse);
    return;
  }
  if (action.engine === 'dns-zone' && action.method === 'zone-file') {
    await importZone(ctx, key, action, reuse);
    return;
  }
  if (replicates(action)) {
    await replicationAction(ctx, key, action, reuse);
    return;
  }
  if (canCopy(action) && 'endpoint' in action.source) {
    await copyBack(ctx, key, action, reuse);
    return;
  }
  if (canCopy(action)) {
    await storeCopy(ctx, key, action, reuse);
    return;
  }
  throw unsupported(ctx.step, `copy ${action.engine} (${action.method})`);
}
