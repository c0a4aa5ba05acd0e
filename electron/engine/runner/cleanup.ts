import type { Json } from '../../../shared/runner/jmespath.js';
import { MIGRATION_TAG } from '../aws/clients.js';
import { emptyBucket } from '../aws/s3.js';
import { waitUntil } from '../aws/wait.js';
import { callAws, errorCode } from './aws-call.js';
import { journaled } from './effect.js';
import { awsFailure } from './exec-aws.js';
import { confirmed } from './exec-step.js';
import { closeRun, openRun, savedPlan } from './migration.js';
import type { Run, RunnerOptions } from './run.js';

interface AwsCall {
  service: string;
  operation: string;
  params: Record<string, unknown>;
}

export interface Orphan {
  kind: string;
  id: string;
  name: string;
  /** The call that deletes it. */
  delete: AwsCall;
  /** What must happen before that call (a bucket emptied, a cache done creating); never in a dry run. */
  prepare?: (run: Run) => Promise<void>;
}

type Tags = { Key?: string; Value?: string }[] | undefined;
type Item = Record<string, unknown>;

/** Every identifier the journal knows this migration made or used: call tokens and outputs. */
function accounted(run: Run): Set<string> {
  const known = new Set<string>();
  for (const c of run.state.calls) {
    if (c.token) known.add(c.token.replace(/^[A-Za-z]+=/, ''));
    // A secret's token is its client request token; its name is in the call.
    const name = c.service === 'secretsmanager' && c.operation === 'CreateSecret' ? (c.params as { Name?: Json } | null)?.Name : undefined;
    if (typeof name === 'string') known.add(name);
  }
  const add = (v: Json) => {
    if (typeof v === 'string') known.add(v);
    else if (Array.isArray(v)) v.forEach(add);
  };
  for (const outputs of run.state.outputs.values()) Object.values(outputs).forEach(add);
  return known;
}

/** Every item of a paginated list call. */
async function listAll<T = Item>(run: Run, service: string, operation: string, params: Item, list: string, token: { in: string; out: string } = { in: 'NextToken', out: 'NextToken' }): Promise<T[]> {
  const items: T[] = [];
  let next: unknown;
  do {
    const page = await callAws(run.clients, service, operation, { ...params, ...(next ? { [token.in]: next } : {}) });
    items.push(...((page[list] ?? []) as T[]));
    next = page[token.out];
  } while (next);
  return items;
}

const MARKER = { in: 'Marker', out: 'Marker' };

/** Polls until `done`, as long as a resource takes to settle on AWS (an hour at most). */
async function until(run: Run, what: string, done: () => Promise<boolean>): Promise<void> {
  await waitUntil(what, done, (ok) => (ok ? { done: true } : { done: false, status: 'waiting' }), { intervalMs: run.pollMs(), timeoutMs: run.scaled(60 * 60_000), ...(run.opts.signal ? { signal: run.opts.signal } : {}) });
}

const cacheDelete = (kind: string, id: string, operation: string, idKey: string, describe: string, list: string, status: string): Orphan => ({
  kind,
  id,
  name: id,
  delete: { service: 'elasticache', operation, params: { [idKey]: id } },
  // A crashed run may have left it creating: ElastiCache deletes only what is available.
  prepare: (run) =>
    until(run, `${kind} ${id} available`, async () => {
      const got = await callAws(run.clients, 'elasticache', describe, { [idKey]: id });
      return ((got[list] as Item[] | undefined)?.[0]?.[status] ?? 'available') !== 'creating';
    }),
});

async function caches(run: Run, ours: (tags: Tags) => boolean): Promise<Orphan[]> {
  const tagsOf = async (arn: unknown) => (await callAws(run.clients, 'elasticache', 'ListTagsForResource', { ResourceName: arn })).TagList as Tags;
  const found: Orphan[] = [];
  for (const g of await listAll(run, 'elasticache', 'DescribeReplicationGroups', {}, 'ReplicationGroups', MARKER)) {
    if (g.Status === 'deleting' || !ours(await tagsOf(g.ARN))) continue;
    found.push(cacheDelete('ElastiCache replication group', String(g.ReplicationGroupId), 'DeleteReplicationGroup', 'ReplicationGroupId', 'DescribeReplicationGroups', 'ReplicationGroups', 'Status'));
  }
  for (const c of await listAll(run, 'elasticache', 'DescribeCacheClusters', {}, 'CacheClusters', MARKER)) {
    // A replication group's member clusters go with their group.
    if (c.ReplicationGroupId || c.CacheClusterStatus === 'deleting' || !ours(await tagsOf(c.ARN))) continue;
    found.push(cacheDelete('ElastiCache cache cluster', String(c.CacheClusterId), 'DeleteCacheCluster', 'CacheClusterId', 'DescribeCacheClusters', 'CacheClusters', 'CacheClusterStatus'));
  }
  return found;
}

