import * as sdk from '@aws-sdk/client-elastic-load-balancing';
import { AwsFault, required } from '../errors.js';
import type { Out, ServiceDef } from '../service-def.js';
import type { CallContext } from '../world.js';
import { checkIdleTimeout, findLoadBalancer, lbProxies, lbState, type LbRecord } from './load-balancers.js';

const classic = (ctx: CallContext, name: string | undefined) =>
  findLoadBalancer(ctx.world, ctx.account, ctx.region, required(name, 'LoadBalancerName'), 'classic');

function describe(lb: LbRecord): sdk.LoadBalancerDescription {
  const backends = [...lb.classic.backendPolicies].map(([InstancePort, PolicyNames]) => ({ InstancePort, PolicyNames }));
  return {
    LoadBalancerName: lb.name,
    DNSName: lb.dnsName,
    CanonicalHostedZoneName: lb.dnsName,
    CanonicalHostedZoneNameID: lb.zoneId,
    ListenerDescriptions: lb.classic.listeners.map((Listener) => ({ Listener, PolicyNames: [] })),
    Policies: { AppCookieStickinessPolicies: [], LBCookieStickinessPolicies: [], OtherPolicies: lb.classic.policies.map((p) => p.PolicyName!) },
    BackendServerDescriptions: backends,
    AvailabilityZones: lb.subnets.map((_, i) => `${lb.region}${'abc'[i] ?? 'a'}`),
    Subnets: lb.subnets,
    VPCId: lb.vpcId,
    Instances: [],
    HealthCheck: { Target: 'TCP:80', Interval: 10, Timeout: 5, UnhealthyThreshold: 5, HealthyThreshold: 3 },
    SourceSecurityGroup: { OwnerAlias: lb.account, GroupName: 'awseb-lb-sg' },
    SecurityGroups: lb.securityGroups,
    CreatedTime: lb.createdAt,
    Scheme: 'internet-facing',
  };
}

const LAYER7 = new Set(['HTTP', 'HTTPS']);

function checkListener(l: sdk.Listener): void {
  const front = required(l.Protocol, 'Protocol').toUpperCase();
  const back = (l.InstanceProtocol ?? front).toUpperCase();
  if (!['HTTP', 'HTTPS', 'TCP', 'SSL'].includes(front) || !['HTTP', 'HTTPS', 'TCP', 'SSL'].includes(back)) {
    throw new AwsFault('ValidationError', `Invalid protocol ${front}/${back}`, 400);
  }
  if (LAYER7.has(front) !== LAYER7.has(back)) {
    throw new AwsFault('InvalidConfigurationRequest', `Listener protocol ${front} cannot be used with instance protocol ${back}: HTTP/HTTPS front ends need HTTP/HTTPS back ends, TCP/SSL need TCP/SSL.`, 409);
  }
  if ((front === 'HTTPS' || front === 'SSL') && !l.SSLCertificateId) {
    throw new AwsFault('CertificateNotFound', `Listener ${front}:${l.LoadBalancerPort} needs an SSLCertificateId`, 400);
  }
}

