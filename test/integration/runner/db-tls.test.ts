/**
 * TLS to the database endpoints: the RDS instance of the AWS double is a real PostgreSQL that
 * accepts only TLS connections (as an RDS parameter group with rds.force_ssl does). The runner's
 * copy never falls back to plain text; with the CA bundle it verifies the certificate and the
 * name, and refuses a server whose certificate that bundle did not sign.
 */
import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply } from '../../../electron/engine/runner/apply.js';
import type { Plan } from '../../../shared/schema/plan.js';
import { startPostgres, type PostgresService } from '../../support/services.js';
import { startBox, type TestBox } from '../data/box.js';
import { newHome, startRunnerWorld, type RunnerWorld } from './fixtures.js';
import { BOX_LABEL, boxSsh, rdsStep, rdsTarget, testPlan, testStep } from './plan-parts.js';

const isRoot = process.getuid?.() === 0;

function copyPlan(name: string, source: PostgresService): Plan {
  return testPlan(name, [
    rdsStep(`${name}-db`),
    testStep({
      id: 'copy-db-main',
      phase: 'copy',
      dependsOn: ['provision-rds-main'],
      actions: [{ kind: 'data-copy', engine: 'postgres', method: 'dump-restore', source: { host: BOX_LABEL, port: source.port, databases: ['shop'], socketDir: source.socketDir }, target: rdsTarget('shop'), notes: [] }],
    }),
  ]);
}

describe.skipIf(!isRoot)('TLS to the database endpoints', () => {
  let world: RunnerWorld;
  let box: TestBox;
  let source: PostgresService;
  let target: PostgresService;
  let stranger: PostgresService;

  beforeAll(async () => {
    [world, box, source, target, stranger] = await Promise.all([startRunnerWorld({ speed: 2000, domain: 'tls.example.test', appEnvironments: [] }), startBox(), startPostgres(), startPostgres({ tls: true }), startPostgres({ tls: true })]);
    await source.query('create database shop');
    await source.query("create table orders (id int primary key, note text); insert into orders select g, 'order ' || g from generate_series(1, 100) g", 'shop');
    // Plain-text logins refused over TCP except for the test's own superuser: the master user needs TLS.
    await writeFile(`${target.dataDir}/pg_hba.conf`, 'local all all trust\nhost all postgres 127.0.0.1/32 scram-sha-256\nhostssl all all 127.0.0.1/32 scram-sha-256\n');
    await target.query('select pg_reload_conf()');
    world.double.backends.rds.postgres = {
      host: '127.0.0.1',
      port: target.port,
      async provision({ masterUsername, masterPassword }) {
        // Each apply below creates its own instance: the one server behind them keeps one master user, with the newest password.
        const exists = (await target.query(`select 1 from pg_roles where rolname = '${masterUsername}'`)).rowCount === 1;
        await target.query(`${exists ? 'alter' : 'create'} role ${masterUsername} login password '${masterPassword}' createdb createrole`);
      },
    };
  }, 120_000);

  afterAll(async () => {
    await box?.stop();
    await Promise.all([world?.close(), source?.stop(), target?.stop(), stranger?.stop()]);
  });

  it('copies over TLS without a bundle, verifies with the right one, and refuses a certificate the bundle did not sign', async () => {
    const plain = await apply(copyPlan('tls-plain', source), world.options(await newHome(), { ssh: boxSsh(box), yes: true }));
    expect(plain.error?.message ?? null).toBeNull();
    expect(plain.result).toBe('completed');

    const verified = await apply(copyPlan('tls-verified', source), world.options(await newHome(), { ssh: boxSsh(box), yes: true, dbCaFile: target.caFile! }));
    expect(verified.error?.message ?? null).toBeNull();
    expect(verified.result).toBe('completed');
    expect((await target.query('select count(*)::int as n from orders', 'shop')).rows[0].n).toBe(100);

    const refused = await apply(copyPlan('tls-wrong-ca', source), world.options(await newHome(), { ssh: boxSsh(box), yes: true, dbCaFile: stranger.caFile! }));
    expect(refused.result).toBe('failed');
    expect(refused.error?.message).toMatch(/certificate|self.signed|verify/i);
  });
});
