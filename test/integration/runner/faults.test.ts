/**
 * What goes wrong: throttling and 500 bursts are retried through; an environment that never turns
 * Ready stops at its budget with the way out; a failed check stops before the DNS switch; plans
 * that are truncated, off the schema, blocked, or pinned elsewhere are refused before anything.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply } from '../../../electron/engine/runner/apply.js';
import { Journal, migrationDir } from '../../../electron/engine/runner/journal.js';
import { parsePlan } from '../../../electron/engine/runner/plan-check.js';
import { journalState } from '../../../shared/runner/journal-state.js';
import { newHome, startRunnerWorld, type RunnerWorld } from './fixtures.js';
import { names, smallPlan } from './small-plan.js';

describe('faults and bad plans', () => {
  let world: RunnerWorld;

  beforeAll(async () => {
    world = await startRunnerWorld({ speed: 2000, domain: 'faults.example.test', appEnvironments: [] });
  });
  afterAll(async () => world?.close());

  it('completes through throttling and bursts of 500s', async () => {
    const prefix = 'noisy';
    await world.seedRecord(names(prefix).domain);
    world.double.backends.apps.set(names(prefix).env, { host: '127.0.0.1', port: world.app.port });
    const throttle = world.double.faults.add({ kind: 'throttle', service: 'rds', times: 3 });
    const errors = world.double.faults.add({ kind: '500', service: 'elasticbeanstalk', times: 4 });
    const iam = world.double.faults.add({ kind: 'throttle', service: 'iam', operation: 'CreateRole', times: 2 });
    const r = await apply(smallPlan({ zoneId: world.zoneId, prefix }), world.options(await newHome(), { until: 'verify' }));
    expect(r.error?.message ?? null).toBeNull();
    expect([throttle.hits, errors.hits, iam.hits]).toEqual([3, 4, 2]);
    for (const f of [throttle, errors, iam]) f.remove();
  });

  it('stops an environment that never turns Ready at its budget, with the way out', async () => {
    const prefix = 'stuck';
    await world.seedRecord(names(prefix).domain);
    world.double.faults.add({ kind: 'never-ready', environmentName: names(prefix).env });
    const home = await newHome();
    const r = await apply(smallPlan({ zoneId: world.zoneId, prefix }), world.options(home, { until: 'provision' }));
    expect(r.result).toBe('failed');
    expect(r.error?.code).toBe('BUDGET_EXCEEDED');
    expect(r.error?.message).toMatch(/environment stuck-web is still Launching/);
    expect(r.error?.hint).toMatch(/skylift rollback stuck/);
    expect(journalState(Journal.read(migrationDir(prefix, home))).failed.has('provision-eb-web')).toBe(true);
  });

  it('stops at a failed check before the DNS switch, offering the rollback', async () => {
    const prefix = 'broken';
    await world.seedRecord(names(prefix).domain);
    // No app behind the environment: health stays red and the load balancer answers 503.
    const home = await newHome();
    const r = await apply(smallPlan({ zoneId: world.zoneId, prefix }), world.options(home, { yes: true }));
    expect(r.result).toBe('failed');
    expect(r.error?.code).toBe('VERIFY_FAILED');
    expect(r.error?.hint).toMatch(/nothing has been switched.*skylift rollback broken/);
    const state = journalState(Journal.read(migrationDir(prefix, home)));
    expect(state.done.has('switch-dns')).toBe(false);
    expect(state.startedAt.has('switch-dns')).toBe(false);
  });

  it('refuses truncated, hand-edited, blocked and mispinned plans before anything', async () => {
    const plan = smallPlan({ zoneId: world.zoneId, prefix: 'bad' });
    const text = JSON.stringify(plan, null, 2);
    expect(() => parsePlan(text.slice(0, text.length / 2), 'plan.json')).toThrow(/not valid JSON.*truncated/);
    const edited = JSON.parse(text) as { steps: { durationMinutes: unknown }[] };
    edited.steps[2]!.durationMinutes = 'soon';
    expect(() => parsePlan(JSON.stringify(edited), 'plan.json')).toThrow(/plan\.json does not match the plan schema: steps\.2\.durationMinutes/);
    const before = world.double.calls.length;
    const home = await newHome();
    const blocked = { ...plan, applicable: false, openBlockers: [{ id: 'x', title: 'timescaledb is not on RDS', answerKey: 'db.x.extension' }] };
    await expect(apply(blocked, world.options(home))).rejects.toMatchObject({ code: 'PLAN_NOT_APPLICABLE', message: expect.stringContaining('timescaledb is not on RDS (answer db.x.extension)') });
    await expect(apply({ ...plan, migration: { ...plan.migration, accountId: '999999999999' } }, world.options(home))).rejects.toMatchObject({ code: 'WRONG_ACCOUNT' });
    await expect(apply(plan, world.options(home, { aws: { ...world.options(home).aws, region: 'eu-west-1' } }))).rejects.toMatchObject({ code: 'WRONG_REGION' });
    expect(world.double.calls.slice(before).filter((c) => c.operation !== 'GetCallerIdentity')).toEqual([]);
    expect(readFileSync(`${migrationDir('bad', home)}/journal.jsonl`, 'utf8')).toBe('');
    const withCopy = { ...plan, steps: [...plan.steps, { ...plan.steps[0]!, id: 'copy-db-postgres', phase: 'copy' as const, dependsOn: ['provision-rds'], actions: [{ kind: 'data-copy' as const, engine: 'redis' as const, method: 'key-copy', source: {}, target: {}, notes: [] }] }] };
    await expect(apply(withCopy, world.options(home))).rejects.toMatchObject({ code: 'UNSUPPORTED_OPERATION', message: expect.stringContaining('copy-db-postgres: copy redis (key-copy)') });
    await world.seedRecord(names('bad').domain);
    expect((await apply(withCopy, world.options(home, { until: 'prepare' }))).result).toBe('stopped');
  });
});
