import * as sdk from '@aws-sdk/client-elastic-load-balancing-v2';
import { AwsFault, required } from '../errors.js';
import type { Out, ServiceDef } from '../service-def.js';
import type { CallContext } from '../world.js';
import { checkIdleTimeout, findLoadBalancer, lbState, type LbRecord, type TargetGroupRecord } from './load-balancers.js';

const albs = (ctx: CallContext) => [...lbState(ctx.world, ctx.account, ctx.region).byName.values()].filter((lb) => lb.kind === 'application');

function describe(lb: LbRecord): sdk.LoadBalancer {
  return {
    LoadBalancerArn: lb.arn,
    DNSName: lb.dnsName,
    CanonicalHostedZoneId: lb.zoneId,
    CreatedTime: lb.createdAt,
    LoadBalancerName: lb.name,
    Scheme: 'internet-facing',
    VpcId: lb.vpcId,
    State: { Code: lb.active ? 'active' : 'provisioning' },
    Type: 'application',
    AvailabilityZones: lb.subnets.map((SubnetId, i) => ({ SubnetId, ZoneName: `${lb.region}${'abc'[i] ?? 'a'}` })),
    SecurityGroups: lb.securityGroups,
    IpAddressType: 'ipv4',
  };
}

function targetGroup(ctx: CallContext, arn: string | undefined): TargetGroupRecord {
  const wanted = required(arn, 'TargetGroupArn');
  const found = albs(ctx).flatMap((lb) => lb.application.targetGroups).find((t) => t.group.TargetGroupArn === wanted);
  if (!found) throw new AwsFault('TargetGroupNotFound', `Target groups '${wanted}' not found`, 400);
  return found;
}

const asAttributes = (map: Map<string, string>): sdk.TargetGroupAttribute[] => [...map].map(([Key, Value]) => ({ Key, Value }));

function applyAttributes(map: Map<string, string>, changes: { Key?: string; Value?: string }[] | undefined): void {
  for (const { Key, Value } of required(changes, 'Attributes')) {
    if (!Key || !map.has(Key)) throw new AwsFault('InvalidConfigurationRequest', `Attribute key '${Key}' is not recognized`, 400);
    if (Key === 'idle_timeout.timeout_seconds') checkIdleTimeout(Value, 'ValidationError');
    map.set(Key, Value ?? '');
  }
}

export const elbv2: ServiceDef = {
  id: 'elbv2',
  signingName: 'elasticloadbalancing',
  protocol: 'query',
  queryVersion: '2015-12-01',
  xmlNamespace: 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/',
  sdk,
  handlers: {
    DescribeLoadBalancers: (ctx: CallContext, input: sdk.DescribeLoadBalancersInput): Out<sdk.DescribeLoadBalancersOutput> => {
      const keys = [...(input.LoadBalancerArns ?? []), ...(input.Names ?? [])];
      const found = keys.length ? keys.map((k) => findLoadBalancer(ctx.world, ctx.account, ctx.region, k, 'application')) : albs(ctx);
      return { LoadBalancers: found.map(describe) };
    },

    DescribeListeners: (ctx: CallContext, input: sdk.DescribeListenersInput): Out<sdk.DescribeListenersOutput> => {
      if (input.LoadBalancerArn) {
        return { Listeners: findLoadBalancer(ctx.world, ctx.account, ctx.region, input.LoadBalancerArn, 'application').application.listeners };
      }
      const arns = required(input.ListenerArns, 'LoadBalancerArn');
      const all = albs(ctx).flatMap((lb) => lb.application.listeners);
      return {
        Listeners: arns.map((arn) => {
          const l = all.find((x) => x.ListenerArn === arn);
          if (!l) throw new AwsFault('ListenerNotFound', `Listeners '${arn}' not found`, 400);
          return l;
        }),
      };
    },

    // Only the default actions (a rollback puts up a fixed 503 before the data is copied back).
    ModifyListener: (ctx: CallContext, input: sdk.ModifyListenerInput): Out<sdk.ModifyListenerOutput> => {
      const arn = required(input.ListenerArn, 'ListenerArn');
      const listener = albs(ctx).flatMap((lb) => lb.application.listeners).find((l) => l.ListenerArn === arn);
      if (!listener) throw new AwsFault('ListenerNotFound', `Listeners '${arn}' not found`, 400);
      if (input.DefaultActions) listener.DefaultActions = input.DefaultActions;
      return { Listeners: [listener] };
    },

    DescribeTargetGroups: (ctx: CallContext, input: sdk.DescribeTargetGroupsInput): Out<sdk.DescribeTargetGroupsOutput> => {
      const groups = input.LoadBalancerArn
        ? findLoadBalancer(ctx.world, ctx.account, ctx.region, input.LoadBalancerArn, 'application').application.targetGroups
        : input.TargetGroupArns?.length
          ? input.TargetGroupArns.map((arn) => targetGroup(ctx, arn))
          : albs(ctx).flatMap((lb) => lb.application.targetGroups);
      return { TargetGroups: groups.filter((g) => !input.Names?.length || input.Names.includes(g.group.TargetGroupName!)).map((g) => g.group) };
    },

    DescribeTargetGroupAttributes: (ctx: CallContext, input: sdk.DescribeTargetGroupAttributesInput): Out<sdk.DescribeTargetGroupAttributesOutput> => ({
      Attributes: asAttributes(targetGroup(ctx, input.TargetGroupArn).attributes),
    }),

    ModifyTargetGroupAttributes: (ctx: CallContext, input: sdk.ModifyTargetGroupAttributesInput): Out<sdk.ModifyTargetGroupAttributesOutput> => {
      const group = targetGroup(ctx, input.TargetGroupArn);
      applyAttributes(group.attributes, input.Attributes);
      return { Attributes: asAttributes(group.attributes) };
    },

    DescribeLoadBalancerAttributes: (ctx: CallContext, input: sdk.DescribeLoadBalancerAttributesInput): Out<sdk.DescribeLoadBalancerAttributesOutput> => ({
      Attributes: asAttributes(findLoadBalancer(ctx.world, ctx.account, ctx.region, required(input.LoadBalancerArn, 'LoadBalancerArn'), 'application').application.attributes),
    }),

    ModifyLoadBalancerAttributes: (ctx: CallContext, input: sdk.ModifyLoadBalancerAttributesInput): Out<sdk.ModifyLoadBalancerAttributesOutput> => {
      const lb = findLoadBalancer(ctx.world, ctx.account, ctx.region, required(input.LoadBalancerArn, 'LoadBalancerArn'), 'application');
      applyAttributes(lb.application.attributes, input.Attributes);
      return { Attributes: asAttributes(lb.application.attributes) };
    },
  },
};
