import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyRedis, verifyRedis } from '../../../electron/engine/data/index.js';
import { parseTargetUrl } from '../../../shared/data/target-url.js';
import { CopyResult, DataEvent, type RedisSource } from '../../../shared/schema/data.js';
import { startRedis, type RunningService } from '../../support/services.js';
import { startBox, type TestBox } from './box.js';
import { copyCutShort, failure } from './faults.js';

const TARGET_PASSWORD = `r-${randomBytes(8).toString('hex')}`;

let box: TestBox;
let source: RunningService;
let target: RunningService;
let src: Redis;
let dst: Redis;

const from: () => RedisSource = () => ({ engine: 'redis', port: source.port });
const targetUrl = (password = TARGET_PASSWORD) => parseTargetUrl(`redis://:${encodeURIComponent(password)}@127.0.0.1:${target.port}`);


/** Every key of a db with its type, value and whether it expires, as the test reads them itself. */
async function snapshot(client: Redis, db: number): Promise<Record<string, string>> {
  await client.select(db);
  const out: Record<string, string> = {};
  for (const key of await client.keysBuffer('*')) {
    const type = await client.type(key);
    const value =
      type === 'string' ? (await client.getBuffer(key))?.toString('hex')
      : type === 'hash' ? JSON.stringify(Object.entries(await client.hgetall(key)).sort())
      : type === 'list' ? JSON.stringify(await client.lrange(key, 0, -1))
      : type === 'set' ? JSON.stringify((await client.smembers(key)).sort())
      : type === 'zset' ? JSON.stringify(await client.call('ZRANGE', key, 0, -1, 'WITHSCORES'))
      : JSON.stringify(await client.xrange(key, '-', '+'));
    out[key.toString('hex')] = `${type}|${(await client.pttl(key)) > 0 ? 'ttl' : 'none'}|${value}`;
  }
  return out;
}

async function seed(client: Redis): Promise<void> {
  for (const db of [0, 3]) {
    await client.select(db);
    const pipe = client.pipeline();
    for (let i = 0; i < 2000; i++) {
      pipe.set(`s:${db}:${i}`, `value ${i} 😀 ${'x'.repeat(i % 100)}`);
      if (i % 10 === 0) pipe.pexpire(`s:${db}:${i}`, 3_600_000);
      if (i % 50 === 0) {
        pipe.hset(`h:${i}`, { a: String(i), b: 'two', emoji: '🚀' });
        pipe.rpush(`l:${i}`, 'a', 'b', String(i));
        pipe.sadd(`set:${i}`, 'x', 'y', String(i));
        pipe.zadd(`z:${i}`, 1.5, 'one', i, 'two');
        pipe.xadd(`stream:${i}`, '*', 'field', String(i));
      }
    }
    pipe.set(Buffer.from([0, 1, 2, 0xff, 0x0a]), Buffer.from([0xde, 0xad, 0xbe, 0xef]));
    await pipe.exec();
  }
  await client.select(0);
}

beforeAll(async () => {
  [box, source, target] = await Promise.all([startBox(), startRedis(), startRedis()]);
  src = new Redis({ port: source.port, host: '127.0.0.1' });
  // An AUTH-protected target, as ElastiCache with an AUTH token.
  dst = new Redis({ port: target.port, host: '127.0.0.1' });
  await dst.config('SET', 'requirepass', TARGET_PASSWORD);
  await dst.auth(TARGET_PASSWORD);
  await seed(src);
});

afterAll(async () => {
  src?.disconnect();
  dst?.disconnect();
  await box?.stop();
  await Promise.all([source?.stop(), target?.stop()]);
});

