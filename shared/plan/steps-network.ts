/**
 * Provision, networking: the VPC and subnets (default or new), the security groups linking the
 * app instances to the data stores, and the subnet groups RDS and ElastiCache need.
 */

import { resourceName, tags } from '../mapping/names.js';
import type { TargetDesign } from '../schema/design.js';
import type { Action } from '../schema/plan.js';
import { type Json, NOTHING_TO_UNDO, type PlanBuilder, aws, manual, outputName, undoWith } from './builder.js';

type Design = TargetDesign;

function tagSpec(resourceType: string, migration: string): Json {
  return [{ ResourceType: resourceType, Tags: tags(migration) }];
}

/** The default VPC, or one the user reuses: only read, never changed. */
function existingVpc(b: PlanBuilder, vpcId: string | null): void {
  const vpc = vpcId ?? { $ref: 'provision-network.VpcId' };
  const publicFilter = vpcId ? { Name: 'map-public-ip-on-launch', Values: ['true'] } : { Name: 'default-for-az', Values: ['true'] };
  b.add(() => ({
    id: 'provision-network',
    phase: 'provision',
    title: vpcId ? `Find the public subnets of ${vpcId}` : 'Find the default VPC and its subnets',
    why: vpcId ? 'The load balancer, instances and RDS go in the VPC\'s public subnets; ElastiCache may use any of its subnets.' : 'The default VPC has a public subnet in every zone: the load balancer and instances use them, no NAT gateway needed.',
    dependsOn: ['prepare-preflight'],
    actions: [
      ...(vpcId ? [] : [aws('ec2', 'DescribeVpcs', { Filters: [{ Name: 'is-default', Values: ['true'] }] }, { VpcId: 'Vpcs[0].VpcId' })]),
      aws('ec2', 'DescribeSubnets', { Filters: [{ Name: 'vpc-id', Values: [vpc] }, publicFilter] }, { SubnetIds: 'Subnets[].SubnetId', SubnetCsv: "join(',', Subnets[].SubnetId)" }),
      ...(vpcId ? [aws('ec2', 'DescribeSubnets', { Filters: [{ Name: 'vpc-id', Values: [vpc] }] }, { AllSubnetIds: 'Subnets[].SubnetId' })] : []),
    ],
    undo: NOTHING_TO_UNDO('Nothing is created: the VPC is only read.'),
    minutes: [1, 1],
  }));
  b.provide('network.vpcId', 'provision-network', 'VpcId', vpcId ?? undefined);
  b.provide('network.instanceSubnets', 'provision-network', 'SubnetCsv');
  b.provide('network.publicSubnets', 'provision-network', 'SubnetCsv');
  b.provide('network.publicSubnetList', 'provision-network', 'SubnetIds');
  b.provide('network.privateSubnetList', 'provision-network', vpcId ? 'AllSubnetIds' : 'SubnetIds');
}

const SUBNETS = [
  { out: 'PublicA', cidr: '10.20.0.0/20', az: 'AzA', public: true },
  { out: 'PublicB', cidr: '10.20.16.0/20', az: 'AzB', public: true },
  { out: 'PrivateA', cidr: '10.20.128.0/20', az: 'AzA', public: false },
  { out: 'PrivateB', cidr: '10.20.144.0/20', az: 'AzB', public: false },
];