/** Environments first: an application goes once its (orphaned) environments have terminated. */
async function beanstalk(run: Run, ours: (tags: Tags) => boolean): Promise<Orphan[]> {
  const tagsOf = async (arn: unknown) => (await callAws(run.clients, 'elasticbeanstalk', 'ListTagsForResource', { ResourceArn: arn })).ResourceTags as Tags;
  const found: Orphan[] = [];
  for (const e of await listAll(run, 'elasticbeanstalk', 'DescribeEnvironments', { IncludeDeleted: false }, 'Environments')) {
    if (e.Status === 'Terminating' || e.Status === 'Terminated' || !ours(await tagsOf(e.EnvironmentArn))) continue;
    found.push({ kind: 'Elastic Beanstalk environment', id: String(e.EnvironmentId), name: String(e.EnvironmentName), delete: { service: 'elasticbeanstalk', operation: 'TerminateEnvironment', params: { EnvironmentId: e.EnvironmentId } } });
  }
  const apps = (await callAws(run.clients, 'elasticbeanstalk', 'DescribeApplications', {})).Applications as Item[] | undefined;
  for (const a of apps ?? []) {
    if (!ours(await tagsOf(a.ApplicationArn))) continue;
    const name = String(a.ApplicationName);
    found.push({
      kind: 'Elastic Beanstalk application',
      id: name,
      name,
      // Never forced: an environment still running in it is refused by AWS, not terminated here.
      delete: { service: 'elasticbeanstalk', operation: 'DeleteApplication', params: { ApplicationName: name, TerminateEnvByForce: false } },
      prepare: (r) =>
        until(r, `environments of ${name} terminated`, async () => {
          const envs = (await callAws(r.clients, 'elasticbeanstalk', 'DescribeEnvironments', { ApplicationName: name, IncludeDeleted: false })).Environments as Item[] | undefined;
          return !(envs ?? []).some((e) => e.Status === 'Terminating');
        }),
    });
  }
  return found;
}

/** Buckets in the migration's region; one without a tag set answers NoSuchTagSet. */
async function buckets(run: Run, ours: (tags: Tags) => boolean): Promise<Orphan[]> {
  const found: Orphan[] = [];
  for (const b of await listAll(run, 's3', 'ListBuckets', { BucketRegion: run.clients.region }, 'Buckets', { in: 'ContinuationToken', out: 'ContinuationToken' })) {
    const name = String(b.Name);
    const tags = await callAws(run.clients, 's3', 'GetBucketTagging', { Bucket: name }).then(
      (got) => got.TagSet as Tags,
      (err: unknown) => {
        if (errorCode(err) === 'NoSuchTagSet') return [];
        throw err;
      },
    );
    if (!ours(tags)) continue;
    found.push({
      kind: 'S3 bucket',
      id: name,
      name,
      delete: { service: 's3', operation: 'DeleteBucket', params: { Bucket: name } },
      prepare: async (r) => {
        const deleted = await emptyBucket(r.clients, name);
        r.record({ type: 'note', step: 'cleanup', key: `empty:${name}`, message: `emptied bucket ${name}: ${deleted} object versions and delete markers` });
      },
    });
  }
  return found;
}

/** The names of one kind of IAM entity (roles, instance profiles) carrying the tag: IAM's listings leave tags out. */
async function taggedIamNames(run: Run, ours: (tags: Tags) => boolean, list: string, listKey: string, tagsOperation: string, nameKey: string): Promise<string[]> {
  const names: string[] = [];
  for (const item of await listAll(run, 'iam', list, {}, listKey, MARKER)) {
    const name = String(item[nameKey]);
    if (ours(await listAll(run, 'iam', tagsOperation, { [nameKey]: name }, 'Tags', MARKER))) names.push(name);
  }
  return names;
}

