/**
 * RDS for each database server on the boxes: engine and version, instance class from the sizing
 * table, gp3 storage with headroom, Multi-AZ, how the data is copied, and the checks that can
 * block (unsupported extensions) or warn (MyISAM, version jumps). RDS is created outside the
 * Elastic Beanstalk environment: a database inside one is deleted with it.
 */

import type { Inventory } from '../schema/inventory.js';
import type { DbEngine, RdsInstance } from '../schema/design.js';
import type { MappingContext } from './context.js';
import type { General } from './general.js';
import { resourceName, uniqueId } from './names.js';
import { chooseRdsVersion, upgradeNotes } from './rds-version.js';
import { checkExtensions } from './rds-extension-check.js';
import { chooseDbClass } from './rds-sizing.js';
import { type DbSource, dbSources, fact, formatBytes } from './sources.js';

const SYSTEM_DBS = new Set(['postgres', 'template0', 'template1', 'rdsadmin', 'mysql', 'information_schema', 'performance_schema', 'sys']);
/** Dump and restore throughput assumed for the estimate: 80 MiB/s at best, 20 MiB/s at worst. */
export const COPY_MIB_PER_SECOND = { best: 80, worst: 20 };

interface Databases {
  names: string[];
  sizeBytes: number | null;
}

function userDatabases(ctx: MappingContext, src: DbSource, port: number, engine: DbEngine): Databases {
  const list = src.kind === 'postgres' ? src.server.databases.map((d) => ({ name: d.name, size: d.sizeBytes })) : src.server.schemas.map((s) => ({ name: s.name, size: s.sizeBytes }));
  const names: string[] = [];
  let size: number | null = 0;
  for (const d of list) {
    const ref = `${engine}:${port}/${d.name}`;
    if (SYSTEM_DBS.has(d.name)) {
      ctx.cover({ ref, source: src.inv.target.label, kind: 'database', status: 'not-mapped', detail: 'System database: RDS creates and manages its own.' });
      continue;
    }
    names.push(d.name);
    size = size === null || d.size === null ? null : size + d.size;
  }
  return { names, sizeBytes: list.length === 0 ? null : size };
}

function copyMethod(ctx: MappingContext, src: DbSource, id: string, sizeBytes: number | null, crossesTwoMajors: boolean): 'dump' | 'replication' {
  const ready =
    src.kind === 'postgres'
      ? src.server.walLevel === 'logical'
      : src.server.binlog?.enabled === true && src.server.binlog.format?.toUpperCase() === 'ROW' && (src.server.serverId ?? 0) > 0;
  const worstMinutes = sizeBytes === null ? null : sizeBytes / (COPY_MIB_PER_SECOND.worst * 1024 * 1024) / 60;
  const prereq = src.kind === 'postgres' ? 'wal_level = logical (a restart of PostgreSQL)' : 'binary logging in ROW format with a server_id (a restart of MySQL/MariaDB)';
  const choices = [
    { value: 'dump', label: 'Dump and restore', consequence: `Writes stop for the whole copy${worstMinutes !== null ? ` (up to ~${Math.ceil(worstMinutes)} min)` : ''}; nothing to change on the source.` },
    ...(crossesTwoMajors ? [] : [{ value: 'replication', label: 'Replicate, then switch', consequence: `Writes stop only for the final catch-up; needs ${prereq}${ready ? ' — already in place' : ''}.` }]),
  ];
  const method = ctx.ask({
    key: `db.${id}.copyMethod`,
    prompt: `How should ${id}'s data be copied?`,
    kind: 'choice',
    choices,
    default: ready && !crossesTwoMajors && worstMinutes !== null && worstMinutes > 15 ? 'replication' : 'dump',
    defaultReason: ready
      ? 'Replication prerequisites are in place; it is worth it when a dump would keep writes stopped for more than 15 minutes.'
      : `A dump needs nothing on the source; replication would need ${prereq}.`,
  });
  return method === 'replication' ? 'replication' : 'dump';
}

