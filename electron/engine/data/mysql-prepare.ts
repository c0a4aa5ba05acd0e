import type mysql from 'mysql2/promise';
import { DataError } from '../../../shared/data/data-error.js';
import { mysqlIdent, mysqlLiteral } from '../../../shared/data/identifiers.js';
import type { MysqlSourceFacts } from './mysql-source.js';
import { RDS_PARAMETER_HINT } from './mysql-target.js';

/** The target side before the data: does the database exist, is it empty, will stored programs load. */

type Rows = mysql.RowDataPacket[];

export async function mysqlDatabase(conn: mysql.Connection, database: string): Promise<{ charset: string; collation: string } | null> {
  const [rows] = await conn.query<Rows>(`select default_character_set_name as cs, default_collation_name as co from information_schema.schemata where schema_name = ${mysqlLiteral(database)}`);
  const row = rows[0];
  return row ? { charset: String(row.cs), collation: String(row.co) } : null;
}

/** Up to `limit` objects the target database already holds. */
export async function mysqlExistingObjects(conn: mysql.Connection, database: string, limit = 5): Promise<string[]> {
  const db = mysqlLiteral(database);
  const [rows] = await conn.query<Rows>(
    `(select concat(lower(table_type), ' ', table_name) as what from information_schema.tables where table_schema = ${db} limit ${limit})
     union all (select concat(lower(routine_type), ' ', routine_name) from information_schema.routines where routine_schema = ${db} limit ${limit})
     union all (select concat('event ', event_name) from information_schema.events where event_schema = ${db} limit ${limit})`,
  );
  return rows.slice(0, limit).map((r) => String(r.what));
}

/**
 * With binary logging on, a user without SUPER may create stored functions and triggers only when
 * log_bin_trust_function_creators is set: RDS's default parameter group leaves it off. Checked
 * before the copy so that it fails at once rather than after the tables.
 */
export async function checkStoredPrograms(conn: mysql.Connection, facts: MysqlSourceFacts): Promise<void> {
  const needs = facts.catalog.programs.filter((p) => p.kind === 'FUNCTION' || p.kind === 'TRIGGER');
  if (needs.length === 0) return;
  const [rows] = await conn.query<Rows>('select @@log_bin as bin, @@log_bin_trust_function_creators as trust');
  if (Number(rows[0]?.bin) !== 1 || Number(rows[0]?.trust) === 1) return;
  const [grants] = await conn.query<Rows>('show grants');
  const all = grants.map((g) => String(Object.values(g)[0])).join('\n');
  if (/GRANT (ALL PRIVILEGES|.*\bSUPER\b).* ON \*\.\*/i.test(all)) return;
  throw new DataError(
    'TARGET_PERMISSION',
    `the source has stored ${needs.map((p) => `${p.kind.toLowerCase()} ${p.name}`).slice(0, 3).join(', ')}${needs.length > 3 ? '…' : ''}, which the target refuses from a user without SUPER while binary logging is on`,
    RDS_PARAMETER_HINT,
  );
}

/** Charset and collation names are plain words: anything else (from a broken catalog) is left out. */
const word = (s: string): string | null => (/^\w+$/.test(s) ? s : null);

export async function createMysqlDatabase(conn: mysql.Connection, database: string, charset: string, collation: string): Promise<void> {
  const cs = word(charset);
  const co = word(collation);
  await conn.query(`create database ${mysqlIdent(database)}${cs ? ` character set ${cs}` : ''}${co ? ` collate ${co}` : ''}`);
}

export async function dropMysqlDatabase(conn: mysql.Connection, database: string): Promise<void> {
  await conn.query(`drop database if exists ${mysqlIdent(database)}`);
}
