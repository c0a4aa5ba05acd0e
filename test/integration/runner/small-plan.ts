/**
 * A small plan written by hand for the runner's own tests: IAM, a security group pair, RDS and
 * ElastiCache in parallel, an EB application and environment behind an ALB with the options a
 * Socket.IO app needs, checks through the load balancer, and a Route 53 switch — every step with
 * its undo. (The full plan from the test box is in apply-box.test.ts.)
 */
import { aws, manual, NOTHING_TO_UNDO, undoWith, verify, waitFor } from '../../../shared/plan/builder.js';
import { PHASES, type Plan, type PlanStep } from '../../../shared/schema/plan.js';

export const ENV = 'shop-web';
export const DOMAIN = 'shop.example.test';
export const names = (prefix: string) => ({ env: `${prefix}-web`, domain: `${prefix}.example.test`, db: `${prefix}-db`, cache: `${prefix}-cache` });
const trust = (service: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }] });
const opt = (Namespace: string, OptionName: string, Value: unknown) => ({ Namespace, OptionName, Value }) as { Namespace: string; OptionName: string; Value: string };

type StepSpec = Partial<PlanStep> & Pick<PlanStep, 'id' | 'phase' | 'actions'>;

function step(s: StepSpec): PlanStep {
  return {
    title: s.id,
    why: 'test',
    dependsOn: [],
    preconditions: [],
    verify: [],
    undo: NOTHING_TO_UNDO('nothing'),
    pointOfNoReturn: false,
    manual: false,
    durationMinutes: { min: 1, max: 5 },
    inDowntime: false,
    ...s,
  };
}

