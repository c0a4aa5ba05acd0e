import { IAM_PREFIX, type AwsService } from './services.js';

export interface AwsTag {
  Key: string;
  Value: string;
}

type Input = Record<string, unknown>;

/** Puts Skylift's tag into the input of a call that creates a resource. */
export type TagPlacement = (input: Input, tag: AwsTag) => Input;

const withTag = (tags: unknown, tag: AwsTag): AwsTag[] => [...((tags as AwsTag[] | undefined) ?? []).filter((t) => t.Key !== tag.Key), tag];

/** `Tags: [{Key, Value}]`, the shape most create calls take. */
const tags: TagPlacement = (input, tag) => ({ ...input, Tags: withTag(input.Tags, tag) });

const securityGroupTags: TagPlacement = (input, tag) => {
  const specs = (input.TagSpecifications as { ResourceType?: string; Tags?: AwsTag[] }[] | undefined) ?? [];
  const others = specs.filter((s) => s.ResourceType !== 'security-group');
  const own = specs.find((s) => s.ResourceType === 'security-group');
  return { ...input, TagSpecifications: [...others, { ResourceType: 'security-group', Tags: withTag(own?.Tags, tag) }] };
};

/** SSM refuses Tags together with Overwrite; an overwritten parameter was tagged when created. */
const parameterTags: TagPlacement = (input, tag) => (input.Overwrite ? input : tags(input, tag));

/** S3 buckets are tagged by the PutBucketTagging that follows CreateBucket; it must keep the tag. */
const bucketTagging: TagPlacement = (input, tag) => {
  const tagging = (input.Tagging as { TagSet?: AwsTag[] } | undefined) ?? {};
  return { ...input, Tagging: { ...tagging, TagSet: withTag(tagging.TagSet, tag) } };
};

/** CloudFront tags a distribution only when created through CreateDistributionWithTags. */
const distributionTags: TagPlacement = (input, tag) => {
  const config = (input.DistributionConfigWithTags as { Tags?: { Items?: AwsTag[] } } | undefined) ?? {};
  return { ...input, DistributionConfigWithTags: { ...config, Tags: { Items: withTag(config.Tags?.Items, tag) } } };
};

export interface AwsOperation {
  service: AwsService;
  operation: string;
  /** The IAM action AWS checks for this call. */
  action: string;
  /** For calls that create a resource: where the `skylift:migration` tag goes. */
  tag?: TagPlacement;
  /** Made by a credential provider's own client, not through `createAwsClients`. */
  viaCredentials?: boolean;
}

function op(service: AwsService, operation: string, extra: { action?: string; tag?: TagPlacement; viaCredentials?: boolean } = {}): AwsOperation {
  return { service, operation, action: extra.action ?? `${IAM_PREFIX[service]}:${operation}`, ...(extra.tag ? { tag: extra.tag } : {}), ...(extra.viaCredentials ? { viaCredentials: true } : {}) };
}

/** Every AWS call Skylift makes. A call not listed here is refused at run time, and the
 * table-driven test fails for any operation listed here without a test case. */
