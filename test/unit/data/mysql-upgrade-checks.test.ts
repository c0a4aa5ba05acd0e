import { describe, expect, it } from 'vitest';
import { mysqlUpgradeFindings, upgradeChecksApply, zeroDateProbeSql, type MysqlCatalogFacts } from '../../../shared/data/mysql-upgrade-checks.js';
import { mysqlVersion } from '../../../shared/data/versions.js';

const v = (t: string) => mysqlVersion(t)!;
const facts = (over: Partial<MysqlCatalogFacts>): MysqlCatalogFacts => ({ columns: [], programs: [], zeroDateColumns: [], ...over });

describe('upgradeChecksApply', () => {
  it('applies from MySQL 5.7 or MariaDB into MySQL 8, not within 8 or into MariaDB', () => {
    expect(upgradeChecksApply(v('5.7.44'), v('8.0.36'))).toBe(true);
    expect(upgradeChecksApply(v('10.11.6-MariaDB'), v('8.4.0'))).toBe(true);
    expect(upgradeChecksApply(v('8.0.36'), v('8.4.0'))).toBe(false);
    expect(upgradeChecksApply(v('5.7.44'), v('10.11.6-MariaDB'))).toBe(false);
  });
});

describe('mysqlUpgradeFindings', () => {
  it('warns about zero-date defaults and data, and reserved words used as names', () => {
    const found = mysqlUpgradeFindings(
      facts({
        columns: [
          { table: 'orders', column: 'shipped', dataType: 'date', columnDefault: "'0000-00-00'" },
          { table: 'orders', column: 'created', dataType: 'datetime', columnDefault: '0000-00-00 00:00:00' },
          { table: 'players', column: 'rank', dataType: 'int', columnDefault: null },
          { table: 'groups', column: 'id', dataType: 'int', columnDefault: null },
        ],
        zeroDateColumns: [{ table: 'orders', column: 'shipped' }],
      }),
    );
    expect(found.map((f) => [f.level, f.rule])).toEqual([
      ['warn', 'zero-date'],
      ['warn', 'zero-date'],
      ['warn', 'reserved-word'],
      ['warn', 'reserved-word'],
      ['warn', 'zero-date'],
    ]);
    expect(found[2]!.message).toContain('players.rank');
    expect(found[3]!.message).toContain('table groups');
  });

  it('flags removed SQL modes (fixed on the way), removed functions, and unquoted reserved names in bodies (fatal)', () => {
    const found = mysqlUpgradeFindings(
      facts({
        columns: [{ table: 'players', column: 'rank', dataType: 'int', columnDefault: null }],
        programs: [
          { kind: 'PROCEDURE', name: 'top', sqlMode: 'STRICT_TRANS_TABLES,NO_AUTO_CREATE_USER', body: 'BEGIN SELECT rank FROM players ORDER BY rank; END' },
          { kind: 'FUNCTION', name: 'quoted', sqlMode: '', body: "BEGIN RETURN (SELECT `rank` FROM players LIMIT 1); -- rank in a comment\n SELECT 'rank'; END" },
          { kind: 'TRIGGER', name: 'hash', sqlMode: '', body: 'SET NEW.pw = PASSWORD(NEW.pw)' },
        ],
      }),
    );
    const byProgram = found.filter((f) => f.rule !== 'reserved-word' || f.level === 'error');
    expect(byProgram.map((f) => [f.level, f.rule, f.message.split(' ').slice(0, 2).join(' ')])).toEqual([
      ['warn', 'removed-sql-mode', 'procedure top'],
      ['error', 'reserved-word', 'procedure top'],
      ['warn', 'removed-function', 'trigger hash'],
    ]);
  });
});

describe('zeroDateProbeSql', () => {
  it('probes each date column once, names as hex literals, nothing without date columns', () => {
    const sql = zeroDateProbeSql([
      { table: 'o`rders', column: 'd', dataType: 'DATE', columnDefault: null },
      { table: 'o', column: 'n', dataType: 'int', columnDefault: null },
    ]);
    expect(sql).toBe("(SELECT X'6f607264657273', X'64' FROM `o``rders` WHERE `d` IS NOT NULL AND (MONTH(`d`) = 0 OR DAYOFMONTH(`d`) = 0) LIMIT 1)");
    expect(zeroDateProbeSql([{ table: 't', column: 'n', dataType: 'int', columnDefault: null }])).toBeNull();
  });
});
