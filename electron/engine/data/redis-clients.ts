import { connect as tcpConnect } from 'node:net';
import { Redis } from 'ioredis';
import { DataError, scrub } from '../../../shared/data/data-error.js';
import type { TargetUrl } from '../../../shared/data/target-url.js';
import { redisVersion, type Version } from '../../../shared/data/versions.js';
import type { Endpoints, RedisSource } from '../../../shared/schema/data.js';
import type { SshSession } from '../ssh/index.js';
import { sourceLabel } from './copy-common.js';
import { authFailed, connectError, tlsUnavailable } from './target-errors.js';
import { tlsOptions } from './tls-options.js';
import { openTunnel, type Tunnel } from './tunnel.js';

export interface RedisServer {
  client: Redis;
  version: Version;
  product: 'redis' | 'valkey';
  /** db index → key count, from INFO keyspace. */
  keyspace: Map<number, number>;
  usedMemory: number | null;
  close(): Promise<void>;
}

const BASE = {
  lazyConnect: true,
  // A copy must fail, not wait: no reconnects, no offline queue, one try per command.
  retryStrategy: () => null,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  connectTimeout: 20_000,
  enableReadyCheck: false,
};

export function parseKeyspace(info: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const m of info.matchAll(/^db(\d+):keys=(\d+)/gm)) out.set(Number(m[1]), Number(m[2]));
  return out;
}

async function describe(client: Redis, close: () => Promise<void>, role: 'source' | 'target'): Promise<RedisServer> {
  const info = await client.info();
  const v = redisVersion(info) ?? { version: { key: [0], text: '?' }, product: 'redis' as const };
  const used = /^used_memory:(\d+)/m.exec(info)?.[1];
  if (/^cluster_enabled:1/m.test(info)) {
    await close();
    throw new DataError(
      role === 'target' ? 'TARGET_PERMISSION' : 'SOURCE_UNAVAILABLE',
      `the ${role} Redis runs in cluster mode, which this copy does not support yet`,
      role === 'target' ? 'create the ElastiCache replication group with cluster mode disabled (one shard)' : 'copy each node of the cluster separately',
    );
  }
  return { client, ...v, keyspace: parseKeyspace(info), usedMemory: used ? Number(used) : null, close };
}

const quit = (client: Redis) => async (): Promise<void> => {
  await client.quit().catch(() => client.disconnect());
};

/** The box's Redis, reached through the SSH session (it usually listens on the box's loopback only). */
export async function connectRedisSource(session: SshSession, source: RedisSource, password?: string): Promise<RedisServer & { tunnel: Tunnel }> {
  const tunnel = await openTunnel(session, source.host ?? '127.0.0.1', source.port ?? 6379);
  const client = new Redis({ ...BASE, host: '127.0.0.1', port: tunnel.port, password });
  let reason: unknown = null;
  client.on('error', (err: unknown) => (reason ??= err));
  const close = async (): Promise<void> => {
    await quit(client)();
    await tunnel.close();
  };
  try {
    await client.connect();
    return { ...(await describe(client, close, 'source')), tunnel };
  } catch (err) {
    await close();
    if (err instanceof DataError) throw err;
    const message = scrub(String(((reason ?? err) as Error).message), [password]);
    if (/NOAUTH|WRONGPASS|invalid password|invalid username/i.test(message)) {
      throw new DataError('SOURCE_UNAVAILABLE', `the Redis on ${session.label} wants a password (${message})`, 'set SKYLIFT_SOURCE_PASSWORD to its requirepass (from /etc/redis/redis.conf on the box)', { cause: err });
    }
    throw new DataError('SOURCE_UNAVAILABLE', `cannot reach Redis on ${session.label} at ${source.host ?? '127.0.0.1'}:${source.port ?? 6379}: ${message}`, 'check --source-port and that redis-server runs on the box', { cause: err });
  }
}

/** Maps a target-side Redis failure; null when it is not one (a bug surfaces as itself). */
export function redisTargetError(err: unknown, url: TargetUrl): DataError | null {
  if (err instanceof DataError) return err;
  const net = connectError(err, url);
  if (net) return net;
  const message = scrub(String((err as Error)?.message ?? err), [url.password]);
  if (/NOAUTH|WRONGPASS|invalid password|invalid username/i.test(message)) return authFailed(url, err);
  if (/Connection is closed|Stream isn't writeable|ECONNRESET/i.test(message)) {
    return new DataError(
      'TARGET_UNREACHABLE',
      `the target at ${url.host}:${url.port} closed the connection`,
      url.tls.mode === 'disable' ? 'if the cluster has in-transit encryption, use a rediss:// URL; else check its security group and state' : 'check the endpoint, its security group and state',
      { cause: err },
    );
  }
  if (/^ERR|^BUSYKEY|payload version|DUMP payload/i.test(message)) {
    return new DataError(
      'RESTORE_FAILED',
      `the target refused a key: ${message}`,
      /payload version|DUMP payload/i.test(message) ? 'the target is older than the source (its RDB format is newer): choose the same or a newer engine version' : 'fix the cause, then run again',
      { cause: err },
    );
  }
  return null;
}

/**
 * Whether host:port answers a plain-text PING like Redis does (`+PONG`, `-NOAUTH…`). A plain
 * server never answers a TLS hello (it waits for a line end), so a rediss:// URL against it
 * would only time out: one round trip first tells the two apart.
 */
function speaksPlainRedis(host: string, port: number, timeoutMs = 3000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port });
    const done = (answer: boolean): void => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d: Buffer) => done(d[0] === 0x2b || d[0] === 0x2d));
  });
}

export async function connectRedisTarget(url: TargetUrl): Promise<RedisServer> {
  const tls = tlsOptions(url);
  if (tls && (await speaksPlainRedis(url.host, url.port))) throw tlsUnavailable(url);
  const client = new Redis({ ...BASE, host: url.host, port: url.port, username: url.user ?? undefined, password: url.password ?? undefined, ...(tls ? { tls: { ...tls, servername: tls.servername ?? undefined } } : {}) });
  // ioredis reports why (WRONGPASS, a TLS error) as an 'error' event; connect() then only says "Connection is closed."
  let reason: unknown = null;
  client.on('error', (err: unknown) => (reason ??= err));
  try {
    await client.connect();
    return await describe(client, quit(client), 'target');
  } catch (err) {
    client.disconnect();
    const cause = reason ?? err;
    throw redisTargetError(cause, url) ?? new DataError('TARGET_UNREACHABLE', `cannot connect to the target ${url.masked}: ${scrub(String((cause as Error).message), [url.password])}`, 'check the URL, the cluster state and its security group', { cause });
  }
}

export function redisEndpoints(src: RedisServer, dst: RedisServer, box: string, source: RedisSource, url: TargetUrl): Endpoints {
  return {
    source: sourceLabel(src.product === 'valkey' ? 'Valkey' : 'Redis', src.version.text, box, source.port ?? 6379),
    target: url.masked,
    sourceVersion: src.version.text,
    targetVersion: dst.version.text,
    dumpClient: null,
  };
}