function newVpc(b: PlanBuilder, d: Design, cidr: string): void {
  const m = d.migration.name;
  const ref = (out: string) => ({ $ref: `provision-network.${out}` });
  const actions: Action[] = [
    aws('ec2', 'DescribeAvailabilityZones', { Filters: [{ Name: 'state', Values: ['available'] }] }, { AzA: 'AvailabilityZones[0].ZoneName', AzB: 'AvailabilityZones[1].ZoneName' }),
    aws('ec2', 'CreateVpc', { CidrBlock: cidr, TagSpecifications: tagSpec('vpc', m) }, { VpcId: 'Vpc.VpcId' }),
    aws('ec2', 'ModifyVpcAttribute', { VpcId: ref('VpcId'), EnableDnsHostnames: { Value: true } }),
    aws('ec2', 'CreateInternetGateway', { TagSpecifications: tagSpec('internet-gateway', m) }, { IgwId: 'InternetGateway.InternetGatewayId' }),
    aws('ec2', 'AttachInternetGateway', { InternetGatewayId: ref('IgwId'), VpcId: ref('VpcId') }),
    ...SUBNETS.map((s) => aws('ec2', 'CreateSubnet', { VpcId: ref('VpcId'), CidrBlock: s.cidr, AvailabilityZone: ref(s.az), TagSpecifications: tagSpec('subnet', m) }, { [s.out]: 'Subnet.SubnetId' })),
    ...SUBNETS.filter((s) => s.public).map((s) => aws('ec2', 'ModifySubnetAttribute', { SubnetId: ref(s.out), MapPublicIpOnLaunch: { Value: true } })),
    aws('ec2', 'CreateRouteTable', { VpcId: ref('VpcId'), TagSpecifications: tagSpec('route-table', m) }, { RouteTableId: 'RouteTable.RouteTableId' }),
    aws('ec2', 'CreateRoute', { RouteTableId: ref('RouteTableId'), DestinationCidrBlock: '0.0.0.0/0', GatewayId: ref('IgwId') }),
    ...SUBNETS.filter((s) => s.public).map((s) => aws('ec2', 'AssociateRouteTable', { RouteTableId: ref('RouteTableId'), SubnetId: ref(s.out) })),
  ];
  b.add(() => ({
    id: 'provision-network',
    phase: 'provision',
    title: `Create VPC ${cidr} with public and private subnets in two zones`,
    why: 'A dedicated network: public subnets for the load balancer, instances and RDS (reachable from the box only during the copy), private subnets for ElastiCache.',
    dependsOn: ['prepare-preflight'],
    actions,
    undo: undoWith('Delete the subnets, route table, internet gateway and VPC (after everything inside is gone).', [
      ...SUBNETS.map((s) => aws('ec2', 'DeleteSubnet', { SubnetId: ref(s.out) })),
      aws('ec2', 'DeleteRouteTable', { RouteTableId: ref('RouteTableId') }),
      aws('ec2', 'DetachInternetGateway', { InternetGatewayId: ref('IgwId'), VpcId: ref('VpcId') }),
      aws('ec2', 'DeleteInternetGateway', { InternetGatewayId: ref('IgwId') }),
      aws('ec2', 'DeleteVpc', { VpcId: ref('VpcId') }),
    ]),
    minutes: [2, 5],
  }));
  b.provide('network.vpcId', 'provision-network', 'VpcId');
  b.provide('network.instanceSubnets', 'provision-network', '', { $join: [ref('PublicA'), ',', ref('PublicB')] });
  b.provide('network.publicSubnets', 'provision-network', '', { $join: [ref('PublicA'), ',', ref('PublicB')] });
  b.provide('network.publicSubnetList', 'provision-network', '', [ref('PublicA'), ref('PublicB')]);
  b.provide('network.privateSubnetList', 'provision-network', '', [ref('PrivateA'), ref('PrivateB')]);
}

function securityGroups(b: PlanBuilder, d: Design): void {
  const groups = d.resources.network.securityGroups;
  const ref = (id: string) => ({ $ref: `provision-security-groups.${outputName('GroupId', id)}` });
  b.add(() => ({
    id: 'provision-security-groups',
    phase: 'provision',
    title: `Create security groups ${groups.map((g) => g.name).join(', ')}`,
    why: 'Only the app instances reach the database, cache and file-system ports; the box reaches the database only for the copy, from its own address.',
    actions: [
      ...groups.map((g) => aws('ec2', 'CreateSecurityGroup', { GroupName: g.name, Description: g.description, VpcId: b.use('network.vpcId'), TagSpecifications: tagSpec('security-group', d.migration.name) }, { [outputName('GroupId', g.id)]: 'GroupId' })),
      ...groups.flatMap((g) =>
        g.ingress.map((rule) =>
          aws('ec2', 'AuthorizeSecurityGroupIngress', {
            GroupId: ref(g.id),
            IpPermissions: [
              'group' in rule.from
                ? { IpProtocol: 'tcp', FromPort: rule.port, ToPort: rule.port, UserIdGroupPairs: [{ GroupId: ref(rule.from.group), Description: rule.why }] }
                : { IpProtocol: 'tcp', FromPort: rule.port, ToPort: rule.port, IpRanges: [{ CidrIp: { $join: [b.use(`box:${rule.from.boxOf}.ip`), '/32'] }, Description: rule.why }] },
            ],
          }),
        ),
      ),
    ],
    undo: undoWith('Delete the security groups (after the instances, databases and caches using them are gone).', [...groups].reverse().map((g) => aws('ec2', 'DeleteSecurityGroup', { GroupId: ref(g.id) }))),
    minutes: [1, 2],
  }));
  for (const g of groups) b.provide(`sg:${g.id}.id`, 'provision-security-groups', outputName('GroupId', g.id));
}

