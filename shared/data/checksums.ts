import type { TableCheck } from '../schema/data.js';
import { mysqlIdent, pgIdent } from './identifiers.js';

/**
 * One checksum definition, run as the very same SQL text on both sides: every row is hashed
 * (md5) and the hashes are summed as two 64-bit halves, with the row count. A sum does not
 * depend on row order, so it needs neither a primary key nor a sort, and it runs in constant
 * memory on tables of any size. The session settings make the text of every value identical on
 * both sides (time zone, date style, float digits, bytea format).
 */

export const CHECKSUM_METHOD =
  'count(*) and the sum of md5(row text) as two 64-bit halves, computed by the same SQL on both sides (UTC, ISO dates, extra_float_digits 3, hex bytea; MySQL: each column length-prefixed)';

export const PG_SESSION_SQL = "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres'; SET extra_float_digits = 3; SET bytea_output = 'hex';";
export const MYSQL_SESSION_SQL = "SET time_zone = '+00:00'";

export interface SourceTable {
  /** PostgreSQL schema; null for MySQL. */
  schema: string | null;
  name: string;
  /** Bytes on disk (heap / data_length), for the progress estimate. */
  bytes: number;
  /** MySQL: the columns in order (the checksum names each). */
  columns?: string[];
}

export const tableLabel = (t: SourceTable): string => (t.schema === null ? t.name : `${t.schema}.${t.name}`);

/**
 * Ordinary tables of the current database that pg_dump copies: not system, not part of an
 * extension. Rows: `table`, schema and name hex-encoded (names may hold any character), heap bytes.
 */
export const PG_TABLES_SQL = `select 'table', encode(convert_to(n.nspname, 'UTF8'), 'hex'), encode(convert_to(c.relname, 'UTF8'), 'hex'), pg_relation_size(c.oid)
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where c.relkind = 'r' and n.nspname not in ('pg_catalog', 'information_schema')
  and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp%'
  and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
order by n.nspname, c.relname;`;

/** The alias of the row being hashed; a column of that name would only make the hash cover that column. */
const ROW = 'skylift_row';

/** `index<TAB>rows<TAB>sum1<TAB>sum2` for one table. */
export function pgChecksumSql(t: SourceTable, index: number): string {
  const half = (from: number) => `coalesce(sum(('x' || substr(h, ${from}, 16))::bit(64)::bigint::numeric), 0)::text`;
  return `select ${index}, count(*)::text, ${half(1)}, ${half(17)} from (select md5(${ROW}::text) as h from only ${pgIdent(t.schema ?? 'public')}.${pgIdent(t.name)} as ${ROW}) as x;`;
}

export function mysqlChecksumSql(t: SourceTable, index: number): string {
  // Bytes, not characters: no collation can clash, and every value is length-prefixed.
  const cols = (t.columns ?? []).map((c) => `IFNULL(CONCAT(LENGTH(${mysqlIdent(c)}), ':', CAST(${mysqlIdent(c)} AS BINARY)), 'N')`);
  const half = (from: number) => `CAST(COALESCE(SUM(CAST(CONV(SUBSTRING(h, ${from}, 16), 16, 10) AS UNSIGNED)), 0) AS CHAR)`;
  return `SELECT ${index}, CAST(COUNT(*) AS CHAR), ${half(1)}, ${half(17)} FROM (SELECT MD5(CONCAT_WS(',', ${cols.join(', ') || "''"})) AS h FROM ${mysqlIdent(t.name)}) AS x;`;
}

export interface ChecksumRow {
  index: number;
  rows: number;
  checksum: string;
}

/** Parses `index, rows, sum1, sum2` rows (tab-separated text or driver arrays). */
export function parseChecksumRow(cols: readonly (string | number | null | undefined)[]): ChecksumRow | null {
  const [index, rows, a, b] = cols.map((c) => (c === null || c === undefined ? '' : String(c)));
  if (!index || !rows || a === undefined || b === undefined || !/^\d+$/.test(index) || !/^\d+$/.test(rows)) return null;
  return { index: Number(index), rows: Number(rows), checksum: `${a}:${b}` };
}

/** Pairs each table's two sides; a table missing on the target is a mismatch. */
export function compareChecksums(tables: SourceTable[], source: ChecksumRow[], target: ChecksumRow[]): { checks: TableCheck[]; mismatches: string[] } {
  const src = new Map(source.map((r) => [r.index, r]));
  const dst = new Map(target.map((r) => [r.index, r]));
  const checks: TableCheck[] = [];
  const mismatches: string[] = [];
  tables.forEach((t, i) => {
    const s = src.get(i);
    const d = dst.get(i);
    const name = tableLabel(t);
    if (!s) {
      mismatches.push(`${name}: could not be read on the box`);
      return;
    }
    const match = d !== undefined && d.rows === s.rows && d.checksum === s.checksum;
    checks.push({ table: name, sourceRows: s.rows, targetRows: d?.rows ?? null, sourceChecksum: s.checksum, targetChecksum: d?.checksum ?? null, match });
    if (!d) mismatches.push(`${name}: missing on the target`);
    else if (d.rows !== s.rows) mismatches.push(`${name}: ${s.rows} rows on the box, ${d.rows} on the target`);
    else if (!match) mismatches.push(`${name}: same row count (${s.rows}) but different contents`);
  });
  return { checks, mismatches };
}
