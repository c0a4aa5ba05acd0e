/**
 * The VPC and security groups: the app instances' group is the only source admitted to the
 * database, cache and file-system ports; how the copy reaches them (a relay or locked-down
 * public access) and, when replicating, how RDS reaches the box.
 */

import type { CacheCluster, CopyPath, FileSystem, Network, RdsInstance, SecurityGroup } from '../schema/design.js';
import type { Inventory } from '../schema/inventory.js';
import type { MappingContext } from './context.js';
import { resourceName } from './names.js';

const RELAY = 'ssm-relay';

/**
 * How the copy reaches the private data stores (the runner's copy runs on this machine: the box
 * streams over SSH, the runner writes into RDS) and how RDS reaches the box when it replicates.
 * Each default is the choice with the least exposure.
 */
function mapCopyPath(ctx: MappingContext, inventories: Inventory[], dbs: RdsInstance[], caches: CacheCluster[]): CopyPath {
  const databases =
    dbs.length === 0
      ? null
      : (ctx.ask({
          key: 'network.copyPath',
          prompt: 'How should the copy reach RDS (it lives in the VPC)?',
          kind: 'choice',
          choices: [
            { value: RELAY, label: 'Relay through an app instance (Session Manager)', consequence: 'Nothing becomes public: an AWS-StartPortForwardingSessionToRemoteHost session through an app instance carries the copy. Needs the AWS CLI with the Session Manager plugin on this machine and the app environment created first; every byte crosses the instance.' },
            { value: 'public-locked', label: 'Temporary public access, locked down', consequence: 'RDS gets a public address for the copy; its security group admits only the box\'s and your address, over TLS; closed after the switch by watch-close-copy-path. Nothing to install, but the endpoint answers from the internet (to those addresses) until then.' },
          ],
          default: RELAY,
          defaultReason: 'The least exposure: the database never gets a public address.',
        }) as CopyPath['databases']);
  const replicating = dbs.filter((d) => d.copyMethod === 'replication');
  const replication =
    replicating.length === 0
      ? null
      : (ctx.ask({
          key: 'network.replicationPath',
          prompt: 'How should RDS reach the box to replicate from it?',
          kind: 'choice',
          choices: [
            { value: 'reverse-tunnel', label: 'Reverse SSH tunnel to a relay in the VPC', consequence: 'Nothing on the box is opened: the box keeps `ssh -R` open to an app instance, RDS replicates from the instance\'s private address. The tunnel must stay up until the switch; SSH to that instance is admitted from the box\'s address only.' },
            { value: 'box-allow-list', label: 'Allow-list RDS on the box\'s firewall', consequence: 'RDS gets a public address (its egress) and the box\'s firewall admits that one address on the database port; simplest, but the database port on the box is reachable from AWS\'s address range and the address changes if RDS fails over.' },
          ],
          default: 'reverse-tunnel',
          defaultReason: 'The least exposure: neither the box\'s database port nor RDS gets a public address.',
        }) as CopyPath['replication']);
  const moving = caches.some((c) => c.dataMove === 'key-copy');
  const firewalls = [...new Set(replicating.map((d) => inventories.find((i) => i.target.label === d.source.label)?.firewall.tool ?? 'unknown'))];
  if (databases !== null || moving) {
    ctx.decide({
      id: 'network.copy-path',
      area: 'network',
      title: 'How the copy reaches the data stores',
      value: [databases ? `RDS: ${databases}` : null, moving ? 'ElastiCache: ssm-relay' : null, replication ? `replication: ${replication}` : null].filter((x) => x !== null).join('; '),
      reason: [
        'The copy runs on this machine: the box streams its data over SSH and the runner writes it into the target, so the target must be reachable from here.',
        databases === RELAY ? 'RDS stays private: a Session Manager port forward through an app instance carries the copy, and is stopped after the switch.' : databases ? 'RDS is public only for the copy, reachable from the box\'s and your address, with TLS; watch-close-copy-path makes it private again after the switch.' : '',
        moving ? 'ElastiCache is never reachable from outside the VPC: its keys go through the same kind of port forward.' : '',
        replication === 'reverse-tunnel' ? 'Replication: RDS connects to a relay instance that the box reaches with a reverse SSH tunnel.' : replication ? `Replication: the box\'s firewall (${firewalls.join(', ')}) admits RDS\'s address on the database port until the switch.` : '',
      ].filter((x) => x.length > 0).join(' '),
      alternatives: [
        ...(databases === RELAY ? [{ value: 'public-locked', why: 'Faster and nothing to install, but RDS answers from the internet (to two addresses) until the switch.' }] : databases ? [{ value: RELAY, why: 'RDS never public; needs the Session Manager plugin here.' }] : []),
        ...(replication === 'reverse-tunnel' ? [{ value: 'box-allow-list', why: 'No tunnel to keep up, but RDS needs a public address and the box opens its database port to it.' }] : replication ? [{ value: 'reverse-tunnel', why: 'Nothing opened on the box; a tunnel to keep up.' }] : []),
      ],
      warnings: replication === 'box-allow-list' && firewalls.some((f) => f === 'none' || f === 'unknown') ? ['No active firewall was found on the box: its database port may already be open to everyone; close it to everything but RDS\'s address.'] : [],
      answerKey: databases ? 'network.copyPath' : null,
    });
  }
  return { databases, caches: moving ? RELAY : null, replication };
}

export function mapNetwork(ctx: MappingContext, migration: string, dbs: RdsInstance[], caches: CacheCluster[], fileSystems: FileSystem[], inventories: Inventory[]): Network {
  const copyPath = mapCopyPath(ctx, inventories, dbs, caches);
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
  if (copyPath.replication === 'reverse-tunnel') {
    for (const label of new Set(dbs.filter((d) => d.copyMethod === 'replication').map((d) => d.source.label))) app.ingress.push({ port: 22, from: { boxOf: label }, temporary: true, why: `The reverse SSH tunnel from ${label} that RDS replicates through; removed after the switch` });
  }
  const groups: SecurityGroup[] = [app];
  if (dbs.length > 0) {
    const db = sg('db', 'RDS, reachable from the app instances');
    for (const d of dbs) {
      db.ingress.push({ port: d.port, from: { group: 'app' }, temporary: false, why: `${d.engine} from the app instances` });
      if (copyPath.databases === 'public-locked') db.ingress.push({ port: d.port, from: { boxOf: d.source.label }, temporary: true, why: `The copy from ${d.source.label}, over TLS; removed after the switch` });
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
  return { vpc, vpcId, cidr: vpc === 'new' ? '10.20.0.0/16' : null, securityGroups: groups, copyPath };
}
