/**
 * Provision, data stores: RDS instances (outside any Elastic Beanstalk environment), ElastiCache
 * clusters and EFS file systems. They are independent of each other and run in parallel.
 */

import { resourceName, tags } from '../mapping/names.js';
import type { CacheCluster, FileSystem, RdsInstance, TargetDesign } from '../schema/design.js';
import { type Json, type PlanBuilder, aws, undoWith, verify, waitFor } from './builder.js';
import { RDS_MASTER_USER } from './data-copy.js';
import { rdsPublic } from './steps-network.js';

function rdsStep(b: PlanBuilder, d: TargetDesign, db: RdsInstance): void {
  const id = `provision-rds-${db.id}`;
  b.add(() => ({
    id,
    phase: 'provision',
    title: `Create RDS ${db.engine} ${db.engineVersion} ${db.identifier} (${db.instanceClass}${db.multiAz ? ', Multi-AZ' : ''})`,
    why: 'The database lives outside the Elastic Beanstalk environment, so terminating or rebuilding the environment never deletes it. It is reachable from the box only for the copy.',
    actions: [
      aws('rds', 'CreateDBInstance', {
        DBInstanceIdentifier: db.identifier,
        Engine: db.engine,
        EngineVersion: db.engineVersion,
        DBInstanceClass: db.instanceClass,
        AllocatedStorage: db.allocatedStorageGiB,
        MaxAllocatedStorage: db.maxAllocatedStorageGiB,
        StorageType: 'gp3',
        StorageEncrypted: true,
        MultiAZ: db.multiAz,
        MasterUsername: RDS_MASTER_USER,
        ManageMasterUserPassword: true,
        DBSubnetGroupName: b.use('db-subnet-group.name'),
        VpcSecurityGroupIds: [b.use('sg:db.id')],
        PubliclyAccessible: rdsPublic(d),
        Port: db.port,
        BackupRetentionPeriod: 7,
        DeletionProtection: true,
        CopyTagsToSnapshot: true,
        AutoMinorVersionUpgrade: true,
        Tags: tags(d.migration.name),
      }),
      waitFor('the instance to be available', { service: 'rds', name: 'DBInstanceAvailable', params: { DBInstanceIdentifier: db.identifier } }),
      aws('rds', 'DescribeDBInstances', { DBInstanceIdentifier: db.identifier }, { Endpoint: 'DBInstances[0].Endpoint.Address', Port: 'DBInstances[0].Endpoint.Port', MasterSecretArn: 'DBInstances[0].MasterUserSecret.SecretArn' }),
    ],
    verify: [verify('sql', { endpoint: { $ref: `${id}.Endpoint` }, port: db.port, credentials: { $ref: `${id}.MasterSecretArn` }, query: 'SELECT version()' }, { startsWith: `${db.engine === 'postgres' ? 'PostgreSQL' : ''} ${db.engineVersion}`.trim() })],
    undo: undoWith(`Delete ${db.identifier}, keeping a final snapshot.`, [
      aws('rds', 'ModifyDBInstance', { DBInstanceIdentifier: db.identifier, DeletionProtection: false, ApplyImmediately: true }),
      aws('rds', 'DeleteDBInstance', { DBInstanceIdentifier: db.identifier, SkipFinalSnapshot: false, FinalDBSnapshotIdentifier: `${db.identifier}-final`, DeleteAutomatedBackups: false }),
      waitFor('the instance to be deleted', { service: 'rds', name: 'DBInstanceDeleted', params: { DBInstanceIdentifier: db.identifier } }),
    ]),
    minutes: db.multiAz ? [15, 40] : [10, 25],
  }));
  b.provide(`rds:${db.id}.endpoint`, id, 'Endpoint');
  b.provide(`rds:${db.id}.port`, id, 'Port');
  b.provide(`rds:${db.id}.secret`, id, 'MasterSecretArn');
}

function cacheStep(b: PlanBuilder, d: TargetDesign, c: CacheCluster): void {
  const id = `provision-cache-${c.id}`;
  const common = () => ({ CacheNodeType: c.nodeType, EngineVersion: c.engineVersion, CacheSubnetGroupName: b.use('cache-subnet-group.name'), SecurityGroupIds: [b.use('sg:cache.id')], Port: c.port, Tags: tags(d.migration.name) });
  const seed: { [key: string]: Json } = c.dataMove === 'rdb-seed' ? { SnapshotArns: [seedArn(d, c)] } : {};
  const create = () =>
    c.engine === 'memcached'
      ? aws('elasticache', 'CreateCacheCluster', { CacheClusterId: c.identifier, Engine: 'memcached', NumCacheNodes: 1, ...common() })
      : aws('elasticache', 'CreateReplicationGroup', {
          ReplicationGroupId: c.identifier,
          ReplicationGroupDescription: `skylift ${d.migration.name} ${c.id}`,
          Engine: c.engine,
          NumCacheClusters: 1 + c.replicas,
          AutomaticFailoverEnabled: c.replicas > 0,
          MultiAZEnabled: c.replicas > 0,
          AtRestEncryptionEnabled: true,
          TransitEncryptionEnabled: false,
          ...seed,
          ...common(),
        });
  const describe =
    c.engine === 'memcached'
      ? [waitFor('the cluster to be available', { service: 'elasticache', name: 'CacheClusterAvailable', params: { CacheClusterId: c.identifier } }), aws('elasticache', 'DescribeCacheClusters', { CacheClusterId: c.identifier }, { Endpoint: 'CacheClusters[0].ConfigurationEndpoint.Address' })]
      : [waitFor('the replication group to be available', { service: 'elasticache', name: 'ReplicationGroupAvailable', params: { ReplicationGroupId: c.identifier } }), aws('elasticache', 'DescribeReplicationGroups', { ReplicationGroupId: c.identifier }, { Endpoint: 'ReplicationGroups[0].NodeGroups[0].PrimaryEndpoint.Address', Port: 'ReplicationGroups[0].NodeGroups[0].PrimaryEndpoint.Port' })];
  b.add(() => ({
    id,
    phase: 'provision',
    title: `Create ElastiCache ${c.engine} ${c.engineVersion} ${c.identifier} (${c.nodeType}${c.replicas > 0 ? ' + replica' : ''})`,
    why: 'A managed cache in the VPC, reachable only from the app instances.',
    dependsOn: c.dataMove === 'rdb-seed' ? [`copy-cache-seed-${c.id}`] : [],
    actions: [create(), ...describe],
    undo: undoWith(`Delete ${c.identifier}.`, [
      c.engine === 'memcached' ? aws('elasticache', 'DeleteCacheCluster', { CacheClusterId: c.identifier }) : aws('elasticache', 'DeleteReplicationGroup', { ReplicationGroupId: c.identifier, RetainPrimaryCluster: false }),
    ]),
    minutes: [8, 20],
  }));
  b.provide(`cache:${c.id}.endpoint`, id, 'Endpoint');
  if (c.engine !== 'memcached') b.provide(`cache:${c.id}.port`, id, 'Port');
}