function mapOne(ctx: MappingContext, src: DbSource, general: General, appsUseMysqljs: boolean, taken: Set<string>): RdsInstance | null {
  const engine: DbEngine = src.kind === 'postgres' ? 'postgres' : src.server.flavor;
  const port = src.server.port ?? (engine === 'postgres' ? 5432 : 3306);
  const id = uniqueId(engine, taken);
  const label = src.inv.target.label;
  const serverRef = `${engine}:${port}`;
  if (src.server.unreadable) {
    ctx.open({ key: null, text: `The contents of ${engine} on ${label}:${port} were not read (${src.server.unreadable}).`, assumption: 'Every non-system database is copied; size and extensions are unknown.' });
  }
  const dbs = userDatabases(ctx, src, port, engine);
  const facts = [fact(src.inv, `databases.${src.kind}[${port}].version`, src.server.version), fact(src.inv, `databases.${src.kind}[${port}].size`, formatBytes(dbs.sizeBytes))];

  const version = chooseRdsVersion(engine, ctx.tables.rdsVersions[engine], src.server.version, ctx.tables.asOf);
  const versionKey = `db.${id}.engineVersion`;
  const engineVersion = ctx.ask({
    key: versionKey,
    prompt: `RDS ${engine} version for ${label}:${port}`,
    kind: 'choice',
    choices: version.candidates.map((r) => ({ value: r.version, label: `${engine} ${r.version}`, consequence: r.reason })),
    default: version.row.version,
    defaultReason: version.upgrade ? `The source major is not supported for another year on RDS: nearest newer major. ${version.row.reason}` : `Same major as the source. ${version.row.reason}`,
  });
  const crossesTwoMajors = engine === 'mysql' && /^5\./.test(src.server.version ?? '') && engineVersion === '8.4';
  const sqlMode = src.kind === 'mysql' ? src.server.sqlMode : null;
  const upgraded = src.server.version !== null && !src.server.version.startsWith(engineVersion);
  const chosenRow = ctx.tables.rdsVersions[engine].find((r) => r.version === engineVersion) ?? version.row;
  ctx.decide({
    id: `rds.${id}.engine`,
    area: 'rds',
    title: `RDS engine for ${engine} on ${label}:${port}`,
    value: `${engine} ${engineVersion}`,
    reason: `${engine === 'mariadb' ? 'MariaDB stays MariaDB (RDS for MariaDB).' : `${engine} on RDS.`} ${chosenRow.reason} Created outside the Elastic Beanstalk environment, so terminating the environment never deletes the data.`,
    facts,
    alternatives: version.candidates.filter((r) => r.version !== engineVersion).map((r) => ({ value: `${engine} ${r.version}`, why: r.reason })),
    warnings: upgraded && src.server.version ? upgradeNotes(engine, src.server.version, engineVersion, sqlMode, appsUseMysqljs && engine === 'mysql') : [],
    tableRow: { table: 'engine-versions', row: `${engine} ${chosenRow.version}`, reason: chosenRow.reason, source: chosenRow.source },
    answerKey: versionKey,
  });

  const excluded = src.kind === 'postgres' ? checkExtensions(ctx, src.inv, src.server, id, dbs) : [];
  const sizing = chooseDbClass(ctx, src, engine, id, dbs.sizeBytes, general.highAvailability);
  const method = copyMethod(ctx, src, id, dbs.sizeBytes, crossesTwoMajors);
  const convertMyisam = src.kind === 'mysql' ? checkMyisam(ctx, src, id) : false;

  ctx.cover({ ref: serverRef, source: label, kind: 'database-server', status: 'mapped', detail: `RDS ${engine} ${engineVersion} ${resourceName(['skylift', general.name, id], 63)}` });
  for (const name of dbs.names) ctx.cover({ ref: `${serverRef}/${name}`, source: label, kind: 'database', status: 'mapped', detail: `Copied to RDS ${id} (${method})` });
  if (dbs.names.length === 0 && !src.server.unreadable) return null;
  return {
    id,
    identifier: resourceName(['skylift', general.name, id], 63),
    engine,
    sourceVersion: src.server.version,
    engineVersion,
    instanceClass: sizing.instanceClass,
    allocatedStorageGiB: sizing.allocatedGiB,
    maxAllocatedStorageGiB: sizing.maxAllocatedGiB,
    multiAz: sizing.multiAz,
    port: engine === 'postgres' ? 5432 : 3306,
    source: { label, port, databases: dbs.names, sizeBytes: dbs.sizeBytes },
    copyMethod: method,
    excludedExtensions: excluded,
    convertMyisam,
  };
}

function checkMyisam(ctx: MappingContext, src: Extract<DbSource, { kind: 'mysql' }>, id: string): boolean {
  const tables = src.server.schemas.filter((s) => !SYSTEM_DBS.has(s.name)).reduce((n, s) => n + (s.engines.MyISAM ?? 0), 0);
  if (tables === 0) return false;
  const answer = ctx.ask({
    key: `db.${id}.myisam`,
    prompt: `Convert ${tables} MyISAM table(s) on ${id} to InnoDB during the copy?`,
    kind: 'choice',
    choices: [
      { value: 'convert', label: 'Convert to InnoDB', consequence: 'Crash-safe tables that RDS snapshots and point-in-time restore handle correctly; row locking instead of table locking.' },
      { value: 'keep', label: 'Keep MyISAM', consequence: 'Works on RDS, but backups and point-in-time restore of these tables are not reliable.' },
    ],
    default: 'convert',
    defaultReason: 'RDS backups and point-in-time recovery assume a transactional engine.',
  });
  ctx.decide({
    id: `rds.${id}.myisam`,
    area: 'rds',
    title: `MyISAM tables on ${id}`,
    value: answer,
    reason: `${tables} table(s) use MyISAM. RDS recommends InnoDB: MyISAM is not crash-safe, so snapshots and point-in-time restore may not be consistent.`,
    facts: src.server.schemas.filter((s) => !SYSTEM_DBS.has(s.name) && (s.engines.MyISAM ?? 0) > 0).map((s) => fact(src.inv, `databases.mysql.schemas[${s.name}].engines.MyISAM`, s.engines.MyISAM)),
    warnings: answer === 'convert' ? ['FULLTEXT and spatial indexes exist in InnoDB too, but test queries that relied on MyISAM\'s COUNT(*) speed or table-level locking.'] : [],
    answerKey: `db.${id}.myisam`,
  });
  return answer === 'convert';
}

export function mapDatabases(ctx: MappingContext, inventories: Inventory[], general: General): RdsInstance[] {
  const appsUseMysqljs = inventories.some((inv) => inv.apps.some((a) => a.packageJson?.dependencies.mysql !== undefined));
  const taken = new Set<string>();
  return dbSources(inventories).flatMap((src) => mapOne(ctx, src, general, appsUseMysqljs, taken) ?? []);
}

