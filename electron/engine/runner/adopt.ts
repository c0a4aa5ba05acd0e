/**
 * Calls repeated after a crash (or a resume) must not create anything twice. Every resource the
 * plan creates has a deterministic name (or a client token), so AWS itself refuses a second one;
 * this table turns that refusal into "already done" and reads the existing resource back in the
 * shape the create call would have answered, so the plan's outputs still apply. Deletes of
 * something already gone are done too.
 */

import type { AwsClients } from '../aws/clients.js';
import { callAws, errorCode, type AwsResponse } from './aws-call.js';

type Params = Record<string, unknown>;

interface Adoption {
  /** AWS's answer when the effect is already in place. */
  done(code: string, message: string): boolean;
  /** The existing resource, shaped like the operation's own response. */
  read?(clients: AwsClients, params: Params): Promise<AwsResponse>;
}

const code = (...codes: string[]) => (c: string) => codes.includes(c);
const message = (c: string, pattern: RegExp) => (got: string, text: string) => got === c && pattern.test(text);

const CREATES: Record<string, Adoption> = {
  'iam:CreateRole': { done: code('EntityAlreadyExists'), read: (c, p) => callAws(c, 'iam', 'GetRole', { RoleName: p.RoleName }) },
  'iam:CreateInstanceProfile': { done: code('EntityAlreadyExists'), read: (c, p) => callAws(c, 'iam', 'GetInstanceProfile', { InstanceProfileName: p.InstanceProfileName }) },
  'iam:AddRoleToInstanceProfile': {
    done: code('LimitExceeded', 'EntityAlreadyExists'),
    read: async (c, p) => {
      const got = await callAws(c, 'iam', 'GetInstanceProfile', { InstanceProfileName: p.InstanceProfileName });
      const roles = ((got.InstanceProfile as { Roles?: { RoleName?: string }[] })?.Roles ?? []).map((r) => r.RoleName);
      if (!roles.includes(p.RoleName as string)) throw new Error(`instance profile ${String(p.InstanceProfileName)} already holds another role (${roles.join(', ')})`);
      return {};
    },
  },
  'ec2:CreateSecurityGroup': {
    done: code('InvalidGroup.Duplicate'),
    read: async (c, p) => {
      const filters = [{ Name: 'group-name', Values: [p.GroupName] }, ...(p.VpcId ? [{ Name: 'vpc-id', Values: [p.VpcId] }] : [])];
      const got = await callAws(c, 'ec2', 'DescribeSecurityGroups', { Filters: filters });
      return { GroupId: (got.SecurityGroups as { GroupId?: string }[] | undefined)?.[0]?.GroupId };
    },
  },
  'ec2:AuthorizeSecurityGroupIngress': { done: code('InvalidPermission.Duplicate') },
  'rds:CreateDBSubnetGroup': { done: code('DBSubnetGroupAlreadyExists') },
  'rds:CreateDBInstance': {
    done: code('DBInstanceAlreadyExists'),
    read: async (c, p) => ({ DBInstance: ((await callAws(c, 'rds', 'DescribeDBInstances', { DBInstanceIdentifier: p.DBInstanceIdentifier })).DBInstances as unknown[])?.[0] }),
  },
  'elasticache:CreateCacheSubnetGroup': { done: code('CacheSubnetGroupAlreadyExists') },
  'elasticache:CreateReplicationGroup': {
    done: code('ReplicationGroupAlreadyExists'),
    read: async (c, p) => ({ ReplicationGroup: ((await callAws(c, 'elasticache', 'DescribeReplicationGroups', { ReplicationGroupId: p.ReplicationGroupId })).ReplicationGroups as unknown[])?.[0] }),
  },
  'elasticache:CreateCacheCluster': {
    done: code('CacheClusterAlreadyExists'),
    read: async (c, p) => ({ CacheCluster: ((await callAws(c, 'elasticache', 'DescribeCacheClusters', { CacheClusterId: p.CacheClusterId })).CacheClusters as unknown[])?.[0] }),
  },
  'elasticbeanstalk:CreateApplication': {
    done: message('InvalidParameterValue', /already exists/i),
    read: async (c, p) => ({ Application: ((await callAws(c, 'elasticbeanstalk', 'DescribeApplications', { ApplicationNames: [p.ApplicationName] })).Applications as unknown[])?.[0] }),
  },
  'elasticbeanstalk:CreateApplicationVersion': {
    done: message('InvalidParameterValue', /already exists/i),
    read: async (c, p) => ({
      ApplicationVersion: ((await callAws(c, 'elasticbeanstalk', 'DescribeApplicationVersions', { ApplicationName: p.ApplicationName, VersionLabels: [p.VersionLabel] })).ApplicationVersions as unknown[])?.[0],
    }),
  },
  'elasticbeanstalk:CreateEnvironment': {
    done: message('InvalidParameterValue', /already exists/i),
    read: async (c, p) => {
      const env = ((await callAws(c, 'elasticbeanstalk', 'DescribeEnvironments', { EnvironmentNames: [p.EnvironmentName], IncludeDeleted: false })).Environments as AwsResponse[])?.[0];
      if (!env) throw Object.assign(new Error(`No Environment found for EnvironmentName = '${String(p.EnvironmentName)}'.`), { name: 'NotFound' });
      return env;
    },
  },
  's3:CreateBucket': { done: code('BucketAlreadyOwnedByYou') },
};

