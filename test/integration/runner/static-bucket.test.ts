/**
 * The static-files bucket as the plan makes it, run by the runner on the AWS double: a private
 * bucket behind a CloudFront distribution that reaches it through an origin access control; rolled
 * back, the distribution is disabled, deployed, deleted (each change naming its ETag), then the
 * OAC and the bucket go.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply } from '../../../electron/engine/runner/apply.js';
import { rollback } from '../../../electron/engine/runner/rollback.js';
import { SAMPLES } from '../../../shared/samples/index.js';
import type { Plan } from '../../../shared/schema/plan.js';
import { cloudfrontState } from '../../support/aws-double/services/cloudfront.js';
import { s3State } from '../../support/aws-double/services/s3.js';
import { runPlan } from '../../unit/plan/run-plan.js';
import { oneStepPlan } from './plan-parts.js';
import { newHome, startRunnerWorld, type RunnerWorld } from './fixtures.js';

/** The postgis sample's plan cut down to its static bucket's own step. */
function staticBucketPlan(): { plan: Plan; bucket: string } {
  const { plan } = runPlan([SAMPLES.postgis!]);
  const step = plan.steps.find((s) => s.id.startsWith('prepare-bucket-') && s.id.includes('static'));
  if (!step) throw new Error('the plan has no static bucket step');
  const create = step.actions.find((a) => a.kind === 'aws' && a.operation === 'CreateBucket');
  const bucket = String((create as { params: { Bucket: string } }).params.Bucket);
  return { plan: oneStepPlan(plan, step, 'static-bucket-test'), bucket };
}

describe('the static bucket step', () => {
  let world: RunnerWorld;
  beforeAll(async () => {
    world = await startRunnerWorld({ speed: 2000, domain: 'static.example.test', appEnvironments: [] });
  });
  afterAll(async () => world?.close());

  it('puts the bucket behind a deployed, tagged distribution, and rollback removes distribution, OAC and bucket', async () => {
    const { plan, bucket } = staticBucketPlan();
    const home = await newHome();
    const applied = await apply(plan, world.options(home, { yes: true }));
    expect(applied.error?.message ?? null).toBeNull();
    expect(applied.result).toBe('completed');

    const cdn = cloudfrontState(world.double.world, world.user.account);
    const [distribution, ...others] = [...cdn.distributions.values()];
    expect(others).toEqual([]);
    const [oac] = [...cdn.originAccessControls.values()];
    expect(distribution).toMatchObject({ status: 'Deployed', config: { Enabled: true, Origins: { Items: [{ DomainName: `${bucket}.s3.${plan.migration.region}.amazonaws.com`, OriginAccessControlId: oac!.id }] } } });
    expect(distribution!.tags).toContainEqual({ Key: 'skylift:migration', Value: 'static-bucket-test' });
    const policy = JSON.parse(s3State(world.double.world).buckets.get(bucket)!.policy!);
    expect(policy.Statement[0]).toMatchObject({ Principal: { Service: 'cloudfront.amazonaws.com' }, Resource: `arn:aws:s3:::${bucket}/*`, Condition: { StringEquals: { 'AWS:SourceArn': distribution!.arn } } });

    const back = await rollback(plan.migration.name, world.options(home, { yes: true }));
    expect(back.error?.message ?? null).toBeNull();
    expect(back.result).toBe('completed');
    expect(cdn.distributions.size).toBe(0);
    expect(cdn.originAccessControls.size).toBe(0);
    expect(s3State(world.double.world).buckets.has(bucket)).toBe(false);
  });
});