export const elb: ServiceDef = {
  id: 'elb',
  signingName: 'elasticloadbalancing',
  protocol: 'query',
  queryVersion: '2012-06-01',
  xmlNamespace: 'http://elasticloadbalancing.amazonaws.com/doc/2012-06-01/',
  sdk,
  handlers: {
    DescribeLoadBalancers: (ctx: CallContext, input: sdk.DescribeAccessPointsInput): Out<sdk.DescribeAccessPointsOutput> => {
      const names = input.LoadBalancerNames ?? [];
      const all = names.length
        ? names.map((n) => classic(ctx, n))
        : [...lbState(ctx.world, ctx.account, ctx.region).byName.values()].filter((lb) => lb.kind === 'classic');
      return { LoadBalancerDescriptions: all.map(describe) };
    },

    CreateLoadBalancerListeners: async (ctx: CallContext, input: sdk.CreateLoadBalancerListenerInput) => {
      const lb = classic(ctx, input.LoadBalancerName);
      for (const l of required(input.Listeners, 'Listeners')) {
        checkListener(l);
        const existing = lb.classic.listeners.find((x) => x.LoadBalancerPort === l.LoadBalancerPort);
        if (existing && (existing.Protocol !== l.Protocol || existing.InstancePort !== l.InstancePort)) {
          throw new AwsFault('DuplicateListener', `A listener already exists for ${lb.name} with LoadBalancerPort ${l.LoadBalancerPort}, but with a different InstancePort, Protocol, or SSLCertificateId`, 400);
        }
      }
      for (const l of input.Listeners!) {
        if (!lb.classic.listeners.some((x) => x.LoadBalancerPort === l.LoadBalancerPort)) {
          lb.classic.listeners.push({ ...l, Protocol: l.Protocol!.toUpperCase(), InstanceProtocol: (l.InstanceProtocol ?? l.Protocol)!.toUpperCase() });
        }
      }
      await lbProxies(ctx.world).sync(lb);
    },

    DeleteLoadBalancerListeners: async (ctx: CallContext, input: sdk.DeleteLoadBalancerListenerInput) => {
      const lb = classic(ctx, input.LoadBalancerName);
      const ports = new Set(required(input.LoadBalancerPorts, 'LoadBalancerPorts'));
      lb.classic.listeners = lb.classic.listeners.filter((l) => !ports.has(l.LoadBalancerPort!));
      await lbProxies(ctx.world).sync(lb);
    },

    DescribeLoadBalancerAttributes: (ctx: CallContext, input: sdk.DescribeLoadBalancerAttributesInput): Out<sdk.DescribeLoadBalancerAttributesOutput> => ({
      LoadBalancerAttributes: classic(ctx, input.LoadBalancerName).classic.attributes,
    }),

    ModifyLoadBalancerAttributes: (ctx: CallContext, input: sdk.ModifyLoadBalancerAttributesInput): Out<sdk.ModifyLoadBalancerAttributesOutput> => {
      const lb = classic(ctx, input.LoadBalancerName);
      const changes = required(input.LoadBalancerAttributes, 'LoadBalancerAttributes');
      if (changes.ConnectionSettings) checkIdleTimeout(changes.ConnectionSettings.IdleTimeout, 'InvalidConfigurationRequest');
      lb.classic.attributes = { ...lb.classic.attributes, ...changes };
      return { LoadBalancerName: lb.name, LoadBalancerAttributes: lb.classic.attributes };
    },

    DescribeLoadBalancerPolicies: (ctx: CallContext, input: sdk.DescribeLoadBalancerPoliciesInput): Out<sdk.DescribeLoadBalancerPoliciesOutput> => {
      const lb = classic(ctx, input.LoadBalancerName);
      const wanted = input.PolicyNames ?? [];
      for (const name of wanted) {
        if (!lb.classic.policies.some((p) => p.PolicyName === name)) throw new AwsFault('PolicyNotFound', `There is no policy with name ${name} for load balancer ${lb.name}`, 400);
      }
      return { PolicyDescriptions: lb.classic.policies.filter((p) => !wanted.length || wanted.includes(p.PolicyName!)) };
    },

    CreateLoadBalancerPolicy: (ctx: CallContext, input: sdk.CreateLoadBalancerPolicyInput) => {
      const lb = classic(ctx, input.LoadBalancerName);
      const name = required(input.PolicyName, 'PolicyName');
      const type = required(input.PolicyTypeName, 'PolicyTypeName');
      if (lb.classic.policies.some((p) => p.PolicyName === name)) throw new AwsFault('DuplicatePolicyName', `Policy ${name} already exists`, 400);
      lb.classic.policies.push({
        PolicyName: name,
        PolicyTypeName: type,
        PolicyAttributeDescriptions: (input.PolicyAttributes ?? []).map((a) => ({ AttributeName: a.AttributeName, AttributeValue: a.AttributeValue })),
      });
    },

    SetLoadBalancerPoliciesForBackendServer: (ctx: CallContext, input: sdk.SetLoadBalancerPoliciesForBackendServerInput) => {
      const lb = classic(ctx, input.LoadBalancerName);
      const names = required(input.PolicyNames, 'PolicyNames');
      for (const name of names) {
        if (!lb.classic.policies.some((p) => p.PolicyName === name)) throw new AwsFault('PolicyNotFound', `There is no policy with name ${name}`, 400);
      }
      lb.classic.backendPolicies.set(required(input.InstancePort, 'InstancePort'), names);
    },
  },
};
