/**
 * RDS instance class (first fitting row of the class table), gp3 storage with headroom, and
 * Multi-AZ.
 */

import type { DbEngine } from '../schema/design.js';
import type { MappingContext } from './context.js';
import { type DbSource, fact, gib } from './sources.js';
import { DB_CLASS_FALLBACK, DB_CLASS_ROWS, type DbClassRow, defaultMaxConnections } from './tables/db-class-sizing.js';

export interface DbSizing {
  instanceClass: string;
  allocatedGiB: number;
  maxAllocatedGiB: number;
  multiAz: boolean;
}

/** Twice the data (indexes rebuilt by a restore, growth), at least RDS's 20 GiB minimum. */
export function storageFor(dataGiB: number | null): { allocated: number; max: number } {
  const allocated = Math.max(20, Math.ceil((dataGiB ?? 10) * 2));
  return { allocated, max: Math.min(65536, Math.max(100, allocated * 4)) };
}

export function chooseDbClass(ctx: MappingContext, src: DbSource, engine: DbEngine, id: string, sizeBytes: number | null, highAvailability: boolean): DbSizing {
  const host = src.inv.host;
  const sharedBox = src.inv.apps.length > 0;
  const dataGiB = gib(sizeBytes);
  const boxGiB = gib(host.memoryBytes);
  const load = host.loadAverage?.[2] ?? null;
  const connections = src.server.maxConnections;
  // The working set is at most the data; a box shared with the app gave the database about half its memory.
  const memNeed = boxGiB === null ? null : Math.min(boxGiB * (sharedBox ? 0.5 : 1), Math.max(1, dataGiB ?? boxGiB));
  const known = dataGiB !== null && memNeed !== null && load !== null;
  const fits = (r: DbClassRow) =>
    (dataGiB ?? 0) <= r.maxDataGiB &&
    (connections ?? 0) <= defaultMaxConnections(r, engine) &&
    (memNeed ?? 0) <= r.memoryGiB * 1.05 &&
    (load ?? 0) * (sharedBox ? 0.5 : 1) <= r.maxLoad;
  const row = known ? (DB_CLASS_ROWS.find(fits) ?? (DB_CLASS_ROWS[DB_CLASS_ROWS.length - 1] as DbClassRow)) : null;
  const key = `db.${id}.instanceClass`;
  const instanceClass = ctx.ask({
    key,
    prompt: `RDS instance class for ${id}`,
    kind: 'choice',
    choices: DB_CLASS_ROWS.map((r) => ({ value: r.instanceClass, label: `${r.instanceClass} (${r.vcpus} vCPU, ${r.memoryGiB} GiB)`, consequence: r.reason })),
    default: row?.instanceClass ?? DB_CLASS_FALLBACK,
    defaultReason: row ? row.reason : 'Data size, memory or load was not read: a small class, to resize after a day of CloudWatch metrics.',
  });
  if (!known) ctx.open({ key, text: `Size, memory or load for ${id} was not read: which class does it need?`, assumption: `${instanceClass}.` });
  const used = DB_CLASS_ROWS.find((r) => r.instanceClass === instanceClass);
  const storage = storageFor(dataGiB);
  ctx.decide({
    id: `rds.${id}.class`,
    area: 'rds',
    title: `Instance class and storage for ${id}`,
    value: `${instanceClass}, gp3 ${storage.allocated} GiB (autoscaling to ${storage.max} GiB)`,
    reason: [
      known ? `${dataGiB?.toFixed(1)} GiB of data, ${connections ?? 'default'} max_connections on the source, ~${memNeed?.toFixed(1)} GiB of memory for the working set${sharedBox ? ' (half the box: the app shared it)' : ''}, 15-minute load ${load}.` : 'Sizing facts missing: fallback class.',
      used ? `${used.reason} RDS's default max_connections for it is about ${defaultMaxConnections(used, engine)}.` : '',
      'Storage: twice the data for restore overhead and growth (20 GiB minimum), gp3 for baseline IOPS independent of size; storage autoscaling raises it without downtime.',
    ].filter((s) => s.length > 0).join(' '),
    facts: [fact(src.inv, 'host.memoryBytes', host.memoryBytes), fact(src.inv, 'host.loadAverage[15m]', load), fact(src.inv, `databases.${src.kind}.maxConnections`, connections)],
    tableRow: used ? { table: 'db-class-sizing', row: used.instanceClass, reason: used.reason, source: used.source } : null,
    answerKey: key,
  });
  const multiAz = ctx.ask({
    key: `db.${id}.multiAz`,
    prompt: `Multi-AZ standby for ${id}?`,
    kind: 'boolean',
    default: highAvailability,
    defaultReason: highAvailability ? 'Multi-AZ chosen for the migration: a standby in another zone takes over in about a minute.' : 'The source had no standby; Multi-AZ doubles the instance and storage cost.',
  });
  return { instanceClass, allocatedGiB: storage.allocated, maxAllocatedGiB: storage.max, multiAz };
}
