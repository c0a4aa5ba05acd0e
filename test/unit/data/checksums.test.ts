import { describe, expect, it } from 'vitest';
import { compareChecksums, mysqlChecksumSql, parseChecksumRow, pgChecksumSql, type SourceTable } from '../../../shared/data/checksums.js';
import { checkMysqlName, checkPgName, mysqlIdent, mysqlLiteral, pgIdent, pgLiteral } from '../../../shared/data/identifiers.js';

const tables: SourceTable[] = [
  { schema: 'public', name: 'a"b', bytes: 0 },
  { schema: 'shop', name: 'orders', bytes: 0 },
  { schema: 'shop', name: 'gone', bytes: 0 },
];

describe('checksum SQL', () => {
  it('hashes every row of a PostgreSQL table, quoted, ONLY that table (not its inheritors)', () => {
    const sql = pgChecksumSql(tables[0]!, 0);
    expect(sql).toContain('from only "public"."a""b" as skylift_row');
    expect(sql).toMatch(/^select 0, count\(\*\)::text, /);
  });
  it('length-prefixes each MySQL column as bytes, so NULL, empty and separators cannot collide', () => {
    const sql = mysqlChecksumSql({ schema: null, name: 't`x', bytes: 0, columns: ['id', 'na`me'] }, 4);
    expect(sql).toContain("IFNULL(CONCAT(LENGTH(`na``me`), ':', CAST(`na``me` AS BINARY)), 'N')");
    expect(sql).toContain('FROM `t``x`');
    expect(sql).toMatch(/^SELECT 4, CAST\(COUNT\(\*\) AS CHAR\)/);
  });
});

describe('compareChecksums', () => {
  it('names each table that differs: counts, contents, or missing on the target', () => {
    const row = (index: number, rows: number, checksum: string) => parseChecksumRow([String(index), String(rows), ...checksum.split(':')])!;
    const { checks, mismatches } = compareChecksums(tables, [row(0, 2, '1:2'), row(1, 10, '3:4'), row(2, 1, '5:6')], [row(0, 2, '1:2'), row(1, 10, '3:9')]);
    expect(checks.map((c) => c.match)).toEqual([true, false, false]);
    expect(mismatches).toEqual(['shop.orders: same row count (10) but different contents', 'shop.gone: missing on the target']);
    expect(parseChecksumRow(['x', '1', '2', '3'])).toBeNull();
  });
});

describe('identifiers', () => {
  it('quotes for SQL and refuses names no server takes', () => {
    expect(pgIdent('we"ird')).toBe('"we""ird"');
    expect(pgLiteral("it's")).toBe("'it''s'");
    expect(mysqlIdent('a`b')).toBe('`a``b`');
    expect(mysqlLiteral('db😀')).toBe("X'6462f09f9880'");
    expect(() => checkPgName('')).toThrow(/empty/);
    expect(() => checkPgName('a\nb')).toThrow(/control characters/);
    expect(() => checkPgName('x'.repeat(64))).toThrow(/longer than 63/);
    expect(() => checkMysqlName('-x')).toThrow(/dash/);
    expect(checkMysqlName('shop data')).toBe('shop data');
  });
});
