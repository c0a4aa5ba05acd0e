import type { VersionFinding } from '../schema/data.js';
import type { MysqlFlavor, Version } from './versions.js';
import { compareVersions } from './versions.js';
import { mysqlIdent, mysqlLiteral } from './identifiers.js';
import { REMOVED_SQL_MODES } from './mysql-rewrite.js';

/**
 * What a dump carries that MySQL 8 refuses or treats differently, checked against the source's
 * catalog before the copy (MySQL 5.7 → 8.x, and MariaDB → MySQL 8.x whose defaults include a
 * removed SQL mode). Sources: MySQL 8.0 reference manual, "Changes in MySQL 8.0" (removed SQL
 * modes and functions) and "Keywords and Reserved Words" (words reserved since 8.0).
 */

/** Reserved since MySQL 8.0 (marked "(R); added in 8.0" in the manual's keyword list). */
export const RESERVED_SINCE_MYSQL8 = [
  'ARRAY', 'CUBE', 'CUME_DIST', 'DENSE_RANK', 'EMPTY', 'EXCEPT', 'FIRST_VALUE', 'FUNCTION', 'GROUPING', 'GROUPS',
  'INTERSECT', 'JSON_TABLE', 'LAG', 'LAST_VALUE', 'LATERAL', 'LEAD', 'MEMBER', 'NTH_VALUE', 'NTILE', 'OF', 'OVER',
  'PERCENT_RANK', 'RANK', 'RECURSIVE', 'ROW', 'ROWS', 'ROW_NUMBER', 'SYSTEM', 'WINDOW',
] as const;

/** Built-in functions removed in MySQL 8.0: routines calling them fail when they run. */
const REMOVED_FUNCTIONS = ['PASSWORD', 'ENCODE', 'DECODE', 'ENCRYPT', 'DES_ENCRYPT', 'DES_DECRYPT'];

export interface MysqlCatalogFacts {
  columns: { table: string; column: string; dataType: string; columnDefault: string | null }[];
  /** Stored programs with the sql_mode they were created under and their body. */
  programs: { kind: 'PROCEDURE' | 'FUNCTION' | 'TRIGGER' | 'EVENT'; name: string; sqlMode: string; body: string }[];
  /** Date columns holding zero dates or zero parts (from `zeroDateProbeSql`). */
  zeroDateColumns: { table: string; column: string }[];
}

const DATE_TYPES = new Set(['date', 'datetime', 'timestamp']);

/** Whether a copy from `source` to `target` crosses into MySQL 8's rules. */
export function upgradeChecksApply(source: { version: Version; flavor: MysqlFlavor }, target: { version: Version; flavor: MysqlFlavor }): boolean {
  const eight: Version = { key: [8, 0], text: '8.0' };
  if (target.flavor !== 'mysql' || compareVersions(target.version, eight) < 0) return false;
  return source.flavor === 'mariadb' || compareVersions(source.version, eight) < 0;
}

/** One query listing date columns with zero dates (or zero month/day), each probe stopping at its first hit. */
export function zeroDateProbeSql(columns: MysqlCatalogFacts['columns']): string | null {
  const probes = columns
    .filter((c) => DATE_TYPES.has(c.dataType.toLowerCase()))
    .map((c) => {
      const col = mysqlIdent(c.column);
      return `(SELECT ${mysqlLiteral(c.table)}, ${mysqlLiteral(c.column)} FROM ${mysqlIdent(c.table)} WHERE ${col} IS NOT NULL AND (MONTH(${col}) = 0 OR DAYOFMONTH(${col}) = 0) LIMIT 1)`;
    });
  return probes.length ? probes.join('\nUNION ALL\n') : null;
}

/** Identifier-like tokens of a program body, outside strings, comments and backquotes. */
function bareWords(body: string): Set<string> {
  const stripped = body
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/(--\s|#)[^\n]*/g, ' ')
    .replace(/'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.|"")*"|`(?:[^`]|``)*`/g, ' ');
  return new Set((stripped.match(/[A-Za-z_][A-Za-z0-9_$]*/g) ?? []).map((w) => w.toUpperCase()));
}

export function mysqlUpgradeFindings(facts: MysqlCatalogFacts): VersionFinding[] {
  const out: VersionFinding[] = [];
  const reserved = new Set<string>(RESERVED_SINCE_MYSQL8);
  const names = new Set<string>();
  const seenTables = new Set<string>();
  for (const c of facts.columns) {
    names.add(c.column.toUpperCase());
    names.add(c.table.toUpperCase());
    if (reserved.has(c.column.toUpperCase())) {
      out.push({ level: 'warn', rule: 'reserved-word', message: `column ${c.table}.${c.column} is a reserved word in MySQL 8: the dump quotes it, but the application's SQL must write \`${c.column}\`` });
    }
    if (!seenTables.has(c.table) && reserved.has(c.table.toUpperCase())) {
      seenTables.add(c.table);
      out.push({ level: 'warn', rule: 'reserved-word', message: `table ${c.table} is a reserved word in MySQL 8: the dump quotes it, but the application's SQL must write \`${c.table}\`` });
    }
    if (DATE_TYPES.has(c.dataType.toLowerCase()) && c.columnDefault !== null && /^'?0000-00-00/.test(c.columnDefault)) {
      out.push({ level: 'warn', rule: 'zero-date', message: `column ${c.table}.${c.column} defaults to a zero date: MySQL 8's default sql_mode (NO_ZERO_DATE, strict) rejects inserts relying on it; give it a real default or set sql_mode in the parameter group` });
    }
  }
  for (const z of facts.zeroDateColumns) {
    out.push({ level: 'warn', rule: 'zero-date', message: `column ${z.table}.${z.column} holds zero dates (or zero months/days): they load, but MySQL 8's default sql_mode rejects writing them again; clean them or set sql_mode in the parameter group` });
  }
  const removedModes = new Set<string>(REMOVED_SQL_MODES);
  for (const p of facts.programs) {
    const what = `${p.kind.toLowerCase()} ${p.name}`;
    const modes = p.sqlMode.split(',').filter((m) => removedModes.has(m.trim().toUpperCase()));
    if (modes.length) {
      out.push({ level: 'warn', rule: 'removed-sql-mode', message: `${what} was created with sql_mode ${modes.join(',')}, removed in MySQL 8: the mode is dropped from the dump on the way` });
    }
    const words = bareWords(p.body);
    const clashes = [...words].filter((w) => reserved.has(w) && names.has(w));
    if (clashes.length) {
      out.push({ level: 'error', rule: 'reserved-word', message: `${what} uses ${clashes.map((w) => w.toLowerCase()).join(', ')} unquoted, reserved in MySQL 8: it would fail to load; quote the name with backticks in its body on the box first` });
    }
    const removedCalls = REMOVED_FUNCTIONS.filter((f) => new RegExp(`\\b${f}\\s*\\(`, 'i').test(p.body) && words.has(f));
    if (removedCalls.length) {
      out.push({ level: 'warn', rule: 'removed-function', message: `${what} calls ${removedCalls.join(', ')}, removed in MySQL 8: it loads but fails when it runs` });
    }
  }
  return out;
}
