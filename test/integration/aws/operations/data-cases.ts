import { DeleteAlarmsCommand, DescribeAlarmsCommand, GetMetricDataCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import {
  CreateCacheClusterCommand,
  CreateCacheSubnetGroupCommand,
  CreateReplicationGroupCommand,
  DeleteCacheClusterCommand,
  DeleteCacheSubnetGroupCommand,
  DeleteReplicationGroupCommand,
  DescribeCacheClustersCommand,
  DescribeReplicationGroupsCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-elasticache';
import {
  AddTagsToResourceCommand,
  CreateDBInstanceCommand,
  CreateDBSubnetGroupCommand,
  DeleteDBInstanceCommand,
  DeleteDBSubnetGroupCommand,
  DescribeDBEngineVersionsCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  DescribeEventsCommand,
} from '@aws-sdk/client-rds';
import { CreateSecretCommand, DeleteSecretCommand, GetSecretValueCommand, ListSecretsCommand } from '@aws-sdk/client-secrets-manager';
import { GetAWSDefaultServiceQuotaCommand, GetServiceQuotaCommand } from '@aws-sdk/client-service-quotas';
import { DeleteParameterCommand, GetParameterCommand, GetParametersByPathCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { expect } from 'vitest';
import { waitForDbInstance, waitForReplicationGroup, waitUntil } from '../../../../electron/engine/aws/wait.js';
import { SKYLIFT_TAG, type OperationCase } from './context.js';

export const dataCases: OperationCase[] = [
  {
    name: 'PostgreSQL on RDS: version, subnet group, instance available, tags, automated snapshot, its events',
    ops: ['rds:DescribeDBEngineVersions', 'rds:CreateDBSubnetGroup', 'rds:CreateDBInstance', 'rds:DescribeDBInstances', 'rds:AddTagsToResource', 'rds:DescribeDBSnapshots', 'rds:DescribeEvents'],
    async run(ctx) {
      const rds = ctx.clients.rds;
      const versions = (await rds.send(new DescribeDBEngineVersionsCommand({ Engine: 'postgres', EngineVersion: '17', DefaultOnly: true }))).DBEngineVersions!;
      expect(versions.map((v) => v.EngineVersion)).toEqual(['17.5']);
      const subnets = ctx.get('subnets').split(',');
      await expect(rds.send(new CreateDBSubnetGroupCommand({ DBSubnetGroupName: 'one-zone', DBSubnetGroupDescription: 'x', SubnetIds: subnets.slice(0, 1) }))).rejects.toMatchObject({
        name: 'DBSubnetGroupDoesNotCoverEnoughAZs',
      });
      await rds.send(new CreateDBSubnetGroupCommand({ DBSubnetGroupName: 'skylift-db', DBSubnetGroupDescription: 'Skylift database subnets', SubnetIds: subnets }));
      const input = {
        DBInstanceIdentifier: 'skylift-db',
        Engine: 'postgres',
        EngineVersion: '17',
        DBInstanceClass: 'db.t4g.micro',
        AllocatedStorage: 20,
        MasterUsername: 'app',
        MasterUserPassword: 'correct-horse-battery',
        DBSubnetGroupName: 'skylift-db',
        VpcSecurityGroupIds: [ctx.get('dbGroup')],
      };
      const created = (await rds.send(new CreateDBInstanceCommand(input))).DBInstance!;
      expect(created).toMatchObject({ DBInstanceStatus: 'creating', EngineVersion: '17.5', TagList: [SKYLIFT_TAG] });
      expect(created.Endpoint).toBeUndefined();
      await expect(rds.send(new CreateDBInstanceCommand(input))).rejects.toMatchObject({ name: 'DBInstanceAlreadyExistsFault' });
      const available = await waitForDbInstance(ctx.clients, 'skylift-db', ctx.wait);
      expect(available.Endpoint).toMatchObject({ Address: expect.stringMatching(/^skylift-db\.c\w+\.us-east-1\.rds\.amazonaws\.com$/), Port: 5432 });
      await rds.send(new AddTagsToResourceCommand({ ResourceName: available.DBInstanceArn, Tags: [{ Key: 'Name', Value: 'app database' }] }));
      const tagged = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'skylift-db' }))).DBInstances![0]!;
      expect(tagged.TagList).toEqual([SKYLIFT_TAG, { Key: 'Name', Value: 'app database' }]);
      const snapshots = (await rds.send(new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: 'skylift-db', SnapshotType: 'automated' }))).DBSnapshots!;
      expect(snapshots).toHaveLength(1);
      const events = (await rds.send(new DescribeEventsCommand({ SourceIdentifier: 'skylift-db', SourceType: 'db-instance', Duration: 1440 }))).Events!;
      expect(events.map((e) => e.Message)).toEqual(['DB instance created', 'Backing up DB instance', 'Finished DB Instance backup']);
      const later = (await rds.send(new DescribeEventsCommand({ SourceIdentifier: 'skylift-db', SourceType: 'db-instance', StartTime: events[1]!.Date }))).Events!;
      expect(later.map((e) => e.Message)).toEqual(['Backing up DB instance', 'Finished DB Instance backup']);
    },
  },
  {
    name: 'Redis on ElastiCache: replication group available, a memcached cluster too',
    ops: ['elasticache:CreateCacheSubnetGroup', 'elasticache:CreateReplicationGroup', 'elasticache:DescribeReplicationGroups', 'elasticache:CreateCacheCluster', 'elasticache:DescribeCacheClusters'],
    async run(ctx) {
      const cache = ctx.clients.elasticache;
      await cache.send(new CreateCacheSubnetGroupCommand({ CacheSubnetGroupName: 'skylift-cache', CacheSubnetGroupDescription: 'Skylift cache subnets', SubnetIds: ctx.get('subnets').split(',') }));
      await cache.send(new CreateReplicationGroupCommand({ ReplicationGroupId: 'skylift-redis', ReplicationGroupDescription: 'sessions and socket.io adapter', Engine: 'valkey', CacheNodeType: 'cache.t4g.micro', NumCacheClusters: 1, CacheSubnetGroupName: 'skylift-cache' }));
      const group = await waitForReplicationGroup(ctx.clients, 'skylift-redis', ctx.wait);
      expect(group.NodeGroups?.[0]?.PrimaryEndpoint?.Port).toBe(6379);
      await cache.send(new CreateCacheClusterCommand({ CacheClusterId: 'skylift-memcached', Engine: 'memcached', CacheNodeType: 'cache.t4g.micro', NumCacheNodes: 2, CacheSubnetGroupName: 'skylift-cache' }));
      const clusters = await waitUntil(
        'memcached available',
        async () => (await cache.send(new DescribeCacheClustersCommand({ CacheClusterId: 'skylift-memcached', ShowCacheNodeInfo: true }))).CacheClusters![0]!,
        (c) => (c.CacheClusterStatus === 'available' ? { done: true } : { done: false, status: c.CacheClusterStatus! }),
        ctx.wait,
      );
      expect(clusters.CacheNodes?.map((n) => n.Endpoint?.Port)).toEqual([11211, 11211]);
    },
  },
  {
    name: 'the caches carry the migration tag, read by ARN (how cleanup finds them)',
    ops: ['elasticache:ListTagsForResource'],
    async run({ clients }) {
      const cache = clients.elasticache;
      const group = (await cache.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: 'skylift-redis' }))).ReplicationGroups![0]!;
      expect((await cache.send(new ListTagsForResourceCommand({ ResourceName: group.ARN }))).TagList).toEqual([SKYLIFT_TAG]);
      const cluster = (await cache.send(new DescribeCacheClustersCommand({ CacheClusterId: 'skylift-memcached' }))).CacheClusters![0]!;
      expect((await cache.send(new ListTagsForResourceCommand({ ResourceName: cluster.ARN }))).TagList).toEqual([SKYLIFT_TAG]);
      await expect(cache.send(new ListTagsForResourceCommand({ ResourceName: group.ARN!.replace('skylift-redis', 'no-such-group') }))).rejects.toMatchObject({ name: 'ReplicationGroupNotFoundFault' });
      await expect(cache.send(new ListTagsForResourceCommand({ ResourceName: 'skylift-redis' }))).rejects.toMatchObject({ name: 'InvalidARNFault' });
    },
  },
  {
    name: 'secrets in Parameter Store and Secrets Manager, never in environment properties',
    ops: ['ssm:PutParameter', 'ssm:GetParameter', 'ssm:GetParametersByPath', 'secretsmanager:CreateSecret', 'secretsmanager:GetSecretValue'],
    async run({ clients }) {
      await clients.ssm.send(new PutParameterCommand({ Name: '/skylift/app/DATABASE_URL', Type: 'SecureString', Value: 'postgres://app:one@db/app' }));
      await clients.ssm.send(new PutParameterCommand({ Name: '/skylift/app/DATABASE_URL', Type: 'SecureString', Value: 'postgres://app:two@db/app', Overwrite: true }));
      await clients.ssm.send(new PutParameterCommand({ Name: '/skylift/app/NODE_ENV', Type: 'String', Value: 'production' }));
      const hidden = (await clients.ssm.send(new GetParameterCommand({ Name: '/skylift/app/DATABASE_URL' }))).Parameter!;
      expect(hidden.Value).not.toContain('two');
      const shown = (await clients.ssm.send(new GetParameterCommand({ Name: '/skylift/app/DATABASE_URL', WithDecryption: true }))).Parameter!;
      expect(shown).toMatchObject({ Value: 'postgres://app:two@db/app', Version: 2 });
      const all = (await clients.ssm.send(new GetParametersByPathCommand({ Path: '/skylift/app', WithDecryption: true }))).Parameters!;
      expect(all.map((p) => p.Name)).toEqual(['/skylift/app/DATABASE_URL', '/skylift/app/NODE_ENV']);
      await clients.secretsmanager.send(new CreateSecretCommand({ Name: 'skylift/app/session-secret', SecretString: 's3cr3t' }));
      expect((await clients.secretsmanager.send(new GetSecretValueCommand({ SecretId: 'skylift/app/session-secret' }))).SecretString).toBe('s3cr3t');
    },
  },
  {
    name: 'secrets listed by tag, with their tags (how cleanup finds them)',
    ops: ['secretsmanager:ListSecrets'],
    async run({ clients }) {
      const sm = clients.secretsmanager;
      const byTag = await sm.send(new ListSecretsCommand({ Filters: [{ Key: 'tag-key', Values: [SKYLIFT_TAG.Key] }, { Key: 'tag-value', Values: [SKYLIFT_TAG.Value] }] }));
      expect(byTag.SecretList?.map((s) => [s.Name, s.Tags])).toEqual([['skylift/app/session-secret', [SKYLIFT_TAG]]]);
      expect((await sm.send(new ListSecretsCommand({ Filters: [{ Key: 'tag-value', Values: ['another-migration'] }] }))).SecretList).toEqual([]);
    },
  },
  {
    name: 'alarm on the ALB and its request metric',
    ops: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DescribeAlarms', 'cloudwatch:GetMetricData'],
    async run(ctx) {
      const cw = ctx.clients.cloudwatch;
      const lb = ctx.get('albArn').split(':loadbalancer/')[1]!;
      const metric = { Namespace: 'AWS/ApplicationELB', MetricName: 'HTTPCode_ELB_5XX_Count', Dimensions: [{ Name: 'LoadBalancer', Value: lb }] };
      await cw.send(new PutMetricAlarmCommand({ AlarmName: 'skylift-5xx', ...metric, Statistic: 'Sum', Period: 60, EvaluationPeriods: 1, Threshold: 10, ComparisonOperator: 'GreaterThanThreshold' }));
      const alarms = (await cw.send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'skylift-' }))).MetricAlarms!;
      expect(alarms).toMatchObject([{ AlarmName: 'skylift-5xx', StateValue: 'INSUFFICIENT_DATA' }]);
      const now = Date.now();
      const data = await cw.send(new GetMetricDataCommand({ StartTime: new Date(now - 3_600_000), EndTime: new Date(now + 3_600_000_000), MetricDataQueries: [{ Id: 'e5xx', MetricStat: { Metric: metric, Period: 60, Stat: 'Sum' } }] }));
      expect(data.MetricDataResults).toMatchObject([{ Id: 'e5xx', StatusCode: 'Complete', Values: [] }]);
    },
  },
  {
    name: 'quotas: applied value, else the AWS default',
    ops: ['servicequotas:GetServiceQuota', 'servicequotas:GetAWSDefaultServiceQuota'],
    async run({ clients }) {
      expect((await clients.servicequotas.send(new GetServiceQuotaCommand({ ServiceCode: 'rds', QuotaCode: 'L-7B6409FD' }))).Quota?.Value).toBe(40);
      await expect(clients.servicequotas.send(new GetServiceQuotaCommand({ ServiceCode: 'elasticbeanstalk', QuotaCode: 'L-8EFC1C51' }))).rejects.toMatchObject({ name: 'NoSuchResourceException' });
      expect((await clients.servicequotas.send(new GetAWSDefaultServiceQuotaCommand({ ServiceCode: 'elasticbeanstalk', QuotaCode: 'L-8EFC1C51' }))).Quota?.Value).toBe(200);
    },
  },
];

