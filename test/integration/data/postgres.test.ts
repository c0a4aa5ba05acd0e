import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chown, copyFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyData, copyPostgres, verifyPostgres } from '../../../electron/engine/data/index.js';
import { parseTargetUrl } from '../../../shared/data/target-url.js';
import { CopyResult, DataEvent, type PostgresSource } from '../../../shared/schema/data.js';
import { makeSelfSignedCert, startPostgres, type PostgresService } from '../../support/services.js';
import { pgTableDigests, startBox, withPg, type TestBox } from './box.js';
import { copyCutShort, failure, midCopy } from './faults.js';
import { PG_BIG_SEED, PG_SEED } from './pg-seed.js';

const MASTER_PASSWORD = `m-${randomBytes(8).toString('hex')}`;

let box: TestBox;
let source: PostgresService;
let target: PostgresService;

const src = (database: string): PostgresSource => ({ engine: 'postgres', database, host: source.socketDir, port: source.port, osUser: 'postgres' });
/** The RDS-like master user: CREATEDB and CREATEROLE, not a superuser. */
const masterUrl = (database: string, password = MASTER_PASSWORD) => parseTargetUrl(`postgres://master:${encodeURIComponent(password)}@127.0.0.1:${target.port}/${database}?sslmode=disable`);
const asMaster = (database: string) => ({ host: '127.0.0.1', port: target.port, user: 'master', password: MASTER_PASSWORD, database });
const asSource = (database: string) => ({ host: '127.0.0.1', port: source.port, user: 'postgres', password: source.password, database });


async function databaseExists(name: string): Promise<boolean> {
  return (await target.query(`select 1 from pg_database where datname = '${name}'`)).rowCount === 1;
}

beforeAll(async () => {
  [box, source, target] = await Promise.all([startBox(), startPostgres(), startPostgres()]);
  await source.query('create database shop');
  await source.query(PG_SEED, 'shop');
  await source.query('create database big');
  await source.query(PG_BIG_SEED, 'big');
  await target.query(`create role master login password '${MASTER_PASSWORD}' createdb createrole`);
});

afterAll(async () => {
  await box?.stop();
  await Promise.all([source?.stop(), target?.stop()]);
});

