/**
 * A plan's PostgreSQL data-copy step applied by the runner: the source database on the box behind
 * a real sshd, the RDS instance of the AWS double backed by a real local PostgreSQL whose master
 * user gets the password of the instance's managed secret. Rows arrive equal, and the password
 * is nowhere in the journal or the runner's events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply } from '../../../electron/engine/runner/apply.js';
import type { RunnerEvent } from '../../../electron/engine/runner/events.js';
import { migrationDir } from '../../../electron/engine/runner/journal.js';
import type { Plan } from '../../../shared/schema/plan.js';
import { startPostgres, type PostgresService } from '../../support/services.js';
import { pgTableDigests, startBox, withPg, type TestBox } from '../data/box.js';
import { PG_BIG_SEED, PG_SEED } from '../data/pg-seed.js';
import { filesUnder, newHome, startRunnerWorld, type RunnerWorld } from './fixtures.js';
import { BOX_LABEL, boxSsh, rdsStep, rdsTarget, testPlan, testStep } from './plan-parts.js';

const isRoot = process.getuid?.() === 0;
/** The RDS step and the copy step as shared/plan builds them, for one database. */
function copyPlan(name: string, database: string, source: PostgresService): Plan {
  return testPlan(name, [
    rdsStep(`${name}-db`),
    testStep({
      id: 'copy-db-main',
      phase: 'copy',
      dependsOn: ['provision-rds-main'],
      actions: [{ kind: 'data-copy', engine: 'postgres', method: 'dump-restore', source: { host: BOX_LABEL, port: source.port, databases: [database], socketDir: source.socketDir }, target: rdsTarget(database), notes: [] }],
    }),
  ]);
}

describe.skipIf(!isRoot)('data-copy steps in apply', () => {
  let world: RunnerWorld;
  let box: TestBox;
  let source: PostgresService;
  let target: PostgresService;
  const masterPasswords: string[] = [];

  beforeAll(async () => {
    [world, box, source, target] = await Promise.all([startRunnerWorld({ speed: 2000, domain: 'copy.example.test', appEnvironments: [] }), startBox(), startPostgres(), startPostgres({ tls: true })]);
    await source.query('create database shop');
    await source.query(PG_SEED, 'shop');
    await source.query('create database big');
    await source.query(PG_BIG_SEED, 'big');
    world.double.backends.rds.postgres = {
      host: '127.0.0.1',
      port: target.port,
      async provision({ masterUsername, masterPassword }) {
        masterPasswords.push(masterPassword ?? '');
        // RDS's master user: CREATEDB and CREATEROLE, not a superuser (one role for every instance of this test).
        const exists = (await target.query(`select 1 from pg_roles where rolname = '${masterUsername}'`)).rowCount === 1;
        await target.query(`${exists ? 'alter' : 'create'} role ${masterUsername} login password '${masterPassword}' createdb createrole`);
      },
    };
  }, 120_000);

  afterAll(async () => {
    await box?.stop();
    await Promise.all([world?.close(), source?.stop(), target?.stop()]);
  });

  it('copies the database from the box into the RDS instance with the managed master password, and never writes that password', async () => {
    const home = await newHome();
    const events: RunnerEvent[] = [];
        const result = await apply(copyPlan('copy', 'shop', source), world.options(home, { ssh: boxSsh(box), onEvent: (e) => events.push(e) }));
    expect(result.error?.message ?? null).toBeNull();
    expect(result.result).toBe('completed');

    const [before, after] = await Promise.all([
      withPg({ host: '127.0.0.1', port: source.port, user: 'postgres', password: source.password, database: 'shop' }, pgTableDigests),
      withPg({ host: '127.0.0.1', port: target.port, user: 'postgres', password: target.password, database: 'shop' }, pgTableDigests),
    ]);
    expect(Object.keys(after).length).toBeGreaterThan(0);
    expect(after).toEqual(before);
    expect(events.some((e) => e.type === 'progress' && e.step === 'copy-db-main')).toBe(true);

    expect(masterPasswords).toHaveLength(1);
    const written = [await filesUnder(migrationDir('copy', home)), JSON.stringify(events)].join('\n');
    expect(written).toContain('copy-db-main');
    expect(written).not.toContain(masterPasswords[0]);
  });

  it('fails the step when the SSH connection drops mid-copy, leaving no database on the target, and a second apply copies it', async () => {
    const home = await newHome();
    const events: RunnerEvent[] = [];
    let killer: Awaited<ReturnType<TestBox['connectionKiller']>> | null = null;
    let dropped = false;
    const onEvent = (e: RunnerEvent) => {
      events.push(e);
      if (e.type !== 'progress' || e.step !== 'copy-db-main') return;
      // The runner's own session is open once the copy reports; the kill lands while the dump streams.
      if (!killer) void box.connectionKiller().then((k) => (killer = k));
      else if (!dropped && /: copy /.test(e.detail)) {
        dropped = true;
        killer.kill();
      }
    };
    const result = await apply(copyPlan('cut', 'big', source), world.options(home, { ssh: boxSsh(box), onEvent }));
    expect(dropped).toBe(true);
    expect(result.result).toBe('failed');
    const failed = events.find((e) => e.type === 'step' && e.step === 'copy-db-main' && e.status === 'failed');
    expect(failed).toMatchObject({ error: expect.stringMatching(/SSH connection .* dropped/), hint: expect.stringMatching(/run the copy again/) });
    expect((await target.query("select 1 from pg_database where datname = 'big'")).rowCount).toBe(0);
    const written = [await filesUnder(migrationDir('cut', home)), JSON.stringify(events)].join('\n');
    for (const p of masterPasswords) expect(written).not.toContain(p);

    const again = await apply(copyPlan('cut', 'big', source), world.options(home, { ssh: boxSsh(box) }));
    expect(again.error?.message ?? null).toBeNull();
    expect(again.result).toBe('completed');
    const count = await target.query('select count(*)::int as n from bulk', 'big');
    expect(count.rows[0].n).toBe(30000);
  });
});
