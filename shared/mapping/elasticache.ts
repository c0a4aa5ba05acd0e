/**
 * ElastiCache for each cache server: Redis → Valkey (or Redis OSS) at a version that reads the
 * source's data, Memcached → Memcached, node type from used memory with headroom, a replica
 * with failover when highly available, and how the data moves. ElastiCache's online migration
 * only accepts sources on EC2, so from a DigitalOcean or Linode box the choices are: a cold
 * start (pure cache), a key copy (DUMP/RESTORE keeping TTLs), or seeding from an RDB file in S3.
 */

import type { CacheCluster } from '../schema/design.js';
import type { Inventory, RedisServer } from '../schema/inventory.js';
import type { MappingContext } from './context.js';
import type { General } from './general.js';
import { resourceName, uniqueId } from './names.js';
import { type CacheSource, cacheSources, fact, formatBytes, gib, parseVersion } from './sources.js';
import { CACHE_HEADROOM, CACHE_NODE_ROWS, type CacheNodeRow } from './tables/cache-node-sizing.js';

function nodeRow(usedBytes: number | null, limitBytes: number | null): CacheNodeRow | null {
  const need = Math.max(gib(usedBytes) ?? 0, gib(limitBytes) ?? 0);
  if (usedBytes === null && limitBytes === null) return null;
  return CACHE_NODE_ROWS.find((r) => need * CACHE_HEADROOM <= r.memoryGiB) ?? (CACHE_NODE_ROWS[CACHE_NODE_ROWS.length - 1] as CacheNodeRow);
}

/** A pure cache loses nothing on a cold start: empty, every key expiring, or an allkeys-* eviction policy. */
function isPureCache(server: RedisServer): boolean {
  const keys = server.keyspace.reduce((n, k) => n + k.keys, 0);
  const expiring = server.keyspace.reduce((n, k) => n + k.expires, 0);
  return keys === 0 || expiring === keys || (server.maxmemoryPolicy ?? '').startsWith('allkeys-');
}

function redisEngine(ctx: MappingContext, id: string, server: RedisServer): { engine: 'valkey' | 'redis'; version: string; warnings: string[] } {
  const source = parseVersion(server.version);
  const engine = ctx.ask<string>({
    key: `cache.${id}.engine`,
    prompt: `Engine for the Redis on ${id}`,
    kind: 'choice',
    choices: [
      { value: 'valkey', label: 'Valkey', consequence: 'Open-source fork of Redis OSS 7.2, same protocol and clients; ElastiCache prices its nodes lower.' },
      { value: 'redis', label: 'Redis OSS', consequence: 'The same engine family as the box; nodes cost more than Valkey.' },
    ],
    default: 'valkey',
    defaultReason: 'Drop-in for Redis OSS ≤ 7.2 clients (ioredis, node-redis, the Socket.IO adapter) at a lower node price.',
  });
  const rows = ctx.tables.cacheVersions.filter((r) => r.engine === engine);
  const accepts = (r: (typeof rows)[number]) => {
    const up = parseVersion(r.acceptsRedisUpTo);
    return !source || !up || up[0] > source[0] || (up[0] === source[0] && up[1] >= source[1]);
  };
  const fitting = rows.find(accepts);
  const row = fitting ?? rows[0];
  const warnings: string[] = [];
  if (source && !fitting) warnings.push(`Redis ${server.version} writes a data format newer than ${engine} ${row?.version} reads: only a cold start or a command-level copy works.`);
  return { engine: engine === 'redis' ? 'redis' : 'valkey', version: row?.version ?? '8.0', warnings };
}

