import type * as elb from '@aws-sdk/client-elastic-load-balancing';
import type * as elbv2 from '@aws-sdk/client-elastic-load-balancing-v2';
import { AwsFault } from '../errors.js';
import { ids } from '../ids.js';
import { LbProxies } from '../proxy/lb-proxy.js';
import type { World } from '../world.js';

/** ELB's canonical hosted zones (for Route 53 aliases); classic and application share them. */
const ELB_ZONES: Record<string, string> = {
  'us-east-1': 'Z35SXDOTRQ7X7K',
  'us-west-2': 'Z1H1FL5HABSF5',
  'eu-west-1': 'Z32O12XQLNTSW2',
  'eu-central-1': 'Z215JYRZR1TBD5',
};

export interface TargetGroupRecord {
  group: elbv2.TargetGroup;
  attributes: Map<string, string>;
}

/** One load balancer, classic or application, whatever created it (an EB environment). */
export interface LbRecord {
  kind: 'classic' | 'application';
  name: string;
  arn: string;
  account: string;
  region: string;
  dnsName: string;
  zoneId: string;
  /** The EB environment whose app backend the proxies forward to. */
  environmentName: string;
  vpcId: string;
  subnets: string[];
  securityGroups: string[];
  createdAt: Date;
  /** Proxies only serve once the load balancer is active. */
  active: boolean;
  /** What the proxies saw, for CloudWatch: one entry per counted event, at virtual time. */
  metrics: { at: number; name: string }[];
  classic: {
    listeners: elb.Listener[];
    attributes: elb.LoadBalancerAttributes;
    policies: elb.PolicyDescription[];
    backendPolicies: Map<number, string[]>;
  };
  application: {
    listeners: elbv2.Listener[];
    attributes: Map<string, string>;
    targetGroups: TargetGroupRecord[];
  };
}

export class LbState {
  byName = new Map<string, LbRecord>();
}

export const lbState = (world: World, account: string, region: string) => world.scoped('lb', account, region, () => new LbState());

/** The proxies standing in for every load balancer of this double. */
export const lbProxies = (world: World) => world.scoped('lb-proxies', '-', null, () => new LbProxies(world));

export const ALB_DEFAULT_ATTRIBUTES: [string, string][] = [
  ['idle_timeout.timeout_seconds', '60'],
  ['deletion_protection.enabled', 'false'],
  ['routing.http2.enabled', 'true'],
  ['routing.http.drop_invalid_header_fields.enabled', 'false'],
];

export const TARGET_GROUP_DEFAULT_ATTRIBUTES: [string, string][] = [
  ['deregistration_delay.timeout_seconds', '300'],
  ['stickiness.enabled', 'false'],
  ['stickiness.type', 'lb_cookie'],
  ['stickiness.lb_cookie.duration_seconds', '86400'],
];

export function createLoadBalancer(
  world: World,
  opts: {
    kind: 'classic' | 'application';
    account: string;
    region: string;
    environmentName: string;
    vpcId: string;
    subnets: string[];
    securityGroups: string[];
    at: number;
    /** Not a load balancer AWS would list (a single instance's own port). */
    hidden?: boolean;
  },
): LbRecord {
  const suffix = `${ids.upper(12)}-${ids.digits(9)}`;
  const name = opts.kind === 'classic' ? `awseb-e-${ids.lower(10)}-AWSEBLoa-${ids.upper(12)}` : `awseb-AWSEB-${ids.upper(12)}`;
  const arnId = ids.hex(16);
  const record: LbRecord = {
    kind: opts.kind,
    name,
    arn:
      opts.kind === 'application'
        ? `arn:aws:elasticloadbalancing:${opts.region}:${opts.account}:loadbalancer/app/${name}/${arnId}`
        : `arn:aws:elasticloadbalancing:${opts.region}:${opts.account}:loadbalancer/${name}`,
    account: opts.account,
    region: opts.region,
    dnsName: `${opts.kind === 'classic' ? name : `awseb--AWSEB-${suffix}`}.${opts.region}.elb.amazonaws.com`.toLowerCase(),
    zoneId: ELB_ZONES[opts.region] ?? 'Z35SXDOTRQ7X7K',
    environmentName: opts.environmentName,
    vpcId: opts.vpcId,
    subnets: opts.subnets,
    securityGroups: opts.securityGroups,
    createdAt: new Date(opts.at),
    active: false,
    metrics: [],
    classic: {
      listeners: [],
      attributes: {
        CrossZoneLoadBalancing: { Enabled: true },
        AccessLog: { Enabled: false },
        ConnectionDraining: { Enabled: true, Timeout: 20 },
        ConnectionSettings: { IdleTimeout: 60 },
      },
      policies: [],
      backendPolicies: new Map(),
    },
    application: { listeners: [], attributes: new Map(ALB_DEFAULT_ATTRIBUTES), targetGroups: [] },
  };
  if (!opts.hidden) lbState(world, opts.account, opts.region).byName.set(name, record);
  return record;
}

export async function deleteLoadBalancer(world: World, lb: LbRecord): Promise<void> {
  lbState(world, lb.account, lb.region).byName.delete(lb.name);
  lb.active = false;
  await lbProxies(world).sync(lb);
}

/** Idle timeout in virtual seconds (ALB attribute, or the classic ConnectionSettings). */
export function idleTimeoutSeconds(lb: LbRecord): number {
  return lb.kind === 'application'
    ? Number(lb.application.attributes.get('idle_timeout.timeout_seconds') ?? 60)
    : (lb.classic.attributes.ConnectionSettings?.IdleTimeout ?? 60);
}

export function findLoadBalancer(world: World, account: string, region: string, nameOrArn: string, kind: LbRecord['kind']): LbRecord {
  const state = lbState(world, account, region);
  const found = [...state.byName.values()].find((lb) => lb.kind === kind && (lb.name === nameOrArn || lb.arn === nameOrArn));
  if (!found) {
    throw kind === 'classic'
      ? new AwsFault('LoadBalancerNotFound', `There is no ACTIVE Load Balancer named '${nameOrArn}'`, 400)
      : new AwsFault('LoadBalancerNotFound', `Load balancers '[${nameOrArn}]' not found`, 400);
  }
  return found;
}

export function checkIdleTimeout(value: string | number | undefined, code: string): void {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 4000) {
    throw new AwsFault(code, `Idle timeout must be an integer between 1 and 4000 seconds, not '${String(value)}'`, 400);
  }
}
