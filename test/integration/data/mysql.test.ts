import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyMysql, verifyMysql } from '../../../electron/engine/data/index.js';
import { mysqlSourceFacts, mysqlSourceUpgradeFindings } from '../../../electron/engine/data/mysql-source.js';
import { parseTargetUrl } from '../../../shared/data/target-url.js';
import { CopyResult, DataEvent, type MysqlSource } from '../../../shared/schema/data.js';
import { startMariadb, type MariadbService } from '../../support/services.js';
import { startBox, type TestBox } from './box.js';
import { copyCutShort, failure, midCopy } from './faults.js';
import { MYSQL_BIG_SEED, MYSQL_SEED } from './mysql-seed.js';

const run = promisify(execFile);
const MASTER_PASSWORD = `m-${randomBytes(8).toString('hex')}`;
/** The privileges RDS gives its MySQL/MariaDB master user ("Master user account privileges"): no SUPER. */
const RDS_MASTER_PRIVILEGES =
  'SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, RELOAD, PROCESS, REFERENCES, INDEX, ALTER, SHOW DATABASES, CREATE TEMPORARY TABLES, LOCK TABLES, EXECUTE, REPLICATION SLAVE, BINLOG MONITOR, CREATE VIEW, SHOW VIEW, CREATE ROUTINE, ALTER ROUTINE, CREATE USER, EVENT, TRIGGER';

let box: TestBox;
let source: MariadbService;
let target: MariadbService;

/** SQL as root over the socket, in utf8mb4 (the support helper's client speaks latin1 under LC_ALL=C). */
async function rootSql(server: MariadbService, sql: string): Promise<string> {
  const child = run('mariadb', ['--default-character-set=utf8mb4', '--protocol=socket', '-S', server.socket, '-uroot', '-N', '-B'], { env: { PATH: process.env.PATH } });
  child.child.stdin?.end(sql);
  return (await child).stdout;
}

const src = (database: string): MysqlSource => ({ engine: 'mysql', database, socket: source.socket });
const masterUrl = (database: string, password = MASTER_PASSWORD) => parseTargetUrl(`mysql://master:${encodeURIComponent(password)}@127.0.0.1:${target.port}/${database}?ssl-mode=DISABLED`);


/** Every row of every table, hashed by the test itself in primary-key (or whole-row) order. */
async function digests(server: MariadbService, database: string): Promise<Record<string, string>> {
  const conn = await mysql.createConnection({ host: '127.0.0.1', port: server.port, user: server.user, password: server.password, database, dateStrings: true, supportBigNumbers: true, bigNumberStrings: true, timezone: 'Z' });
  try {
    await conn.query("set time_zone = '+00:00'");
    const [tables] = await conn.query<mysql.RowDataPacket[]>("select table_name as t from information_schema.tables where table_schema = database() and table_type = 'BASE TABLE' order by 1");
    const out: Record<string, string> = {};
    for (const { t } of tables) {
      const [cols] = await conn.query<mysql.RowDataPacket[]>('select count(*) as n from information_schema.columns where table_schema = database() and table_name = ?', [t]);
      const order = Array.from({ length: Number(cols[0]!.n) }, (_, i) => i + 1).join(', ');
      const [rows] = await conn.query({ sql: `select * from \`${t}\` order by ${order}`, rowsAsArray: true });
      out[String(t)] = createHash('sha256').update(JSON.stringify(rows, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('hex') : v))).digest('hex');
    }
    return out;
  } finally {
    await conn.end();
  }
}

beforeAll(async () => {
  // One at a time: two mariadb-install-db runs at once collide on their temporary tables in /tmp.
  [box, source] = await Promise.all([startBox(), startMariadb()]);
  // log_bin_trust_function_creators = 1 is what the target's DB parameter group must say on RDS.
  target = await startMariadb({ args: ['--log-bin-trust-function-creators=1'] });
  await rootSql(source, MYSQL_SEED);
  await rootSql(source, MYSQL_BIG_SEED);
  await rootSql(target, `create user 'master'@'127.0.0.1' identified by '${MASTER_PASSWORD}'; grant ${RDS_MASTER_PRIVILEGES} on *.* to 'master'@'127.0.0.1' with grant option;`);
});