export const dataTeardown: OperationCase[] = [
  {
    name: 'alarm, secrets and parameters removed',
    ops: ['cloudwatch:DeleteAlarms', 'secretsmanager:DeleteSecret', 'ssm:DeleteParameter'],
    async run({ clients }) {
      await clients.cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: ['skylift-5xx'] }));
      const deleted = await clients.secretsmanager.send(new DeleteSecretCommand({ SecretId: 'skylift/app/session-secret', RecoveryWindowInDays: 7 }));
      expect(deleted.DeletionDate).toBeInstanceOf(Date);
      await expect(clients.secretsmanager.send(new GetSecretValueCommand({ SecretId: 'skylift/app/session-secret' }))).rejects.toMatchObject({ name: 'InvalidRequestException' });
      for (const Name of ['/skylift/app/DATABASE_URL', '/skylift/app/NODE_ENV']) await clients.ssm.send(new DeleteParameterCommand({ Name }));
      await expect(clients.ssm.send(new GetParameterCommand({ Name: '/skylift/app/NODE_ENV' }))).rejects.toMatchObject({ name: 'ParameterNotFound' });
    },
  },
  {
    name: 'database and caches deleted, then their subnet groups',
    ops: ['rds:DeleteDBInstance', 'rds:DeleteDBSubnetGroup', 'elasticache:DeleteCacheCluster', 'elasticache:DeleteReplicationGroup', 'elasticache:DeleteCacheSubnetGroup'],
    async run(ctx) {
      const { rds, elasticache } = ctx.clients;
      await expect(rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: 'skylift-db' }))).rejects.toMatchObject({ name: 'InvalidParameterCombination' });
      await rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: 'skylift-db', SkipFinalSnapshot: true }));
      await elasticache.send(new DeleteCacheClusterCommand({ CacheClusterId: 'skylift-memcached' }));
      await elasticache.send(new DeleteReplicationGroupCommand({ ReplicationGroupId: 'skylift-redis' }));
      await waitUntil(
        'database and caches gone',
        async () => ({
          db: (await rds.send(new DescribeDBInstancesCommand({}))).DBInstances!.length,
          caches: (await elasticache.send(new DescribeCacheClustersCommand({}))).CacheClusters!.length,
        }),
        (n) => (n.db + n.caches === 0 ? { done: true } : { done: false, status: JSON.stringify(n) }),
        ctx.wait,
      );
      await rds.send(new DeleteDBSubnetGroupCommand({ DBSubnetGroupName: 'skylift-db' }));
      await elasticache.send(new DeleteCacheSubnetGroupCommand({ CacheSubnetGroupName: 'skylift-cache' }));
    },
  },
];
