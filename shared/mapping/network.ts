/**
 * The VPC and security groups: the app instances' group is the only source admitted to the
 * database, cache and file-system ports; the box reaches the database only during the copy.
 */

import type { CacheCluster, FileSystem, Network, RdsInstance, SecurityGroup } from '../schema/design.js';
import type { MappingContext } from './context.js';
import { resourceName } from './names.js';

export function mapNetwork(ctx: MappingContext, migration: string, dbs: RdsInstance[], caches: CacheCluster[], fileSystems: FileSystem[]): Network {
  const vpc = ctx.ask({
    key: 'network.vpc',
    prompt: 'Network: the region\'s default VPC, or a new one?',
    kind: 'choice',
    choices: [
      { value: 'default', label: 'Default VPC', consequence: 'Nothing to create; instances get public IPs (their security group admits only the load balancer), databases stay private by security group.' },
      { value: 'new', label: 'New VPC', consequence: 'A dedicated 10.20.0.0/16 with public subnets for the load balancer, instances and RDS and private subnets for ElastiCache; more to create and delete.' },
      { value: 'existing', label: 'An existing VPC', consequence: 'Reuse a VPC you name in network.vpcId: its public subnets host the load balancer, instances and RDS.' },
    ],
    default: 'default',
    defaultReason: 'A single app moving off one box gains little from its own VPC, and private instance subnets would need a NAT gateway (about $33/month) for outbound traffic.',
  }) as Network['vpc'];
  const vpcId =
    vpc === 'existing'
      ? ctx.ask<string | null>({ key: 'network.vpcId', prompt: 'Id of the VPC to reuse (vpc-…)', kind: 'text', default: null, defaultReason: 'Only you know which VPC to reuse.' })
      : null;
  if (vpc === 'existing' && !vpcId?.startsWith('vpc-')) {
    ctx.block({
      id: 'network.vpc-id-missing',
      area: 'network',
      title: 'No VPC id was given for the existing VPC',
      detail: 'network.vpc is "existing" but network.vpcId does not name a VPC (vpc-…).',
      facts: [],
      resolutions: [{ value: 'answer-vpc-id', label: 'Answer network.vpcId', consequence: 'The plan looks up that VPC\'s public subnets.' }],
      answerKey: null,
    });
  }
  const sg = (id: string, what: string): SecurityGroup => ({ id, name: resourceName(['skylift', migration, id], 255), description: `skylift ${migration}: ${what}`, ingress: [] });
  const app = sg('app', 'app instances');
  const groups: SecurityGroup[] = [app];
  if (dbs.length > 0) {
    const db = sg('db', 'RDS, reachable from the app instances');
    for (const d of dbs) {
      db.ingress.push({ port: d.port, from: { group: 'app' }, temporary: false, why: `${d.engine} from the app instances` });
      db.ingress.push({ port: d.port, from: { boxOf: d.source.label }, temporary: true, why: `The copy from ${d.source.label}, over TLS; removed after the final sync` });
    }
    groups.push(db);
  }
  if (caches.length > 0) {
    const cache = sg('cache', 'ElastiCache, reachable from the app instances');
    for (const c of caches) cache.ingress.push({ port: c.port, from: { group: 'app' }, temporary: false, why: `${c.engine} from the app instances` });
    groups.push(cache);
  }
  if (fileSystems.length > 0) {
    const efs = sg('efs', 'EFS mount targets, reachable from the app instances');
    efs.ingress.push({ port: 2049, from: { group: 'app' }, temporary: false, why: 'NFS from the app instances' });
    groups.push(efs);
  }
  ctx.decide({
    id: 'network.vpc',
    area: 'network',
    title: 'Network',
    value: vpc === 'default' ? 'default VPC' : vpc === 'new' ? 'new VPC 10.20.0.0/16 (2 public + 2 private subnets)' : `existing VPC ${vpcId ?? '(id missing)'}`,
    reason: `Security groups: ${groups.map((g) => `${g.name} (${g.ingress.length === 0 ? 'no inbound rules of its own' : g.ingress.map((i) => `${i.port} from ${'group' in i.from ? i.from.group : `${i.from.boxOf} (temporary)`}`).join(', ')})`).join('; ')}. SSH is not opened: instances are reachable through SSM Session Manager.`,
    answerKey: 'network.vpc',
  });
  return { vpc, vpcId, cidr: vpc === 'new' ? '10.20.0.0/16' : null, securityGroups: groups };
}
