/**
 * Rewrites applied to the statements of a mysqldump/mariadb-dump stream on their way to a managed
 * target. Row data (INSERT statements) is never rewritten: only DDL can carry these clauses.
 */

/** `DEFINER=`user`@`host``, quoted with backticks, quotes or not at all. */
const DEFINER = /DEFINER\s*=\s*(?:`(?:[^`]|``)*`|'(?:[^'\\]|\\.|'')*'|[^\s@*]+)\s*@\s*(?:`(?:[^`]|``)*`|'(?:[^'\\]|\\.|'')*'|[^\s*]+)/gi;

/**
 * Points every definer at the account running the restore: RDS grants no SUPER (nor
 * SET_USER_ID), so `DEFINER=other@host` fails there, while CURRENT_USER always works.
 * Returns the statement unchanged when it has no definer.
 */
export function rewriteDefiners(statement: string): string {
  return statement.replace(DEFINER, 'DEFINER=CURRENT_USER');
}

/** The definers a statement names (`user@host`, unquoted), for the copy's report. */
export function definersIn(statement: string): string[] {
  return [...statement.matchAll(DEFINER)].map((m) =>
    m[0]
      .replace(/^DEFINER\s*=\s*/i, '')
      .replace(/[`']/g, '')
      .replace(/\s*@\s*/, '@'),
  );
}

/** SQL modes MySQL 8.0 removed: a `SET sql_mode` naming one fails there. */
export const REMOVED_SQL_MODES = ['NO_AUTO_CREATE_USER', 'DB2', 'MAXDB', 'MSSQL', 'MYSQL323', 'MYSQL40', 'ORACLE', 'POSTGRESQL', 'NO_FIELD_OPTIONS', 'NO_KEY_OPTIONS', 'NO_TABLE_OPTIONS'] as const;

const SET_SQL_MODE = /^(\s*(?:\/\*!\d*\s*)?SET\s+(?:@@SESSION\.|SESSION\s+|@@)?sql_mode\s*=\s*)'([^']*)'/i;

/** Drops the removed modes from a dump's `SET sql_mode = '…'` (before routines, triggers, events). */
export function stripRemovedSqlModes(statement: string): string {
  const m = SET_SQL_MODE.exec(statement);
  if (!m) return statement;
  const kept = m[2]!
    .split(',')
    .filter((mode) => mode && !(REMOVED_SQL_MODES as readonly string[]).includes(mode.trim().toUpperCase()))
    .join(',');
  return `${m[1]}'${kept}'${statement.slice(m[0].length)}`;
}

const NON_TRANSACTIONAL = new Set(['MYISAM', 'ARIA', 'MEMORY', 'CSV', 'ARCHIVE', 'MRG_MYISAM', 'BLACKHOLE']);

/** Engines a --single-transaction dump cannot snapshot consistently. */
export const isNonTransactionalEngine = (engine: string | null): boolean => engine !== null && NON_TRANSACTIONAL.has(engine.toUpperCase());