function subnetGroups(b: PlanBuilder, d: Design): void {
  const m = d.migration.name;
  if (d.resources.databases.length > 0) {
    const name = resourceName(['skylift', m, 'db'], 255);
    b.add(() => ({
      id: 'provision-db-subnet-group',
      phase: 'provision',
      title: `Create DB subnet group ${name}`,
      why: 'RDS places instances in these subnets; public ones, so the instance can be made reachable from the box (and only the box) for the copy.',
      actions: [aws('rds', 'CreateDBSubnetGroup', { DBSubnetGroupName: name, DBSubnetGroupDescription: `skylift ${m}`, SubnetIds: b.use('network.publicSubnetList'), Tags: tags(m) })],
      undo: undoWith('Delete the DB subnet group.', [aws('rds', 'DeleteDBSubnetGroup', { DBSubnetGroupName: name })]),
      minutes: [1, 1],
    }));
    b.provide('db-subnet-group.name', 'provision-db-subnet-group', '', name);
  }
  if (d.resources.caches.length > 0) {
    const name = resourceName(['skylift', m, 'cache'], 255);
    b.add(() => ({
      id: 'provision-cache-subnet-group',
      phase: 'provision',
      title: `Create cache subnet group ${name}`,
      why: 'ElastiCache nodes live in these subnets and are never reachable from outside the VPC.',
      actions: [aws('elasticache', 'CreateCacheSubnetGroup', { CacheSubnetGroupName: name, CacheSubnetGroupDescription: `skylift ${m}`, SubnetIds: b.use('network.privateSubnetList'), Tags: tags(m) })],
      undo: undoWith('Delete the cache subnet group.', [aws('elasticache', 'DeleteCacheSubnetGroup', { CacheSubnetGroupName: name })]),
      minutes: [1, 1],
    }));
    b.provide('cache-subnet-group.name', 'provision-cache-subnet-group', '', name);
  }
}

export function networkSteps(b: PlanBuilder, d: Design): void {
  const net = d.resources.network;
  if (net.vpc === 'new' && net.cidr) newVpc(b, d, net.cidr);
  else existingVpc(b, net.vpc === 'existing' ? net.vpcId : null);
  securityGroups(b, d);
  subnetGroups(b, d);
}

/** RDS gets a public address only when a chosen path needs one: locked-down copy access, or replication out to the box's allow-list. */
export function rdsPublic(d: Design): boolean {
  const path = d.resources.network.copyPath;
  return path.databases === 'public-locked' || path.replication === 'box-allow-list';
}

interface Forward {
  /** The builder key prefix the copy actions use for the store's address (`rds:<id>`, `cache:<id>`). */
  key: string;
  what: string;
  endpoint: string;
  port: number;
  localPort: number;
}

/** The local port a forward listens on: 10000 above the store's, one apart for each store. */
function forwards(d: Design): Forward[] {
  const path = d.resources.network.copyPath;
  const stores = [
    ...(path.databases === 'ssm-relay' ? d.resources.databases.map((db) => ({ key: `rds:${db.id}`, what: db.identifier, endpoint: `provision-rds-${db.id}.Endpoint`, port: db.port })) : []),
    ...(path.caches === 'ssm-relay' ? d.resources.caches.filter((c) => c.dataMove === 'key-copy').map((c) => ({ key: `cache:${c.id}`, what: c.identifier, endpoint: `provision-cache-${c.id}.Endpoint`, port: c.port })) : []),
  ];
  return stores.map((s, i) => ({ ...s, localPort: 10000 + s.port + i }));
}

