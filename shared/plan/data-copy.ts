/**
 * The data-copy actions for databases, files and caches, in both directions: to AWS (initial
 * copy and final sync) and back to the box (rollback after the point of no return).
 */

import { COPY_MIB_PER_SECOND } from '../mapping/rds.js';
import type { Bucket, CacheCluster, FileSystem, RdsInstance, TargetDesign } from '../schema/design.js';
import type { Action } from '../schema/plan.js';
import type { Json, PlanBuilder } from './builder.js';
import { tunnelPort } from './steps-network.js';

/** Minutes for moving `bytes` at the assumed best/worst throughput, at least 1–2. */
export function copyMinutes(bytes: number | null, mibPerSecond = COPY_MIB_PER_SECOND): [number, number] {
  if (bytes === null) return [5, 120];
  const minutes = (rate: number) => bytes / (rate * 1024 * 1024) / 60;
  return [Math.max(1, Math.ceil(minutes(mibPerSecond.best))), Math.max(2, Math.ceil(minutes(mibPerSecond.worst)))];
}

function dumpNotes(d: TargetDesign, db: RdsInstance): string[] {
  if (db.engine === 'postgres') {
    return [
      'Roles the dump names are created first (without login); objects end up owned by the RDS master user (pg_dump --no-owner), which is not a superuser.',
      'Extensions are created by the master user, then a plain pg_dump of each database streams over SSH into RDS in one transaction: a failed or dropped copy rolls back and leaves RDS clean.',
      ...db.excludedExtensions.map((x) => `${x} does not exist on RDS: drop its objects on the box (or in a rehearsal) before the copy, as resolved.`),
    ];
  }
  const tool = db.engine === 'mariadb' && /^1[1-9]\./.test(db.sourceVersion ?? '') ? 'mariadb-dump' : 'mysqldump';
  return [
    `${tool} --single-transaction --routines --triggers --events --databases ${db.source.databases.join(' ')} streams over SSH into RDS; a failed copy drops what it created.`,
    'Definers become the RDS master user; app users and their grants are not copied: recreate them on RDS from SHOW GRANTS on the box before the switch.',
    ...(db.convertMyisam ? ['MyISAM tables have no consistent snapshot: they are copied under a short read lock at the final sync (writes are frozen then); convert them to InnoDB on RDS afterwards (ALTER TABLE … ENGINE=InnoDB).'] : []),
    ...(db.engine === 'mysql' && /^5\./.test(db.sourceVersion ?? '') ? ['NO_AUTO_CREATE_USER is removed from the dump\'s sql_mode statements (gone since MySQL 8.0).'] : []),
    `The ${d.migration.region} instance is reachable from the box only through the temporary security-group rule for its address.`,
  ];
}

function replicationNotes(db: RdsInstance): string[] {
  return db.engine === 'postgres'
    ? [
        'Schema first (pg_dump --schema-only), then CREATE PUBLICATION skylift FOR ALL TABLES on the box and CREATE SUBSCRIPTION on RDS; the initial table copy runs while the box keeps serving.',
        'Logical replication copies rows, not DDL or sequences: no schema changes until the cutover; sequences are set at the final sync.',
      ]
    : [
        `Initial dump with the binary-log position, then CALL mysql.${db.engineVersion.startsWith('8.4') ? 'rds_set_external_source' : 'rds_set_external_master'}(...) and mysql.rds_start_replication on RDS.`,
        'The box must accept the replication connection from the RDS instance\'s address (its firewall and bind-address), with a replication user.',
      ];
}

/** The master user every planned RDS instance is created with; its password is the RDS-managed secret. */
export const RDS_MASTER_USER = 'skylift_admin';
/** Where Debian's and RHEL's PostgreSQL packages put the server socket (the inventory does not record it). */
const PG_SOCKET_DIR = '/var/run/postgresql';

/** How RDS reaches the box's server to replicate: the relay end of the box's reverse tunnel, or the box's own address through its firewall. */
function replicationAddress(b: PlanBuilder, d: TargetDesign, db: RdsInstance): { replicationAddress?: Json } {
  const path = d.resources.network.copyPath.replication;
  if (path === 'reverse-tunnel') {
    const relay = b.optional('relay.privateIp');
    return relay === undefined ? {} : { replicationAddress: { host: relay, port: tunnelPort(db.source.port) } };
  }
  const box = b.optional(`box:${db.source.label}.ip`);
  return path === 'box-allow-list' && box !== undefined ? { replicationAddress: { host: box, port: db.source.port } } : {};
}

