/**
 * Write-freeze time, PostgreSQL (not in CI; part of `npm run bench:data`): for each size in
 * BENCH_REPL_MB (default 100,1024), on the same generated data, the freeze the dump path needs
 * (writes stopped for the whole streamed copy) against the freeze of logical replication
 * (writes stopped only for the catch-up: drain, sequences, row counts, subscription dropped),
 * with an app writing on the box during the replication's initial copy. Goal: replication under
 * 10 s and flat with size; the dump path grows with it. Both measured in one run.
 */
import { parseTargetUrl } from '../../shared/data/target-url.js';
import { copyPostgres } from '../../electron/engine/data/copy-postgres.js';
import { finishPostgresReplication, startPostgresReplication } from '../../electron/engine/data/replicate-postgres.js';
import { startPostgres, type PostgresService } from '../support/services.js';
import { startBox, withPg } from '../integration/data/box.js';

const SIZES = (process.env.BENCH_REPL_MB ?? '100,1024').split(',').map(Number);
const PASSWORD = 'bench-master-pw';
/** Rows of ~250 bytes of dump text each (as bench-data.ts generates them). */
const rowsFor = (mb: number): number => Math.round((mb * 1024 * 1024) / 250);
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

async function seed(pg: PostgresService, db: string, sizeMb: number): Promise<void> {
  await pg.query(`create database ${db}`);
  await pg.query(
    `create table events (id bigserial primary key, at timestamptz not null, kind text, payload jsonb, body text);
     insert into events (at, kind, payload, body) select now() - (g || ' seconds')::interval, (array['click', 'view', 'buy'])[1 + g % 3],
       jsonb_build_object('user', g % 1000, 'tags', jsonb_build_array('a', 'b')), repeat(md5(g::text), 4)
     from generate_series(1, ${rowsFor(sizeMb)}) g;`,
    db,
  );
}

/** The app: one insert or update after another until stopped. */
function writer(pg: PostgresService, db: string): { stop(): Promise<number> } {
  let on = true;
  let n = 0;
  const loop = withPg({ host: '127.0.0.1', port: pg.port, user: 'postgres', password: pg.password, database: db }, async (c) => {
    for (; on; n++) {
      await c.query(n % 2 ? "insert into events (at, kind, body) values (now(), 'live', 'x')" : 'update events set kind = $2 where id = $1', n % 2 ? [] : [1 + n, 'edited']);
    }
  });
  return {
    async stop() {
      on = false;
      await loop;
      return n;
    },
  };
}

async function main(): Promise<void> {
  const box = await startBox();
  const [src, dst] = await Promise.all([startPostgres({ settings: { wal_level: 'logical' } }), startPostgres()]);
  try {
    // The RDS-like target of the replication tests: rds_superuser stands in for RDS's CREATE SUBSCRIPTION grant.
    await dst.query('create role rds_superuser login superuser');
    await dst.query(`create role master login password '${PASSWORD}' createdb createrole in role rds_superuser`);
    const session = await box.open();
    const url = (db: string) => parseTargetUrl(`postgres://master:${PASSWORD}@127.0.0.1:${dst.port}/${db}?sslmode=disable`);
    const rows: string[] = [];
    for (const size of SIZES) {
      const db = `bench${size}`;
      console.log(`Generating ${size} MB…`);
      await seed(src, db, size);
      const source = { engine: 'postgres' as const, database: db, host: src.socketDir, port: src.port, osUser: 'postgres' };

      // Dump path: writes stop, the whole database streams, writes resume on AWS.
      let t = performance.now();
      await copyPostgres({ session, source, target: url(`dump${size}`), replace: true, verify: false });
      const dumpFreeze = performance.now() - t;

      // Replication: the initial copy runs while the app writes; the freeze covers the catch-up only.
      const app = writer(src, db);
      t = performance.now();
      await startPostgresReplication({ session, source, target: url(`repl${size}`), sourceAddress: { host: '127.0.0.1', port: src.port }, pollMs: 250 });
      const initial = performance.now() - t;
      const written = await app.stop();
      t = performance.now();
      const done = await finishPostgresReplication({ session, source, target: url(`repl${size}`), pollMs: 100 });
      const replFreeze = performance.now() - t;
      if (!done.tables.every((x) => x.match)) throw new Error(`${db}: counts differ after the catch-up`);
      const line = `${String(size).padStart(6)} MB   dump path ${seconds(dumpFreeze).padStart(9)}   replication ${seconds(replFreeze).padStart(8)} (drain ${seconds(done.drainMs)}, sequences and row counts ${seconds(done.countMs)}; initial copy ${seconds(initial)} while ${written} app writes ran)`;
      console.log(line);
      rows.push(line);
    }
    console.log('\nWrite freeze, PostgreSQL (goal: replication < 10 s and flat with size; the dump path grows with it):');
    for (const r of rows) console.log(r);
  } finally {
    await box.stop();
    await Promise.all([src.stop(), dst.stop()]);
  }
}

await main();