describe('PostgreSQL copy', () => {
  it('creates the target database as a non-superuser master, copies every row, owns every object, and verifies', async () => {
    const session = await box.open();
    const events: DataEvent[] = [];
    const result = await copyPostgres({ session, source: src('shop'), target: masterUrl('shopcopy'), onEvent: (e) => events.push(e) });

    expect(result.created).toMatchObject({ database: true, extensions: ['citext', 'pgcrypto'] });
    expect(result.created.roles.sort()).toEqual(['app', 'reader']);
    expect(result.items).toBe(4);
    expect(result.verify?.ok).toBe(true);
    expect(result.verify?.tables.map((t) => t.table).sort()).toEqual(['public.Weird Name', 'public.events', 'shop.customers', 'shop.orders']);
    expect(result.verify?.tables.find((t) => t.table === 'shop.orders')?.sourceRows).toBe(20000);

    const [before, after] = await Promise.all([withPg(asSource('shop'), pgTableDigests), withPg(asMaster('shopcopy'), pgTableDigests)]);
    expect(after).toEqual(before);

    const owners = await target.query(
      "select distinct pg_get_userbyid(c.relowner) as owner from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname in ('shop', 'public') and c.relkind in ('r', 'v', 'S')",
      'shopcopy',
    );
    expect(owners.rows.map((r) => r.owner)).toEqual(['master']);
    const grant = await target.query("select has_table_privilege('reader', 'shop.orders', 'select') as ok, has_table_privilege('reader', 'shop.customers', 'select') as no", 'shopcopy');
    expect(grant.rows[0]).toEqual({ ok: true, no: false });
    const defaults = await target.query('select count(*)::int as n from pg_default_acl', 'shopcopy');
    expect(defaults.rows[0].n).toBe(1);
    const seq = await target.query("select last_value::int from shop.orders_id_seq", 'shopcopy');
    expect(seq.rows[0].last_value).toBe(20000);

    const progress = events.filter((e) => e.type === 'progress');
    expect(progress.map((e) => e.phase)).toEqual(expect.arrayContaining(['check', 'prepare', 'copy', 'verify', 'done']));
    const last = progress.filter((e) => e.phase === 'copy').at(-1);
    expect(last).toMatchObject({ unit: 'tables', total: 4 });
    expect(progress.at(-1)?.bytes).toBe(result.bytes);
    expect(JSON.stringify(events)).not.toContain(MASTER_PASSWORD);
    // What crosses IPC and JSON lines: the contract's own schemas accept it.
    for (const e of events) DataEvent.parse(e);
    CopyResult.parse(result);
  });

  it('copies into an existing empty database owned by the master user (as on RDS), roles already there', async () => {
    await target.query('create database staging owner master');
    // A role the target already had, whose default privileges the master may not set: skipped, said so.
    await target.query('revoke app from master');
    const session = await box.open();
    const events: DataEvent[] = [];
    const result = await copyPostgres({ session, source: src('shop'), target: masterUrl('staging'), onEvent: (e) => events.push(e) });
    expect(result.created).toEqual({ database: false, roles: [], extensions: ['citext', 'pgcrypto'] });
    expect(result.verify?.ok).toBe(true);
    expect(events).toContainEqual(expect.objectContaining({ type: 'notice', level: 'warn', message: expect.stringMatching(/^skipped "ALTER DEFAULT PRIVILEGES FOR ROLE app/) }));
  });

  it('refuses a target that already holds data, then replaces it when asked', async () => {
    await target.query('create database filled owner master');
    await withPg(asMaster('filled'), (c) => c.query("create table keepme (id int); insert into keepme values (42)"));
    const session = await box.open();
    const refused = await failure(copyPostgres({ session, source: src('shop'), target: masterUrl('filled') }));
    expect(refused.code).toBe('TARGET_NOT_EMPTY');
    expect(refused.message).toContain('public.keepme');
    expect((await target.query('select count(*)::int as n from keepme', 'filled')).rows[0].n).toBe(1);

    const result = await copyPostgres({ session, source: src('shop'), target: masterUrl('filled'), replace: true });
    expect(result.replaced).toBe(true);
    expect(result.verify?.ok).toBe(true);
    expect((await target.query("select to_regclass('public.keepme') as t", 'filled')).rows[0].t).toBeNull();
  });

  it('leaves the target clean when the SSH connection is killed mid-copy, and a retry then succeeds', async () => {
    await target.query('create database bigempty owner master');
    for (const db of ['bigcopy', 'bigempty']) {
      const err = await copyCutShort(box, (session, onEvent) => copyPostgres({ session, source: src('big'), target: masterUrl(db), onEvent }), midCopy);
      expect(err.code).toBe('SSH_LOST');
      expect(err.targetClean).toBe(true);
      expect(err.hint).toMatch(/run the copy again/);
    }
    expect(await databaseExists('bigcopy')).toBe(false);
    expect((await target.query("select count(*)::int as n from pg_tables where schemaname = 'public'", 'bigempty')).rows[0].n).toBe(0);

    const retry = await copyPostgres({ session: await box.open(), source: src('big'), target: masterUrl('bigempty') });
    expect(retry.verify?.ok).toBe(true);
    expect(retry.verify?.tables[0]?.sourceRows).toBe(30000);
  });

  it('a copy whose verification fails throws VERIFY_MISMATCH naming the table, and keeps the copied data', async () => {
    const url = masterUrl('drifted');
    let drifted = false;
    const err = await failure(
      copyData({
        session: await box.open(),
        source: src('shop'),
        target: url,
        // A row written on the box after the dump (synchronously, before the verification reads the box).
        onEvent: (e) => {
          if (!drifted && e.type === 'progress' && e.phase === 'verify') {
            drifted = true;
            execFileSync('psql', ['-X', '-q', '-h', source.socketDir, '-p', String(source.port), '-U', 'postgres', '-d', 'shop', '-c', `insert into "Weird Name" values (99, 'late')`]);
          }
        },
      }),
    );
    await source.query("delete from \"Weird Name\" where \"select\" = 99", 'shop');
    expect(err.code).toBe('VERIFY_MISMATCH');
    expect(err.message).toContain('public.Weird Name: 4 rows on the box, 3 on the target');
    expect(err.report?.ok).toBe(false);
    expect((await target.query('select count(*)::int as n from shop.orders', 'drifted')).rows[0].n).toBe(20000);
  });

  it('verify names the table that differs', async () => {
    const session = await box.open();
    await target.query('delete from shop.orders where id % 1000 = 0', 'staging');
    await target.query("update public.events set payload = '{\"g\": -1}' where payload->>'g' = '5'", 'staging');
    const report = await verifyPostgres({ session, source: src('shop'), target: masterUrl('staging') });
    expect(report.ok).toBe(false);
    expect(report.mismatches).toEqual(['public.events: same row count (10002) but different contents', 'shop.orders: 20000 rows on the box, 19980 on the target']);
    expect(report.tables.find((t) => t.table === 'shop.customers')?.match).toBe(true);
  });
});

describe('PostgreSQL faults and bad input', () => {
  it('says SOURCE_UNAVAILABLE for a database the box does not have, before touching the target', async () => {
    const session = await box.open();
    const err = await failure(copyPostgres({ session, source: { ...src('shop'), database: 'nosuchdb' }, target: masterUrl('x1') }));
    expect(err.code).toBe('SOURCE_UNAVAILABLE');
    expect(err.message).toContain('nosuchdb');
    expect(await databaseExists('x1')).toBe(false);
  });

  it('says TARGET_AUTH for a wrong password, without echoing it', async () => {
    const wrong = `wrong-${randomBytes(6).toString('hex')}`;
    const err = await failure(copyPostgres({ session: await box.open(), source: src('shop'), target: masterUrl('x2', wrong) }));
    expect(err.code).toBe('TARGET_AUTH');
    expect(`${err.message} ${err.hint}`).not.toContain(wrong);
  });

  it('says TARGET_UNREACHABLE for a closed port and TARGET_TLS_UNAVAILABLE when TLS is required but not offered', async () => {
    const session = await box.open();
    const closed = await failure(copyPostgres({ session, source: src('shop'), target: parseTargetUrl('postgres://master:pw@127.0.0.1:1/x') }));
    expect(closed.code).toBe('TARGET_UNREACHABLE');
    const tls = await failure(copyPostgres({ session, source: src('shop'), target: parseTargetUrl(`postgres://master:pw@127.0.0.1:${target.port}/x?sslmode=require`) }));
    expect(tls.code).toBe('TARGET_TLS_UNAVAILABLE');
  });
});

describe('PostgreSQL over TLS', () => {
  let ca: string;
  beforeAll(async () => {
    // The target turns TLS on with a self-signed certificate for "localhost" (RDS: Amazon's CA).
    const cert = await makeSelfSignedCert(box.dir, ['localhost']);
    ca = cert.cert;
    const { uid, gid } = await stat(target.dataDir);
    for (const [from, name] of [[cert.cert, 'server.crt'], [cert.key, 'server.key']] as const) {
      await copyFile(from, join(target.dataDir, name));
      await chown(join(target.dataDir, name), uid, gid);
    }
    await target.query("alter system set ssl = on");
    await target.query('select pg_reload_conf()');
  });

  const tlsUrl = (host: string, params: string) => parseTargetUrl(`postgres://master:${MASTER_PASSWORD}@${host}:${target.port}/tlscopy?${params}`);

  it('copies with sslmode=verify-full against the CA bundle given in sslrootcert', async () => {
    const result = await copyPostgres({ session: await box.open(), source: src('shop'), target: tlsUrl('localhost', `sslmode=verify-full&sslrootcert=${encodeURIComponent(ca)}`) });
    expect(result.verify?.ok).toBe(true);
  });

  it('says TARGET_TLS_INVALID when the certificate is not trusted or names another host', async () => {
    const session = await box.open();
    const untrusted = await failure(copyPostgres({ session, source: src('shop'), target: tlsUrl('localhost', 'sslmode=verify-full') }));
    expect(untrusted.code).toBe('TARGET_TLS_INVALID');
    expect(untrusted.hint).toContain('sslrootcert');
    const wrongHost = await failure(copyPostgres({ session, source: src('shop'), target: tlsUrl('127.0.0.1', `sslmode=verify-full&sslrootcert=${encodeURIComponent(ca)}`) }));
    expect(wrongHost.code).toBe('TARGET_TLS_INVALID');
  });
});