describe('Redis copy', () => {
  it('copies every key of every db with its TTL, through the SSH session, and verifies', async () => {
    const events: DataEvent[] = [];
    const result = await copyRedis({ session: await box.open(), source: from(), target: targetUrl(), onEvent: (e) => events.push(e) });
    expect(result.items).toBe(2 * (2000 + 5 * 40 + 1));
    expect(result.verify?.ok).toBe(true);
    expect(result.verify?.redis.map((d) => [d.db, d.sourceKeys, d.targetKeys])).toEqual([[0, 2201, 2201], [3, 2201, 2201]]);
    for (const db of [0, 3]) expect(await snapshot(dst, db)).toEqual(await snapshot(src, db));
    await dst.select(0);
    const ttl = await dst.pttl('s:0:10');
    expect(ttl).toBeGreaterThan(3_000_000);
    expect(ttl).toBeLessThanOrEqual(3_600_000);
    expect(await dst.pttl('s:0:11')).toBe(-1);
    expect(events.filter((e) => e.type === 'progress' && e.phase === 'copy').at(-1)).toMatchObject({ unit: 'keys', done: 4402, total: 4402 });
    expect(JSON.stringify(events)).not.toContain(TARGET_PASSWORD);
    for (const e of events) DataEvent.parse(e);
    CopyResult.parse(result);
  });

  it('refuses a target that holds keys, then flushes and copies when asked', async () => {
    const session = await box.open();
    const err = await failure(copyRedis({ session, source: from(), target: targetUrl() }));
    expect(err.code).toBe('TARGET_NOT_EMPTY');
    expect(err.message).toContain('db0: 2201');
    await dst.select(0);
    await dst.set('stale', '1');
    const result = await copyRedis({ session, source: from(), target: targetUrl(), replace: true });
    expect(result.replaced).toBe(true);
    expect(result.verify?.ok).toBe(true);
    expect(await dst.exists('stale')).toBe(0);
  });

  it('flushes what it wrote when the SSH connection is killed mid-copy', async () => {
    const big = await startRedis();
    const bulk = new Redis({ port: big.port, host: '127.0.0.1' });
    try {
      for (let chunk = 0; chunk < 6; chunk++) {
        const pipe = bulk.pipeline();
        for (let i = 0; i < 10_000; i++) pipe.set(`bulk:${chunk}:${i}`, randomBytes(256).toString('hex'));
        await pipe.exec();
      }
      await dst.select(0);
      await dst.flushall();
      const err = await copyCutShort(
        box,
        (session, onEvent) => copyRedis({ session, source: { engine: 'redis', port: big.port }, target: targetUrl(), onEvent }),
        (e) => e.type === 'progress' && e.phase === 'copy' && e.done >= 5000,
      );
      expect(err.code).toBe('SSH_LOST');
      expect(err.targetClean).toBe(true);
      expect(await dst.dbsize()).toBe(0);
    } finally {
      bulk.disconnect();
      await big.stop();
    }
  });

  it('verify names the db and the keys that differ', async () => {
    await copyRedis({ session: await box.open(), source: from(), target: targetUrl(), replace: true, verify: false });
    await dst.select(3);
    await dst.set('s:3:7', 'changed');
    await dst.del('s:3:8');
    const report = await verifyRedis({ session: await box.open(), source: from(), target: targetUrl(), sample: 3000 });
    expect(report.ok).toBe(false);
    expect(report.mismatches[0]).toBe('db3: 2201 keys on the box, 2200 on the target');
    expect(report.mismatches[1]).toMatch(/^db3: 2 of 2201 sampled keys differ \((s:3:7, s:3:8|s:3:8, s:3:7)\)$/);
    expect(report.redis.find((d) => d.db === 0)?.match).toBe(true);
  });

  it('says TARGET_AUTH for a wrong password and TARGET_TLS_UNAVAILABLE for rediss:// against a plain server', async () => {
    const session = await box.open();
    const wrong = `wrong-${randomBytes(6).toString('hex')}`;
    const auth = await failure(copyRedis({ session, source: from(), target: targetUrl(wrong) }));
    expect(auth.code).toBe('TARGET_AUTH');
    expect(`${auth.message} ${auth.hint}`).not.toContain(wrong);
    const tls = await failure(copyRedis({ session, source: from(), target: parseTargetUrl(`rediss://127.0.0.1:${target.port}?sslmode=require`) }));
    expect(tls.code).toBe('TARGET_TLS_UNAVAILABLE');
  });
});
