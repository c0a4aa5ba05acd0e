import { describe, expect, it } from 'vitest';
import { definersIn, isNonTransactionalEngine, rewriteDefiners, stripRemovedSqlModes } from '../../../shared/data/mysql-rewrite.js';

describe('rewriteDefiners', () => {
  it('points triggers, views, routines and events at CURRENT_USER, however the definer is quoted', () => {
    expect(rewriteDefiners('/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER t BEFORE INSERT ON x FOR EACH ROW SET @a = 1 */')).toBe(
      '/*!50003 CREATE*/ /*!50017 DEFINER=CURRENT_USER*/ /*!50003 TRIGGER t BEFORE INSERT ON x FOR EACH ROW SET @a = 1 */',
    );
    expect(rewriteDefiners('CREATE DEFINER=`app``s`@`%` PROCEDURE `p`() BEGIN END')).toBe('CREATE DEFINER=CURRENT_USER PROCEDURE `p`() BEGIN END');
    expect(rewriteDefiners("/*!50013 DEFINER='admin'@'10.0.0.%' SQL SECURITY DEFINER */")).toBe('/*!50013 DEFINER=CURRENT_USER SQL SECURITY DEFINER */');
    expect(rewriteDefiners('/*!50117 DEFINER=root@localhost*/ /*!50106 EVENT `e`')).toBe('/*!50117 DEFINER=CURRENT_USER*/ /*!50106 EVENT `e`');
    expect(rewriteDefiners('CREATE TABLE t (definer int)')).toBe('CREATE TABLE t (definer int)');
  });
  it('lists the definers it replaces', () => {
    expect(definersIn('CREATE DEFINER=`root`@`localhost` FUNCTION f() RETURNS int RETURN 1')).toEqual(['root@localhost']);
  });
});

describe('stripRemovedSqlModes', () => {
  it('drops the modes MySQL 8 removed from a dump\'s SET sql_mode, keeping the rest and the comment', () => {
    expect(stripRemovedSqlModes("/*!50003 SET sql_mode              = 'STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION' */")).toBe(
      "/*!50003 SET sql_mode              = 'STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION' */",
    );
    expect(stripRemovedSqlModes("SET sql_mode = 'NO_AUTO_CREATE_USER'")).toBe("SET sql_mode = ''");
    expect(stripRemovedSqlModes('INSERT INTO t VALUES (1)')).toBe('INSERT INTO t VALUES (1)');
  });
  it('knows which engines have no transactions', () => {
    expect(['MyISAM', 'Aria', 'MEMORY', 'InnoDB', null].map(isNonTransactionalEngine)).toEqual([true, true, true, false, false]);
  });
});
