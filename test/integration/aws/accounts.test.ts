import { CreateApplicationCommand, DescribeApplicationsCommand } from '@aws-sdk/client-elastic-beanstalk';
import { GetRoleCommand } from '@aws-sdk/client-iam';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDoubleSession, type DoubleSession } from '../../support/aws-double/product-clients.js';
import { prepareEb } from './eb-setup.js';

describe('state is kept per account and region', () => {
  let s: DoubleSession;

  beforeAll(async () => {
    s = await startDoubleSession({ migrationId: 'mig-accounts' });
    await prepareEb(s.clients, 'shared-name');
  });

  afterAll(async () => {
    await s?.close();
  });

  it('keeps regional resources per region and global ones (IAM) per account', async () => {
    const ireland = s.connect({ region: 'eu-west-1' });
    expect((await ireland.elasticbeanstalk.send(new DescribeApplicationsCommand({}))).Applications).toEqual([]);
    expect((await ireland.iam.send(new GetRoleCommand({ RoleName: 'eb-ec2' }))).Role?.Arn).toBe(`arn:aws:iam::${s.user.account}:role/eb-ec2`);
  });

  it('keeps accounts apart, except for the one namespace AWS shares: bucket names', async () => {
    const other = s.connect({ as: s.double.createUser({ account: '210987654321' }) });
    expect((await other.sts.send(new GetCallerIdentityCommand({}))).Account).toBe('210987654321');
    expect((await other.elasticbeanstalk.send(new DescribeApplicationsCommand({}))).Applications).toEqual([]);
    await other.elasticbeanstalk.send(new CreateApplicationCommand({ ApplicationName: 'shared-name' }));
    await expect(other.iam.send(new GetRoleCommand({ RoleName: 'eb-ec2' }))).rejects.toMatchObject({ name: 'NoSuchEntityException' });
    await s.clients.s3.send(new CreateBucketCommand({ Bucket: 'one-name-for-all' }));
    await expect(s.clients.s3.send(new CreateBucketCommand({ Bucket: 'one-name-for-all' }))).rejects.toMatchObject({ name: 'BucketAlreadyOwnedByYou' });
    await expect(other.s3.send(new CreateBucketCommand({ Bucket: 'one-name-for-all' }))).rejects.toMatchObject({ name: 'BucketAlreadyExists' });
  });
});