/** IAM refuses to delete a role still in an instance profile or holding policies, and a profile still holding a role: those are let go first. */
async function identities(run: Run, ours: (tags: Tags) => boolean): Promise<Orphan[]> {
  const iam = (r: Run, operation: string, params: Item) => callAws(r.clients, 'iam', operation, params);
  const profiles = (await taggedIamNames(run, ours, 'ListInstanceProfiles', 'InstanceProfiles', 'ListInstanceProfileTags', 'InstanceProfileName')).map(
    (name): Orphan => ({
      kind: 'IAM instance profile',
      id: name,
      name,
      delete: { service: 'iam', operation: 'DeleteInstanceProfile', params: { InstanceProfileName: name } },
      prepare: async (r) => {
        const roles = ((await iam(r, 'GetInstanceProfile', { InstanceProfileName: name })).InstanceProfile as { Roles?: Item[] } | undefined)?.Roles ?? [];
        for (const role of roles) await iam(r, 'RemoveRoleFromInstanceProfile', { InstanceProfileName: name, RoleName: role.RoleName });
      },
    }),
  );
  const roles = (await taggedIamNames(run, ours, 'ListRoles', 'Roles', 'ListRoleTags', 'RoleName')).map(
    (name): Orphan => ({
      kind: 'IAM role',
      id: name,
      name,
      delete: { service: 'iam', operation: 'DeleteRole', params: { RoleName: name } },
      prepare: async (r) => {
        for (const p of await listAll(r, 'iam', 'ListInstanceProfilesForRole', { RoleName: name }, 'InstanceProfiles', MARKER)) await iam(r, 'RemoveRoleFromInstanceProfile', { InstanceProfileName: p.InstanceProfileName, RoleName: name });
        for (const p of await listAll(r, 'iam', 'ListAttachedRolePolicies', { RoleName: name }, 'AttachedPolicies', MARKER)) await iam(r, 'DetachRolePolicy', { RoleName: name, PolicyArn: p.PolicyArn });
        for (const policy of await listAll<string>(r, 'iam', 'ListRolePolicies', { RoleName: name }, 'PolicyNames', MARKER)) await iam(r, 'DeleteRolePolicy', { RoleName: name, PolicyName: policy });
      },
    }),
  );
  return [...profiles, ...roles];
}

/** Every status: ListCertificates leaves some out unless asked. */
const CERTIFICATE_STATUSES = ['PENDING_VALIDATION', 'ISSUED', 'INACTIVE', 'EXPIRED', 'VALIDATION_TIMED_OUT', 'REVOKED', 'FAILED'];

async function certificates(run: Run, ours: (tags: Tags) => boolean): Promise<Orphan[]> {
  const found: Orphan[] = [];
  for (const cert of await listAll(run, 'acm', 'ListCertificates', { CertificateStatuses: CERTIFICATE_STATUSES }, 'CertificateSummaryList')) {
    const arn = String(cert.CertificateArn);
    if (!ours((await callAws(run.clients, 'acm', 'ListTagsForCertificate', { CertificateArn: arn })).Tags as Tags)) continue;
    // The ARN's id in the name: a domain alone could be a name the journal knows for something else.
    found.push({ kind: 'ACM certificate', id: arn, name: `${String(cert.DomainName)} (${arn.split('/').pop()})`, delete: { service: 'acm', operation: 'DeleteCertificate', params: { CertificateArn: arn } } });
  }
  return found;
}

/** Secrets another service manages (an RDS master password) are that service's to delete. Deleted with AWS's recovery window: restorable for 30 days. */
async function secrets(run: Run, ours: (tags: Tags) => boolean): Promise<Orphan[]> {
  const filters = [{ Key: 'tag-key', Values: [MIGRATION_TAG] }, { Key: 'tag-value', Values: [run.id] }];
  return (await listAll(run, 'secretsmanager', 'ListSecrets', { Filters: filters }, 'SecretList'))
    .filter((s) => !s.OwningService && ours(s.Tags as Tags))
    .map((s) => ({ kind: 'Secrets Manager secret', id: String(s.ARN), name: String(s.Name), delete: { service: 'secretsmanager', operation: 'DeleteSecret', params: { SecretId: s.ARN } } }));
}

