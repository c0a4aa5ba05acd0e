/** `apply --dry-run` checks every call and creates nothing; `cleanup` finds what carries the migration's tag but is not in its journal. */
import { ACMClient, ListCertificatesCommand, RequestCertificateCommand } from '@aws-sdk/client-acm';
import { CreateSecurityGroupCommand, DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateApplicationCommand, CreateEnvironmentCommand, DescribeApplicationsCommand, DescribeEnvironmentsCommand, ElasticBeanstalkClient } from '@aws-sdk/client-elastic-beanstalk';
import { CreateCacheClusterCommand, CreateReplicationGroupCommand, DescribeCacheClustersCommand, DescribeReplicationGroupsCommand, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { AddRoleToInstanceProfileCommand, AttachRolePolicyCommand, CreateInstanceProfileCommand, CreateRoleCommand, IAMClient, ListInstanceProfilesCommand, ListRolesCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateSecretCommand, ListSecretsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateBucketCommand, ListBucketsCommand, PutBucketTaggingCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply } from '../../../electron/engine/runner/apply.js';
import { cleanup } from '../../../electron/engine/runner/cleanup.js';
import { dryRun } from '../../../electron/engine/runner/dry-run.js';
import { aws } from '../../../shared/plan/builder.js';
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

  it('finds stray caches, Beanstalk environments and applications, buckets, certificates, roles, instance profiles and secrets carrying the tag, lists them, then deletes them; what the journal knows stays', async () => {
    const prefix = 'sweep';
    const home = await newHome();
    await world.seedRecord(names(prefix).domain);
    world.double.backends.apps.set(names(prefix).env, { host: '127.0.0.1', port: world.app.port });
    const plan = smallPlan({ zoneId: world.zoneId, prefix });
    // A secret the plan makes: the journal knows it by name (its token is a client request token).
    plan.steps.find((st) => st.id === 'provision-eb-application')!.actions.push(aws('secretsmanager', 'CreateSecret', { Name: 'sweep/app/session', SecretString: 'not-a-real-secret' }));
    expect((await apply(plan, world.options(home, { until: 'provision' }))).error?.message ?? null).toBeNull();
    const config = { region: 'us-east-1', endpoint: world.double.endpoint, credentials: { accessKeyId: world.user.accessKeyId, secretAccessKey: world.user.secretAccessKey } };
    const [cache, eb, s3, iam, acm, sm] = [new ElastiCacheClient(config), new ElasticBeanstalkClient(config), new S3Client({ ...config, forcePathStyle: true }), new IAMClient(config), new ACMClient(config), new SecretsManagerClient(config)];
    const Tags = [{ Key: 'skylift:migration', Value: prefix }];
    const otherTags = [{ Key: 'skylift:migration', Value: 'someone-else' }];
    // Made outside the journal, as a run killed between a create and its journal record would leave them.
    await cache.send(new CreateReplicationGroupCommand({ ReplicationGroupId: 'sweep-stray-redis', ReplicationGroupDescription: 'stray', Engine: 'valkey', CacheNodeType: 'cache.t4g.micro', NumCacheClusters: 1, Tags }));
    await cache.send(new CreateCacheClusterCommand({ CacheClusterId: 'sweep-stray-mc', Engine: 'memcached', CacheNodeType: 'cache.t4g.micro', NumCacheNodes: 1, Tags }));
    await cache.send(new CreateCacheClusterCommand({ CacheClusterId: 'other-mc', Engine: 'memcached', CacheNodeType: 'cache.t4g.micro', NumCacheNodes: 1, Tags: otherTags }));
    await eb.send(new CreateApplicationCommand({ ApplicationName: 'sweep-stray', Tags }));
    const strayEnv = await eb.send(
      new CreateEnvironmentCommand({
        ApplicationName: 'sweep-stray',
        EnvironmentName: 'sweep-stray-web',
        SolutionStackName: '64bit Amazon Linux 2023 v6.7.1 running Node.js 22',
        OptionSettings: [{ Namespace: 'aws:autoscaling:launchconfiguration', OptionName: 'IamInstanceProfile', Value: `${prefix}-ec2` }],
        Tags,
      }),
    );
    for (const [Bucket, TagSet] of [['sweep-stray-bucket', Tags], ['sweep-other-bucket', otherTags], ['sweep-untagged-bucket', null]] as const) {
      await s3.send(new CreateBucketCommand({ Bucket }));
      if (TagSet) await s3.send(new PutBucketTaggingCommand({ Bucket, Tagging: { TagSet: [...TagSet] } }));
    }
    await s3.send(new PutBucketVersioningCommand({ Bucket: 'sweep-stray-bucket', VersioningConfiguration: { Status: 'Enabled' } }));
    for (const Body of ['one', 'two']) await s3.send(new PutObjectCommand({ Bucket: 'sweep-stray-bucket', Key: 'uploads/a.txt', Body }));
    const { CertificateArn } = await acm.send(new RequestCertificateCommand({ DomainName: 'sweep.example.test', ValidationMethod: 'DNS', Tags }));
    await acm.send(new RequestCertificateCommand({ DomainName: 'other.example.test', ValidationMethod: 'DNS', Tags: otherTags }));
    // A role held every way IAM refuses to delete it: in an instance profile, with managed and inline policies.
    const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
    await iam.send(new CreateRoleCommand({ RoleName: 'sweep-stray-role', AssumeRolePolicyDocument: trust, Tags }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'sweep-stray-role', PolicyArn: 'arn:aws:iam::aws:policy/AWSElasticBeanstalkWebTier' }));
    await iam.send(new PutRolePolicyCommand({ RoleName: 'sweep-stray-role', PolicyName: 'stray', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [] }) }));
    await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'sweep-stray-profile', Tags }));
    await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'sweep-stray-profile', RoleName: 'sweep-stray-role' }));
    await iam.send(new CreateRoleCommand({ RoleName: 'sweep-other-role', AssumeRolePolicyDocument: trust, Tags: otherTags }));
    const straySecret = await sm.send(new CreateSecretCommand({ Name: 'sweep/stray-token', SecretString: 'x', Tags }));
    await sm.send(new CreateSecretCommand({ Name: 'sweep/other-token', SecretString: 'x', Tags: otherTags }));

    const expected = [
      ['Elastic Beanstalk environment', 'sweep-stray-web'],
      ['Elastic Beanstalk application', 'sweep-stray'],
      ['ElastiCache replication group', 'sweep-stray-redis'],
      ['ElastiCache cache cluster', 'sweep-stray-mc'],
      ['S3 bucket', 'sweep-stray-bucket'],
      ['ACM certificate', `sweep.example.test (${CertificateArn!.split('/').pop()})`],
      ['IAM instance profile', 'sweep-stray-profile'],
      ['IAM role', 'sweep-stray-role'],
      ['Secrets Manager secret', 'sweep/stray-token'],
    ];
    const before = world.double.calls.length;
    const listed = await cleanup(prefix, world.options(home, { dryRun: true }));
    expect(listed.orphans.map((o) => [o.kind, o.name])).toEqual(expected);
    expect(listed.kept).toEqual([strayEnv.EnvironmentId, 'sweep-stray', 'sweep-stray-redis', 'sweep-stray-mc', 'sweep-stray-bucket', CertificateArn, 'sweep-stray-profile', 'sweep-stray-role', straySecret.ARN]);
    expect(listed.deleted).toEqual([]);
    expect(world.double.calls.slice(before).map((c) => c.operation).filter((o) => !/^(Get|Describe|List)/.test(o))).toEqual([]);

    const done = await cleanup(prefix, world.options(home, { yes: true }));
    expect(done.orphans.map((o) => [o.kind, o.name])).toEqual(expected);
    expect(done.deleted).toEqual(listed.kept);
    const buckets = (await s3.send(new ListBucketsCommand({ BucketRegion: 'us-east-1' }))).Buckets!.map((b) => b.Name);
    expect(buckets).not.toContain('sweep-stray-bucket');
    expect(buckets).toEqual(expect.arrayContaining(['sweep-other-bucket', 'sweep-untagged-bucket']));
    expect((await eb.send(new DescribeApplicationsCommand({}))).Applications!.map((a) => a.ApplicationName)).toContain(prefix);
    expect((await eb.send(new DescribeApplicationsCommand({ ApplicationNames: ['sweep-stray'] }))).Applications).toEqual([]);
    const envs = (await eb.send(new DescribeEnvironmentsCommand({ IncludeDeleted: false }))).Environments!.map((e) => [e.EnvironmentName, e.Status]);
    expect(envs).toContainEqual([names(prefix).env, 'Ready']);
    expect(envs.map(([name]) => name)).not.toContain('sweep-stray-web');
    const groups = (await cache.send(new DescribeReplicationGroupsCommand({}))).ReplicationGroups!.map((g) => [g.ReplicationGroupId, g.Status]);
    expect(groups).toContainEqual([names(prefix).cache, 'available']);
    expect(groups.filter(([id]) => id === 'sweep-stray-redis').map(([, status]) => status)).not.toContain('available');
    const clusters = (await cache.send(new DescribeCacheClustersCommand({}))).CacheClusters!.map((c) => [c.CacheClusterId, c.CacheClusterStatus]);
    expect(clusters.filter(([id]) => id === 'sweep-stray-mc').map(([, status]) => status)).not.toContain('available');
    expect(clusters.find(([id]) => id === 'other-mc')?.[1]).not.toBe('deleting');
    const certs = (await acm.send(new ListCertificatesCommand({}))).CertificateSummaryList!.map((c) => c.DomainName);
    expect(certs).not.toContain('sweep.example.test');
    expect(certs).toContain('other.example.test');
    const roles = (await iam.send(new ListRolesCommand({}))).Roles!.map((r) => r.RoleName);
    expect(roles).toEqual(expect.arrayContaining([`${prefix}-ec2`, `${prefix}-eb-service`, 'sweep-other-role']));
    expect(roles).not.toContain('sweep-stray-role');
    const profiles = (await iam.send(new ListInstanceProfilesCommand({}))).InstanceProfiles!.map((p) => [p.InstanceProfileName, p.Roles?.map((r) => r.RoleName)]);
    expect(profiles).toContainEqual([`${prefix}-ec2`, [`${prefix}-ec2`]]);
    expect(profiles.map(([name]) => name)).not.toContain('sweep-stray-profile');
    const left = (await sm.send(new ListSecretsCommand({}))).SecretList!.map((x) => x.Name);
    expect(left).toEqual(expect.arrayContaining(['sweep/app/session', 'sweep/other-token']));
    expect(left).not.toContain('sweep/stray-token');
    const again = await cleanup(prefix, world.options(home, { dryRun: true }));
    expect(again.orphans).toEqual([]);
    for (const client of [cache, eb, s3, iam, acm, sm]) client.destroy();
  });
});
