/**
 * PostgreSQL logical replication from the box (a real cluster with wal_level=logical, reached
 * over a real sshd as the postgres OS user) into an RDS-like target: its master user is not a
 * superuser (CREATEDB, CREATEROLE, member of rds_superuser).
 *
 * The stand-in's one addition: RDS lets members of rds_superuser run CREATE SUBSCRIPTION; plain
 * PostgreSQL 15 allows it to superusers only, so here rds_superuser is a superuser role, which
 * Skylift takes on (SET ROLE) for that one statement when the plain one is refused. The
 * subscription then belongs to rds_superuser, whose apply worker must log in (LOGIN, no
 * password: only the local socket's trust admits it). Nothing else uses it: the schema,
 * sequences and counts run as the master user.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finishPostgresReplication, postgresReplicationStatus, startPostgresReplication } from '../../../electron/engine/data/replicate-postgres.js';
import { ReplicationPreconditionError } from '../../../electron/engine/data/pg-replication-checks.js';
import { replicationName } from '../../../electron/engine/data/pg-replication-names.js';
import { parseTargetUrl } from '../../../shared/data/target-url.js';
import type { DataEvent, PostgresSource } from '../../../shared/schema/data.js';
import { startPostgres, type PostgresService } from '../../support/services.js';
import { pgTableDigests, startBox, withPg, type TestBox } from './box.js';
import { failure } from './faults.js';
import { PG_SEED } from './pg-seed.js';

const MASTER_PASSWORD = `m-${randomBytes(8).toString('hex')}`;

let box: TestBox;
let source: PostgresService;
let target: PostgresService;

const src = (database: string, on: PostgresService = source): PostgresSource => ({ engine: 'postgres', database, host: on.socketDir, port: on.port, osUser: 'postgres' });
const masterUrl = (database: string) => parseTargetUrl(`postgres://master:${encodeURIComponent(MASTER_PASSWORD)}@127.0.0.1:${target.port}/${database}?sslmode=disable`);
const asSource = (database: string) => ({ host: '127.0.0.1', port: source.port, user: 'postgres', password: source.password, database });
const asMaster = (database: string) => ({ host: '127.0.0.1', port: target.port, user: 'master', password: MASTER_PASSWORD, database });
const sourceAddress = () => ({ host: '127.0.0.1', port: source.port });

const LIVE_SEED = `
create table items (id serial primary key, name text not null, qty int not null);
create table log (id bigserial primary key, at timestamptz not null default now(), what text);
create table tags (item int, tag text);
alter table tags replica identity full;
insert into items (name, qty) select 'item ' || g, g % 50 from generate_series(1, 20000) g;
insert into tags select g, 't' || (g % 7) from generate_series(1, 3000) g;
`;

/** The app on the box: inserts, updates and deletes one small transaction after another, until stopped. */
function startWriter(database: string): { ops: () => number; stop(): Promise<void> } {
  let running = true;
  let ops = 0;
  const loop = withPg(asSource(database), async (c) => {
    for (let i = 0; running; i++) {
      const id = 1 + ((i * 7919) % 20000);
      if (i % 4 === 0) await c.query('update items set qty = qty + 1, name = name || $2 where id = $1', [id, '+']);
      else if (i % 9 === 0) await c.query('delete from items where id = $1', [id]);
      else if (i % 11 === 0) await c.query('delete from tags where item = $1', [id % 3000]);
      else await c.query('insert into items (name, qty) values ($1, $2)', [`new ${i}`, i % 13]);
      await c.query('insert into log (what) values ($1)', [`op ${i}`]);
      ops++;
    }
  });
  return {
    ops: () => ops,
    async stop() {
      running = false;
      await loop;
    },
  };
}

async function subscriptionPassword(database: string): Promise<string> {
  const r = await target.query(`select subconninfo from pg_subscription where subname = '${replicationName(database)}'`);
  return /password='([^']*)'/.exec(String(r.rows[0]?.subconninfo))?.[1] ?? '';
}

beforeAll(async () => {
  [box, source, target] = await Promise.all([startBox(), startPostgres({ settings: { wal_level: 'logical' } }), startPostgres()]);
  await source.query('create database live');
  await source.query(LIVE_SEED, 'live');
  await source.query('create database shop');
  await source.query(PG_SEED, 'shop');
  await target.query('create role rds_superuser login superuser');
  await target.query(`create role master login password '${MASTER_PASSWORD}' createdb createrole in role rds_superuser`);
}, 120_000);

afterAll(async () => {
  await box?.stop();
  await Promise.all([source?.stop(), target?.stop()]);
});

