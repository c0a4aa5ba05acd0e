/**
 * Instance type and autoscaling bounds for an app's environment, from the box's CPU, memory and
 * load (the sizing table's first fitting row) and the number of boxes it ran on.
 */

import type { MappingContext } from './context.js';
import type { AppGroup } from './sources.js';
import { fact, gib } from './sources.js';
import { INSTANCE_FALLBACK, INSTANCE_ROWS, type InstanceRow } from './tables/instance-sizing.js';

export interface Sizing {
  instanceType: string;
  minSize: number;
  maxSize: number;
}

interface Demand {
  memoryGiB: number;
  load: number;
  /** Apps sharing the busiest box: its memory and load are split between them. */
  apps: number;
  facts: string[];
  sharedBox: boolean;
}

/**
 * What one instance must carry: the busiest box's load and memory — halved when a database or
 * cache shares the box (those move to RDS/ElastiCache), split between the apps on the box.
 * Assumptions the runbook shows with the row used.
 */
function demand(group: AppGroup): Demand | null {
  const per: Demand[] = [];
  for (const { inv } of group.members) {
    const mem = gib(inv.host.memoryBytes);
    const load = inv.host.loadAverage?.[2] ?? null;
    if (mem === null || load === null) return null;
    const sharedBox = inv.databases.postgres.length + inv.databases.mysql.length + inv.caches.redis.length > 0;
    const apps = Math.max(1, inv.apps.length);
    per.push({
      memoryGiB: (sharedBox ? mem / 2 : mem) / apps,
      load: (sharedBox ? load / 2 : load) / apps,
      apps,
      sharedBox,
      facts: [fact(inv, 'host.memoryBytes', inv.host.memoryBytes), fact(inv, 'host.loadAverage[15m]', load), fact(inv, 'host.cpus', inv.host.cpus)],
    });
  }
  if (per.length === 0) return null;
  return {
    memoryGiB: Math.max(...per.map((d) => d.memoryGiB)),
    load: Math.max(...per.map((d) => d.load)),
    sharedBox: per.some((d) => d.sharedBox),
    apps: Math.max(...per.map((d) => d.apps)),
    facts: per.flatMap((d) => d.facts),
  };
}

function rowFor(d: Demand): InstanceRow {
  return INSTANCE_ROWS.find((r) => d.memoryGiB <= r.maxMemoryGiB * 1.05 && d.load <= r.maxLoad) ?? (INSTANCE_ROWS[INSTANCE_ROWS.length - 1] as InstanceRow);
}

export function chooseSizing(
  ctx: MappingContext,
  group: AppGroup,
  highAvailability: boolean,
  socket: { socketio: boolean; redisAdapter: boolean },
): Sizing {
  const d = demand(group);
  const row = d ? rowFor(d) : null;
  const typeKey = `app.${group.id}.instanceType`;
  const instanceType = ctx.ask({
    key: typeKey,
    prompt: `EC2 instance type for ${group.name}`,
    kind: 'choice',
    choices: INSTANCE_ROWS.map((r) => ({ value: r.type, label: `${r.type} (${r.vcpus} vCPU, ${r.memoryGiB} GiB)`, consequence: r.reason })),
    default: row?.type ?? INSTANCE_FALLBACK,
    defaultReason: row ? row.reason : 'CPU, memory or load was not read: a small burstable instance, to be confirmed after a day of metrics.',
  });
  const used = INSTANCE_ROWS.find((r) => r.type === instanceType) ?? row;
  if (!d) ctx.open({ key: typeKey, text: `The box's CPU, memory or load was not read: what size does ${group.name} need?`, assumption: `${instanceType}.` });
  ctx.decide({
    id: `eb.${group.id}.instance-type`,
    area: 'eb',
    title: `Instance type for ${group.name}`,
    value: instanceType,
    reason: d
      ? `Per instance: ${d.memoryGiB.toFixed(1)} GiB of memory${d.sharedBox ? ' and half the load (the box\'s database/cache moves to managed services)' : ''}, a 15-minute load of ${d.load.toFixed(2)}${d.apps > 1 ? `, the box's share for one of its ${d.apps} apps` : ''}. ${used?.reason ?? ''}`
      : 'No CPU/memory/load facts: fallback size.',
    facts: d?.facts ?? [],
    alternatives: row && row.type.startsWith('t3.')
      ? [{ value: row.type.replace('t3.', 't4g.'), why: 'Graviton is ~20% cheaper, but native modules built on the box must be rebuilt for arm64.' }]
      : [],
    tableRow: used ? { table: 'instance-sizing', row: used.type, reason: used.reason, source: used.source } : null,
    answerKey: typeKey,
  });

  const nodes = group.members.length;
  const baseMin = highAvailability ? Math.max(2, nodes) : nodes;
  const pinned = socket.socketio && !socket.redisAdapter;
  const defaultMax = pinned ? baseMin : Math.max(baseMin * 2, 2);
  const minSize = ctx.ask({
    key: `app.${group.id}.minInstances`,
    prompt: `Minimum instances for ${group.name}`,
    kind: 'number',
    default: baseMin,
    defaultReason: nodes > 1 ? `The app ran on ${nodes} boxes.` : highAvailability ? 'Multi-AZ: at least one instance in each of two zones.' : 'The app ran on one box.',
  });
  const maxSize = Math.max(
    minSize,
    ctx.ask({
      key: `app.${group.id}.maxInstances`,
      prompt: `Maximum instances for ${group.name}`,
      kind: 'number',
      default: defaultMax,
      defaultReason: pinned
        ? 'Socket.IO without a Redis adapter: broadcasts only reach clients on the same instance, so the environment does not scale out.'
        : 'Room for a spike of twice the usual capacity; CPU above 70% adds an instance.',
    }),
  );
  const warnings: string[] = [];
  if (socket.socketio && !socket.redisAdapter && maxSize > 1) {
    warnings.push('Socket.IO runs without @socket.io/redis-adapter: with more than one instance, a broadcast only reaches the clients connected to the same instance. Add the adapter (an ElastiCache cluster serves it) before scaling out.');
  }
  ctx.decide({
    id: `eb.${group.id}.scaling`,
    area: 'eb',
    title: `Autoscaling for ${group.name}`,
    value: `${minSize}–${maxSize} instances${maxSize > minSize ? ', CPUUtilization average > 70% for 5 min adds one, < 30% removes one' : ''}`,
    reason: `Minimum from the source's ${nodes} box(es)${highAvailability ? ' and Multi-AZ' : ''}; the CPU trigger replaces Elastic Beanstalk's default NetworkOut trigger, which does not track a Node.js API's load.`,
    facts: group.members.map((m) => fact(m.inv, 'apps[].name', m.app.name)),
    warnings,
    answerKey: `app.${group.id}.maxInstances`,
  });
  return { instanceType, minSize, maxSize };
}
