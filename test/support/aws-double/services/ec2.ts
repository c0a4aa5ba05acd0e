import * as sdk from '@aws-sdk/client-ec2';
import { AwsFault, required } from '../errors.js';
import { ids } from '../ids.js';
import type { Out, ServiceDef } from '../service-def.js';
import { matchesFilters, mergeTags, paginate, type Tag } from '../util.js';
import type { CallContext, World } from '../world.js';

interface Tagged {
  tags: Tag[];
}
interface VpcRecord extends Tagged {
  vpc: sdk.Vpc;
}
interface SubnetRecord extends Tagged {
  subnet: sdk.Subnet;
}
interface GroupRecord extends Tagged {
  group: sdk.SecurityGroup;
  /** What uses the group (an RDS instance, a cache cluster, an environment): blocks deletion. */
  users: Set<string>;
}

export class Ec2State {
  vpcs = new Map<string, VpcRecord>();
  subnets = new Map<string, SubnetRecord>();
  groups = new Map<string, GroupRecord>();
  /** Instances other services launch (Elastic Beanstalk's), with a private address in their subnet. */
  instances = new Map<string, { instance: sdk.Instance; tags: Tag[] }>();

  constructor(account: string, region: string) {
    // Every region of a new account has a default VPC with one default subnet per zone.
    const vpcId = `vpc-${ids.hex(17)}`;
    this.vpcs.set(vpcId, {
      tags: [],
      vpc: { VpcId: vpcId, CidrBlock: '172.31.0.0/16', State: 'available', IsDefault: true, OwnerId: account, InstanceTenancy: 'default', DhcpOptionsId: `dopt-${ids.hex(17)}` },
    });
    ['a', 'b', 'c'].forEach((zone, i) => {
      const subnetId = `subnet-${ids.hex(17)}`;
      this.subnets.set(subnetId, {
        tags: [],
        subnet: {
          SubnetId: subnetId,
          VpcId: vpcId,
          CidrBlock: `172.31.${i * 16}.0/20`,
          AvailabilityZone: `${region}${zone}`,
          AvailabilityZoneId: `use1-az${i + 1}`,
          AvailableIpAddressCount: 4091,
          DefaultForAz: true,
          MapPublicIpOnLaunch: true,
          State: 'available',
          OwnerId: account,
          SubnetArn: `arn:aws:ec2:${region}:${account}:subnet/${subnetId}`,
        },
      });
    });
    this.addGroup(account, vpcId, 'default', 'default VPC security group', []);
  }

  addGroup(account: string, vpcId: string, name: string, description: string, tags: Tag[]): GroupRecord {
    const groupId = `sg-${ids.hex(17)}`;
    const record: GroupRecord = {
      tags,
      users: new Set(),
      group: {
        GroupId: groupId,
        GroupName: name,
        Description: description,
        VpcId: vpcId,
        OwnerId: account,
        IpPermissions: [],
        IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      },
    };
    this.groups.set(groupId, record);
    return record;
  }

  addInstance(id: string, subnetId: string, groupIds: string[], tags: Tag[], at: number): void {
    const subnet = this.subnets.get(subnetId)?.subnet;
    const [a = '10', b = '0', c = '0'] = (subnet?.CidrBlock ?? '10.0.0.0/24').split('.');
    const privateIp = `${a}.${b}.${Number(c) + Math.floor(this.instances.size / 250)}.${10 + (this.instances.size % 250)}`;
    this.instances.set(id, {
      tags,
      instance: {
        InstanceId: id,
        InstanceType: 't3.micro',
        State: { Code: 16, Name: 'running' },
        LaunchTime: new Date(at),
        SubnetId: subnetId,
        VpcId: subnet?.VpcId,
        Placement: { AvailabilityZone: subnet?.AvailabilityZone },
        PrivateIpAddress: privateIp,
        SecurityGroups: groupIds.map((GroupId) => ({ GroupId, GroupName: this.groups.get(GroupId)?.group.GroupName })),
      },
    });
  }

