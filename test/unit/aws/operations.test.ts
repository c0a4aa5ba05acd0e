import * as acm from '@aws-sdk/client-acm';
import * as cloudfront from '@aws-sdk/client-cloudfront';
import * as cloudwatch from '@aws-sdk/client-cloudwatch';
import * as ec2 from '@aws-sdk/client-ec2';
import * as elasticbeanstalk from '@aws-sdk/client-elastic-beanstalk';
import * as elb from '@aws-sdk/client-elastic-load-balancing';
import * as elbv2 from '@aws-sdk/client-elastic-load-balancing-v2';
import * as elasticache from '@aws-sdk/client-elasticache';
import * as events from '@aws-sdk/client-eventbridge';
import * as iam from '@aws-sdk/client-iam';
import * as rds from '@aws-sdk/client-rds';
import * as route53 from '@aws-sdk/client-route-53';
import * as s3 from '@aws-sdk/client-s3';
import * as secretsmanager from '@aws-sdk/client-secrets-manager';
import * as servicequotas from '@aws-sdk/client-service-quotas';
import * as ssm from '@aws-sdk/client-ssm';
import * as sts from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { AWS_OPERATIONS, findOperation, operationKey } from '../../../electron/engine/aws/operations.js';
import type { AwsService } from '../../../electron/engine/aws/services.js';

const PACKAGES: Record<AwsService, Record<string, unknown>> = { acm, cloudfront, cloudwatch, ec2, elasticbeanstalk, elb, elbv2, elasticache, events, iam, rds, route53, s3, secretsmanager, servicequotas, ssm, sts };
const tag = { Key: 'skylift:migration', Value: 'm-1' };

describe('the AWS operations registry', () => {
  it('lists each operation once, each one a real command of its client', () => {
    const keys = AWS_OPERATIONS.map(operationKey);
    expect(new Set(keys).size).toBe(keys.length);
    for (const o of AWS_OPERATIONS) expect(PACKAGES[o.service][`${o.operation}Command`], operationKey(o)).toBeTypeOf('function');
  });

  it('names IAM actions as AWS checks them', () => {
    expect(findOperation('elbv2', 'ModifyLoadBalancerAttributes')?.action).toBe('elasticloadbalancing:ModifyLoadBalancerAttributes');
    expect(findOperation('s3', 'ListObjectsV2')?.action).toBe('s3:ListBucket');
    expect(findOperation('s3', 'UploadPart')?.action).toBe('s3:PutObject');
    expect(findOperation('cloudwatch', 'GetMetricData')?.action).toBe('cloudwatch:GetMetricData');
  });

  it('tags what creates resources, keeping the caller\'s own tags', () => {
    const place = (service: AwsService, operation: string, input: Record<string, unknown>) => findOperation(service, operation)!.tag!(input, tag);
    expect(place('rds', 'CreateDBInstance', { Tags: [{ Key: 'Name', Value: 'db' }] })).toEqual({ Tags: [{ Key: 'Name', Value: 'db' }, tag] });
    expect(place('ec2', 'CreateSecurityGroup', { TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: 'skylift:migration', Value: 'old' }] }] })).toEqual({
      TagSpecifications: [{ ResourceType: 'security-group', Tags: [tag] }],
    });
    expect(place('ssm', 'PutParameter', { Name: 'x', Overwrite: true })).toEqual({ Name: 'x', Overwrite: true });
    expect(place('s3', 'PutBucketTagging', { Bucket: 'b', Tagging: { TagSet: [] } })).toEqual({ Bucket: 'b', Tagging: { TagSet: [tag] } });
    expect(place('cloudfront', 'CreateDistributionWithTags', { DistributionConfigWithTags: { DistributionConfig: {}, Tags: { Items: [{ Key: 'Name', Value: 'cdn' }] } } })).toEqual({ DistributionConfigWithTags: { DistributionConfig: {}, Tags: { Items: [{ Key: 'Name', Value: 'cdn' }, tag] } } });
    // CreateStorageLocation returns the account's one Elastic Beanstalk bucket, shared by every
    // environment: never Skylift's to tag (or to clean up).
    // EventBridge connections and API destinations take no tags (their rules do); nor do CloudFront origin access controls.
    // A Route 53 zone is tagged only by a later ChangeTagsForResource, which the plan does not make yet (its CallerReference identifies it in the journal).
    const untaggable = ['CreateHostedZone', 'CreateOriginAccessControl', 'CreateConnection', 'CreateApiDestination', 'CreateBucket', 'CreateTags', 'CreateLoadBalancerListeners', 'CreateLoadBalancerPolicy', 'CreateMultipartUpload', 'CreateStorageLocation'];
    const creators = AWS_OPERATIONS.filter((o) => /^(Create|Request|PutParameter|PutMetricAlarm)/.test(o.operation) && !untaggable.includes(o.operation));
    for (const o of creators) expect(o.tag, `${operationKey(o)} creates a resource but places no tag`).toBeTypeOf('function');
  });
});
