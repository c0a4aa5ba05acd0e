/** `apply --dry-run` checks every call and creates nothing; `cleanup` finds what carries the migration's tag but is not in its journal. */
import { CreateSecurityGroupCommand, DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply } from '../../../electron/engine/runner/apply.js';
import { cleanup } from '../../../electron/engine/runner/cleanup.js';
import { dryRun } from '../../../electron/engine/runner/dry-run.js';
import type { AwsAction } from '../../../shared/schema/plan.js';
import { newHome, startRunnerWorld, type RunnerWorld } from './fixtures.js';
import { names, smallPlan } from './small-plan.js';

describe('dry run and cleanup', () => {
  let world: RunnerWorld;

  beforeAll(async () => {
    world = await startRunnerWorld({ speed: 2000, domain: 'dry.example.test', appEnvironments: [] });
  });
  afterAll(async () => world?.close());

  it('checks every call of the plan and creates nothing', async () => {
    const before = world.double.calls.length;
    const ok = await dryRun(smallPlan({ zoneId: world.zoneId, prefix: 'dry' }), world.options(await newHome()));
    expect(ok.error?.message ?? null).toBeNull();
    expect(ok.result).toBe('completed');
    expect(world.double.calls.slice(before).map((c) => c.operation).filter((o) => !/^(Get|Describe|List)/.test(o))).toEqual([]);
    const bad = smallPlan({ zoneId: world.zoneId, prefix: 'dry' });
    const create = bad.steps.find((s) => s.id === 'provision-eb-web')!.actions[1] as AwsAction;
    (create.params.OptionSettings as { OptionName: string; Value: unknown }[]).find((o) => o.OptionName === 'IdleTimeout')!.Value = '99999';
    const refused = await dryRun(bad, world.options(await newHome()));
    expect(refused.result).toBe('failed');
    expect(refused.error?.message).toMatch(/IdleTimeout.*must be an integer from 1 to 4000/);
  });

  it('finds a tagged security group the journal does not know, and deletes it when confirmed', async () => {
    const prefix = 'tidy';
    const home = await newHome();
    await world.seedRecord(names(prefix).domain);
    world.double.backends.apps.set(names(prefix).env, { host: '127.0.0.1', port: world.app.port });
    expect((await apply(smallPlan({ zoneId: world.zoneId, prefix }), world.options(home, { until: 'provision' }))).error?.message ?? null).toBeNull();
    const ec2 = new EC2Client({ region: 'us-east-1', endpoint: world.double.endpoint, credentials: { accessKeyId: world.user.accessKeyId, secretAccessKey: world.user.secretAccessKey } });
    const stray = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'made-by-hand', Description: 'stray', TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: 'skylift:migration', Value: prefix }] }] }));
    const listed = await cleanup(prefix, world.options(home, { yes: false }));
    expect(listed.orphans.map((o) => o.name)).toEqual(['made-by-hand']);
    expect(listed.kept).toEqual([stray.GroupId]);
    const done = await cleanup(prefix, world.options(home, { yes: true }));
    expect(done.deleted).toEqual([stray.GroupId]);
    const left = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'tag:skylift:migration', Values: [prefix] }] }));
    expect(left.SecurityGroups?.map((g) => g.GroupName).sort()).toEqual([`${prefix}-app`, `${prefix}-dbsg`]);
    ec2.destroy();
  });
});
