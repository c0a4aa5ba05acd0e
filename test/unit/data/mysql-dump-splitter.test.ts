import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MysqlDumpSplitter } from '../../../electron/engine/data/mysql-dump-splitter.js';

/** What mariadb-dump 10.11 writes (sandbox line, conditional comments, DELIMITER blocks), plus escapes. */
const DUMP = String.raw`/*M!999999\- enable the sandbox mode */ 
-- MariaDB dump 10.19  Distrib 10.11.19-MariaDB
# a hash comment; with a semicolon
/*!40101 SET NAMES utf8mb4 */;
DROP TABLE IF EXISTS ` + '`d;rop`' + String.raw`;
CREATE TABLE ` + '`customers`' + String.raw` (
  ` + '`id`' + String.raw` int NOT NULL,
  ` + '`bio`' + String.raw` text DEFAULT 'a;b'
);
INSERT INTO ` + '`customers`' + String.raw` VALUES (1,'it\'s; a \\ test\n',"dq \" ;"),(2,NULL,0x00FF27);
--not-a-comment-without-space
SELECT 1 --x
;
DELIMITER ;;
/*!50003 CREATE*/ /*!50017 DEFINER=` + '`root`@`localhost`' + String.raw`*/ /*!50003 trigger tr before insert on customers for each row begin set new.bio = concat(new.bio, ';'); end 
*/;;
CREATE DEFINER=` + '`root`@`localhost`' + String.raw` PROCEDURE ` + '`p`' + String.raw`(in x int)
begin select x; select 'a;b'; end
;;
DELIMITER ;
/*!50003 SET sql_mode = @saved_sql_mode */ ;
delimiter $$
SELECT 2$$
DELIMITER ;
`;

function split(chunks: Buffer[]): string[] {
  const s = new MysqlDumpSplitter();
  const out = chunks.flatMap((c) => s.push(c));
  s.end();
  return out;
}

describe('MysqlDumpSplitter', () => {
  const whole = split([Buffer.from(DUMP)]);

  it('cuts at the delimiter outside quotes and comments, obeying DELIMITER lines', () => {
    expect(whole).toHaveLength(9);
    expect(whole[0]).toMatch(/^\/\*M!999999\\- enable the sandbox mode \*\/ \n-- MariaDB dump[\s\S]*\/\*!40101 SET NAMES utf8mb4 \*\/$/);
    expect(whole[1]).toBe('DROP TABLE IF EXISTS `d;rop`');
    expect(whole[2]).toMatch(/^CREATE TABLE `customers` \([\s\S]*DEFAULT 'a;b'\n\)$/);
    expect(whole[3]).toBe(String.raw`INSERT INTO ` + '`customers`' + String.raw` VALUES (1,'it\'s; a \\ test\n',"dq \" ;"),(2,NULL,0x00FF27)`);
    expect(whole[4]).toBe('--not-a-comment-without-space\nSELECT 1 --x');
    expect(whole[5]).toMatch(/^\/\*!50003 CREATE\*\/ .*concat\(new\.bio, ';'\); end \n\*\/$/);
    expect(whole[6]).toMatch(/^CREATE DEFINER=`root`@`localhost` PROCEDURE `p`\(in x int\)\nbegin select x; select 'a;b'; end$/);
    expect(whole[7]).toBe('/*!50003 SET sql_mode = @saved_sql_mode */');
    expect(whole[8]).toBe('SELECT 2');
  });

  it('gives the same statements however the stream is chunked', () => {
    const buf = Buffer.from(DUMP);
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 40 }), (cuts) => {
        const points = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
        const chunks: Buffer[] = [];
        let at = 0;
        for (const p of [...points, buf.length]) {
          chunks.push(buf.subarray(at, p));
          at = p;
        }
        expect(split(chunks)).toEqual(whole);
      }),
      { numRuns: 300 },
    );
    expect(split([...buf].map((b) => Buffer.from([b])))).toEqual(whole);
  });

  it('says when the dump was cut inside a statement', () => {
    const s = new MysqlDumpSplitter();
    s.push(Buffer.from("INSERT INTO t VALUES ('abc"));
    expect(() => s.end()).toThrow(/inside a statement/);
  });
});
