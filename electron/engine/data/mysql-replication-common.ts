import type mysql from 'mysql2/promise';
import { DataError } from '../../../shared/data/data-error.js';
import { checkMysqlName } from '../../../shared/data/identifiers.js';
import type { TargetUrl } from '../../../shared/data/target-url.js';
import type { MysqlSource } from '../../../shared/schema/data.js';
import { compareCoordinates, type BinlogCoordinates } from './mysql-replication-coordinates.js';
import type { ReplicaState } from './mysql-replication-target.js';
import type { MysqlReplicationOptions, MysqlReplicationStatus } from './mysql-replication-types.js';
import type { MysqlSourceAccess } from './mysql-source.js';
import { connectMysql } from './mysql-target.js';
import { ProgressMeter } from './progress-meter.js';

/** What starting and finishing binlog replication share: the call's context, the target's connection, the state's meaning. */

/** The account the target replicates as, unless the caller names another. */
export const DEFAULT_USER = 'skylift_repl';

export interface Context {
  opts: MysqlReplicationOptions;
  source: MysqlSource;
  access: MysqlSourceAccess;
  database: string;
  meter: ProgressMeter;
  pollMs: number;
}

export function context(opts: MysqlReplicationOptions): Context {
  const { source } = opts;
  if (source.engine !== 'mysql') throw new DataError('BAD_NAME', `binlog replication moves MySQL/MariaDB, not ${source.engine}`, 'use the replication of that engine, or the dump path');
  return {
    opts,
    source,
    access: { source, password: opts.sourcePassword },
    database: checkMysqlName(opts.target.database ?? source.database),
    meter: new ProgressMeter('mysql', 'tables', opts.onEvent ?? (() => undefined)),
    pollMs: opts.pollMs ?? 500,
  };
}

export async function withTarget<T>(url: TargetUrl, body: (conn: mysql.Connection) => Promise<T>): Promise<T> {
  const conn = await connectMysql(url);
  try {
    return await body(conn);
  } finally {
    await conn.end().catch(() => undefined);
  }
}

export function statusOf(ctx: Context, state: ReplicaState, box: BinlogCoordinates | null): MysqlReplicationStatus {
  const executed = state.executed;
  const err = state.lastSqlError ?? state.lastIoError;
  return {
    engine: 'mysql',
    database: ctx.database,
    configured: state.configured,
    running: state.ioRunning && state.sqlRunning,
    ioRunning: state.ioRunning,
    sqlRunning: state.sqlRunning,
    source: state.sourceHost ? { host: state.sourceHost, port: state.sourcePort } : null,
    secondsBehind: state.secondsBehind,
    executed,
    boxPosition: box,
    lagBytes: executed && box && executed.file === box.file ? Math.max(0, box.position - executed.position) : null,
    caughtUp: Boolean(executed && box && compareCoordinates(executed, box) >= 0),
    lastError: err ? `${err.errno}: ${err.message}` : null,
  };
}

/** A target following another source than the one named: never taken over silently. */
export function checkSource(state: ReplicaState, address: { host: string; port: number } | undefined): void {
  if (!address || (state.sourceHost === address.host && state.sourcePort === address.port)) return;
  throw new DataError(
    'REPLICATION_PRECONDITION',
    `the target replicates from ${state.sourceHost}:${state.sourcePort}, not ${address.host}:${address.port}`,
    'if that is left over from an earlier attempt, CALL mysql.rds_reset_external_master on the target, then start again with --replace',
  );
}

export function broken(state: ReplicaState): DataError {
  const e = state.lastSqlError!;
  return new DataError(
    'REPLICATION_BROKEN',
    `the target stopped applying the box's changes: error ${e.errno}: ${e.message}`,
    'fix the cause on the target (a missing table or database, a conflicting row), then run again; or start over: CALL mysql.rds_reset_external_master on the target and start replication again with --replace',
  );
}