describe('PostgreSQL logical replication', { timeout: 240_000 }, () => {
  it('streams inserts, updates and deletes made during the initial copy; after the freeze the target holds every row, sequences set, counts equal', async () => {
    const session = await box.open();
    const events: DataEvent[] = [];
    const writer = startWriter('live');
    const started = await startPostgresReplication({ session, source: src('live'), target: masterUrl('live'), sourceAddress: sourceAddress(), pollMs: 200, timeoutMs: 150_000, onEvent: (e) => events.push(e) });
    expect(started).toMatchObject({ created: true, synced: true, tables: 3 });
    const password = await subscriptionPassword('live');
    expect(password.length).toBeGreaterThan(20);

    // More writes after the initial copy: these arrive by streaming alone.
    const atSync = writer.ops();
    while (writer.ops() < atSync + 150) await new Promise((r) => setTimeout(r, 50));
    const status = await postgresReplicationStatus({ session, source: src('live'), target: masterUrl('live') });
    expect(status).toMatchObject({ configured: true, running: true, errors: 0 });
    expect(status.tables.map((t) => t.state)).toEqual(['ready', 'ready', 'ready']);
    expect(status.lagBytes).not.toBeNull();

    // The freeze: the app stops writing; everything written before must be on the target.
    await writer.stop();
    const before = await withPg(asSource('live'), pgTableDigests);
    const finished = await finishPostgresReplication({ session, source: src('live'), target: masterUrl('live'), pollMs: 200, onEvent: (e) => events.push(e) });
    expect(finished.tables.every((t) => t.match)).toBe(true);
    expect(finished.tables.find((t) => t.table === 'public.log')?.sourceRows).toBe(writer.ops());
    expect(finished.dropped).toEqual({ subscription: true, slot: true, publication: true });
    expect(await withPg(asMaster('live'), pgTableDigests)).toEqual(before);

    const seq = async (on: PostgresService) => (await on.query("select last_value::text as v from items_id_seq", 'live')).rows[0].v;
    expect(await seq(target)).toBe(await seq(source));
    expect(finished.sequences).toContainEqual({ sequence: 'public.items_id_seq', value: await seq(source) });
    // The next insert on the target takes the box's next id, not one already used.
    const next = await withPg(asMaster('live'), (c) => c.query<{ id: number }>("insert into items (name, qty) values ('after', 0) returning id"));
    expect(next.rows[0]!.id).toBe(Number(await seq(source)) + 1);

    // Nothing left behind: no subscription on the target, no slot, publication or role on the box.
    expect((await target.query('select count(*)::int as n from pg_subscription')).rows[0].n).toBe(0);
    expect((await source.query('select count(*)::int as n from pg_replication_slots')).rows[0].n).toBe(0);
    expect((await source.query('select count(*)::int as n from pg_publication', 'live')).rows[0].n).toBe(0);
    expect((await source.query(`select count(*)::int as n from pg_roles where rolname = '${replicationName('live')}'`)).rows[0].n).toBe(0);
    const said = JSON.stringify(events);
    expect(said).not.toContain(password);
    expect(said).not.toContain(MASTER_PASSWORD);
    expect(events.some((e) => e.type === 'progress' && e.phase === 'copy')).toBe(true);
  });

  it('refuses a box whose wal_level is replica, saying a restart is needed', async () => {
    const session = await box.open();
    // The target cluster runs with the default wal_level (replica): as a source, it must be refused.
    const err = await failure(startPostgresReplication({ session, source: src('postgres', target), target: masterUrl('nowhere'), sourceAddress: { host: '127.0.0.1', port: target.port } }));
    expect(err.code).toBe('REPLICATION_PRECONDITION');
    expect(err).toBeInstanceOf(ReplicationPreconditionError);
    expect((err as ReplicationPreconditionError).failures.map((f) => f.check)).toEqual(['wal_level']);
    expect(err.message).toMatch(/wal_level is replica, not logical/);
    expect(err.hint).toMatch(/restart PostgreSQL/);
    expect((await target.query("select 1 from pg_database where datname = 'nowhere'")).rowCount).toBe(0);
  });

  it('refuses a target user that may not subscribe (no rds_superuser), before touching anything', async () => {
    await target.query(`create role plain login password '${MASTER_PASSWORD}' createdb createrole`);
    const session = await box.open();
    const url = parseTargetUrl(`postgres://plain:${encodeURIComponent(MASTER_PASSWORD)}@127.0.0.1:${target.port}/plaincopy?sslmode=disable`);
    const err = await failure(startPostgresReplication({ session, source: src('live'), target: url, sourceAddress: sourceAddress() }));
    expect(err.code).toBe('TARGET_PERMISSION');
    expect(err.message).toMatch(/plain may not create subscriptions/);
    expect((await target.query("select 1 from pg_database where datname = 'plaincopy'")).rowCount).toBe(0);
  });

  it('names tables without a primary key or replica identity, and a pg_hba.conf that turns the target away, before touching anything', async () => {
    const session = await box.open();
    const err = await failure(startPostgresReplication({ session, source: src('shop'), target: masterUrl('shop'), sourceAddress: sourceAddress(), targetAddress: '10.9.8.7' }));
    const failures = (err as ReplicationPreconditionError).failures;
    expect(failures.map((f) => f.check)).toEqual(['pg_hba', 'replica_identity']);
    expect(failures[0]!.fix).toContain(`host shop ${replicationName('shop')} 10.9.8.7/32 scram-sha-256`);
    expect(failures[1]!.message).toMatch(/2 tables .*public\.Weird Name, public\.events/);
    expect(failures[1]!.fix).toMatch(/REPLICA IDENTITY FULL/);
    expect((await source.query('select count(*)::int as n from pg_publication', 'shop')).rows[0].n).toBe(0);
    expect((await target.query("select 1 from pg_database where datname = 'shop'")).rowCount).toBe(0);
  });

  it('explains a target that cannot reach the box, then a re-run after an interrupted start resumes without copying a row twice, and starts over when the box lost its slot', async () => {
    await source.query('alter table public.events replica identity full; alter table public."Weird Name" replica identity full', 'shop');
    const session = await box.open();
    const closed = { host: '127.0.0.1', port: target.port + 1 === source.port ? target.port + 2 : target.port + 1 };
    // Stopped right after the schema copy, before any subscription: the target holds tables nothing streams into.
    const early = new AbortController();
    const stopped = await failure(startPostgresReplication({ session, source: src('shop'), target: masterUrl('shop'), sourceAddress: closed, signal: early.signal, onEvent: (e) => e.type === 'notice' && /schema of shop copied/.test(e.message) && early.abort() }));
    expect(stopped.code).toBe('CANCELLED');
    const notEmpty = await failure(startPostgresReplication({ session, source: src('shop'), target: masterUrl('shop'), sourceAddress: closed }));
    expect(notEmpty.code).toBe('TARGET_NOT_EMPTY');

    const unreachable = await failure(startPostgresReplication({ session, source: src('shop'), target: masterUrl('shop'), sourceAddress: closed, replace: true }));
    expect(unreachable.code).toBe('REPLICATION_UNREACHABLE');
    expect(unreachable.message).toMatch(/cannot connect to the box's PostgreSQL/);
    expect(unreachable.hint).toMatch(/firewall|listen_addresses|tunnel/);

    // Interrupted once the subscription exists and the initial copy runs.
    const stop = new AbortController();
    const cut = await failure(
      startPostgresReplication({ session, source: src('shop'), target: masterUrl('shop'), sourceAddress: sourceAddress(), pollMs: 200, signal: stop.signal, onEvent: (e) => e.type === 'progress' && e.phase === 'copy' && stop.abort() }),
    );
    expect(cut.code).toBe('CANCELLED');
    const firstPassword = await subscriptionPassword('shop');

    const again = await startPostgresReplication({ session, source: src('shop'), target: masterUrl('shop'), sourceAddress: sourceAddress(), pollMs: 200 });
    expect(again).toMatchObject({ created: false, synced: true });
    // The resumed run set a password of its own (the first one is gone with that run).
    expect(await subscriptionPassword('shop')).not.toBe(firstPassword);

    // The slot dropped on the box behind Skylift's back (the changes it held are lost): the next start copies again from scratch.
    await target.query(`alter subscription ${replicationName('shop')} disable`, 'shop');
    await source.query(`select pg_terminate_backend(active_pid) from pg_replication_slots where active_pid is not null`);
    await withPg(asSource('shop'), async (c) => {
      for (let i = 0; (await c.query('select pg_drop_replication_slot(slot_name) from pg_replication_slots where not active')).rowCount === 0 && i < 50; i++) await new Promise((r) => setTimeout(r, 100));
    });
    await source.query("delete from shop.orders where id > 19990", 'shop');
    const notices: DataEvent[] = [];
    const restarted = await startPostgresReplication({ session, source: src('shop'), target: masterUrl('shop'), sourceAddress: sourceAddress(), pollMs: 200, onEvent: (e) => notices.push(e) });
    expect(restarted).toMatchObject({ created: true, synced: true });
    expect(notices).toContainEqual(expect.objectContaining({ type: 'notice', level: 'warn', message: expect.stringMatching(/is gone from the box: the target's copy restarts from scratch/) }));
    await source.query("insert into public.events values (now(), '{\"late\": true}', null); update shop.orders set note = 'changed' where id <= 10", 'shop');

    const finished = await finishPostgresReplication({ session, source: src('shop'), target: masterUrl('shop'), pollMs: 200 });
    expect(finished.tables.every((t) => t.match)).toBe(true);
    const [boxSide, targetSide] = await Promise.all([withPg(asSource('shop'), pgTableDigests), withPg(asMaster('shop'), pgTableDigests)]);
    expect(targetSide).toEqual(boxSide);
    // Finishing again finds nothing to drain and nothing to drop, and says the data still agrees.
    const twice = await finishPostgresReplication({ session, source: src('shop'), target: masterUrl('shop'), pollMs: 200, keepPublication: true });
    expect(twice.dropped.subscription).toBe(false);
    expect(twice.tables.every((t) => t.match)).toBe(true);
  });
});
