/**
 * Binlog replication as plan steps: the runner provisions a MariaDB instance of the AWS double (a
 * real local MariaDB behind it holding RDS's stored procedures, its master user with only RDS's
 * privileges), starts replicating from the box while the app keeps writing, stops at the freeze
 * gate, then catches up: the target holds every row the box has, replication is detached, and no
 * password is written to the journal or the events.
 */
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply } from '../../../electron/engine/runner/apply.js';
import type { RunnerEvent } from '../../../electron/engine/runner/events.js';
import { manual } from '../../../shared/plan/builder.js';
import type { Plan } from '../../../shared/schema/plan.js';
import { createMasterUser, startRdsMysqlStandin, type RdsMysqlStandin } from '../../support/rds-mysql-standin.js';
import { startMariadb, type MariadbService } from '../../support/services.js';
import { startBox, type TestBox } from '../data/box.js';
import { newHome, startRunnerWorld, type RunnerWorld } from './fixtures.js';
import { BOX_LABEL, boxSsh, migrationText, rdsStep, rdsTarget, testPlan, testStep } from './plan-parts.js';

const isRoot = process.getuid?.() === 0;

function replicationPlan(name: string, database: string, source: MariadbService): Plan {
  const copy = (method: string) => ({
    kind: 'data-copy' as const,
    engine: 'mariadb',
    method,
    source: { host: BOX_LABEL, port: source.port, databases: [database], socket: source.socket, replicationAddress: { host: '127.0.0.1', port: source.port } },
    target: rdsTarget(database),
    notes: [],
  });
  return testPlan(
    name,
    [
      rdsStep(`${name}-db`, { Engine: 'mariadb', EngineVersion: '10.11' }),
      testStep({ id: 'replicate-db-main', phase: 'copy', dependsOn: ['provision-rds-main'], actions: [copy('binlog-replication')] }),
      testStep({ id: 'freeze-writes', phase: 'freeze', dependsOn: ['replicate-db-main'], actions: [manual('stop writes on the box')] }),
      testStep({ id: 'catch-up-db-main', phase: 'final-sync', dependsOn: ['freeze-writes'], actions: [copy('replication-catch-up')] }),
    ],
    { steps: ['freeze-writes', 'catch-up-db-main'], maxMinutes: 5 },
  );
}

/** Row count and a checksum of every row, as the server computes it. */
async function fingerprint(conn: { port: number; user: string; password: string }): Promise<string> {
  const c = await mysql.createConnection({ host: '127.0.0.1', port: conn.port, user: conn.user, password: conn.password, database: 'shop' });
  try {
    const [rows] = await c.query<mysql.RowDataPacket[]>("select count(*) as n, coalesce(sum(crc32(concat_ws('|', id, item, qty))), 0) as s, max(id) as top from orders");
    return `${rows[0]!.n}:${rows[0]!.s}:${rows[0]!.top}`;
  } finally {
    await c.end();
  }
}

describe.skipIf(!isRoot)('binlog replication steps in apply', () => {
  let world: RunnerWorld;
  let box: TestBox;
  let source: MariadbService;
  let target: RdsMysqlStandin;
  const masterPasswords: string[] = [];

  beforeAll(async () => {
    [world, box, source] = await Promise.all([startRunnerWorld({ speed: 2000, domain: 'repl.example.test', appEnvironments: [] }), startBox(), startMariadb()]);
    // One mariadb-install-db at a time: two at once collide on their temporary tables.
    target = await startRdsMysqlStandin();
    await source.sql("create database shop; use shop; create table orders (id int auto_increment primary key, item varchar(40) not null, qty int not null) engine = InnoDB; insert into orders (item, qty) select concat('item ', seq), seq % 9 from seq_1_to_20000;");
    world.double.backends.rds.mariadb = {
      host: '127.0.0.1',
      port: target.server.port,
      async provision({ masterUsername, masterPassword }) {
        masterPasswords.push(masterPassword ?? '');
        await createMasterUser(target.server, masterUsername, masterPassword ?? '');
      },
    };
  }, 180_000);

  afterAll(async () => {
    await box?.stop();
    await Promise.all([world?.close(), source?.stop(), target?.stop()]);
  });

  it('replicates while the app writes, catches up after the freeze, and writes no password', async () => {
    const home = await newHome();
    const events: RunnerEvent[] = [];
    let writing = true;
    let written = 0;
    const app = (async () => {
      const c = await mysql.createConnection({ host: '127.0.0.1', port: source.port, user: source.user, password: source.password, database: 'shop' });
      try {
        for (let i = 0; writing; i++, written++) {
          const id = 1 + ((i * 104729) % 20000);
          await c.query(i % 3 === 0 ? 'update orders set qty = qty + 1 where id = ?' : i % 5 === 0 ? 'delete from orders where id = ?' : "insert into orders (item, qty) values ('new', ?)", [id]);
        }
      } finally {
        await c.end();
      }
    })();
    const confirm = async (question: string): Promise<boolean> => {
      if (question.startsWith('freeze-writes') && writing) {
        writing = false;
        await app;
      }
      return true;
    };

    const result = await apply(replicationPlan('repl-my', 'shop', source), world.options(home, { ssh: boxSsh(box), confirm, onEvent: (e) => events.push(e) }));
    expect(result.error?.message ?? null).toBeNull();
    expect(result.result).toBe('completed');
    expect(written).toBeGreaterThan(0);

    expect(await fingerprint({ port: target.server.port, user: target.server.user, password: target.server.password })).toBe(await fingerprint(source));
    // Detached: the target follows nothing, the box's replication account is gone.
    expect(await target.server.sql('show slave status')).toBe('');
    expect(await source.sql("select count(*) from mysql.user where user = 'skylift_repl'")).toMatch(/^0\s*$/m);
    expect(events.some((e) => e.type === 'step' && e.step === 'catch-up-db-main' && e.status === 'done')).toBe(true);

    const everything = [await migrationText('repl-my', home), JSON.stringify(events)].join('\n');
    expect(everything).toContain('binlog-replication');
    expect(masterPasswords).toHaveLength(1);
    expect(everything).not.toContain(masterPasswords[0]);
  });
});