afterAll(async () => {
  await box?.stop();
  await Promise.all([source?.stop(), target?.stop()]);
});

describe('MariaDB copy', () => {
  it('copies tables, routines, triggers, events and views as an RDS-like master user, definers rewritten, and verifies', async () => {
    const events: DataEvent[] = [];
    const result = await copyMysql({ session: await box.open(), source: src('shop'), target: masterUrl('shopcopy'), onEvent: (e) => events.push(e) });
    expect(result.created.database).toBe(true);
    expect(result.items).toBe(3);
    expect(result.verify?.ok).toBe(true);
    expect(result.verify?.tables.map((t) => [t.table, t.sourceRows])).toEqual([['customers', 5000], ['events_log', 8000], ['orders', 20000]]);
    expect(await digests(target, 'shopcopy')).toEqual(await digests(source, 'shop'));

    const definers = await rootSql(
      target,
      "select definer from information_schema.routines where routine_schema = 'shopcopy' union select definer from information_schema.triggers where trigger_schema = 'shopcopy' union select definer from information_schema.views where table_schema = 'shopcopy' union select definer from information_schema.events where event_schema = 'shopcopy'",
    );
    expect(definers.trim().split('\n')).toEqual(['master@127.0.0.1']);
    expect(await rootSql(target, "use shopcopy; insert into orders (customer_id, placed) values (1, now()); select note from orders order by id desc limit 1; select with_tax(10);")).toBe('none; really\n12.00\n');
    expect(await rootSql(target, "select name from shopcopy.customers where id = 1; select birthday from shopcopy.customers where id = 3")).toBe('Ünïcødé 😀 1 it\'s\n2020-00-00\n');

    const copy = events.filter((e) => e.type === 'progress' && e.phase === 'copy');
    expect(copy.at(-1)).toMatchObject({ unit: 'tables', total: 3 });
    expect(JSON.stringify(events)).not.toContain(MASTER_PASSWORD);
    for (const e of events) DataEvent.parse(e);
    CopyResult.parse(result);
  });

  it('asks what to do with MyISAM tables, then copies with a lock or with the warning accepted', async () => {
    const session = await box.open();
    const err = await failure(copyMysql({ session, source: src('mixed'), target: masterUrl('mixed1') }));
    expect(err.code).toBe('MYISAM_CHOICE');
    expect(err.message).toContain('counters (MyISAM)');
    expect(await rootSql(target, "select count(*) from information_schema.schemata where schema_name = 'mixed1'")).toBe('0\n');
    for (const myisam of ['lock', 'accept'] as const) {
      const events: DataEvent[] = [];
      const result = await copyMysql({ session, source: src('mixed'), target: masterUrl(`mixed_${myisam}`), myisam, onEvent: (e) => events.push(e) });
      expect(result.verify?.ok).toBe(true);
      expect(events.some((e) => e.type === 'notice' && e.level === 'warn' && e.message.includes('counters'))).toBe(true);
    }
  });

  it('refuses a target database that holds data, then replaces it when asked', async () => {
    await rootSql(target, 'create database filled; create table filled.keepme (id int); insert into filled.keepme values (1);');
    const session = await box.open();
    const err = await failure(copyMysql({ session, source: src('shop'), target: masterUrl('filled') }));
    expect(err.code).toBe('TARGET_NOT_EMPTY');
    expect(err.message).toContain('keepme');
    expect(await rootSql(target, 'select count(*) from filled.keepme')).toBe('1\n');
    const result = await copyMysql({ session, source: src('shop'), target: masterUrl('filled'), replace: true });
    expect(result.replaced).toBe(true);
    expect(result.verify?.ok).toBe(true);
  });

  it('leaves the target clean when the SSH connection is killed mid-copy', async () => {
    await rootSql(target, 'create database bigempty');
    for (const db of ['bigcopy', 'bigempty']) {
      const err = await copyCutShort(box, (session, onEvent) => copyMysql({ session, source: src('big'), target: masterUrl(db), onEvent }), midCopy);
      expect(err.code).toBe('SSH_LOST');
      expect(err.targetClean).toBe(true);
    }
    expect(await rootSql(target, "select count(*) from information_schema.schemata where schema_name = 'bigcopy'")).toBe('0\n');
    expect(await rootSql(target, "select count(*) from information_schema.tables where table_schema = 'bigempty'")).toBe('0\n');
  });

  it('refuses stored functions and triggers up front when binary logging would reject them (RDS default parameters)', async () => {
    await rootSql(target, 'set global log_bin_trust_function_creators = 0');
    try {
      const err = await failure(copyMysql({ session: await box.open(), source: src('shop'), target: masterUrl('strict') }));
      expect(err.code).toBe('TARGET_PERMISSION');
      expect(err.hint).toContain('log_bin_trust_function_creators');
      expect(await rootSql(target, "select count(*) from information_schema.schemata where schema_name = 'strict'")).toBe('0\n');
    } finally {
      await rootSql(target, 'set global log_bin_trust_function_creators = 1');
    }
  });

  it('verify names the table that differs', async () => {
    await rootSql(target, "update shopcopy.customers set bio = 'changed' where id = 10; delete from shopcopy.events_log limit 3;");
    const report = await verifyMysql({ session: await box.open(), source: src('shop'), target: masterUrl('shopcopy') });
    expect(report.ok).toBe(false);
    // orders holds the row the trigger test added.
    expect(report.mismatches).toEqual([
      'customers: same row count (5000) but different contents',
      'events_log: 8000 rows on the box, 7997 on the target',
      'orders: 20000 rows on the box, 20001 on the target',
    ]);
  });

  it('reads what the MySQL 8 checks need from the box: zero dates, removed SQL modes, reserved words', async () => {
    const session = await box.open();
    const access = { source: src('shop') };
    const findings = await mysqlSourceUpgradeFindings(session, access, await mysqlSourceFacts(session, access));
    const messages = findings.map((f) => `${f.level} ${f.rule}: ${f.message.split(/[:,]/)[0]}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        'warn zero-date: column customers.legacy_date defaults to a zero date',
        'warn zero-date: column customers.birthday holds zero dates (or zero months/days)',
        'warn reserved-word: column customers.rank is a reserved word in MySQL 8',
        'warn removed-sql-mode: procedure order_count was created with sql_mode NO_AUTO_CREATE_USER',
        'warn removed-sql-mode: trigger orders_note was created with sql_mode NO_AUTO_CREATE_USER',
      ]),
    );
    expect(findings.filter((f) => f.level === 'error')).toEqual([]);
  });

  it('says TARGET_AUTH for a wrong password and TARGET_TLS_UNAVAILABLE when TLS is required but not offered', async () => {
    const session = await box.open();
    const wrong = `wrong-${randomBytes(6).toString('hex')}`;
    const auth = await failure(copyMysql({ session, source: src('shop'), target: masterUrl('x', wrong) }));
    expect(auth.code).toBe('TARGET_AUTH');
    expect(`${auth.message} ${auth.hint}`).not.toContain(wrong);
    const tls = await failure(copyMysql({ session, source: src('shop'), target: parseTargetUrl(`mysql://master:${MASTER_PASSWORD}@127.0.0.1:${target.port}/x?ssl-mode=REQUIRED`) }));
    expect(tls.code).toBe('TARGET_TLS_UNAVAILABLE');
  });
});
