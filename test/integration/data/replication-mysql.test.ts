import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finishMysqlReplication, mysqlReplicationStatus, startMysqlReplication, type MysqlReplicationStartOptions } from '../../../electron/engine/data/replicate-mysql.js';
import { DataError } from '../../../shared/data/data-error.js';
import { parseTargetUrl } from '../../../shared/data/target-url.js';
import type { DataEvent } from '../../../shared/schema/data.js';
import { startRdsMysqlStandin, type RdsMysqlStandin } from '../../support/rds-mysql-standin.js';
import { freePort } from '../../support/free-port.js';
import { startMariadb, type MariadbService } from '../../support/services.js';
import { startBox, type TestBox } from './box.js';

let box: TestBox;
let source: MariadbService;
let rds: RdsMysqlStandin;

const SEED = `
create database app character set utf8mb4;
use app;
create table items (id int auto_increment primary key, v int not null, note varchar(200), updated datetime(6) not null) engine = InnoDB;
create table audit (id bigint auto_increment primary key, item int, what varchar(10)) engine = InnoDB;
insert into items (v, note, updated) select seq, concat('seed ', seq, ' ', repeat('x', seq % 150)), now(6) from seq_1_to_30000;
insert into audit (item, what) select seq, 'seed' from seq_1_to_5000;
`;

/** Inserts, updates and deletes on the box, as fast as it answers, until stopped (the write freeze). */
function startWriter(server: MariadbService): { stop(): Promise<number> } {
  let running = true;
  const loop = (async () => {
    const conn = await mysql.createConnection({ host: server.host, port: server.port, user: server.user, password: server.password, database: 'app' });
    let n = 0;
    try {
      while (running) {
        n++;
        const [r] = await conn.query<mysql.ResultSetHeader>('insert into items (v, note, updated) values (?, ?, now(6))', [n, `live ${n}`]);
        await conn.query('insert into audit (item, what) values (?, ?)', [r.insertId, 'insert']);
        if (n % 3 === 0) await conn.query('update items set v = v + 1, updated = now(6) where id = ?', [1 + ((n * 7919) % 30000)]);
        if (n % 5 === 0) await conn.query('delete from items where id = ?', [1 + ((n * 104729) % 30000)]);
      }
    } finally {
      await conn.end();
    }
    return n;
  })();
  return {
    stop: async () => {
      running = false;
      return loop;
    },
  };
}

/** Every row of a table, hashed by the test itself in primary-key order. */
async function digest(server: { port: number; user: string; password: string }, table: string): Promise<string> {
  const conn = await mysql.createConnection({ host: '127.0.0.1', port: server.port, user: server.user, password: server.password, database: 'app', dateStrings: true });
  try {
    const [rows] = await conn.query({ sql: `select * from ${table} order by id`, rowsAsArray: true });
    return `${(rows as unknown[]).length}:${createHash('sha256').update(JSON.stringify(rows)).digest('hex')}`;
  } finally {
    await conn.end();
  }
}

async function asMaster(sql: string): Promise<unknown> {
  const conn = await mysql.createConnection({ host: '127.0.0.1', port: rds.server.port, user: rds.masterUser, password: rds.masterPassword });
  try {
    return (await conn.query(sql))[0];
  } finally {
    await conn.end();
  }
}

async function options(events: DataEvent[] = [], signal?: AbortSignal): Promise<MysqlReplicationStartOptions> {
  return {
    session: await box.open(),
    source: { engine: 'mysql', database: 'app', socket: source.socket },
    target: parseTargetUrl(rds.url('app')),
    sourceAddress: { host: '127.0.0.1', port: source.port },
    onEvent: (e) => events.push(e),
    signal,
  };
}

async function failure(p: Promise<unknown>): Promise<DataError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(DataError);
  return err as DataError;
}

beforeAll(async () => {
  // One at a time: two mariadb-install-db runs at once collide on their temporary tables.
  [box, source] = await Promise.all([startBox(), startMariadb()]);
  rds = await startRdsMysqlStandin();
  await source.sql(SEED);
}, 180_000);

afterAll(async () => {
  await box?.stop();
  await Promise.all([source?.stop(), rds?.stop()]);
});