function efsStep(b: PlanBuilder, d: TargetDesign, f: FileSystem): void {
  const id = `provision-efs-${f.id}`;
  const fs = { $ref: `${id}.FileSystemId` };
  b.add(() => ({
    id,
    phase: 'provision',
    title: `Create EFS file system ${f.name} with a mount target in every subnet`,
    why: 'Files the app writes to local disk are shared by all instances and survive instance replacement, without an app change.',
    actions: [
      aws('efs', 'CreateFileSystem', { CreationToken: f.name, Encrypted: true, PerformanceMode: 'generalPurpose', ThroughputMode: 'elastic', Tags: [...tags(d.migration.name), { Key: 'Name', Value: f.name }] }, { FileSystemId: 'FileSystemId' }),
      waitFor('the file system to be available', null),
      aws('efs', 'CreateMountTarget', { FileSystemId: fs, SubnetId: { $each: b.use('network.publicSubnetList') }, SecurityGroups: [b.use('sg:efs.id')] }),
    ],
    undo: undoWith(`Delete the mount targets and ${f.name}.`, [
      aws('efs', 'DescribeMountTargets', { FileSystemId: fs }, { MountTargetIds: 'MountTargets[].MountTargetId' }),
      aws('efs', 'DeleteMountTarget', { MountTargetId: { $each: { $ref: `${id}.MountTargetIds` } } }),
      aws('efs', 'DeleteFileSystem', { FileSystemId: fs }),
    ]),
    minutes: [3, 8],
  }));
  b.provide(`efs:${f.id}.id`, id, 'FileSystemId');
}

function seedBucket(d: TargetDesign, c: CacheCluster): string {
  return resourceName(['skylift', d.migration.name, c.id, 'seed', d.migration.region], 63);
}

function seedArn(d: TargetDesign, c: CacheCluster): string {
  return `arn:aws:s3:::${seedBucket(d, c)}/${c.id}.rdb`;
}

/** An RDB snapshot of the box's Redis in S3, which the new cluster is created from. */
function seedStep(b: PlanBuilder, d: TargetDesign, c: CacheCluster): void {
  const bucket = seedBucket(d, c);
  b.add(() => ({
    id: `copy-cache-seed-${c.id}`,
    phase: 'provision',
    title: `Upload an RDB snapshot of ${c.source.label}:${c.source.port} to S3 for seeding`,
    why: 'ElastiCache online migration does not accept a source outside EC2; a cluster created from an RDB file in S3 starts with the box\'s keys as of the snapshot.',
    dependsOn: ['prepare-preflight'],
    actions: [
      aws('s3', 'CreateBucket', { Bucket: bucket, ...(d.migration.region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: d.migration.region } }) }),
      aws('s3', 'PutPublicAccessBlock', { Bucket: bucket, PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true } }),
      {
        kind: 'data-copy',
        engine: 'redis',
        method: 'rdb-to-s3',
        source: { host: c.source.label, port: c.source.port },
        target: { bucket, key: `${c.id}.rdb` },
        notes: ['redis-cli --rdb streams a consistent snapshot without stopping Redis.', 'Grant ElastiCache read access to the object as the ElastiCache seeding guide describes before the cluster is created.', 'Point in time: keys written after the snapshot are not in the new cluster.'],
      },
    ],
    undo: undoWith(`Empty and delete ${bucket}.`, [aws('s3', 'DeleteBucket', { Bucket: bucket })]),
    minutes: [2, 15],
  }));
}

export function dataStoreSteps(b: PlanBuilder, d: TargetDesign): void {
  for (const db of d.resources.databases) rdsStep(b, d, db);
  for (const c of d.resources.caches.filter((c) => c.dataMove === 'rdb-seed')) seedStep(b, d, c);
  for (const c of d.resources.caches) cacheStep(b, d, c);
  for (const f of d.resources.fileSystems) efsStep(b, d, f);
}