function startForward(d: Design, f: Forward): string {
  const parameters = JSON.stringify({ host: [`<${f.endpoint}>`], portNumber: [String(f.port)], localPortNumber: [String(f.localPort)] });
  return `In a terminal on this machine, start and keep open until the switch is watched: \`aws ssm start-session --region ${d.migration.region} --target <copy-open-path.RelayInstance> --document-name AWS-StartPortForwardingSessionToRemoteHost --parameters '${parameters}'\` (values in <…> are step outputs: skylift log shows them). Check: \`nc -z 127.0.0.1 ${f.localPort} && echo open\` prints open; the copy of ${f.what} goes to 127.0.0.1:${f.localPort}.`;
}

function operatorRule(d: Design, verb: 'authorize' | 'revoke'): string[] {
  if (d.resources.network.copyPath.databases !== 'public-locked') return [];
  const ports = [...new Set(d.resources.databases.map((db) => db.port))];
  return ports.map(
    (port) =>
      `${verb === 'authorize' ? 'Admit your own address (this machine runs the copy)' : 'Remove your address'}: \`aws ec2 ${verb}-security-group-ingress --region ${d.migration.region} --group-id <provision-security-groups.${outputName('GroupId', 'db')}> --protocol tcp --port ${port} --cidr "$(curl -fsS https://checkip.amazonaws.com)/32"\`. Check: \`aws ec2 describe-security-groups --region ${d.migration.region} --group-ids <provision-security-groups.${outputName('GroupId', 'db')}> --query 'SecurityGroups[0].IpPermissions[?FromPort==\`${port}\`].IpRanges[].CidrIp'\` ${verb === 'authorize' ? 'lists' : 'no longer lists'} your address.`,
  );
}

/** How RDS reaches the box for replication: commands for the box's firewall, or for the reverse tunnel. */
/** Where the box's reverse tunnel listens on the relay, for its database port. */
export const tunnelPort = (port: number): number => 10000 + port;

function replicationPath(d: Design, open: boolean): string[] {
  const path = d.resources.network.copyPath.replication;
  const dbs = d.resources.databases.filter((db) => db.copyMethod === 'replication');
  if (!path) return [];
  return dbs.map((db) => {
    const port = db.source.port;
    if (path === 'box-allow-list') {
      const ip = `$(getent hosts <provision-rds-${db.id}.Endpoint> | awk '{print $1}')`;
      return open
        ? `On ${db.source.label}, admit RDS's address on port ${port} (ufw: \`ufw allow proto tcp from ${ip} to any port ${port} comment skylift-replication\`; iptables: \`iptables -I INPUT -p tcp -s ${ip} --dport ${port} -m comment --comment skylift-replication -j ACCEPT\`), and make the database listen on that interface. Check: \`ufw status | grep skylift-replication\` (or \`iptables -S INPUT | grep skylift-replication\`) shows the rule.`
        : `On ${db.source.label}, remove the replication rule (ufw: \`ufw status numbered\`, then \`ufw delete <number of the skylift-replication rule>\`; iptables: \`iptables -D INPUT -p tcp -s ${ip} --dport ${port} -m comment --comment skylift-replication -j ACCEPT\`). Check: the rule no longer shows.`;
    }
    const relayPort = tunnelPort(port);
    return open
      ? `On ${db.source.label}, keep a reverse tunnel to the relay open until the switch: \`ssh -N -o ExitOnForwardFailure=yes -o ServerAliveInterval=30 -R 0.0.0.0:${relayPort}:127.0.0.1:${port} ec2-user@<relay public address>\` (the relay is an instance of the app environment: allow GatewayPorts clientspecified in its sshd_config and add the box's key, through Session Manager; admit port ${relayPort} on the app security group from the database security group). RDS replicates from <relay private address>:${relayPort}. Check: on the relay, \`ss -ltn | grep :${relayPort}\` shows the listener.`
      : `On ${db.source.label}, stop the reverse tunnel (end the ssh -R process) and remove the port ${relayPort} rule from the app security group. Check: on the relay, \`ss -ltn | grep :${relayPort}\` shows nothing.`;
  });
}

