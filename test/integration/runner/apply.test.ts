/**
 * `apply` against the AWS double, in process: the DAG in parallel, phases, gates, resume from the
 * journal without creating anything twice, and the resources as the plan meant them.
 */
import { DescribeConfigurationSettingsCommand, DescribeEnvironmentsCommand } from '@aws-sdk/client-elastic-beanstalk';
import { ListResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply } from '../../../electron/engine/runner/apply.js';
import { rollback } from '../../../electron/engine/runner/rollback.js';
import type { RunnerEvent } from '../../../electron/engine/runner/events.js';
import { Journal, migrationDir } from '../../../electron/engine/runner/journal.js';
import { journalState } from '../../../shared/runner/journal-state.js';
import { DOMAIN, ENV, smallPlan } from './small-plan.js';
import { BOX_IP, newHome, startRunnerWorld, type RunnerWorld } from './fixtures.js';

describe('apply on the AWS double', () => {
  let world: RunnerWorld;

  beforeAll(async () => {
    world = await startRunnerWorld({ speed: 2000, domain: DOMAIN, appEnvironments: [ENV] });
  });
  afterAll(async () => world?.close());

  it('provisions in parallel up to a phase, then resumes through the gates to the DNS switch', async () => {
    const home = await newHome();
    const plan = smallPlan({ zoneId: world.zoneId, ttl: 60 });
    const events: RunnerEvent[] = [];
    const first = await apply(plan, world.options(home, { until: 'provision', onEvent: (e) => events.push(e) }));
    expect(first.error?.message ?? null).toBeNull();
    expect(first).toMatchObject({ id: 'shop', result: 'stopped' });
    const state = journalState(Journal.read(migrationDir('shop', home)));
    expect([...state.done].sort()).toEqual(plan.steps.filter((s) => s.phase === 'prepare' || s.phase === 'provision').map((s) => s.id).sort());
    // RDS and ElastiCache were created at the same time.
    const starts = events.filter((e) => e.type === 'step' && e.status === 'start').map((e) => (e as { step: string }).step);
    const doneAt = events.findIndex((e) => e.type === 'step' && e.status === 'done' && (e.step === 'provision-rds' || e.step === 'provision-cache'));
    expect(starts.indexOf('provision-cache')).toBeLessThan(doneAt);
    expect(starts.indexOf('provision-rds')).toBeLessThan(doneAt);
    // The instance's RDS events stream while the step waits, each once.
    const rdsEvents = events.filter((e) => e.type === 'aws-event' && e.step === 'provision-rds').map((e) => (e as { message: string }).message);
    expect(rdsEvents).toEqual(['DB instance created', 'Backing up DB instance', 'Finished DB Instance backup']);

    const waiting = await apply(plan, world.options(home));
    expect(waiting.result).toBe('waiting');
    expect(waiting.reason).toMatch(/freeze-writes/);

    const calls = world.double.calls.length;
    const last = await apply(plan, world.options(home, { yes: true }));
    expect(last.error?.message ?? null).toBeNull();
    expect(last.result).toBe('completed');
    const created = world.double.calls.slice(calls).filter((c) => /^Create/.test(c.operation));
    expect(created).toEqual([]);
    const records = await world.route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: world.zoneId }));
    const cname = records.ResourceRecordSets?.find((r) => r.Name === `${DOMAIN}.` && r.Type === 'CNAME');
    expect(cname?.ResourceRecords?.[0]?.Value).toBe(`${ENV}.us-east-1.elasticbeanstalk.com`);
    expect(records.ResourceRecordSets?.some((r) => r.Name === `${DOMAIN}.` && r.Type === 'A')).toBe(false);

    const undoEvents: RunnerEvent[] = [];
    const back = await rollback('shop', world.options(home, { yes: true, onEvent: (e) => undoEvents.push(e) }));
    expect(back.error?.message ?? null).toBeNull();
    expect(back.result).toBe('completed');
    expect(undoEvents.filter((e) => e.type === 'aws-event' && e.step === 'provision-rds').map((e) => (e as { message: string }).message)).toEqual(expect.arrayContaining(['Creating final DB snapshot', 'DB instance deleted']));
    const after = await world.route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: world.zoneId }));
    expect(after.ResourceRecordSets?.filter((r) => r.Name === `${DOMAIN}.`)).toEqual([{ Name: `${DOMAIN}.`, Type: 'A', TTL: 3600, ResourceRecords: [{ Value: BOX_IP }] }]);
    const w = world.double.world;
    expect([...w.all<{ instances: Map<string, unknown>; snapshots: Map<string, { SnapshotType?: string }> }>('rds')].flatMap(({ state }) => [...state.instances.keys()])).toEqual([]);
    const snapshots = [...w.all<{ snapshots: Map<string, { SnapshotType?: string }> }>('rds')].flatMap(({ state }) => [...state.snapshots.entries()]);
    expect(snapshots.filter(([, s]) => s.SnapshotType === 'manual').map(([id]) => id)).toEqual(['shop-db-final']);
    const envs = await world.double.resolve(`${ENV}.us-east-1.elasticbeanstalk.com`).then(() => 'alive', (e: Error) => e.message);
    expect(envs).toMatch(/ENOTFOUND/);
  });
});
