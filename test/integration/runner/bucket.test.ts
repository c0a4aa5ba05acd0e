/**
 * The uploads bucket as the plan makes it, run by the runner on the AWS double: private,
 * versioned, with the lifecycle rules; rolled back after files (and older versions) landed in it,
 * the bucket goes with every version, as its undo says.
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply } from '../../../electron/engine/runner/apply.js';
import { rollback } from '../../../electron/engine/runner/rollback.js';
import { SAMPLES } from '../../../shared/samples/index.js';
import type { Plan } from '../../../shared/schema/plan.js';
import { s3State } from '../../support/aws-double/services/s3.js';
import { runPlan } from '../../unit/plan/run-plan.js';
import { oneStepPlan } from './plan-parts.js';
import { newHome, startRunnerWorld, type RunnerWorld } from './fixtures.js';

const sample = SAMPLES['node12-uploads-crons']!;

/** The sample's plan with its uploads in S3, cut down to the bucket's own step. */
function bucketPlan(): { plan: Plan; bucket: string } {
  const app = sample.apps[0]!;
  const { plan } = runPlan([sample], { [`app.${app.name}.dir.uploads`]: 's3' });
  const step = plan.steps.find((s) => s.id.startsWith('prepare-bucket-'));
  if (!step) throw new Error('the plan has no bucket step');
  const create = step.actions.find((a) => a.kind === 'aws' && a.operation === 'CreateBucket');
  const bucket = String((create as { params: { Bucket: string } }).params.Bucket);
  return { plan: oneStepPlan(plan, step, 'bucket-test'), bucket };
}

describe('the uploads bucket step', () => {
  let world: RunnerWorld;
  beforeAll(async () => {
    world = await startRunnerWorld({ speed: 2000, domain: 'bucket.example.test', appEnvironments: [] });
  });
  afterAll(async () => world?.close());

  it('creates a private, versioned bucket with lifecycle rules, and rollback removes it with every object version', async () => {
    const { plan, bucket } = bucketPlan();
    const home = await newHome();
    const applied = await apply(plan, world.options(home, { yes: true }));
    expect(applied.error?.message ?? null).toBeNull();
    expect(applied.result).toBe('completed');
    const made = s3State(world.double.world).buckets.get(bucket)!;
    expect(made).toMatchObject({ versioning: 'Enabled', publicAccessBlock: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true } });
    expect(made.lifecycle?.map((r) => r.ID)).toEqual(['abort-incomplete-uploads', 'expire-old-versions']);
    expect(made.tags).toContainEqual({ Key: 'skylift:migration', Value: 'bucket-test' });

    // Files copied, one overwritten: the bucket now holds an older version too.
    const s3 = new S3Client({ region: plan.migration.region, endpoint: world.double.endpoint, forcePathStyle: true, credentials: { accessKeyId: world.user.accessKeyId, secretAccessKey: world.user.secretAccessKey } });
    for (const body of ['v1', 'v2']) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'uploads/a.jpg', Body: body }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'uploads/b.jpg', Body: 'b' }));
    s3.destroy();
    expect(made.history).toHaveLength(1);

    const back = await rollback(plan.migration.name, world.options(home, { yes: true }));
    expect(back.error?.message ?? null).toBeNull();
    expect(back.result).toBe('completed');
    expect(s3State(world.double.world).buckets.has(bucket)).toBe(false);
  });
});