/** What the copy needs to reach the private data stores: a relay instance found and the forwards started, your address admitted, the replication path opened. */
export function openCopyPathStep(b: PlanBuilder, d: Design): void {
  const fwd = forwards(d);
  const opening = [...operatorRule(d, 'authorize'), ...replicationPath(d, true)];
  if (fwd.length === 0 && opening.length === 0) return;
  const env = d.resources.environments[0];
  const relay = env ? (env.existing?.name ?? env.environmentName) : null;
  const tunnel = d.resources.network.copyPath.replication === 'reverse-tunnel' && d.resources.databases.some((db) => db.copyMethod === 'replication');
  const waitFor = [...d.resources.databases.map((db) => `provision-rds-${db.id}`), ...d.resources.caches.map((c) => `provision-cache-${c.id}`), ...(env ? [`provision-eb-${env.id}`] : []), 'provision-security-groups'].filter((id) => b.has(id));
  b.add(() => ({
    id: 'copy-open-path',
    phase: 'copy',
    title: `Open the copy path: ${[fwd.length > 0 ? `port forwards through ${relay ? `an instance of ${relay}` : 'a relay instance'}` : null, operatorRule(d, 'authorize').length > 0 ? 'your address admitted to RDS' : null, d.resources.network.copyPath.replication ? `replication by ${d.resources.network.copyPath.replication}` : null].filter((x) => x !== null).join(', ')}`,
    why: 'RDS and ElastiCache live inside the VPC, and the copy runs on this machine. The path opened here is the one chosen in the network decision; it closes after the switch (watch-close-copy-relay).',
    dependsOn: waitFor,
    preconditions: fwd.length > 0 ? ['The AWS CLI and its Session Manager plugin are installed on this machine (`session-manager-plugin --version`).'] : [],
    actions: [
      ...(fwd.length === 0 && !tunnel ? [] : relay ? [aws('elasticbeanstalk', 'DescribeEnvironmentResources', { EnvironmentName: relay }, { RelayInstance: 'EnvironmentResources.Instances[0].Id' })] : [manual('No app environment to relay through: launch a small Amazon Linux instance in the VPC with the app security group and the AmazonSSMManagedInstanceCore policy; its instance id is the RelayInstance below. Check: `aws ssm describe-instance-information` lists it as Online.')]),
      // RDS replicates from the relay's private address, where the box's reverse tunnel ends.
      ...(tunnel && relay ? [aws('ec2', 'DescribeInstances', { InstanceIds: [{ $ref: 'copy-open-path.RelayInstance' }] }, { RelayPrivateIp: 'Reservations[0].Instances[0].PrivateIpAddress' })] : []),
      ...fwd.map((f) => manual(startForward(d, f))),
      ...opening.map(manual),
    ],
    undo: undoWith('Close what was opened.', closeActions(d)),
    minutes: [2, 10],
  }));
  // Every copy built from here on (initial, final sync, the copy back in the switch's undo) goes through the forward; the app's settings were built before, with the real endpoint.
  if (tunnel && relay) b.provide('relay.privateIp', 'copy-open-path', 'RelayPrivateIp');
  for (const f of fwd) {
    b.provide(`${f.key}.endpoint`, 'copy-open-path', '', '127.0.0.1');
    b.provide(`${f.key}.port`, 'copy-open-path', '', f.localPort);
  }
}

function closeActions(d: Design): Action[] {
  return [...(forwards(d).length > 0 ? ['Stop the Session Manager port forwards (Ctrl-C in their terminals). Check: `nc -z 127.0.0.1 <local port>` fails for each.'] : []), ...operatorRule(d, 'revoke'), ...replicationPath(d, false)].map(manual);
}

/** After the switch nothing outside the VPC needs the stores: the relay, your address and the replication path close (the copy-back of a rollback reopens them). */
export function closeCopyPathStep(b: PlanBuilder, d: Design): void {
  if (!b.has('copy-open-path')) return;
  b.add(() => ({
    id: 'watch-close-copy-relay',
    phase: 'watch',
    title: 'Close the copy relay and the replication path',
    why: 'The data is on AWS and writes land there; a forward, an admitted address or an open database port left behind is exposure for nothing.',
    dependsOn: ['switch-dns', 'copy-open-path'],
    actions: closeActions(d),
    undo: undoWith('Reopen the path: needed before the copy back to the box in the switch-dns undo.', [...forwards(d).map((f) => manual(startForward(d, f))), ...[...operatorRule(d, 'authorize'), ...replicationPath(d, true)].map(manual)]),
    manual: true,
    minutes: [1, 5],
  }));
}
