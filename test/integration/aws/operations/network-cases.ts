import { AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand, CreateTagsCommand, DeleteSecurityGroupCommand, DescribeSecurityGroupsCommand, DescribeSubnetsCommand, DescribeVpcsCommand, RevokeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetBucketTaggingCommand,
  ListBucketsCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
} from '@aws-sdk/client-s3';
import { expect } from 'vitest';
import { createTaggedBucket, emptyAndDeleteBucket, uploadObject } from '../../../../electron/engine/aws/s3.js';
import { downloadObject } from '../../../../electron/engine/doctor/bundle.js';
import { s3State } from '../../../support/aws-double/services/s3.js';
import { SKYLIFT_TAG, type OperationCase } from './context.js';

export const BUCKET = 'skylift-mig-test-0001';

export const networkCases: OperationCase[] = [
  {
    name: 'default VPC and its subnets',
    ops: ['ec2:DescribeVpcs', 'ec2:DescribeSubnets'],
    async run(ctx) {
      const vpc = (await ctx.clients.ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }))).Vpcs?.[0];
      expect(vpc).toMatchObject({ IsDefault: true, CidrBlock: '172.31.0.0/16' });
      const subnets = (await ctx.clients.ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc!.VpcId!] }, { Name: 'default-for-az', Values: ['true'] }] }))).Subnets!;
      expect(new Set(subnets.map((s) => s.AvailabilityZone)).size).toBe(3);
      ctx.set('vpc', vpc!.VpcId);
      ctx.set('subnets', subnets.map((s) => s.SubnetId).join(','));
    },
  },
  {
    name: 'database security group: tagged, ingress opened and closed',
    ops: ['ec2:CreateSecurityGroup', 'ec2:DescribeSecurityGroups', 'ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress', 'ec2:CreateTags'],
    async run(ctx) {
      const { clients } = ctx;
      const { GroupId } = await clients.ec2.send(new CreateSecurityGroupCommand({ GroupName: 'skylift-db', Description: 'Skylift database', VpcId: ctx.get('vpc') }));
      ctx.set('dbGroup', GroupId);
      const rule = { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: '172.31.0.0/16' }] };
      await clients.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId, IpPermissions: [rule] }));
      await expect(clients.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId, IpPermissions: [rule] }))).rejects.toMatchObject({ name: 'InvalidPermission.Duplicate' });
      await clients.ec2.send(new CreateTagsCommand({ Resources: [GroupId!], Tags: [{ Key: 'Name', Value: 'skylift-db' }] }));
      let group = (await clients.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [GroupId!] }))).SecurityGroups![0]!;
      expect(group.Tags).toEqual(expect.arrayContaining([SKYLIFT_TAG, { Key: 'Name', Value: 'skylift-db' }]));
      expect(group.IpPermissions).toMatchObject([rule]);
      await clients.ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId, IpPermissions: [rule] }));
      group = (await clients.ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'tag:skylift:migration', Values: [SKYLIFT_TAG.Value] }] }))).SecurityGroups![0]!;
      expect(group.IpPermissions).toEqual([]);
    },
  },
  {
    name: 'bucket created, tagged and checked',
    ops: ['s3:CreateBucket', 's3:PutBucketTagging', 's3:HeadBucket'],
    async run({ clients, session }) {
      await createTaggedBucket(clients, BUCKET);
      expect(s3State(session.double.world).buckets.get(BUCKET)?.tags).toEqual([SKYLIFT_TAG]);
      expect(await clients.s3.send(new HeadBucketCommand({ Bucket: BUCKET }))).toMatchObject({ BucketRegion: 'us-east-1' });
    },
  },
  {
    name: 'buckets listed by region and their tags read (how cleanup finds them); an untagged one has no tag set',
    ops: ['s3:ListBuckets', 's3:GetBucketTagging'],
    async run({ clients }) {
      await clients.s3.send(new CreateBucketCommand({ Bucket: 'skylift-untagged-0001' }));
      const listed = (await clients.s3.send(new ListBucketsCommand({ BucketRegion: 'us-east-1' }))).Buckets!;
      expect(listed.map((b) => [b.Name, b.BucketRegion])).toEqual(expect.arrayContaining([[BUCKET, 'us-east-1'], ['skylift-untagged-0001', 'us-east-1']]));
      expect((await clients.s3.send(new ListBucketsCommand({ BucketRegion: 'eu-west-1' }))).Buckets ?? []).toEqual([]);
      expect((await clients.s3.send(new GetBucketTaggingCommand({ Bucket: BUCKET }))).TagSet).toEqual([SKYLIFT_TAG]);
      await expect(clients.s3.send(new GetBucketTaggingCommand({ Bucket: 'skylift-untagged-0001' }))).rejects.toMatchObject({ name: 'NoSuchTagSet' });
      await clients.s3.send(new DeleteBucketCommand({ Bucket: 'skylift-untagged-0001' }));
    },
  },
  {
    name: 'source bundle uploaded in one request',
    ops: ['s3:PutObject'],
    async run({ clients, session }) {
      await uploadObject(clients, { bucket: BUCKET, key: 'bundles/v1.zip', body: Buffer.from('PK\x03\x04 a source bundle'), contentType: 'application/zip' });
      expect(s3State(session.double.world).buckets.get(BUCKET)?.objects.get('bundles/v1.zip')?.body.toString()).toBe('PK\x03\x04 a source bundle');
    },
  },
  {
    name: 'large upload in parts',
    ops: ['s3:CreateMultipartUpload', 's3:UploadPart', 's3:CompleteMultipartUpload'],
    async run({ clients, session }) {
      const body = Buffer.alloc(11 * 1024 * 1024, 7);
      body.write('first bytes');
      await uploadObject(clients, { bucket: BUCKET, key: 'data/dump.bin', body }, { partSize: 5 * 1024 * 1024 });
      const stored = s3State(session.double.world).buckets.get(BUCKET)?.objects.get('data/dump.bin');
      expect(stored?.body.equals(body)).toBe(true);
      expect(stored?.etag).toMatch(/-3"$/);
    },
  },
  {
    name: 'a failed part aborts the upload',
    ops: ['s3:AbortMultipartUpload'],
    async run({ session }) {
      const once = session.connect({ maxAttempts: 1 });
      const fault = session.double.faults.add({ kind: '500', service: 's3', operation: 'UploadPart', times: 10 });
      await expect(uploadObject(once, { bucket: BUCKET, key: 'data/broken.bin', body: Buffer.alloc(6 * 1024 * 1024) }, { partSize: 5 * 1024 * 1024 })).rejects.toMatchObject({ name: 'InternalError' });
      fault.remove();
      const bucket = s3State(session.double.world).buckets.get(BUCKET)!;
      expect(bucket.uploads.size).toBe(0);
      expect(bucket.objects.has('data/broken.bin')).toBe(false);
    },
  },
  {
    name: 'object metadata read without its body',
    ops: ['s3:HeadObject'],
    async run({ clients }) {
      await clients.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'meta/one.txt', Body: 'x', Metadata: { 'skylift-sha256': 'abc' } }));
      expect(await clients.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'meta/one.txt' }))).toMatchObject({ Metadata: { 'skylift-sha256': 'abc' } });
      await clients.s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'meta/one.txt' }));
    },
  },
  {
    name: 'deployed source bundle read back',
    ops: ['s3:GetObject'],
    async run({ clients }) {
      expect((await downloadObject(clients, BUCKET, 'bundles/v1.zip')).toString()).toBe('PK\x03\x04 a source bundle');
    },
  },
  {
    name: 'an uploads bucket as the plan makes it: private, versioned, stale multipart uploads aborted; emptied version by version',
    ops: ['s3:PutPublicAccessBlock', 's3:PutBucketVersioning', 's3:PutBucketLifecycleConfiguration', 's3:ListObjectVersions'],
    async run({ clients, session }) {
      const Bucket = `${BUCKET}-uploads`;
      await createTaggedBucket(clients, Bucket);
      const block = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };
      await clients.s3.send(new PutPublicAccessBlockCommand({ Bucket, PublicAccessBlockConfiguration: block }));
      await clients.s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled' } }));
      const rule = { ID: 'abort-incomplete-uploads', Status: 'Enabled' as const, Filter: { Prefix: '' }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } };
      await clients.s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket, LifecycleConfiguration: { Rules: [rule] } }));
      expect(s3State(session.double.world).buckets.get(Bucket)).toMatchObject({ publicAccessBlock: block, versioning: 'Enabled', lifecycle: [rule] });
      const first = await clients.s3.send(new PutObjectCommand({ Bucket, Key: 'a.jpg', Body: 'one' }));
      await clients.s3.send(new PutObjectCommand({ Bucket, Key: 'a.jpg', Body: 'two' }));
      await clients.s3.send(new PutObjectCommand({ Bucket, Key: 'b.jpg', Body: 'gone' }));
      await clients.s3.send(new DeleteObjectCommand({ Bucket, Key: 'b.jpg' }));
      const listed = await clients.s3.send(new ListObjectVersionsCommand({ Bucket }));
      expect(listed.Versions?.map((v) => [v.Key, v.IsLatest, v.Size])).toEqual([['a.jpg', true, 3], ['a.jpg', false, 3], ['b.jpg', false, 4]]);
      expect(listed.Versions?.[1]?.VersionId).toBe(first.VersionId);
      expect(listed.DeleteMarkers?.map((m) => [m.Key, m.IsLatest])).toEqual([['b.jpg', true]]);
      expect((await clients.s3.send(new ListObjectsV2Command({ Bucket }))).Contents?.map((o) => o.Key)).toEqual(['a.jpg']);
      // A versioned bucket is only empty once every version and marker is gone.
      await expect(clients.s3.send(new DeleteObjectCommand({ Bucket, Key: 'a.jpg' })).then(() => emptyAndDeleteBucket(clients, Bucket))).resolves.toBe(5);
      expect(s3State(session.double.world).buckets.has(Bucket)).toBe(false);
    },
  },
  {
    name: 'listing by prefix',
    ops: ['s3:ListObjectsV2'],
    async run({ clients }) {
      const page = await clients.s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'bundles/' }));
      expect(page.Contents?.map((o) => [o.Key, o.Size])).toEqual([['bundles/v1.zip', 20]]);
    },
  },
];

export const networkTeardown: OperationCase[] = [
  {
    name: 'bucket emptied and deleted',
    ops: ['s3:DeleteObject', 's3:DeleteObjects', 's3:DeleteBucket'],
    async run({ clients, session }) {
      await clients.s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'bundles/v1.zip' }));
      expect(await emptyAndDeleteBucket(clients, BUCKET)).toBe(1);
      expect(s3State(session.double.world).buckets.has(BUCKET)).toBe(false);
    },
  },
  {
    name: 'security group deleted once nothing uses it',
    ops: ['ec2:DeleteSecurityGroup'],
    async run(ctx) {
      await ctx.clients.ec2.send(new DeleteSecurityGroupCommand({ GroupId: ctx.get('dbGroup') }));
      await expect(ctx.clients.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [ctx.get('dbGroup')] }))).rejects.toMatchObject({ name: 'InvalidGroup.NotFound' });
    },
  },
];
