/**
 * What exists in the double for one migration (names starting with its prefix), with generated
 * ids and timestamps left out and the prefix replaced: two runs of the same plan under different
 * prefixes must give equal snapshots, and no name may appear twice.
 */
import { DEFAULT_ACCOUNT, type AwsDouble } from '../../support/aws-double/index.js';
import { cacheState } from '../../support/aws-double/services/elasticache.js';
import { ebState } from '../../support/aws-double/services/eb-state.js';
import { ec2State } from '../../support/aws-double/services/ec2.js';
import { iamState } from '../../support/aws-double/services/iam.js';
import { rdsState } from '../../support/aws-double/services/rds.js';
import { route53State } from '../../support/aws-double/services/route53.js';

const REGION = 'us-east-1';

export function worldSnapshot(double: AwsDouble, prefix: string): Record<string, unknown[]> {
  const w = double.world;
  const mine = (name: string | undefined) => (name ?? '').startsWith(`${prefix}-`) || name === prefix || (name ?? '').startsWith(`${prefix}.`);
  // The prefix where it starts a name, and the ids AWS generates inside endpoint names.
  const norm = (v: unknown): unknown =>
    JSON.parse(
      JSON.stringify(v)
        .replace(new RegExp(`(^|[^a-z0-9])${prefix}(?=[-."])`, 'g'), '$1P')
        .replace(/\.(c[a-z0-9]{11}|[a-z0-9]{6})\.(us-east-1\.rds|ng\.0001)/g, '.ID.$2'),
    );
  const iam = iamState(w, DEFAULT_ACCOUNT);
  const ec2 = ec2State(w, DEFAULT_ACCOUNT, REGION);
  const groupName = (id: string | undefined) => ec2.groups.get(id ?? '')?.group.GroupName ?? id;
  const rds = rdsState(w, DEFAULT_ACCOUNT, REGION);
  const cache = cacheState(w, DEFAULT_ACCOUNT, REGION);
  const eb = ebState(w, DEFAULT_ACCOUNT, REGION);
  const r53 = route53State(w, DEFAULT_ACCOUNT);
  const snap = {
    roles: [...iam.roles.values()].filter((r) => mine(r.RoleName)).map((r) => ({ name: r.RoleName, attached: [...r.attached].sort(), inline: [...r.inline.keys()].sort(), tags: r.Tags })),
    profiles: [...iam.profiles.values()].filter((p) => mine(p.InstanceProfileName)).map((p) => ({ name: p.InstanceProfileName, roles: p.Roles?.map((r) => r.RoleName), tags: p.Tags })),
    groups: [...ec2.groups.values()]
      .filter((g) => mine(g.group.GroupName))
      .map((g) => ({ name: g.group.GroupName, tags: g.tags, ingress: (g.group.IpPermissions ?? []).map((p) => ({ port: p.FromPort, from: (p.UserIdGroupPairs ?? []).map((u) => groupName(u.GroupId)) })) })),
    subnetGroups: [...rds.subnetGroups.values()].filter((s) => mine(s.DBSubnetGroupName)).map((s) => ({ name: s.DBSubnetGroupName, tags: s.tags })),
    databases: [...rds.instances.values()]
      .filter((i) => mine(i.db.DBInstanceIdentifier))
      .map(({ db }) => ({ id: db.DBInstanceIdentifier, engine: db.Engine, version: db.EngineVersion, class: db.DBInstanceClass, status: db.DBInstanceStatus, protection: db.DeletionProtection, groups: db.VpcSecurityGroups?.map((g) => groupName(g.VpcSecurityGroupId)), tags: db.TagList })),
    snapshots: [...rds.snapshots.values()].filter((s) => mine(s.DBInstanceIdentifier) && s.SnapshotType === 'manual').map((s) => s.DBSnapshotIdentifier),
    caches: [...cache.groups.values()].filter((g) => mine(g.ReplicationGroupId)).map((g) => ({ id: g.ReplicationGroupId, status: g.Status, type: g.CacheNodeType, engine: g.Engine })),
    cacheSubnetGroups: [...cache.subnetGroups.values()].filter((g) => mine(g.CacheSubnetGroupName)).map((g) => g.CacheSubnetGroupName),
    applications: [...eb.applications.values()].filter((a) => mine(a.ApplicationName)).map((a) => a.ApplicationName),
    environments: [...eb.environments.values()]
      .filter((e) => mine(e.env.EnvironmentName) && e.env.Status !== 'Terminated')
      .map((e) => ({ name: e.env.EnvironmentName, status: e.env.Status, cname: e.env.CNAME, version: e.env.VersionLabel ?? null, tags: e.tags, options: e.options.filter((o) => /elbv2:loadbalancer|process:default|ec2:instances|application:environment$/.test(o.Namespace ?? '')).map((o) => `${o.Namespace} ${o.OptionName}=${o.Value}`).sort() })),
    records: [...r53.zones.values()].flatMap((z) => z.records.filter((r) => mine(r.Name)).map((r) => ({ name: r.Name, type: r.Type, ttl: r.TTL ?? null, values: r.ResourceRecords?.map((v) => v.Value) ?? null, alias: r.AliasTarget?.DNSName ?? null }))),
  };
  return norm(snap) as Record<string, unknown[]>;
}

/** Names that appear more than once in any list of a snapshot. */
export function duplicates(snap: Record<string, unknown[]>): string[] {
  return Object.entries(snap).flatMap(([kind, list]) => {
    const names = list.map((x) => (typeof x === 'string' ? x : JSON.stringify((x as { name?: unknown; id?: unknown }).name ?? (x as { id?: unknown }).id)));
    return names.filter((n, i) => names.indexOf(n) !== i).map((n) => `${kind}:${n}`);
  });
}