export function dbCopy(b: PlanBuilder, d: TargetDesign, db: RdsInstance, phase: 'initial' | 'final'): Action {
  const replication = db.copyMethod === 'replication';
  const method = !replication ? 'dump-restore' : phase === 'initial' ? (db.engine === 'postgres' ? 'logical-replication' : 'binlog-replication') : 'replication-catch-up';
  const notes = !replication
    ? [...(phase === 'final' ? ['The databases restored by the initial copy are dropped and restored again from the frozen box.'] : []), ...dumpNotes(d, db)]
    : phase === 'initial'
      ? replicationNotes(db)
      : ['Wait until replication lag is zero, stop replication, and (PostgreSQL) set every sequence to the box\'s current value.'];
  return {
    kind: 'data-copy',
    engine: db.engine,
    method,
    source: { host: db.source.label, port: db.source.port, databases: db.source.databases, ...(db.engine === 'postgres' ? { socketDir: PG_SOCKET_DIR } : {}), ...(replication ? replicationAddress(b, d, db) : {}) },
    target: { endpoint: b.use(`rds:${db.id}.endpoint`), port: b.use(`rds:${db.id}.port`), masterUser: RDS_MASTER_USER, credentials: b.use(`rds:${db.id}.secret`), databases: db.source.databases, excludeExtensions: db.excludedExtensions, convertMyisam: db.convertMyisam },
    notes,
  };
}

export function dbCopyBack(b: PlanBuilder, db: RdsInstance): Action {
  return {
    kind: 'data-copy',
    engine: db.engine,
    method: 'dump-restore',
    source: { endpoint: b.use(`rds:${db.id}.endpoint`), port: b.use(`rds:${db.id}.port`), masterUser: RDS_MASTER_USER, credentials: b.use(`rds:${db.id}.secret`), databases: db.source.databases },
    target: { host: db.source.label, port: db.source.port, databases: db.source.databases },
    notes: ['Writes made on AWS since the switch go back to the box: its databases are replaced by a dump of RDS (the box\'s pre-switch state is first saved to a file on the box).'],
  };
}

function dirTarget(b: PlanBuilder, store: Bucket | FileSystem, path: string): { [key: string]: Json } {
  const prefix = path.split('/').filter((p) => p.length > 0).pop() ?? 'files';
  return 'purpose' in store ? { bucket: store.name, prefix: `${prefix}/` } : { fileSystemId: b.use(`efs:${store.id}.id`), path: `/${prefix}`, via: 'an app instance, through Session Manager (EFS is reachable only inside the VPC)' };
}

export function filesCopy(b: PlanBuilder, store: Bucket | FileSystem, phase: 'initial' | 'final'): Action[] {
  return store.sources.map((s) => ({
    kind: 'data-copy',
    engine: 'files',
    method: phase === 'initial' ? 'sync' : 'sync-delta',
    source: { host: s.label, path: s.path },
    target: dirTarget(b, store, s.path),
    notes: [phase === 'initial' ? 'Streamed from the box with tar over SSH; file modes and times kept.' : 'Only files changed since the initial copy; files deleted on the box are deleted on AWS.'],
  }));
}

export function filesCopyBack(b: PlanBuilder, store: Bucket | FileSystem): Action[] {
  return store.sources.map((s) => ({
    kind: 'data-copy',
    engine: 'files',
    method: 'sync-delta',
    source: dirTarget(b, store, s.path),
    target: { host: s.label, path: s.path },
    notes: ['Files written on AWS since the switch go back to the box directory.'],
  }));
}

export function cacheCopy(b: PlanBuilder, c: CacheCluster): Action {
  return {
    kind: 'data-copy',
    engine: 'redis',
    method: 'key-copy',
    source: { host: c.source.label, port: c.source.port },
    target: { endpoint: b.use(`cache:${c.id}.endpoint`), port: b.use(`cache:${c.id}.port`), via: 'an app instance, through Session Manager (ElastiCache is reachable only inside the VPC)' },
    notes: ['SCAN + DUMP/RESTORE with each key\'s remaining TTL (PTTL); existing keys are replaced.'],
  };
}