describe('MariaDB binlog replication into an RDS stand-in', () => {
  it('refuses a box without binary logging, and with the target\'s server_id, naming each fix', async () => {
    const plain = await startMariadb({ args: ['--skip-log-bin', '--server-id=2'] });
    try {
      await plain.sql('create database app');
      const opts = { ...(await options()), source: { engine: 'mysql' as const, database: 'app', socket: plain.socket }, sourceAddress: { host: '127.0.0.1', port: plain.port } };
      const err = await failure(startMysqlReplication(opts));
      expect(err.code).toBe('REPLICATION_PRECONDITION');
      expect(err.message).toMatch(/binary logging is off/);
      expect(err.message).toMatch(/server_id is 2 on both/);
      expect(await asMaster('show databases like "app"')).toEqual([]);
    } finally {
      await plain.stop();
    }
  }, 180_000);

  it('a start cancelled during the copy leaves the target clean and unconfigured', async () => {
    const stopper = new AbortController();
    const events: DataEvent[] = [];
    const opts = await options(events, stopper.signal);
    opts.onEvent = (e) => {
      events.push(e);
      if (e.type === 'progress' && e.phase === 'copy') stopper.abort();
    };
    const err = await failure(startMysqlReplication(opts));
    expect(err.code).toBe('CANCELLED');
    expect(await asMaster('call mysql.rds_replica_status')).toEqual([[], expect.anything()]);
    expect(await asMaster('show databases like "app"')).toEqual([]);
  }, 180_000);

  it('says so when the target cannot reach the box, replication left configured for a retry', async () => {
    const closed = await freePort();
    const err = await failure(startMysqlReplication({ ...(await options()), sourceAddress: { host: '127.0.0.1', port: closed } }));
    expect(err.code).toBe('REPLICATION_UNREACHABLE');
    expect(err.message).toContain(`127.0.0.1:${closed}`);
    expect(err.message).toMatch(/error 2003/);
    const password = (await readFile(join(rds.server.dataDir, 'master.info'), 'utf8')).split('\n')[5]!;
    expect(`${err.message} ${err.hint}`).not.toContain(password);
    // The operator's way out when the address itself was wrong.
    await asMaster('call mysql.rds_reset_external_master');
    await asMaster('drop database app');
  }, 180_000);

  it('copies while the box keeps writing, resumes after an interruption without copying again, and finishes with every row written before the freeze', async () => {
    const writer = startWriter(source);
    let writes = 0;
    let duringCopy: Promise<string> | undefined;
    try {
      const events: DataEvent[] = [];
      const opts = await options(events);
      // A write issued once rows stream: after the dump's snapshot, so only replication can carry it.
      opts.onEvent = (e) => {
        events.push(e);
        if (e.type === 'progress' && e.phase === 'copy') duringCopy ??= source.sql("insert into app.audit (item, what) values (0, 'mid-copy')");
      };
      const started = await startMysqlReplication(opts);
      await duringCopy;
      expect(started).toMatchObject({ engine: 'mysql', database: 'app', created: true, tables: 2, synced: true });
      expect(started.coordinates?.file).toMatch(/^binlog\.\d+$/);
      expect(started.status).toMatchObject({ configured: true, running: true, lastError: null });
      expect(events.some((e) => e.type === 'progress' && e.phase === 'copy')).toBe(true);

      // The generated password lives only in the target's replication settings: never in what Skylift reports.
      const masterInfo = (await readFile(join(rds.server.dataDir, 'master.info'), 'utf8')).split('\n');
      const password = masterInfo[5]!;
      expect(masterInfo[4]).toBe('skylift_repl');
      expect(password.length).toBeGreaterThan(20);
      expect(JSON.stringify({ started, events })).not.toContain(password);

      // Like RDS's master user, the stand-in's may not manage or even look at replication itself.
      await expect(asMaster('show slave status')).rejects.toThrow(/denied/i);
      await expect(asMaster('stop slave')).rejects.toThrow(/denied/i);

      const status = await mysqlReplicationStatus(await options());
      expect(status).toMatchObject({ configured: true, ioRunning: true, sqlRunning: true, source: { host: '127.0.0.1', port: source.port } });
      expect(status.boxPosition?.file).toMatch(/^binlog\./);

      // An interruption: replication stopped on the target while the box keeps writing.
      await asMaster('call mysql.rds_stop_replication');
      const resumeEvents: DataEvent[] = [];
      const resumed = await startMysqlReplication(await options(resumeEvents));
      expect(resumed.created).toBe(false);
      expect(resumed.copy).toBeNull();
      expect(resumeEvents.some((e) => e.type === 'progress')).toBe(false);
      expect(resumed.status).toMatchObject({ running: true });
      // Running it again while it runs changes nothing either.
      expect((await startMysqlReplication(await options())).created).toBe(false);
    } finally {
      writes = await writer.stop();
    }
    expect(writes).toBeGreaterThan(0);

    // The freeze: no more writes on the box. A target that cannot catch up (a lock holds its
    // applier) times out with replication left running.
    const locker = await mysql.createConnection({ host: '127.0.0.1', port: rds.server.port, user: rds.masterUser, password: rds.masterPassword });
    try {
      await locker.query('lock tables app.items write');
      await source.sql("insert into app.items (v, note, updated) values (0, 'after the lock', now(6))");
      const late = await failure(finishMysqlReplication({ ...(await options()), timeoutMs: 1500 }));
      expect(late.code).toBe('REPLICATION_TIMEOUT');
      expect(late.hint).toMatch(/still running/);
      expect(await mysqlReplicationStatus(await options())).toMatchObject({ configured: true, caughtUp: false });
    } finally {
      await locker.end();
    }

    const finishEvents: DataEvent[] = [];
    const report = await finishMysqlReplication({ ...(await options(finishEvents)), timeoutMs: 120_000 });
    expect(report).toMatchObject({ alreadyDetached: false, dropped: { replication: true, user: true }, warnings: [] });
    expect(finishEvents.filter((e) => e.type === 'progress').map((e) => e.type === 'progress' && e.phase)).toEqual(['check', 'copy', 'verify', 'cleanup', 'done']);
    expect(report.tables.map((t) => t.table)).toEqual(['audit', 'items']);
    for (const t of report.tables) expect(t).toMatchObject({ targetRows: t.sourceRows, match: true });
    expect(report.tables.find((t) => t.table === 'audit')?.sourceRows).toBe(5000 + writes + 1);
    expect(await asMaster("select count(*) as n from app.audit where what = 'mid-copy'")).toEqual([{ n: 1 }]);

    const target = { port: rds.server.port, user: rds.server.user, password: rds.server.password };
    for (const table of ['items', 'audit']) expect(await digest(target, table)).toBe(await digest(source, table));

    expect(await asMaster('call mysql.rds_replica_status')).toEqual([[], expect.anything()]);
    expect(await source.sql("select count(*) from mysql.user where user = 'skylift_repl'")).toBe('0\n');

    // Finishing again (a resumed cutover) only compares the counts.
    const again = await finishMysqlReplication(await options());
    expect(again).toMatchObject({ alreadyDetached: true, position: null, dropped: { replication: false } });
  }, 300_000);
});