  terminateInstance(id: string): void {
    const found = this.instances.get(id);
    if (found) found.instance.State = { Code: 48, Name: 'terminated' };
  }

  defaultVpc(): sdk.Vpc {
    return [...this.vpcs.values()].find((v) => v.vpc.IsDefault)!.vpc;
  }

  subnetsOf(vpcId: string): sdk.Subnet[] {
    return [...this.subnets.values()].filter((s) => s.subnet.VpcId === vpcId).map((s) => s.subnet);
  }

  /** Marks groups as used by a resource; unknown ids are the caller's InvalidParameter. */
  use(groupIds: string[], user: string): void {
    for (const id of groupIds) this.groups.get(id)?.users.add(user);
  }

  release(user: string): void {
    for (const g of this.groups.values()) g.users.delete(user);
  }
}

export const ec2State = (world: World, account: string, region: string) => world.scoped('ec2', account, region, () => new Ec2State(account, region));

const withTags = <T>(value: T, tags: Tag[]) => ({ ...value, Tags: tags });

function group(ctx: CallContext, groupId: string | undefined, groupName?: string): GroupRecord {
  const state = ec2State(ctx.world, ctx.account, ctx.region);
  const found = groupId ? state.groups.get(groupId) : [...state.groups.values()].find((g) => g.group.GroupName === groupName);
  if (!found) throw new AwsFault('InvalidGroup.NotFound', `The security group '${groupId ?? groupName}' does not exist`, 400);
  return found;
}

const ruleKey = (p: sdk.IpPermission, source: string) => `${p.IpProtocol}/${p.FromPort ?? ''}/${p.ToPort ?? ''}/${source}`;

function ruleSources(p: sdk.IpPermission): string[] {
  return [...(p.IpRanges ?? []).map((r) => r.CidrIp ?? ''), ...(p.UserIdGroupPairs ?? []).map((g) => g.GroupId ?? '')];
}

