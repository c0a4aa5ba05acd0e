import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { TargetUrl } from '../../../shared/data/target-url.js';
import type { DataEvent, RedisDbCheck, RedisSource, VerifyReport } from '../../../shared/schema/data.js';
import type { SshSession } from '../ssh/index.js';
import { ProgressMeter } from './progress-meter.js';
import { connectRedisSource, connectRedisTarget, redisEndpoints, redisTargetError } from './redis-clients.js';

export interface RedisVerifyOptions {
  session: SshSession;
  source: RedisSource;
  sourcePassword?: string;
  target: TargetUrl;
  /** Keys compared per db (default 100). */
  sample?: number;
  onEvent?: (e: DataEvent) => void;
  signal?: AbortSignal;
  meter?: ProgressMeter;
}

export const REDIS_VERIFY_METHOD = 'key count per db (DBSIZE), then sampled keys (RANDOMKEY) compared by type, value (elements sorted where unordered; size only above 10,000 elements) and TTL presence';

const BIG = 10_000;
const BATCH = 500;
const SIZE: Record<string, string> = { string: 'STRLEN', list: 'LLEN', set: 'SCARD', zset: 'ZCARD', hash: 'HLEN', stream: 'XLEN' };

/** The command that reads a value of each type whole (elements sorted below where order is not part of it). */
function readCommand(type: string, key: Buffer): [string, ...(string | number | Buffer)[]] {
  switch (type) {
    case 'string':
      return ['GET', key];
    case 'list':
      return ['LRANGE', key, 0, -1];
    case 'set':
      return ['SMEMBERS', key];
    case 'zset':
      return ['ZRANGE', key, 0, -1, 'WITHSCORES'];
    case 'hash':
      return ['HGETALL', key];
    case 'stream':
      return ['XRANGE', key, '-', '+'];
    default:
      return ['DUMP', key];
  }
}

const hex = (v: unknown): unknown => (Buffer.isBuffer(v) ? v.toString('hex') : Array.isArray(v) ? v.map(hex) : v);

function canonical(type: string, value: unknown): unknown {
  const v = hex(value);
  if (type === 'set' && Array.isArray(v)) return [...(v as string[])].sort();
  if (type === 'hash' && Array.isArray(v)) {
    const pairs: string[] = [];
    for (let i = 0; i + 1 < v.length; i += 2) pairs.push(`${String(v[i])}=${String(v[i + 1])}`);
    return pairs.sort();
  }
  return v;
}

async function pipelined(client: Redis, commands: [string, ...(string | number | Buffer)[]][]): Promise<unknown[]> {
  const pipe = client.pipeline();
  for (const [name, ...args] of commands) pipe.callBuffer(name, ...args);
  return ((await pipe.exec()) ?? []).map(([err, value]) => {
    if (err) throw err;
    return value;
  });
}

/**
 * Canonical digests of keys' logical values (type, value, whether they expire): the same
 * whatever the encoding or the server version. Three pipelined round trips per batch.
 */
async function digests(client: Redis, keys: Buffer[]): Promise<string[]> {
  const types = (await pipelined(client, keys.map((k) => ['TYPE', k]))).map((t) => String(t));
  const meta = await pipelined(
    client,
    keys.flatMap((k, i): [string, ...(string | number | Buffer)[]][] => [['PTTL', k], [SIZE[types[i]!] ?? 'EXISTS', k]]),
  );
  const whole = keys.map((_, i) => Number(meta[2 * i + 1]) <= BIG);
  const values = await pipelined(client, keys.flatMap((k, i) => (whole[i] && types[i] !== 'none' ? [readCommand(types[i]!, k)] : [])));
  let next = 0;
  return keys.map((_, i) => {
    const type = types[i]!;
    const value = type === 'none' ? null : whole[i] ? canonical(type, values[next++]) : `size ${String(meta[2 * i + 1])}`;
    const text = JSON.stringify([type, Number(meta[2 * i]) > 0 ? 'expires' : 'persistent', value]);
    return createHash('sha256').update(text).digest('hex');
  });
}

/** Every key when the db is no bigger than the sample, else `sample` random ones. */
async function sampleKeys(client: Redis, size: number, sample: number): Promise<Map<string, Buffer>> {
  const keys = new Map<string, Buffer>();
  if (size <= sample) {
    let cursor = '0';
    do {
      const [next, batch] = await client.scanBuffer(cursor, 'COUNT', 1000);
      for (const key of batch) keys.set(key.toString('hex'), key);
      cursor = next.toString();
    } while (cursor !== '0');
    return keys;
  }
  for (let tries = 0; tries < sample * 3 && keys.size < sample; tries++) {
    const key = (await client.callBuffer('RANDOMKEY')) as Buffer | null;
    if (key) keys.set(key.toString('hex'), key);
  }
  return keys;
}

const printable = (key: Buffer): string => key.toString('utf8').replace(/[^\x20-\x7e\u00a0-\uffff]/g, '?').slice(0, 80);

/**
 * Compares key counts per db, then a sample of keys by type, value and whether they expire.
 * Writes on the box after the copy (a live cache) show up as mismatches.
 */
export async function verifyRedis(opts: RedisVerifyOptions): Promise<VerifyReport> {
  const { session, source, target: url } = opts;
  const meter = opts.meter ?? new ProgressMeter('redis', 'keys', opts.onEvent ?? (() => undefined));
  const sample = opts.sample ?? 100;
  const src = await connectRedisSource(session, source, opts.sourcePassword);
  try {
    const dst = await connectRedisTarget(url);
    try {
      const dbs = [...new Set([...src.keyspace.keys(), ...dst.keyspace.keys()])].sort((a, b) => a - b);
      meter.setTotals(null, dbs.length * sample);
      meter.enter('verify');
      const checks: RedisDbCheck[] = [];
      const mismatches: string[] = [];
      let done = 0;
      for (const db of dbs) {
        await src.client.select(db);
        await dst.client.select(db).catch((err: unknown) => {
          throw redisTargetError(err, url) ?? err;
        });
        const [sourceKeys, targetKeys] = [await src.client.dbsize(), await dst.client.dbsize()];
        const keys = await sampleKeys(src.client, sourceKeys, sample);
        const differing: string[] = [];
        const all = [...keys.values()];
        for (let i = 0; i < all.length; i += BATCH) {
          const batch = all.slice(i, i + BATCH);
          const [a, b] = await Promise.all([digests(src.client, batch), digests(dst.client, batch)]);
          batch.forEach((key, j) => a[j] !== b[j] && differing.push(printable(key)));
          done += batch.length;
          meter.item(done, `db${db}`);
        }
        const match = sourceKeys === targetKeys && differing.length === 0;
        checks.push({ db, sourceKeys, targetKeys, sampled: keys.size, mismatchedKeys: differing.slice(0, 5), match });
        if (sourceKeys !== targetKeys) mismatches.push(`db${db}: ${sourceKeys} keys on the box, ${targetKeys} on the target`);
        if (differing.length) mismatches.push(`db${db}: ${differing.length} of ${keys.size} sampled keys differ (${differing.slice(0, 3).join(', ')})`);
      }
      meter.enter('done');
      return {
        engine: 'redis',
        database: null,
        endpoints: redisEndpoints(src, dst, session.label, source, url),
        method: REDIS_VERIFY_METHOD,
        tables: [],
        redis: checks,
        ok: mismatches.length === 0,
        mismatches,
      };
    } finally {
      await dst.close();
    }
  } finally {
    await src.close();
  }
}
