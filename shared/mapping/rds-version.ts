/**
 * The RDS engine version for a source database: the same major when RDS supports it for at
 * least another year, else the nearest newer one, with the upgrade and its known pitfalls named.
 */

import type { DbEngine } from '../schema/design.js';
import { monthsBetween } from './tables/as-of.js';
import type { EngineVersionRow } from './tables/engine-versions.js';

/** PostgreSQL ≥ 10 has one-number majors; MySQL and MariaDB two (8.0, 10.11). */
export function majorKey(engine: DbEngine, version: string): number[] {
  const parts = (/\d+(\.\d+)?/.exec(version)?.[0] ?? '0').split('.').map(Number);
  const twoPart = engine !== 'postgres' || (parts[0] ?? 0) < 10;
  return twoPart ? [parts[0] ?? 0, parts[1] ?? 0] : [parts[0] ?? 0, 0];
}

function compare(a: number[], b: number[]): number {
  return (a[0] ?? 0) - (b[0] ?? 0) || (a[1] ?? 0) - (b[1] ?? 0);
}

/** Supported for at least 12 more months after the tables' date (or with no announced end). */
export function longSupported(row: EngineVersionRow, asOf: string): boolean {
  return row.standardSupportEnds === null || monthsBetween(asOf, row.standardSupportEnds) >= 12;
}

export interface VersionChoice {
  row: EngineVersionRow;
  upgrade: boolean;
  candidates: EngineVersionRow[];
}

export function chooseRdsVersion(engine: DbEngine, rows: EngineVersionRow[], sourceVersion: string | null, asOf: string): VersionChoice {
  const source = sourceVersion ? majorKey(engine, sourceVersion) : null;
  const atLeast = rows.filter((r) => !source || compare(majorKey(engine, r.version), source) >= 0);
  const healthy = atLeast.filter((r) => longSupported(r, asOf));
  const row = healthy[0] ?? atLeast[atLeast.length - 1] ?? (rows[rows.length - 1] as EngineVersionRow);
  const upgrade = source !== null && compare(majorKey(engine, row.version), source) !== 0;
  return { row, upgrade, candidates: atLeast.length > 0 ? atLeast : rows };
}

/** What a reviewer must check for a given upgrade. */
export function upgradeNotes(engine: DbEngine, fullFrom: string, to: string, sqlMode: string | null, appUsesMysqljs: boolean): string[] {
  const notes: string[] = [];
  const from = /\d+(\.\d+){0,2}/.exec(fullFrom)?.[0] ?? fullFrom;
  const src = majorKey(engine, from);
  const dst = majorKey(engine, to);
  if (engine === 'postgres') {
    notes.push(`PostgreSQL ${src[0]} → ${to}: pg_dump/pg_restore carries data across majors; test the app's queries on ${to} (removed functions, changed planner defaults).`);
  }
  if (engine === 'mysql') {
    notes.push(`MySQL ${from} → ${to}: check reserved words, the utf8mb4_0900_ai_ci default collation and removed features before the cutover.`);
    if (compare(src, [8, 0]) < 0 && compare(dst, [8, 4]) >= 0) notes.push('5.7 → 8.4 skips a major: replication cannot span it, so the copy is a dump and restore.');
    if (sqlMode?.includes('NO_AUTO_CREATE_USER')) notes.push('sql_mode NO_AUTO_CREATE_USER was removed in MySQL 8.0: drop it from the dump\'s session settings and the app\'s connection options.');
    if (appUsesMysqljs) notes.push('MySQL 8.4 authenticates with caching_sha2_password, which the `mysql` npm package does not support: switch to mysql2, or create the app user WITH mysql_native_password (enabled by the mysql_native_password parameter).');
  }
  if (engine === 'mariadb') notes.push(`MariaDB ${from} → ${to}: dump and restore; check removed system variables and the stricter default sql_mode.`);
  return notes;
}
