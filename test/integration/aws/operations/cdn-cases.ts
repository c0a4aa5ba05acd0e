import {
  CreateDistributionWithTagsCommand,
  CreateOriginAccessControlCommand,
  DeleteDistributionCommand,
  DeleteOriginAccessControlCommand,
  GetDistributionCommand,
  GetOriginAccessControlCommand,
  UpdateDistributionCommand,
  type DistributionConfig,
} from '@aws-sdk/client-cloudfront';
import { CreateBucketCommand, DeleteBucketCommand, PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import { expect } from 'vitest';
import type { AwsClients } from '../../../../electron/engine/aws/clients.js';
import { waitUntil, type Verdict } from '../../../../electron/engine/aws/wait.js';
import { cloudfrontState } from '../../../support/aws-double/services/cloudfront.js';
import { s3State } from '../../../support/aws-double/services/s3.js';
import { SKYLIFT_TAG, type CaseContext, type OperationCase } from './context.js';

const BUCKET = 'skylift-ops-static';

const config = (oacId: string, enabled: boolean): DistributionConfig => ({
  CallerReference: BUCKET,
  Comment: 'skylift static',
  Enabled: enabled,
  Origins: { Quantity: 1, Items: [{ Id: 's3', DomainName: `${BUCKET}.s3.us-east-1.amazonaws.com`, OriginAccessControlId: oacId, S3OriginConfig: { OriginAccessIdentity: '' } }] },
  DefaultCacheBehavior: { TargetOriginId: 's3', ViewerProtocolPolicy: 'redirect-to-https', CachePolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6' },
});

async function deployed(clients: AwsClients, ctx: CaseContext, Id: string): Promise<string> {
  const got = await waitUntil('distribution', () => clients.cloudfront.send(new GetDistributionCommand({ Id })), (r): Verdict => (r.Distribution?.Status === 'Deployed' ? { done: true } : { done: false, status: r.Distribution?.Status ?? 'missing' }), ctx.wait);
  return got.ETag!;
}

export const cdnCases: OperationCase[] = [
  {
    name: 'CloudFront: origin access control for the static bucket',
    ops: ['cloudfront:CreateOriginAccessControl', 'cloudfront:GetOriginAccessControl'],
    async run(ctx) {
      const cf = ctx.clients.cloudfront;
      const OriginAccessControlConfig = { Name: BUCKET, OriginAccessControlOriginType: 's3' as const, SigningBehavior: 'always' as const, SigningProtocol: 'sigv4' as const };
      const made = await cf.send(new CreateOriginAccessControlCommand({ OriginAccessControlConfig }));
      expect(made.ETag).toBeTruthy();
      await expect(cf.send(new CreateOriginAccessControlCommand({ OriginAccessControlConfig }))).rejects.toMatchObject({ name: 'OriginAccessControlAlreadyExists' });
      const got = await cf.send(new GetOriginAccessControlCommand({ Id: made.OriginAccessControl!.Id }));
      expect(got).toMatchObject({ ETag: made.ETag, OriginAccessControl: { OriginAccessControlConfig } });
      await expect(cf.send(new GetOriginAccessControlCommand({ Id: 'ENOSUCHOAC0001' }))).rejects.toMatchObject({ name: 'NoSuchOriginAccessControl' });
      ctx.set('oacId', made.OriginAccessControl!.Id);
    },
  },
  {
    name: 'CloudFront: a distribution created with the migration tag deploys',
    ops: ['cloudfront:CreateDistributionWithTags', 'cloudfront:GetDistribution'],
    async run(ctx) {
      const cf = ctx.clients.cloudfront;
      const made = await cf.send(new CreateDistributionWithTagsCommand({ DistributionConfigWithTags: { DistributionConfig: config(ctx.get('oacId'), true), Tags: { Items: [] } } }));
      const d = made.Distribution!;
      expect(d).toMatchObject({ Status: 'InProgress', DistributionConfig: { Enabled: true } });
      expect(d.DomainName).toMatch(/^d[a-z0-9]+\.cloudfront\.net$/);
      expect(d.ARN).toBe(`arn:aws:cloudfront::${ctx.session.user.account}:distribution/${d.Id}`);
      expect(cloudfrontState(ctx.session.double.world, ctx.session.user.account).distributions.get(d.Id!)?.tags).toContainEqual(SKYLIFT_TAG);
      await expect(cf.send(new CreateDistributionWithTagsCommand({ DistributionConfigWithTags: { DistributionConfig: config(ctx.get('oacId'), true), Tags: { Items: [] } } }))).rejects.toMatchObject({ name: 'DistributionAlreadyExists' });
      expect(await deployed(ctx.clients, ctx, d.Id!)).toBe(made.ETag);
      ctx.set('distributionId', d.Id);
      ctx.set('distributionArn', d.ARN);
    },
  },
  {
    name: 'S3: a bucket policy that admits only the distribution',
    ops: ['s3:PutBucketPolicy'],
    async run(ctx) {
      const s3 = ctx.clients.s3;
      await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
      const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'cloudfront.amazonaws.com' }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*`, Condition: { StringEquals: { 'AWS:SourceArn': ctx.get('distributionArn') } } }] });
      await expect(s3.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: 'not json' }))).rejects.toMatchObject({ name: 'MalformedPolicy' });
      await s3.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: policy }));
      expect(s3State(ctx.session.double.world).buckets.get(BUCKET)?.policy).toBe(policy);
    },
  },
];

export const cdnTeardown: OperationCase[] = [
  {
    name: 'CloudFront: disable, wait, delete the distribution (each change naming its ETag), then the OAC',
    ops: ['cloudfront:UpdateDistribution', 'cloudfront:DeleteDistribution', 'cloudfront:DeleteOriginAccessControl'],
    async run(ctx) {
      const cf = ctx.clients.cloudfront;
      const Id = ctx.get('distributionId');
      const oacId = ctx.get('oacId');
      const enabled = (await cf.send(new GetDistributionCommand({ Id }))).ETag!;
      await expect(cf.send(new DeleteDistributionCommand({ Id }))).rejects.toMatchObject({ name: 'InvalidIfMatchVersion' });
      await expect(cf.send(new DeleteDistributionCommand({ Id, IfMatch: enabled }))).rejects.toMatchObject({ name: 'DistributionNotDisabled' });
      await expect(cf.send(new UpdateDistributionCommand({ Id, IfMatch: 'ESTALE', DistributionConfig: config(oacId, false) }))).rejects.toMatchObject({ name: 'PreconditionFailed' });
      const disabled = await cf.send(new UpdateDistributionCommand({ Id, IfMatch: enabled, DistributionConfig: config(oacId, false) }));
      expect(disabled.ETag).not.toBe(enabled);
      expect(disabled.Distribution).toMatchObject({ Status: 'InProgress', DistributionConfig: { Enabled: false } });
      await expect(cf.send(new DeleteDistributionCommand({ Id, IfMatch: disabled.ETag }))).rejects.toMatchObject({ name: 'DistributionNotDisabled' });
      const oacETag = (await cf.send(new GetOriginAccessControlCommand({ Id: oacId }))).ETag!;
      await expect(cf.send(new DeleteOriginAccessControlCommand({ Id: oacId, IfMatch: oacETag }))).rejects.toMatchObject({ name: 'OriginAccessControlInUse' });
      await cf.send(new DeleteDistributionCommand({ Id, IfMatch: await deployed(ctx.clients, ctx, Id) }));
      await expect(cf.send(new GetDistributionCommand({ Id }))).rejects.toMatchObject({ name: 'NoSuchDistribution' });
      await cf.send(new DeleteOriginAccessControlCommand({ Id: oacId, IfMatch: oacETag }));
      await expect(cf.send(new GetOriginAccessControlCommand({ Id: oacId }))).rejects.toMatchObject({ name: 'NoSuchOriginAccessControl' });
      await ctx.clients.s3.send(new DeleteBucketCommand({ Bucket: BUCKET }));
    },
  },
];