export const ec2: ServiceDef = {
  id: 'ec2',
  signingName: 'ec2',
  protocol: 'ec2',
  xmlNamespace: 'http://ec2.amazonaws.com/doc/2016-11-15/',
  sdk,
  handlers: {
    DescribeVpcs: (ctx: CallContext, input: sdk.DescribeVpcsRequest): Out<sdk.DescribeVpcsResult> => {
      const state = ec2State(ctx.world, ctx.account, ctx.region);
      for (const id of input.VpcIds ?? []) if (!state.vpcs.has(id)) throw new AwsFault('InvalidVpcID.NotFound', `The vpc ID '${id}' does not exist`, 400);
      const all = [...state.vpcs.values()].filter(
        (v) =>
          (!input.VpcIds?.length || input.VpcIds.includes(v.vpc.VpcId!)) &&
          matchesFilters(v, input.Filters, {
            'vpc-id': (r) => r.vpc.VpcId,
            'is-default': (r) => String(r.vpc.IsDefault),
            cidr: (r) => r.vpc.CidrBlock,
            state: (r) => r.vpc.State,
          }, (r) => r.tags),
      );
      const { page, next } = paginate(all, input.NextToken, input.MaxResults);
      return { Vpcs: page.map((v) => withTags(v.vpc, v.tags)), ...(next ? { NextToken: next } : {}) };
    },

    DescribeSubnets: (ctx: CallContext, input: sdk.DescribeSubnetsRequest): Out<sdk.DescribeSubnetsResult> => {
      const state = ec2State(ctx.world, ctx.account, ctx.region);
      for (const id of input.SubnetIds ?? []) {
        if (!state.subnets.has(id)) throw new AwsFault('InvalidSubnetID.NotFound', `The subnet ID '${id}' does not exist`, 400);
      }
      const all = [...state.subnets.values()].filter(
        (s) =>
          (!input.SubnetIds?.length || input.SubnetIds.includes(s.subnet.SubnetId!)) &&
          matchesFilters(s, input.Filters, {
            'vpc-id': (r) => r.subnet.VpcId,
            'subnet-id': (r) => r.subnet.SubnetId,
            'default-for-az': (r) => String(r.subnet.DefaultForAz),
            'availability-zone': (r) => r.subnet.AvailabilityZone,
          }, (r) => r.tags),
      );
      const { page, next } = paginate(all, input.NextToken, input.MaxResults);
      return { Subnets: page.map((s) => withTags(s.subnet, s.tags)), ...(next ? { NextToken: next } : {}) };
    },

    CreateSecurityGroup: (ctx: CallContext, input: sdk.CreateSecurityGroupRequest): Out<sdk.CreateSecurityGroupResult> => {
      const state = ec2State(ctx.world, ctx.account, ctx.region);
      const name = required(input.GroupName, 'GroupName');
      const description = required(input.Description, 'GroupDescription');
      const vpcId = input.VpcId ?? state.defaultVpc().VpcId!;
      if (!state.vpcs.has(vpcId)) throw new AwsFault('InvalidVpcID.NotFound', `The vpc ID '${vpcId}' does not exist`, 400);
      if ([...state.groups.values()].some((g) => g.group.VpcId === vpcId && g.group.GroupName === name)) {
        throw new AwsFault('InvalidGroup.Duplicate', `The security group '${name}' already exists for VPC '${vpcId}'`, 400);
      }
      const tags = (input.TagSpecifications ?? []).filter((t) => t.ResourceType === 'security-group').flatMap((t) => t.Tags ?? []);
      const record = state.addGroup(ctx.account, vpcId, name, description, tags);
      return { GroupId: record.group.GroupId, Tags: tags };
    },

    DescribeInstances: (ctx: CallContext, input: sdk.DescribeInstancesRequest): Out<sdk.DescribeInstancesResult> => {
      const state = ec2State(ctx.world, ctx.account, ctx.region);
      for (const id of input.InstanceIds ?? []) {
        if (!state.instances.has(id)) throw new AwsFault('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`, 400);
      }
      const found = [...state.instances.values()].filter(
        (r) =>
          (!input.InstanceIds?.length || input.InstanceIds.includes(r.instance.InstanceId!)) &&
          matchesFilters(r, input.Filters, { 'instance-id': (x) => x.instance.InstanceId, 'instance-state-name': (x) => x.instance.State?.Name, 'vpc-id': (x) => x.instance.VpcId }, (x) => x.tags),
      );
      // One reservation per instance, as separate launches (Auto Scaling's) give.
      return { Reservations: found.map((r) => ({ ReservationId: `r-${r.instance.InstanceId!.slice(2)}`, OwnerId: ctx.account, Instances: [withTags(r.instance, r.tags)] })) };
    },

    DescribeSecurityGroups: (ctx: CallContext, input: sdk.DescribeSecurityGroupsRequest): Out<sdk.DescribeSecurityGroupsResult> => {
      const state = ec2State(ctx.world, ctx.account, ctx.region);
      for (const id of input.GroupIds ?? []) group(ctx, id);
      const all = [...state.groups.values()].filter(
        (g) =>
          (!input.GroupIds?.length || input.GroupIds.includes(g.group.GroupId!)) &&
          (!input.GroupNames?.length || input.GroupNames.includes(g.group.GroupName!)) &&
          matchesFilters(g, input.Filters, {
            'group-id': (r) => r.group.GroupId,
            'group-name': (r) => r.group.GroupName,
            'vpc-id': (r) => r.group.VpcId,
          }, (r) => r.tags),
      );
      const { page, next } = paginate(all, input.NextToken, input.MaxResults);
      return { SecurityGroups: page.map((g) => withTags(g.group, g.tags)), ...(next ? { NextToken: next } : {}) };
    },

    AuthorizeSecurityGroupIngress: (ctx: CallContext, input: sdk.AuthorizeSecurityGroupIngressRequest): Out<sdk.AuthorizeSecurityGroupIngressResult> => {
      const g = group(ctx, input.GroupId, input.GroupName);
      const permissions = input.IpPermissions ?? [];
      if (permissions.length === 0) throw new AwsFault('MissingParameter', 'The request must contain the parameter IpPermissions', 400);
      const existing = new Set((g.group.IpPermissions ?? []).flatMap((p) => ruleSources(p).map((s) => ruleKey(p, s))));
      const rules: sdk.SecurityGroupRule[] = [];
      for (const p of permissions) {
        for (const pair of p.UserIdGroupPairs ?? []) group(ctx, pair.GroupId);
        for (const source of ruleSources(p)) {
          if (existing.has(ruleKey(p, source))) {
            throw new AwsFault('InvalidPermission.Duplicate', `the specified rule "peer: ${source}, ${p.IpProtocol}, from port: ${p.FromPort}, to port: ${p.ToPort}, ALLOW" already exists`, 400);
          }
          rules.push({
            SecurityGroupRuleId: `sgr-${ids.hex(17)}`,
            GroupId: g.group.GroupId,
            GroupOwnerId: ctx.account,
            IsEgress: false,
            IpProtocol: p.IpProtocol,
            FromPort: p.FromPort,
            ToPort: p.ToPort,
            ...(source.startsWith('sg-') ? { ReferencedGroupInfo: { GroupId: source, UserId: ctx.account } } : { CidrIpv4: source }),
          });
        }
      }
      g.group.IpPermissions = [...(g.group.IpPermissions ?? []), ...permissions];
      return { Return: true, SecurityGroupRules: rules };
    },

    RevokeSecurityGroupIngress: (ctx: CallContext, input: sdk.RevokeSecurityGroupIngressRequest): Out<sdk.RevokeSecurityGroupIngressResult> => {
      const g = group(ctx, input.GroupId, input.GroupName);
      const removed = new Set((input.IpPermissions ?? []).flatMap((p) => ruleSources(p).map((s) => ruleKey(p, s))));
      g.group.IpPermissions = (g.group.IpPermissions ?? [])
        .map((p) => ({
          ...p,
          IpRanges: (p.IpRanges ?? []).filter((r) => !removed.has(ruleKey(p, r.CidrIp ?? ''))),
          UserIdGroupPairs: (p.UserIdGroupPairs ?? []).filter((u) => !removed.has(ruleKey(p, u.GroupId ?? ''))),
        }))
        .filter((p) => ruleSources(p).length > 0);
      return { Return: true };
    },

    DeleteSecurityGroup: (ctx: CallContext, input: sdk.DeleteSecurityGroupRequest): Out<sdk.DeleteSecurityGroupResult> => {
      const state = ec2State(ctx.world, ctx.account, ctx.region);
      const g = group(ctx, input.GroupId, input.GroupName);
      const id = g.group.GroupId!;
      const referenced = [...state.groups.values()].some((o) => o !== g && (o.group.IpPermissions ?? []).some((p) => p.UserIdGroupPairs?.some((u) => u.GroupId === id)));
      if (g.group.GroupName === 'default') throw new AwsFault('CannotDelete', `the specified group: "${id}" name: "default" cannot be deleted by a user`, 400);
      if (g.users.size > 0 || referenced) throw new AwsFault('DependencyViolation', `resource ${id} has a dependent object`, 400);
      state.groups.delete(id);
      return { Return: true, GroupId: id };
    },

    CreateTags: (ctx: CallContext, input: sdk.CreateTagsRequest) => {
      const state = ec2State(ctx.world, ctx.account, ctx.region);
      for (const id of required(input.Resources, 'ResourceId')) {
        const record: Tagged | undefined = state.vpcs.get(id) ?? state.subnets.get(id) ?? state.groups.get(id);
        if (!record) throw new AwsFault('InvalidID', `The ID '${id}' is not valid`, 400);
        record.tags = mergeTags(record.tags, input.Tags);
      }
    },
  },
};
