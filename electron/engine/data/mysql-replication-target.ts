import type mysql from 'mysql2/promise';
import { DataError, scrub } from '../../../shared/data/data-error.js';
import { mysqlIdent, mysqlLiteral } from '../../../shared/data/identifiers.js';
import type { TargetUrl } from '../../../shared/data/target-url.js';
import type { BinlogCoordinates } from './mysql-replication-coordinates.js';
import { mysqlStatementError } from './mysql-target.js';

/** The target's side of binlog replication, through RDS's stored procedures (its master user has no SUPER). */

type Rows = mysql.RowDataPacket[];

export interface ReplicaState {
  /** A source is configured on the target (it may be stopped). */
  configured: boolean;
  sourceHost: string | null;
  sourcePort: number | null;
  ioRunning: boolean;
  /** `Connecting` while the IO thread retries a source it cannot reach or log in to. */
  ioState: string;
  sqlRunning: boolean;
  secondsBehind: number | null;
  /** The last position the target executed, in the box's binary log. */
  executed: BinlogCoordinates | null;
  /** The last position the target received. */
  read: BinlogCoordinates | null;
  lastIoError: { errno: number; message: string } | null;
  lastSqlError: { errno: number; message: string } | null;
}

const ER_SP_DOES_NOT_EXIST = 1305;
const ER_SPECIFIC_ACCESS_DENIED = 1227;
const ER_PARSE = 1064;

/** One column under its old (Master/Slave) or new (Source/Replica) name: servers and RDS's procedure differ. */
function col(row: Record<string, unknown>, ...names: string[]): string {
  for (const n of names) {
    for (const form of [n, n.replace(/Master/g, 'Source').replace(/Slave/g, 'Replica')]) {
      const v = row[form];
      if (v !== undefined && v !== null) return String(v);
    }
  }
  return '';
}

const error = (errno: string, message: string): { errno: number; message: string } | null => (Number(errno) ? { errno: Number(errno), message } : null);

export function parseReplicaStatus(row: Record<string, unknown> | undefined): ReplicaState {
  if (!row || !col(row, 'Master_Host')) {
    return { configured: false, sourceHost: null, sourcePort: null, ioRunning: false, ioState: 'No', sqlRunning: false, secondsBehind: null, executed: null, read: null, lastIoError: null, lastSqlError: null };
  }
  const at = (file: string, pos: string): BinlogCoordinates | null => (file ? { file, position: Number(pos) } : null);
  const behind = col(row, 'Seconds_Behind_Master');
  return {
    configured: true,
    sourceHost: col(row, 'Master_Host'),
    sourcePort: Number(col(row, 'Master_Port')) || null,
    ioRunning: col(row, 'Slave_IO_Running') === 'Yes',
    ioState: col(row, 'Slave_IO_Running') || 'No',
    sqlRunning: col(row, 'Slave_SQL_Running') === 'Yes',
    secondsBehind: behind === '' ? null : Number(behind),
    executed: at(col(row, 'Relay_Master_Log_File'), col(row, 'Exec_Master_Log_Pos')),
    read: at(col(row, 'Master_Log_File'), col(row, 'Read_Master_Log_Pos')),
    lastIoError: error(col(row, 'Last_IO_Errno'), col(row, 'Last_IO_Error')),
    lastSqlError: error(col(row, 'Last_SQL_Errno'), col(row, 'Last_SQL_Error')),
  };
}

/**
 * SHOW REPLICA STATUS (MySQL 8.0.22+, MariaDB 10.5.1+), SHOW SLAVE STATUS before that, and RDS
 * for MariaDB 10.5+'s `mysql.rds_replica_status`, which it offers because its master user lacks
 * the privilege the statement needs.
 */
export async function replicaStatus(conn: mysql.Connection, url: TargetUrl): Promise<ReplicaState> {
  const attempts = ['show replica status', 'show slave status', 'call mysql.rds_replica_status'];
  let last: unknown;
  for (const sql of attempts) {
    try {
      const [result] = await conn.query<Rows | Rows[]>(sql);
      // A CALL answers with its result sets followed by an OK packet.
      const rows = (Array.isArray(result[0]) ? result[0] : result) as Rows;
      return parseReplicaStatus(rows[0]);
    } catch (err) {
      last = err;
      const errno = (err as { errno?: number }).errno;
      if (errno !== ER_PARSE && errno !== ER_SPECIFIC_ACCESS_DENIED && errno !== ER_SP_DOES_NOT_EXIST) break;
    }
  }
  throw rdsError(last, 'read the replication status', url, []);
}

type Arg = string | number;

/**
 * Calls the first of RDS's procedure names the target has (`rds_set_external_master` became
 * `rds_set_external_source` in RDS for MySQL 8.4). Arguments are literals; `secrets` are
 * scrubbed from any error, and the driver's copy of the statement is dropped.
 */
export async function callRds(conn: mysql.Connection, url: TargetUrl, names: string[], args: Arg[] = [], secrets: string[] = []): Promise<void> {
  const list = args.map((a) => (typeof a === 'number' ? String(Math.trunc(a)) : mysqlLiteral(a))).join(', ');
  let last: unknown;
  for (const name of names) {
    try {
      await conn.query(`call mysql.${mysqlIdent(name)}(${list})`);
      return;
    } catch (err) {
      last = err;
      if ((err as { errno?: number }).errno !== ER_SP_DOES_NOT_EXIST) break;
    }
  }
  throw rdsError(last, `call mysql.${names[0]}`, url, secrets);
}

function rdsError(err: unknown, what: string, url: TargetUrl, secrets: string[]): DataError {
  const e = err as { errno?: number; sql?: string; sqlMessage?: string; message?: string };
  // mysql2 keeps the statement (with the replication password in it) on the error.
  delete e.sql;
  if (e.errno === ER_SP_DOES_NOT_EXIST) {
    return new DataError('REPLICATION_PRECONDITION', `the target ${url.masked} has no RDS replication procedures (${what})`, 'binlog replication into the target needs Amazon RDS for MySQL or MariaDB (its mysql.rds_* procedures); use the dump path for other targets');
  }
  const mapped = mysqlStatementError(err, what, url);
  const message = scrub(mapped?.message ?? String(e.sqlMessage ?? e.message ?? err), [...secrets, url.password]);
  return new DataError(mapped?.code ?? 'RESTORE_FAILED', message, mapped?.hint ?? 'check the target, then run again');
}

/** `select <index>, count(*) from <table>` for the tables at `indexes` (default all), in one statement. */
export function rowCountSql(tables: readonly string[], indexes: readonly number[] = tables.map((_, i) => i)): string {
  return `${indexes.map((i) => `select ${i}, count(*) from ${mysqlIdent(tables[i]!)}`).join('\nunion all ')};`;
}

/** Rows per table on the target, by index in `tables`; a table (or the database) the target lacks has no entry. */
export async function targetRowCounts(conn: mysql.Connection, database: string, tables: readonly string[]): Promise<Map<number, number>> {
  const [present] = await conn.query<Rows>(`select table_name as t from information_schema.tables where table_schema = ${mysqlLiteral(database)}`);
  const names = new Set(present.map((r) => String(r.t)));
  const indexes = tables.flatMap((t, i) => (names.has(t) ? [i] : []));
  if (!indexes.length) return new Map();
  await conn.query(`use ${mysqlIdent(database)}`);
  const [rows] = await conn.query<mysql.RowDataPacket[][]>({ sql: rowCountSql(tables, indexes), rowsAsArray: true });
  return new Map((rows as unknown as unknown[][]).map(([i, n]) => [Number(i), Number(n)]));
}
