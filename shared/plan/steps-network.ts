/**
 * Provision, networking: the VPC and subnets (default or new), the security groups linking the
 * app instances to the data stores, and the subnet groups RDS and ElastiCache need.
 */

import { resourceName, tags } from '../mapping/names.js';
import type { TargetDesign } from '../schema/design.js';
import type { Action } from '../schema/plan.js';
import { type Json, NOTHING_TO_UNDO, type PlanBuilder, aws, outputName, undoWith } from './builder.js';

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
