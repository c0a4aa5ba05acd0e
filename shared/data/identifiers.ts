import { DataError } from './data-error.js';

/**
 * Names that reach SQL or a remote command: validated here, then always quoted (SQL) or passed
 * through shell-quote (commands). Validation only refuses what no server accepts or what would
 * hide in a terminal (control characters); everything else is quoted, never interpolated.
 */
export function checkName(name: string, what: string, maxLength: number): string {
  if (name.length === 0) throw new DataError('BAD_NAME', `the ${what} name is empty`, `give a ${what} name`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) throw new DataError('BAD_NAME', `the ${what} name ${JSON.stringify(name)} holds control characters`, 'check the name for stray characters');
  if (name.length > maxLength) throw new DataError('BAD_NAME', `the ${what} name "${name.slice(0, 20)}…" is longer than ${maxLength} characters`, 'check the name');
  return name;
}

export const checkPgName = (name: string, what = 'database'): string => checkName(name, what, 63);
export const checkMysqlName = (name: string, what = 'database'): string => {
  checkName(name, what, 64);
  if (/\s$/.test(name)) throw new DataError('BAD_NAME', `the ${what} name "${name}" ends with a space, which MySQL refuses`, 'check the name');
  // The dump tools take the database as a bare argument: a leading dash would read as an option.
  if (name.startsWith('-')) throw new DataError('BAD_NAME', `the ${what} name "${name}" starts with a dash, which the dump tools would read as an option`, 'rename the database on the box first');
  return name;
};

export const pgIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;
/** A string literal with standard_conforming_strings on (the default since PostgreSQL 9.1). */
export const pgLiteral = (s: string): string => `'${s.replace(/'/g, "''")}'`;
export const mysqlIdent = (name: string): string => `\`${name.replace(/`/g, '``')}\``;
/** A string literal that means the same whatever the session's sql_mode (NO_BACKSLASH_ESCAPES or not). */
export const mysqlLiteral = (s: string): string => (s === '' ? "''" : `X'${hexOf(s)}'`);

function hexOf(s: string): string {
  let out = '';
  for (const byte of utf8(s)) out += byte.toString(16).padStart(2, '0');
  return out;
}

function utf8(s: string): number[] {
  const bytes: number[] = [];
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) bytes.push(c);
    else if (c < 0x800) bytes.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) bytes.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else bytes.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return bytes;
}