function mapOne(ctx: MappingContext, src: CacheSource, general: General, taken: Set<string>): CacheCluster {
  const id = uniqueId(src.kind === 'redis' ? 'redis' : 'memcached', taken);
  const label = src.inv.target.label;
  const port = src.server.port ?? (src.kind === 'redis' ? 6379 : 11211);
  const used = src.kind === 'redis' ? src.server.usedMemoryBytes : null;
  const limit = src.kind === 'redis' ? src.server.maxmemoryBytes || null : src.server.limitBytes;
  const row = nodeRow(used, limit);
  const facts = [fact(src.inv, `caches.${src.kind}[${port}].version`, src.server.version), fact(src.inv, `caches.${src.kind}[${port}].usedMemory`, formatBytes(used)), fact(src.inv, `caches.${src.kind}[${port}].limit`, formatBytes(limit))];
  if (src.server.unreadable) ctx.open({ key: `cache.${id}.nodeType`, text: `${src.kind} on ${label}:${port} could not be read (${src.server.unreadable}).`, assumption: 'Smallest node; cold start.' });

  const nodeType = ctx.ask({
    key: `cache.${id}.nodeType`,
    prompt: `ElastiCache node type for ${id}`,
    kind: 'choice',
    choices: CACHE_NODE_ROWS.map((r) => ({ value: r.nodeType, label: `${r.nodeType} (${r.memoryGiB} GiB)`, consequence: r.reason })),
    default: (row ?? CACHE_NODE_ROWS[0])?.nodeType ?? 'cache.t4g.micro',
    defaultReason: row ? `${row.reason} Needed: ${formatBytes(Math.max(used ?? 0, limit ?? 0))} × ${CACHE_HEADROOM} headroom.` : 'Memory use was not read: the smallest node.',
  });
  const chosenRow = CACHE_NODE_ROWS.find((r) => r.nodeType === nodeType);
  const engine = src.kind === 'redis' ? redisEngine(ctx, id, src.server) : { engine: 'memcached' as const, version: ctx.tables.cacheVersions.find((r) => r.engine === 'memcached')?.version ?? '1.6.22', warnings: [] };
  const replicas = src.kind === 'redis' && general.highAvailability ? 1 : 0;

  let dataMove: CacheCluster['dataMove'] = 'cold';
  if (src.kind === 'redis') {
    const pure = isPureCache(src.server);
    const keys = src.server.keyspace.reduce((n, k) => n + k.keys, 0);
    dataMove = ctx.ask({
      key: `cache.${id}.dataMove`,
      prompt: `How should ${id}'s ${keys} keys move?`,
      kind: 'choice',
      choices: [
        { value: 'cold', label: 'Cold start', consequence: 'Nothing copied: right for a pure cache or Socket.IO pub/sub; sessions or queues held here would be lost.' },
        { value: 'key-copy', label: 'Copy keys', consequence: 'DUMP/RESTORE of every key with its TTL during the write freeze, from inside the VPC (ElastiCache is not reachable from outside).' },
        { value: 'rdb-seed', label: 'Seed from an RDB file', consequence: 'The cluster is created from a snapshot uploaded to S3: point-in-time, so writes after the snapshot are lost unless it is taken during the freeze.' },
      ],
      default: pure ? 'cold' : 'key-copy',
      defaultReason: pure ? 'Every key expires or the eviction policy treats all keys as cache: nothing is lost by starting empty.' : 'Some keys never expire (sessions, queues, state): they are copied during the write freeze.',
    }) as CacheCluster['dataMove'];
  }

  ctx.decide({
    id: `cache.${id}`,
    area: 'elasticache',
    title: `ElastiCache for ${src.kind} on ${label}:${port}`,
    value: `${engine.engine} ${engine.version} on ${nodeType}${replicas > 0 ? ' + 1 replica (automatic failover, Multi-AZ)' : ''}, data: ${dataMove}`,
    reason: [
      src.kind === 'memcached' ? 'Memcached stays Memcached; a memcached cache has no persistence, so it starts cold.' : `Redis ${src.server.version ?? ''} → ${engine.engine} ${engine.version}.`,
      chosenRow?.reason ?? '',
      'In-transit encryption stays off so clients connect as before (turning it on means rediss:// and TLS options in the app); at-rest encryption is on.',
      'ElastiCache online migration only accepts sources on EC2, so it does not apply to this box.',
    ].filter((s) => s.length > 0).join(' '),
    facts,
    alternatives: [{ value: 'in-transit encryption', why: 'Encrypts app↔cache traffic inside the VPC; needs TLS in the client configuration.' }],
    warnings: engine.warnings,
    tableRow: chosenRow ? { table: 'cache-node-sizing', row: chosenRow.nodeType, reason: chosenRow.reason, source: chosenRow.source } : null,
    answerKey: `cache.${id}.nodeType`,
  });
  const identifier = resourceName(['skylift', general.name, id], 40);
  ctx.cover({ ref: `${src.kind}:${port}`, source: label, kind: 'cache', status: 'mapped', detail: `ElastiCache ${engine.engine} ${identifier}` });
  return { id, identifier, engine: engine.engine, sourceVersion: src.server.version, engineVersion: engine.version, nodeType, replicas, port: src.kind === 'redis' ? 6379 : 11211, source: { label, port }, dataMove };
}

export function mapCaches(ctx: MappingContext, inventories: Inventory[], general: General): CacheCluster[] {
  const taken = new Set<string>();
  return cacheSources(inventories).map((src) => mapOne(ctx, src, general, taken));
}