export function smallPlan(opts: { zoneId: string; prefix?: string; ttl?: number }): Plan {
  const p = opts.prefix ?? 'shop';
  const { env, domain: DOMAIN, db: DB, cache: CACHE } = names(p);
  const TAGS = [{ Key: 'skylift:migration', Value: p }];
  const ref = (r: string) => ({ $ref: r });
  const steps: PlanStep[] = [
    step({ id: 'prepare-preflight', phase: 'prepare', actions: [aws('sts', 'GetCallerIdentity', {}, { Account: 'Account' })], verify: [verify('account', { account: ref('prepare-preflight.Account') }, { equals: 'the account the runner was started with' })] }),
    step({
      id: 'prepare-iam',
      phase: 'prepare',
      dependsOn: ['prepare-preflight'],
      actions: [
        aws('iam', 'CreateRole', { RoleName: `${p}-ec2`, AssumeRolePolicyDocument: trust('ec2.amazonaws.com'), Tags: TAGS }),
        aws('iam', 'AttachRolePolicy', { RoleName: `${p}-ec2`, PolicyArn: 'arn:aws:iam::aws:policy/AWSElasticBeanstalkWebTier' }),
        aws('iam', 'PutRolePolicy', { RoleName: `${p}-ec2`, PolicyName: 'skylift-app', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [] }) }),
        aws('iam', 'CreateInstanceProfile', { InstanceProfileName: `${p}-ec2`, Tags: TAGS }),
        aws('iam', 'AddRoleToInstanceProfile', { InstanceProfileName: `${p}-ec2`, RoleName: `${p}-ec2` }),
        aws('iam', 'CreateRole', { RoleName: `${p}-eb-service`, AssumeRolePolicyDocument: trust('elasticbeanstalk.amazonaws.com'), Tags: TAGS }, { ServiceRoleArn: 'Role.Arn' }),
        aws('iam', 'AttachRolePolicy', { RoleName: `${p}-eb-service`, PolicyArn: 'arn:aws:iam::aws:policy/service-role/AWSElasticBeanstalkEnhancedHealth' }),
      ],
      verify: [aws('iam', 'GetInstanceProfile', { InstanceProfileName: `${p}-ec2` }, {})],
      undo: undoWith('delete roles', [
        aws('iam', 'RemoveRoleFromInstanceProfile', { InstanceProfileName: `${p}-ec2`, RoleName: `${p}-ec2` }),
        aws('iam', 'DeleteInstanceProfile', { InstanceProfileName: `${p}-ec2` }),
        aws('iam', 'DeleteRolePolicy', { RoleName: `${p}-ec2`, PolicyName: 'skylift-app' }),
        aws('iam', 'DetachRolePolicy', { RoleName: `${p}-ec2`, PolicyArn: 'arn:aws:iam::aws:policy/AWSElasticBeanstalkWebTier' }),
        aws('iam', 'DeleteRole', { RoleName: `${p}-ec2` }),
        aws('iam', 'DetachRolePolicy', { RoleName: `${p}-eb-service`, PolicyArn: 'arn:aws:iam::aws:policy/service-role/AWSElasticBeanstalkEnhancedHealth' }),
        aws('iam', 'DeleteRole', { RoleName: `${p}-eb-service` }),
      ]),
    }),
    step({
      id: 'prepare-lower-ttl',
      phase: 'prepare',
      dependsOn: ['prepare-preflight'],
      actions: [{ kind: 'dns', hostedZoneId: opts.zoneId, changes: [{ action: 'UPSERT', name: DOMAIN, type: null, ttl: 60, values: null, alias: null }], certificateValidation: null }],
      verify: [verify('dns', { name: DOMAIN, resolver: 'authoritative' }, { maxTtl: 60 })],
      undo: undoWith('restore TTL', [{ kind: 'dns', hostedZoneId: opts.zoneId, changes: [{ action: 'UPSERT', name: DOMAIN, type: null, ttl: 3600, values: null, alias: null }], certificateValidation: null }]),
    }),
    step({ id: 'prepare-wait-ttl', phase: 'prepare', dependsOn: ['prepare-lower-ttl'], actions: [waitFor('the old TTL', null, opts.ttl ?? 3600)], manual: true, durationMinutes: { min: 60, max: 60 } }),
    step({
      id: 'provision-network',
      phase: 'provision',
      dependsOn: ['prepare-preflight'],
      actions: [
        aws('ec2', 'DescribeVpcs', { Filters: [{ Name: 'is-default', Values: ['true'] }] }, { VpcId: 'Vpcs[0].VpcId' }),
        aws('ec2', 'DescribeSubnets', { Filters: [{ Name: 'vpc-id', Values: [ref('provision-network.VpcId')] }, { Name: 'default-for-az', Values: ['true'] }] }, { SubnetIds: 'Subnets[].SubnetId', SubnetCsv: "join(',', Subnets[].SubnetId)" }),
      ],
    }),
    step({
      id: 'provision-security-groups',
      phase: 'provision',
      dependsOn: ['provision-network'],
      actions: [
        aws('ec2', 'CreateSecurityGroup', { GroupName: `${p}-app`, Description: 'app', VpcId: ref('provision-network.VpcId') }, { GroupId_app: 'GroupId' }),
        aws('ec2', 'CreateSecurityGroup', { GroupName: `${p}-dbsg`, Description: 'db', VpcId: ref('provision-network.VpcId') }, { GroupId_db: 'GroupId' }),
        aws('ec2', 'AuthorizeSecurityGroupIngress', { GroupId: ref('provision-security-groups.GroupId_db'), IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: ref('provision-security-groups.GroupId_app') }] }] }),
      ],
      undo: undoWith('delete groups', [aws('ec2', 'DeleteSecurityGroup', { GroupId: ref('provision-security-groups.GroupId_db') }), aws('ec2', 'DeleteSecurityGroup', { GroupId: ref('provision-security-groups.GroupId_app') })]),
    }),
    step({
      id: 'provision-subnet-groups',
      phase: 'provision',
      dependsOn: ['provision-network'],
      actions: [
        aws('rds', 'CreateDBSubnetGroup', { DBSubnetGroupName: `${p}-dbsg`, DBSubnetGroupDescription: 'shop', SubnetIds: ref('provision-network.SubnetIds'), Tags: TAGS }),
        aws('elasticache', 'CreateCacheSubnetGroup', { CacheSubnetGroupName: `${p}-cache`, CacheSubnetGroupDescription: 'shop', SubnetIds: ref('provision-network.SubnetIds'), Tags: TAGS }),
      ],
      undo: undoWith('delete subnet groups', [aws('rds', 'DeleteDBSubnetGroup', { DBSubnetGroupName: `${p}-dbsg` }), aws('elasticache', 'DeleteCacheSubnetGroup', { CacheSubnetGroupName: `${p}-cache` })]),
    }),
    step({
      id: 'provision-rds',
      phase: 'provision',
      dependsOn: ['provision-security-groups', 'provision-subnet-groups'],
      durationMinutes: { min: 10, max: 25 },
      actions: [
        aws('rds', 'CreateDBInstance', {
          DBInstanceIdentifier: DB, Engine: 'postgres', EngineVersion: '16', DBInstanceClass: 'db.t4g.micro', AllocatedStorage: 20, MasterUsername: 'skylift_admin', ManageMasterUserPassword: true,
          DBSubnetGroupName: `${p}-dbsg`, VpcSecurityGroupIds: [ref('provision-security-groups.GroupId_db')], DeletionProtection: true, Tags: TAGS,
        }),
        waitFor('the instance', { service: 'rds', name: 'DBInstanceAvailable', params: { DBInstanceIdentifier: DB } }),
        aws('rds', 'DescribeDBInstances', { DBInstanceIdentifier: DB }, { Endpoint: 'DBInstances[0].Endpoint.Address' }),
      ],
      undo: undoWith('delete the database, keeping a final snapshot', [
        aws('rds', 'ModifyDBInstance', { DBInstanceIdentifier: DB, DeletionProtection: false, ApplyImmediately: true }),
        aws('rds', 'DeleteDBInstance', { DBInstanceIdentifier: DB, SkipFinalSnapshot: false, FinalDBSnapshotIdentifier: `${DB}-final`, DeleteAutomatedBackups: false }),
        waitFor('deleted', { service: 'rds', name: 'DBInstanceDeleted', params: { DBInstanceIdentifier: DB } }),
      ]),
    }),
    step({
      id: 'provision-cache',
      phase: 'provision',
      dependsOn: ['provision-security-groups', 'provision-subnet-groups'],
      durationMinutes: { min: 8, max: 20 },
      actions: [
        aws('elasticache', 'CreateReplicationGroup', { ReplicationGroupId: CACHE, ReplicationGroupDescription: 'shop', Engine: 'valkey', CacheNodeType: 'cache.t4g.micro', NumCacheClusters: 1, CacheSubnetGroupName: `${p}-cache`, SecurityGroupIds: [ref('provision-security-groups.GroupId_app')], Tags: TAGS }),
        waitFor('the cache', { service: 'elasticache', name: 'ReplicationGroupAvailable', params: { ReplicationGroupId: CACHE } }),
        aws('elasticache', 'DescribeReplicationGroups', { ReplicationGroupId: CACHE }, { Endpoint: 'ReplicationGroups[0].NodeGroups[0].PrimaryEndpoint.Address' }),
      ],
      undo: undoWith('delete the cache', [aws('elasticache', 'DeleteReplicationGroup', { ReplicationGroupId: CACHE })]),
    }),
    step({
      id: 'provision-eb-application',
      phase: 'provision',
      dependsOn: ['prepare-preflight'],
      actions: [aws('elasticbeanstalk', 'CreateApplication', { ApplicationName: p, Tags: TAGS }), aws('elasticbeanstalk', 'CreateStorageLocation', {}, { StorageBucket: 'S3Bucket' })],
      undo: undoWith('delete the application', [aws('elasticbeanstalk', 'DeleteApplication', { ApplicationName: p, TerminateEnvByForce: false })]),
    }),
    step({
      id: 'provision-eb-web',
      phase: 'provision',
      dependsOn: ['prepare-iam', 'provision-eb-application', 'provision-network', 'provision-security-groups', 'provision-rds', 'provision-cache'],
      durationMinutes: { min: 8, max: 20 },
      actions: [
        verify('env-size', { environment: env }, { maxCharacters: 4096 }),
        aws('elasticbeanstalk', 'CreateEnvironment', {
          ApplicationName: p,
          EnvironmentName: env,
          CNAMEPrefix: env,
          SolutionStackName: '64bit Amazon Linux 2023 v6.7.1 running Node.js 22',
          OptionSettings: [
            opt('aws:elasticbeanstalk:environment', 'LoadBalancerType', 'application'),
            opt('aws:elasticbeanstalk:environment', 'ServiceRole', ref('prepare-iam.ServiceRoleArn')),
            opt('aws:autoscaling:launchconfiguration', 'IamInstanceProfile', `${p}-ec2`),
            opt('aws:autoscaling:launchconfiguration', 'SecurityGroups', ref('provision-security-groups.GroupId_app')),
            opt('aws:ec2:instances', 'InstanceTypes', 't3.small'),
            opt('aws:ec2:vpc', 'Subnets', ref('provision-network.SubnetCsv')),
            opt('aws:elbv2:loadbalancer', 'IdleTimeout', '300'),
            opt('aws:elasticbeanstalk:environment:process:default', 'StickinessEnabled', 'true'),
            opt('aws:elasticbeanstalk:environment:process:default', 'HealthCheckPath', '/health'),
            opt('aws:elasticbeanstalk:healthreporting:system', 'SystemType', 'enhanced'),
            opt('aws:elasticbeanstalk:application:environment', 'DATABASE_HOST', ref('provision-rds.Endpoint')),
            opt('aws:elasticbeanstalk:application:environment', 'REDIS_HOST', ref('provision-cache.Endpoint')),
          ],
          Tags: TAGS,
        }),
        waitFor('ready', { service: 'elasticbeanstalk', name: 'EnvironmentExists', params: { EnvironmentNames: [env] } }),
        aws('elasticbeanstalk', 'DescribeEnvironments', { EnvironmentNames: [env] }, { Cname: 'Environments[0].CNAME' }),
      ],
      verify: [verify('eb-health', { environment: env }, { Status: 'Ready', HealthStatus: ['Ok', 'Info'] })],
      undo: undoWith('terminate', [
        aws('elasticbeanstalk', 'TerminateEnvironment', { EnvironmentName: env, TerminateResources: true }),
        waitFor('terminated', { service: 'elasticbeanstalk', name: 'EnvironmentTerminated', params: { EnvironmentNames: [env] } }),
      ]),
    }),
    step({
      id: 'verify-web',
      phase: 'verify',
      dependsOn: ['provision-eb-web'],
      actions: [
        verify('http', { url: { $join: ['http://', ref('provision-eb-web.Cname'), '/health'] }, connectTo: ref('provision-eb-web.Cname') }, { status: '200-399' }),
        verify('websocket', { url: { $join: ['ws://', ref('provision-eb-web.Cname'), '/socket.io/'] }, connectTo: ref('provision-eb-web.Cname') }, { status: 101, holdSeconds: 5 }),
      ],
    }),
    step({ id: 'freeze-writes', phase: 'freeze', dependsOn: ['verify-web'], actions: [manual('Stop the app on the box.')], inDowntime: true, undo: undoWith('start it again', [manual('Start the app on the box.')]) }),
    step({
      id: 'switch-dns',
      phase: 'switch-dns',
      dependsOn: ['freeze-writes', 'prepare-wait-ttl', 'provision-eb-web'],
      pointOfNoReturn: true,
      inDowntime: true,
      actions: [{ kind: 'dns', hostedZoneId: opts.zoneId, changes: [{ action: 'DELETE', name: DOMAIN, type: null, ttl: null, values: null, alias: null }, { action: 'UPSERT', name: DOMAIN, type: 'CNAME', ttl: 60, values: [ref('provision-eb-web.Cname')], alias: null }], certificateValidation: null }],
      verify: [verify('dns', { name: DOMAIN, resolver: 'public' }, { resolvesTo: ref('provision-eb-web.Cname') })],
      undo: undoWith('point DNS back', [{ kind: 'dns', hostedZoneId: opts.zoneId, changes: [{ action: 'DELETE', name: DOMAIN, type: 'CNAME', ttl: null, values: null, alias: null }, { action: 'UPSERT', name: DOMAIN, type: null, ttl: 60, values: null, alias: null }], certificateValidation: null }]),
    }),
  ];
  return {
    schemaVersion: 1,
    kind: 'skylift-plan',
    migration: { name: p, region: 'us-east-1', accountId: null, tablesAsOf: '2026-11-26', sources: [{ label: 'root@203.0.113.5', collectedAt: '2026-11-20T10:00:00.000Z' }] },
    applicable: true,
    openBlockers: [],
    tags: TAGS,
    phases: PHASES.filter((p) => steps.some((s) => s.phase === p)),
    steps,
    downtime: { steps: ['freeze-writes', 'switch-dns'], maxMinutes: 10 },
  };
}