export const AWS_OPERATIONS: readonly AwsOperation[] = [
  // Elastic Beanstalk: application, versions, environment lifecycle, platforms.
  op('elasticbeanstalk', 'CreateApplication', { tag: tags }),
  op('elasticbeanstalk', 'DescribeApplications'),
  op('elasticbeanstalk', 'DeleteApplication'),
  op('elasticbeanstalk', 'CreateApplicationVersion', { tag: tags }),
  op('elasticbeanstalk', 'DescribeApplicationVersions'),
  op('elasticbeanstalk', 'DeleteApplicationVersion'),
  op('elasticbeanstalk', 'CheckDNSAvailability'),
  op('elasticbeanstalk', 'CreateEnvironment', { tag: tags }),
  op('elasticbeanstalk', 'DescribeEnvironments'),
  op('elasticbeanstalk', 'DescribeEvents'),
  op('elasticbeanstalk', 'DescribeConfigurationSettings'),
  op('elasticbeanstalk', 'ValidateConfigurationSettings'),
  op('elasticbeanstalk', 'UpdateEnvironment'),
  op('elasticbeanstalk', 'DescribeEnvironmentResources'),
  op('elasticbeanstalk', 'SwapEnvironmentCNAMEs'),
  op('elasticbeanstalk', 'TerminateEnvironment'),
  op('elasticbeanstalk', 'ListPlatformBranches'),
  op('elasticbeanstalk', 'ListPlatformVersions'),
  op('elasticbeanstalk', 'CreateStorageLocation'),
  op('elasticbeanstalk', 'RestartAppServer'),
  op('elasticbeanstalk', 'ListTagsForResource'),
  // RDS.
  op('rds', 'CreateDBInstance', { tag: tags }),
  op('rds', 'DescribeDBInstances'),
  op('rds', 'DeleteDBInstance'),
  op('rds', 'ModifyDBInstance'),
  op('rds', 'DescribeDBEngineVersions'),
  op('rds', 'CreateDBSubnetGroup', { tag: tags }),
  op('rds', 'DeleteDBSubnetGroup'),
  op('rds', 'AddTagsToResource'),
  op('rds', 'DescribeDBSnapshots'),
  op('rds', 'DescribeEvents'),
  // ElastiCache.
  op('elasticache', 'CreateCacheSubnetGroup', { tag: tags }),
  op('elasticache', 'DeleteCacheSubnetGroup'),
  op('elasticache', 'CreateReplicationGroup', { tag: tags }),
  op('elasticache', 'DescribeReplicationGroups'),
  op('elasticache', 'DeleteReplicationGroup'),
  op('elasticache', 'CreateCacheCluster', { tag: tags }),
  op('elasticache', 'DescribeCacheClusters'),
  op('elasticache', 'DeleteCacheCluster'),
  op('elasticache', 'ListTagsForResource'),
  // Classic load balancer of an EB environment (listeners for WebSockets, proxy protocol).
  op('elb', 'DescribeLoadBalancers'),
  op('elb', 'CreateLoadBalancerListeners'),
  op('elb', 'DeleteLoadBalancerListeners'),
  op('elb', 'DescribeLoadBalancerAttributes'),
  op('elb', 'ModifyLoadBalancerAttributes'),
  op('elb', 'DescribeLoadBalancerPolicies'),
  op('elb', 'CreateLoadBalancerPolicy'),
  op('elb', 'SetLoadBalancerPoliciesForBackendServer'),
  // Application load balancer (idle timeout, stickiness).
  op('elbv2', 'DescribeLoadBalancers'),
  op('elbv2', 'DescribeListeners'),
  op('elbv2', 'ModifyListener'),
  op('elbv2', 'DescribeTargetGroups'),
  op('elbv2', 'DescribeTargetGroupAttributes'),
  op('elbv2', 'ModifyTargetGroupAttributes'),
  op('elbv2', 'DescribeLoadBalancerAttributes'),
  op('elbv2', 'ModifyLoadBalancerAttributes'),
  // EC2 networking.
  op('ec2', 'DescribeVpcs'),
  op('ec2', 'DescribeSubnets'),
  op('ec2', 'CreateSecurityGroup', { tag: securityGroupTags }),
  op('ec2', 'DescribeSecurityGroups'),
  op('ec2', 'DescribeInstances'),
  op('ec2', 'AuthorizeSecurityGroupIngress'),
  op('ec2', 'RevokeSecurityGroupIngress'),
  op('ec2', 'DeleteSecurityGroup'),
  op('ec2', 'CreateTags'),
  // IAM: the EB service role and instance profile enhanced health needs; permission checks.
  op('iam', 'GetRole'),
  op('iam', 'CreateRole', { tag: tags }),
  op('iam', 'DeleteRole'),
  op('iam', 'AttachRolePolicy'),
  op('iam', 'DetachRolePolicy'),
  op('iam', 'PutRolePolicy'),
  op('iam', 'DeleteRolePolicy'),
  op('iam', 'ListAttachedRolePolicies'),
  op('iam', 'GetInstanceProfile'),
  op('iam', 'CreateInstanceProfile', { tag: tags }),
  op('iam', 'DeleteInstanceProfile'),
  op('iam', 'AddRoleToInstanceProfile'),
  op('iam', 'RemoveRoleFromInstanceProfile'),
  op('iam', 'SimulatePrincipalPolicy'),
  // Cleanup: the migration's roles and instance profiles, found by their tags, and what holds them.
  op('iam', 'ListRoles'),
  op('iam', 'ListRoleTags'),
  op('iam', 'ListRolePolicies'),
  op('iam', 'ListInstanceProfilesForRole'),
  op('iam', 'ListInstanceProfiles'),
  op('iam', 'ListInstanceProfileTags'),
  // Route 53 cutover.
  op('route53', 'CreateHostedZone'),
  op('route53', 'DeleteHostedZone'),
  op('route53', 'ListHostedZonesByName'),
  op('route53', 'ListResourceRecordSets'),
  op('route53', 'ChangeResourceRecordSets'),
  op('route53', 'GetChange'),
  // S3 (source bundles, data); uploads go through @aws-sdk/lib-storage.
  op('s3', 'CreateBucket'),
  op('s3', 'PutBucketTagging', { tag: bucketTagging }),
  op('s3', 'HeadBucket', { action: 's3:ListBucket' }),
  op('s3', 'PutObject'),
  op('s3', 'GetObject'),
  op('s3', 'HeadObject', { action: 's3:GetObject' }),
  op('s3', 'CreateMultipartUpload', { action: 's3:PutObject' }),
  op('s3', 'UploadPart', { action: 's3:PutObject' }),
  op('s3', 'CompleteMultipartUpload', { action: 's3:PutObject' }),
  op('s3', 'AbortMultipartUpload'),
  op('s3', 'ListObjectsV2', { action: 's3:ListBucket' }),
  op('s3', 'ListObjectVersions', { action: 's3:ListBucketVersions' }),
  op('s3', 'PutPublicAccessBlock', { action: 's3:PutBucketPublicAccessBlock' }),
  op('s3', 'PutBucketVersioning'),
  op('s3', 'PutBucketLifecycleConfiguration', { action: 's3:PutLifecycleConfiguration' }),
  op('s3', 'DeleteObject'),
  op('s3', 'DeleteObjects', { action: 's3:DeleteObject' }),
  op('s3', 'DeleteBucket'),
  // Cleanup: the migration's buckets, found by their tags.
  op('s3', 'ListBuckets', { action: 's3:ListAllMyBuckets' }),
  op('s3', 'GetBucketTagging'),
  // Static files served through CloudFront: the bucket admits only its distribution.
  op('s3', 'PutBucketPolicy'),
  op('cloudfront', 'CreateOriginAccessControl'),
  op('cloudfront', 'GetOriginAccessControl'),
  op('cloudfront', 'DeleteOriginAccessControl'),
  // IAM knows no CreateDistributionWithTags action: AWS checks CreateDistribution (and TagResource).
  op('cloudfront', 'CreateDistributionWithTags', { action: 'cloudfront:CreateDistribution', tag: distributionTags }),
  op('cloudfront', 'GetDistribution'),
  op('cloudfront', 'UpdateDistribution'),
  op('cloudfront', 'DeleteDistribution'),
  // ACM certificates (DNS validation through Route 53).
  op('acm', 'RequestCertificate', { tag: tags }),
  op('acm', 'DescribeCertificate'),
  op('acm', 'ListCertificates'),
  op('acm', 'DeleteCertificate'),
  op('acm', 'ListTagsForCertificate'),
  // Identity.
  op('sts', 'GetCallerIdentity'),
  op('sts', 'AssumeRole', { viaCredentials: true }),
  // Secrets out of environment properties.
  op('ssm', 'PutParameter', { tag: parameterTags }),
  op('ssm', 'GetParameter'),
  op('ssm', 'GetParametersByPath'),
  op('ssm', 'DeleteParameter'),
  op('ssm', 'GetParameters'),
  op('ssm', 'DeleteParameters'),
  op('secretsmanager', 'CreateSecret', { tag: tags }),
  op('secretsmanager', 'GetSecretValue'),
  op('secretsmanager', 'DeleteSecret'),
  op('secretsmanager', 'ListSecrets'),
  // Verification and alarms after cutover.
  op('cloudwatch', 'GetMetricData'),
  op('cloudwatch', 'PutMetricAlarm', { tag: tags }),
  op('cloudwatch', 'DescribeAlarms'),
  op('cloudwatch', 'DeleteAlarms'),
  // Quotas that would block a plan.
  op('servicequotas', 'GetServiceQuota'),
  op('servicequotas', 'GetAWSDefaultServiceQuota'),
  // EventBridge schedules that replace the box's cron jobs (API destinations calling the app).
  op('events', 'CreateConnection'),
  op('events', 'DeleteConnection'),
  op('events', 'CreateApiDestination'),
  op('events', 'DeleteApiDestination'),
  op('events', 'PutRule', { tag: tags }),
  op('events', 'PutTargets'),
  op('events', 'RemoveTargets'),
  op('events', 'DeleteRule'),
  op('events', 'EnableRule'),
  op('events', 'DisableRule'),
];

const byKey = new Map(AWS_OPERATIONS.map((o) => [`${o.service}:${o.operation}`, o]));

export const findOperation = (service: AwsService, operation: string) => byKey.get(`${service}:${operation}`);

export const operationKey = (o: { service: AwsService; operation: string }) => `${o.service}:${o.operation}`;