/** Resources tagged (or named, for SSM) with the migration id, found by asking AWS, in the order they can be deleted: an environment before its application, what uses a security group before the group. */
async function tagged(run: Run): Promise<Orphan[]> {
  const ours = (tags: Tags) => (tags ?? []).some((t) => t.Key === MIGRATION_TAG && t.Value === run.id);
  const found: Orphan[] = [...(await beanstalk(run, ours)), ...(await caches(run, ours))];
  for (const db of await listAll(run, 'rds', 'DescribeDBInstances', {}, 'DBInstances', MARKER)) {
    if (!ours(db.TagList as Tags) || db.DBInstanceStatus === 'deleting') continue;
    const id = String(db.DBInstanceIdentifier);
    found.push({ kind: 'RDS instance', id, name: id, delete: { service: 'rds', operation: 'DeleteDBInstance', params: { DBInstanceIdentifier: id, FinalDBSnapshotIdentifier: `${id}-cleanup-final`, DeleteAutomatedBackups: false } } });
  }
  found.push(...(await buckets(run, ours)), ...(await certificates(run, ours)), ...(await identities(run, ours)), ...(await secrets(run, ours)));
  for (const p of await listAll(run, 'ssm', 'GetParametersByPath', { Path: `/skylift/${run.id}`, Recursive: true, MaxResults: 10 }, 'Parameters')) {
    found.push({ kind: 'SSM parameter', id: String(p.Name), name: String(p.Name), delete: { service: 'ssm', operation: 'DeleteParameter', params: { Name: p.Name } } });
  }
  for (const g of await listAll(run, 'ec2', 'DescribeSecurityGroups', { Filters: [{ Name: `tag:${MIGRATION_TAG}`, Values: [run.id] }] }, 'SecurityGroups')) {
    const id = String(g.GroupId);
    found.push({ kind: 'security group', id, name: typeof g.GroupName === 'string' ? g.GroupName : id, delete: { service: 'ec2', operation: 'DeleteSecurityGroup', params: { GroupId: id } } });
  }
  return found;
}

export interface CleanupResult {
  id: string;
  orphans: Orphan[];
  deleted: string[];
  kept: string[];
}

/** `skylift cleanup`: what carries the migration's tag but is not in its journal (made by a crashed run before it could be journaled, or by hand), offered for deletion. */
export async function cleanup(id: string, opts: RunnerOptions & { dryRun?: boolean }): Promise<CleanupResult> {
  const plan = savedPlan(id, opts.home);
  const open = await openRun(plan, opts, 'cleanup', { yes: opts.yes ?? false });
  const { run } = open;
  const result: CleanupResult = { id, orphans: [], deleted: [], kept: [] };
  let end: 'completed' | 'failed' = 'completed';
  let reason: string | null = null;
  try {
    const known = accounted(run);
    result.orphans = (await tagged(run)).filter((o) => !known.has(o.id) && !known.has(o.name));
    for (const o of result.orphans) {
      run.emit({ type: 'notice', step: null, level: 'warn', message: `not in the journal: ${o.kind} ${o.name}` });
      if (opts.dryRun || !(await confirmed(run, `cleanup#${o.id}`, `Delete ${o.kind} ${o.name}?`))) {
        result.kept.push(o.id);
        continue;
      }
      await journaled(run, 'cleanup', `cleanup#${o.kind}#${o.id}`, { kind: 'aws', service: o.delete.service, operation: o.delete.operation, params: o.delete.params as Json, token: o.id }, async () => {
        try {
          await o.prepare?.(run);
          await callAws(run.clients, o.delete.service, o.delete.operation, o.delete.params);
        } catch (err) {
          throw awsFailure(run, `deleting ${o.kind} ${o.name}`, err);
        }
        return { outputs: {} };
      });
      result.deleted.push(o.id);
    }
  } catch (err) {
    end = 'failed';
    reason = (err as Error).message;
    throw err;
  } finally {
    run.record({ type: 'run-end', mode: 'cleanup', result: end, reason });
    await closeRun(open);
  }
  return result;
}
