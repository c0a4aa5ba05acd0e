/**
 * Reading the inventories as one estate: the same app found on N boxes (behind a NodeBalancer
 * or a DigitalOcean load balancer) is one group served by N instances; databases and caches
 * keep their box of origin.
 */

import type { App, Inventory, MemcachedServer, MysqlServer, PostgresServer, RedisServer } from '../schema/inventory.js';
import { slug, uniqueId } from './names.js';
import { safeText } from './sanitize.js';

export interface AppMember {
  inv: Inventory;
  app: App;
}

export interface AppGroup {
  id: string;
  name: string;
  members: AppMember[];
}

/** A fact line for the runbook: where a value was read, on which box. */
export function fact(inv: Inventory, path: string, value: unknown): string {
  const shown = typeof value === 'string' ? safeText(value) : JSON.stringify(value);
  return `${inv.target.label}: ${path} = ${shown}`;
}

function appKey(app: App): string {
  const remote = app.git?.remote ? safeText(app.git.remote).replace(/\.git$/, '') : '';
  return `${app.packageJson?.name ?? app.name}|${remote}`;
}

export function groupApps(inventories: Inventory[]): AppGroup[] {
  const byKey = new Map<string, AppMember[]>();
  for (const inv of inventories) {
    for (const app of inv.apps) {
      const key = appKey(app);
      const members = byKey.get(key) ?? [];
      members.push({ inv, app });
      byKey.set(key, members);
    }
  }
  const taken = new Set<string>();
  return [...byKey.values()].map((members) => {
    const first = members[0] as AppMember;
    const name = first.app.packageJson?.name ?? first.app.name;
    return { id: uniqueId(slug(first.app.name) || 'app', taken), name, members };
  });
}

export type DbSource =
  | { inv: Inventory; kind: 'postgres'; server: PostgresServer }
  | { inv: Inventory; kind: 'mysql'; server: MysqlServer };

export function dbSources(inventories: Inventory[]): DbSource[] {
  return inventories.flatMap((inv) => [
    ...inv.databases.postgres.map((server) => ({ inv, kind: 'postgres' as const, server })),
    ...inv.databases.mysql.map((server) => ({ inv, kind: 'mysql' as const, server })),
  ]);
}

export type CacheSource =
  | { inv: Inventory; kind: 'redis'; server: RedisServer }
  | { inv: Inventory; kind: 'memcached'; server: MemcachedServer };

export function cacheSources(inventories: Inventory[]): CacheSource[] {
  return inventories.flatMap((inv) => [
    ...inv.caches.redis.map((server) => ({ inv, kind: 'redis' as const, server })),
    ...inv.caches.memcached.map((server) => ({ inv, kind: 'memcached' as const, server })),
  ]);
}

const GiB = 1024 ** 3;

export function gib(bytes: number | null): number | null {
  return bytes === null ? null : bytes / GiB;
}

/** "1.8 GiB" / "512 MiB" for the runbook. */
export function formatBytes(bytes: number | null): string {
  if (bytes === null) return 'unknown size';
  if (bytes >= GiB) return `${(bytes / GiB).toFixed(1)} GiB`;
  return `${Math.max(1, Math.round(bytes / 1024 ** 2))} MiB`;
}

/** Major.minor of a version string ("16.4 (Ubuntu…)" → [16, 4]). */
export function parseVersion(version: string | null): [number, number] | null {
  const m = version ? /(\d+)(?:\.(\d+))?/.exec(version) : null;
  return m ? [Number(m[1]), Number(m[2] ?? 0)] : null;
}
