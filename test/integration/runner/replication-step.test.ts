/**
 * Replication as plan steps: the runner provisions the RDS instance of the AWS double (a real
 * local PostgreSQL behind it, its master user a non-superuser), starts logical replication from
 * the box while the app keeps writing, stops at the freeze gate (where the test's app stops
 * writing), then catches up: the target holds every row and the box's sequence values, and no
 * password (master or replication) is written to the journal or the events.
 *
 * The stand-in's one addition, as in test/integration/data/replication-postgres.test.ts: RDS lets
 * rds_superuser members CREATE SUBSCRIPTION, PostgreSQL 15 only superusers, so rds_superuser is a
 * superuser role here (with LOGIN: the subscription's worker logs in as its owner).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply } from '../../../electron/engine/runner/apply.js';
import type { RunnerEvent } from '../../../electron/engine/runner/events.js';
import { manual } from '../../../shared/plan/builder.js';
import type { Plan } from '../../../shared/schema/plan.js';
import { startPostgres, type PostgresService } from '../../support/services.js';
import { pgTableDigests, startBox, withPg, type TestBox } from '../data/box.js';
import { newHome, startRunnerWorld, type RunnerWorld } from './fixtures.js';
import { BOX_LABEL, boxSsh, migrationText, rdsStep, rdsTarget, testPlan, testStep } from './plan-parts.js';

const isRoot = process.getuid?.() === 0;

/** The RDS instance, the replication start, the freeze and the catch-up, with the action shapes shared/plan/data-copy.ts builds. */
function replicationPlan(name: string, database: string, source: PostgresService): Plan {
  const copy = (method: string) => ({
    kind: 'data-copy' as const,
    engine: 'postgres',
    method,
    source: { host: BOX_LABEL, port: source.port, databases: [database], socketDir: source.socketDir },
    target: rdsTarget(database),
    notes: [],
  });
  return testPlan(
    name,
    [
      rdsStep(`${name}-db`),
      testStep({ id: 'replicate-db-main', phase: 'copy', dependsOn: ['provision-rds-main'], actions: [copy('logical-replication')] }),
      testStep({ id: 'freeze-writes', phase: 'freeze', dependsOn: ['replicate-db-main'], actions: [manual('stop writes on the box')] }),
      testStep({ id: 'catch-up-db-main', phase: 'final-sync', dependsOn: ['freeze-writes'], actions: [copy('replication-catch-up')] }),
    ],
    { steps: ['freeze-writes', 'catch-up-db-main'], maxMinutes: 5 },
  );
}

describe.skipIf(!isRoot)('replication steps in apply', () => {
  let world: RunnerWorld;
  let box: TestBox;
  let source: PostgresService;
  let target: PostgresService;
  const masterPasswords: string[] = [];

  beforeAll(async () => {
    [world, box, source, target] = await Promise.all([startRunnerWorld({ speed: 2000, domain: 'repl.example.test', appEnvironments: [] }), startBox(), startPostgres({ settings: { wal_level: 'logical' } }), startPostgres({ tls: true })]);
    await source.query('create database shop');
    await source.query("create table orders (id bigserial primary key, item text not null, qty int not null); insert into orders (item, qty) select 'item ' || g, g % 9 from generate_series(1, 20000) g", 'shop');
    await target.query('create role rds_superuser login superuser');
    world.double.backends.rds.postgres = {
      host: '127.0.0.1',
      port: target.port,
      async provision({ masterUsername, masterPassword }) {
        masterPasswords.push(masterPassword ?? '');
        // RDS's master user: CREATEDB, CREATEROLE, member of rds_superuser; not a superuser.
        await target.query(`create role ${masterUsername} login password '${masterPassword}' createdb createrole in role rds_superuser`);
      },
    };
  }, 120_000);

  afterAll(async () => {
    await box?.stop();
    await Promise.all([world?.close(), source?.stop(), target?.stop()]);
  });

  it('replicates while the app writes, catches up after the freeze, and writes no password', async () => {
    const home = await newHome();
    const events: RunnerEvent[] = [];
    let writing = true;
    let written = 0;
    const app = withPg({ host: '127.0.0.1', port: source.port, user: 'postgres', password: source.password, database: 'shop' }, async (c) => {
      for (let i = 0; writing; i++) {
        await c.query(i % 3 === 0 ? 'update orders set qty = qty + 1 where id = $1' : i % 5 === 0 ? 'delete from orders where id = $1' : "insert into orders (item, qty) values ('new', $1)", [1 + ((i * 104729) % 20000)]);
        written++;
      }
    });
    let replicationPassword = '';
    const confirm = async (question: string): Promise<boolean> => {
      if (question.startsWith('freeze-writes') && writing) {
        writing = false;
        await app;
        const sub = await target.query("select subconninfo from pg_subscription", 'shop');
        replicationPassword = /password='([^']*)'/.exec(String(sub.rows[0]?.subconninfo))?.[1] ?? '';
      }
      return true;
    };

    const result = await apply(replicationPlan('repl', 'shop', source), world.options(home, { ssh: boxSsh(box), confirm, onEvent: (e) => events.push(e) }));
    expect(result.error?.message ?? null).toBeNull();
    expect(result.result).toBe('completed');
    expect(writing).toBe(false);
    expect(written).toBeGreaterThan(0);
    expect(replicationPassword.length).toBeGreaterThan(20);

    const [before, after] = await Promise.all([
      withPg({ host: '127.0.0.1', port: source.port, user: 'postgres', password: source.password, database: 'shop' }, pgTableDigests),
      withPg({ host: '127.0.0.1', port: target.port, user: 'postgres', password: target.password, database: 'shop' }, pgTableDigests),
    ]);
    expect(after).toEqual(before);
    const seq = async (on: PostgresService) => (await on.query('select last_value::text as v from orders_id_seq', 'shop')).rows[0].v;
    expect(await seq(target)).toBe(await seq(source));
    expect((await target.query('select count(*)::int as n from pg_subscription')).rows[0].n).toBe(0);
    expect((await source.query('select count(*)::int as n from pg_replication_slots')).rows[0].n).toBe(0);
    expect(events.some((e) => e.type === 'progress' && e.step === 'replicate-db-main')).toBe(true);
    expect(events.some((e) => e.type === 'step' && e.step === 'catch-up-db-main' && e.status === 'done')).toBe(true);

    const journal = await migrationText('repl', home);
    expect(journal).toContain('replication-catch-up');
    const everything = [journal, JSON.stringify(events)].join('\n');
    expect(masterPasswords).toHaveLength(1);
    expect(everything).not.toContain(masterPasswords[0]);
    expect(everything).not.toContain(replicationPassword);
  });
});
