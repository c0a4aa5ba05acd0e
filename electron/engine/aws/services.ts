import { ACMClient } from '@aws-sdk/client-acm';
import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ElasticBeanstalkClient } from '@aws-sdk/client-elastic-beanstalk';
import { ElasticLoadBalancingClient } from '@aws-sdk/client-elastic-load-balancing';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { IAMClient } from '@aws-sdk/client-iam';
import { RDSClient } from '@aws-sdk/client-rds';
import { Route53Client } from '@aws-sdk/client-route-53';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';

/** Every AWS service Skylift talks to, with the SDK v3 client for it. */
export const AWS_CLIENTS = {
  elasticbeanstalk: ElasticBeanstalkClient,
  rds: RDSClient,
  elasticache: ElastiCacheClient,
  elb: ElasticLoadBalancingClient,
  elbv2: ElasticLoadBalancingV2Client,
  ec2: EC2Client,
  iam: IAMClient,
  route53: Route53Client,
  s3: S3Client,
  acm: ACMClient,
  sts: STSClient,
  ssm: SSMClient,
  secretsmanager: SecretsManagerClient,
  cloudwatch: CloudWatchClient,
  servicequotas: ServiceQuotasClient,
  // Global: AWS's one endpoint signs in us-east-1 whatever the client's region.
  cloudfront: CloudFrontClient,
  events: EventBridgeClient,
} as const;

export type AwsService = keyof typeof AWS_CLIENTS;

export const AWS_SERVICE_NAMES = Object.keys(AWS_CLIENTS) as AwsService[];

/** The prefix of each service's IAM actions. */
export const IAM_PREFIX: Record<AwsService, string> = {
  elasticbeanstalk: 'elasticbeanstalk',
  rds: 'rds',
  elasticache: 'elasticache',
  elb: 'elasticloadbalancing',
  elbv2: 'elasticloadbalancing',
  ec2: 'ec2',
  iam: 'iam',
  route53: 'route53',
  s3: 's3',
  acm: 'acm',
  sts: 'sts',
  ssm: 'ssm',
  secretsmanager: 'secretsmanager',
  cloudwatch: 'cloudwatch',
  servicequotas: 'servicequotas',
  cloudfront: 'cloudfront',
  events: 'events',
};
