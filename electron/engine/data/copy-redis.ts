import { DataError } from '../../../shared/data/data-error.js';
import type { TargetUrl } from '../../../shared/data/target-url.js';
import { redisRules } from '../../../shared/data/versions.js';
import type { CopyResult, DataEvent, RedisSource } from '../../../shared/schema/data.js';
import type { SshSession } from '../ssh/index.js';
import { cancelled, failWith, versionFailure } from './copy-common.js';
import { ProgressMeter } from './progress-meter.js';
import { connectRedisSource, connectRedisTarget, redisEndpoints, redisTargetError, type RedisServer } from './redis-clients.js';
import { verifyRedis } from './verify-redis.js';

export interface RedisCopyOptions {
  session: SshSession;
  source: RedisSource;
  sourcePassword?: string;
  target: TargetUrl;
  /** Flush target dbs that hold keys before copying. */
  replace?: boolean;
  verify?: boolean;
  onEvent?: (e: DataEvent) => void;
  signal?: AbortSignal;
}

const SCAN_COUNT = 1000;

interface Batch {
  cursor: string;
  keys: Buffer[];
  ttls: number[];
  payloads: (Buffer | null)[];
}

/** One SCAN step and, pipelined, each key's remaining TTL and DUMP payload. */
async function fetchBatch(src: RedisServer, cursor: string): Promise<Batch> {
  const [next, keys] = await src.client.scanBuffer(cursor, 'COUNT', SCAN_COUNT);
  const pipe = src.client.pipeline();
  for (const key of keys) pipe.pttl(key).dumpBuffer(key);
  const replies = (await pipe.exec()) ?? [];
  const ttls: number[] = [];
  const payloads: (Buffer | null)[] = [];
  keys.forEach((_, i) => {
    const [ttlErr, ttl] = replies[2 * i] ?? [null, -2];
    const [dumpErr, payload] = replies[2 * i + 1] ?? [null, null];
    if (ttlErr) throw ttlErr;
    if (dumpErr) throw dumpErr;
    ttls.push(Number(ttl));
    payloads.push((payload as Buffer | null) ?? null);
  });
  return { cursor: next.toString(), keys, ttls, payloads };
}

/** RESTOREs a batch (pipelined); keys that expired since the SCAN are skipped. Returns payload bytes. */
async function restoreBatch(dst: RedisServer, batch: Batch): Promise<{ keys: number; bytes: number }> {
  const pipe = dst.client.pipeline();
  let keys = 0;
  let bytes = 0;
  batch.keys.forEach((key, i) => {
    const payload = batch.payloads[i];
    const ttl = batch.ttls[i]!;
    if (!payload || ttl === -2) return;
    // SCAN may return a key twice (while the keyspace rehashes): REPLACE makes that harmless.
    pipe.restore(key, ttl > 0 ? ttl : 0, payload, 'REPLACE');
    keys++;
    bytes += payload.length;
  });
  if (keys === 0) return { keys, bytes };
  for (const [err] of (await pipe.exec()) ?? []) if (err) throw err;
  return { keys, bytes };
}

async function flushDbs(url: TargetUrl, dbs: number[]): Promise<boolean> {
  const dst = await connectRedisTarget(url).catch(() => null);
  if (!dst) return false;
  try {
    for (const db of dbs) {
      await dst.client.select(db);
      await dst.client.flushdb();
    }
    return true;
  } catch {
    return false;
  } finally {
    await dst.close();
  }
}

/**
 * Copies every key of every db with its remaining TTL: SCAN on the box's Redis (through the SSH
 * session), DUMP + PTTL pipelined, RESTORE pipelined on the target. MIGRATE is not used: it runs
 * on the source and needs the box to reach the target, which an ElastiCache cluster in a VPC is
 * not. A failure flushes what the copy wrote (the target's dbs were empty, or replaced).
 */
