/**
 * The roles Elastic Beanstalk needs: an instance profile (web/worker tier, Session Manager, the
 * app's SSM parameters and buckets) and the service role enhanced health and managed updates
 * require. Resource ARNs use a `*` account: the policy is attached to a role in the same account.
 */

import type { Bucket, EbEnvironment, Iam } from '../schema/design.js';
import type { MappingContext } from './context.js';
import { resourceName } from './names.js';

export function mapIam(ctx: MappingContext, migration: string, region: string, envs: EbEnvironment[], buckets: Bucket[]): Iam {
  const managed = ['arn:aws:iam::aws:policy/AWSElasticBeanstalkWebTier', 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore'];
  if (envs.some((e) => e.worker)) managed.push('arn:aws:iam::aws:policy/AWSElasticBeanstalkWorkerTier');
  const statements: Iam['instanceStatements'] = [];
  if (envs.some((e) => e.envVars.some((v) => v.store === 'ssm'))) {
    statements.push({ sid: 'ReadAppParameters', actions: ['ssm:GetParameter', 'ssm:GetParameters'], resources: [`arn:aws:ssm:${region}:*:parameter/skylift/${migration}/*`] });
  }
  if (buckets.length > 0) {
    statements.push({ sid: 'AppBuckets', actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:ListBucket'], resources: buckets.flatMap((b) => [`arn:aws:s3:::${b.name}`, `arn:aws:s3:::${b.name}/*`]) });
  }
  const iam: Iam = {
    instanceRole: resourceName(['skylift', migration, 'eb-ec2'], 64),
    instanceProfile: resourceName(['skylift', migration, 'eb-ec2'], 64),
    serviceRole: resourceName(['skylift', migration, 'eb-service'], 64),
    instanceManagedPolicies: managed,
    serviceManagedPolicies: ['arn:aws:iam::aws:policy/service-role/AWSElasticBeanstalkEnhancedHealth', 'arn:aws:iam::aws:policy/AWSElasticBeanstalkManagedUpdatesCustomerRolePolicy'],
    instanceStatements: statements,
  };
  ctx.decide({
    id: 'iam.roles',
    area: 'iam',
    title: 'IAM roles',
    value: [iam.instanceRole, iam.serviceRole],
    reason: 'Per-migration roles instead of the shared aws-elasticbeanstalk-* defaults, so deleting this migration removes exactly what it created; the instance role reads only this migration\'s parameters and buckets.',
  });
  return iam;
}