const GONE = new Set([
  'NoSuchEntity',
  'InvalidGroup.NotFound',
  'InvalidPermission.NotFound',
  'DBInstanceNotFound',
  'DBSubnetGroupNotFound',
  'CacheSubnetGroupNotFound',
  'ReplicationGroupNotFound',
  'CacheClusterNotFound',
  'ParameterNotFound',
  'ResourceNotFound',
  'NoSuchBucket',
  'NoSuchHostedZone',
]);

/** Deletes whose target is already gone (or going) are done. */
function alreadyGone(operation: string, c: string, text: string): boolean {
  if (!/^(Delete|Terminate|Remove|Detach|Revoke)/.test(operation)) return false;
  if (GONE.has(c)) return true;
  if (c === 'InvalidParameterValue' && /(No Environment found|No Application named|already being terminated)/i.test(text)) return true;
  return c === 'InvalidDBInstanceState' && /already being deleted/i.test(text);
}

export interface Adopted {
  response: AwsResponse;
}

/** The answer to use when a call failed because its effect already exists, or null if the error stands. */
export async function adoptAfter(clients: AwsClients, service: string, operation: string, params: Params, err: unknown): Promise<Adopted | null> {
  const c = errorCode(err);
  const text = (err as Error)?.message ?? '';
  if (alreadyGone(operation, c, text)) return { response: {} };
  const rule = CREATES[`${service}:${operation}`];
  if (!rule?.done(c, text)) return null;
  return { response: rule.read ? await rule.read(clients, params) : {} };
}

/**
 * What a create call made, read back by its name: the response-shaped resource, null when it
 * does not exist, undefined when the call is not a create this table knows how to look up.
 */
export async function readAdopted(clients: AwsClients, service: string, operation: string, params: Params): Promise<AwsResponse | null | undefined> {
  const rule = CREATES[`${service}:${operation}`];
  if (!rule?.read) return undefined;
  try {
    const found = await rule.read(clients, params);
    const values = Object.values(found);
    return values.length > 0 && values.every((v) => v === undefined) ? null : found;
  } catch (err) {
    if (/NotFound|NoSuch/.test(errorCode(err)) || /No (Application|Environment)/.test((err as Error)?.message ?? '')) return null;
    throw err;
  }
}

/** The deterministic name a create call uses (for the journal's intent record). */
export function resourceToken(params: Params): string | null {
  for (const key of ['IdempotencyToken', 'CallerReference', 'ClientRequestToken', 'DBInstanceIdentifier', 'ReplicationGroupId', 'CacheClusterId', 'EnvironmentName', 'VersionLabel', 'ApplicationName', 'RoleName', 'InstanceProfileName', 'GroupName', 'GroupId', 'DBSubnetGroupName', 'CacheSubnetGroupName', 'Bucket', 'Name', 'DomainName', 'CertificateArn']) {
    const v = params[key];
    if (typeof v === 'string') return `${key}=${v}`;
  }
  return null;
}