export async function copyRedis(opts: RedisCopyOptions): Promise<CopyResult> {
  const started = Date.now();
  const { session, source, target: url } = opts;
  const emit = opts.onEvent ?? (() => undefined);
  const meter = new ProgressMeter('redis', 'keys', emit);
  meter.enter('check');
  const src = await connectRedisSource(session, source, opts.sourcePassword);
  let dst: RedisServer;
  let result: CopyResult;
  try {
    dst = await connectRedisTarget(url);
  } catch (err) {
    await src.close();
    throw err;
  }
  const dbs = [...src.keyspace.entries()].filter(([, n]) => n > 0).map(([db]) => db).sort((a, b) => a - b);
  const touched = new Set<number>();
  let wrote = false;
  let keysDone = 0;
  try {
    const findings = redisRules({ source: src, target: dst });
    versionFailure(findings, meter);
    const filled = [...dst.keyspace.entries()].filter(([, n]) => n > 0);
    if (filled.length && !opts.replace) {
      throw new DataError('TARGET_NOT_EMPTY', `the target already holds keys (${filled.map(([db, n]) => `db${db}: ${n}`).join(', ')})`, 'copy into an empty cache, or pass --replace to flush those dbs first');
    }
    for (const db of dbs) {
      await dst.client.select(db).catch((err: unknown) => {
        throw new DataError('TARGET_PERMISSION', `the target has no db ${db} (${(err as Error).message})`, 'the source uses several dbs: ElastiCache (cluster mode disabled) offers 16; move the keys to db 0 on the box first, or choose a target with enough dbs');
      });
    }
    cancelled(opts.signal);

    meter.enter('prepare');
    wrote = true;
    for (const [db] of filled) {
      touched.add(db);
      await dst.client.select(db);
      await dst.client.flushdb();
    }
    meter.setTotals(src.usedMemory, dbs.reduce((n, db) => n + (src.keyspace.get(db) ?? 0), 0));
    meter.enter('copy');
    for (const db of dbs) {
      touched.add(db);
      await src.client.select(db);
      await dst.client.select(db);
      let next: Promise<Batch> | null = fetchBatch(src, '0');
      while (next) {
        const batch: Batch = await next;
        // Read the next batch from the box while this one is written to the target.
        next = batch.cursor === '0' ? null : fetchBatch(src, batch.cursor);
        next?.catch(() => undefined);
        const done = await restoreBatch(dst, batch).catch((err: unknown) => {
          throw redisTargetError(err, url) ?? err;
        });
        keysDone += done.keys;
        meter.addBytes(done.bytes);
        meter.item(keysDone, `db${db}`);
        cancelled(opts.signal);
      }
    }
    meter.enter('done');
    await src.close();
    await dst.close();

    result = {
      engine: 'redis',
      database: null,
      targetDatabase: null,
      endpoints: redisEndpoints(src, dst, session.label, source, url),
      bytes: meter.totalBytes,
      items: keysDone,
      durationMs: Date.now() - started,
      created: { database: false, roles: [], extensions: [] },
      replaced: Boolean(opts.replace && filled.length),
      findings,
      warnings: findings.filter((f) => f.level === 'warn').map((f) => f.message),
      verify: null,
    };
  } catch (err) {
    await src.close().catch(() => undefined);
    await dst.close().catch(() => undefined);
    const lost = !session.isOpen ? new DataError('SSH_LOST', `the SSH connection to ${session.label} dropped while keys were copied (${keysDone} done)`, 'check the network and the box, then run the copy again', { cause: err }) : null;
    if (!wrote) throw failWith(lost ?? err, opts.signal, true, (e) => redisTargetError(e, url));
    meter.enter('cleanup');
    const clean = await flushDbs(url, [...touched]);
    throw failWith(lost ?? err, opts.signal, clean, (e) => redisTargetError(e, url));
  }
  // The copy is complete: a failed verification reports a difference, it never undoes the copy.
  if (opts.verify !== false) result.verify = await verifyRedis({ session, source, sourcePassword: opts.sourcePassword, target: url, onEvent: emit, signal: opts.signal, meter });
  return result;
}
