import { DescribeApplicationsCommand, DescribeEnvironmentsCommand } from '@aws-sdk/client-elastic-beanstalk';
import { DescribeLoadBalancersCommand as DescribeClassicLoadBalancersCommand } from '@aws-sdk/client-elastic-load-balancing';
import { DescribeLoadBalancersCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { GetAWSDefaultServiceQuotaCommand, GetServiceQuotaCommand } from '@aws-sdk/client-service-quotas';
import type { QuotaCheck } from '../../../shared/schema/aws.js';
import type { AwsClients } from './clients.js';

/** How many new resources of each kind a plan will create. */
export interface QuotaNeeds {
  environments?: number;
  applications?: number;
  dbInstances?: number;
  applicationLoadBalancers?: number;
  classicLoadBalancers?: number;
}

export const DEFAULT_NEEDS: Required<QuotaNeeds> = { environments: 1, applications: 1, dbInstances: 1, applicationLoadBalancers: 1, classicLoadBalancers: 0 };

interface QuotaSpec {
  need: keyof QuotaNeeds;
  serviceCode: string;
  quotaCode: string;
  name: string;
  count(clients: AwsClients): Promise<number>;
}

async function countPages<T>(fetch: (token?: string) => Promise<{ items: T[]; next?: string }>): Promise<number> {
  let total = 0;
  let token: string | undefined;
  do {
    const page = await fetch(token);
    total += page.items.length;
    token = page.next;
  } while (token);
  return total;
}

const QUOTAS: QuotaSpec[] = [
  {
    need: 'environments',
    serviceCode: 'elasticbeanstalk',
    quotaCode: 'L-8EFC1C51',
    name: 'Environments',
    count: (c) =>
      countPages(async (NextToken) => {
        const r = await c.elasticbeanstalk.send(new DescribeEnvironmentsCommand({ IncludeDeleted: false, ...(NextToken ? { NextToken } : {}) }));
        return { items: r.Environments ?? [], ...(r.NextToken ? { next: r.NextToken } : {}) };
      }),
  },
  {
    need: 'applications',
    serviceCode: 'elasticbeanstalk',
    quotaCode: 'L-1CEABD17',
    name: 'Applications',
    count: async (c) => (await c.elasticbeanstalk.send(new DescribeApplicationsCommand({}))).Applications?.length ?? 0,
  },
  {
    need: 'dbInstances',
    serviceCode: 'rds',
    quotaCode: 'L-7B6409FD',
    name: 'DB instances',
    count: (c) =>
      countPages(async (Marker) => {
        const r = await c.rds.send(new DescribeDBInstancesCommand({ ...(Marker ? { Marker } : {}) }));
        return { items: r.DBInstances ?? [], ...(r.Marker ? { next: r.Marker } : {}) };
      }),
  },
  {
    need: 'applicationLoadBalancers',
    serviceCode: 'elasticloadbalancing',
    quotaCode: 'L-53DA6B97',
    name: 'Application Load Balancers per Region',
    count: (c) =>
      countPages(async (Marker) => {
        const r = await c.elbv2.send(new DescribeLoadBalancersCommand({ ...(Marker ? { Marker } : {}) }));
        return { items: (r.LoadBalancers ?? []).filter((lb) => lb.Type === 'application'), ...(r.NextMarker ? { next: r.NextMarker } : {}) };
      }),
  },
  {
    need: 'classicLoadBalancers',
    serviceCode: 'elasticloadbalancing',
    quotaCode: 'L-E9E9831D',
    name: 'Classic Load Balancers per Region',
    count: (c) =>
      countPages(async (Marker) => {
        const r = await c.elb.send(new DescribeClassicLoadBalancersCommand({ ...(Marker ? { Marker } : {}) }));
        return { items: r.LoadBalancerDescriptions ?? [], ...(r.NextMarker ? { next: r.NextMarker } : {}) };
      }),
  },
];

/** The quota in force: the applied value, else (when AWS has none on record) the default. */
async function limitOf(clients: AwsClients, spec: QuotaSpec): Promise<number> {
  const ids = { ServiceCode: spec.serviceCode, QuotaCode: spec.quotaCode };
  try {
    return (await clients.servicequotas.send(new GetServiceQuotaCommand(ids))).Quota!.Value!;
  } catch (err) {
    if ((err as Error).name !== 'NoSuchResourceException') throw err;
    return (await clients.servicequotas.send(new GetAWSDefaultServiceQuotaCommand(ids))).Quota!.Value!;
  }
}

/** Quotas the plan's new resources would exceed, read from Service Quotas and counted in the region. */
export async function checkQuotas(clients: AwsClients, needs: QuotaNeeds = DEFAULT_NEEDS): Promise<QuotaCheck[]> {
  const wanted = QUOTAS.filter((q) => (needs[q.need] ?? 0) > 0);
  return Promise.all(
    wanted.map(async (spec): Promise<QuotaCheck> => {
      const needed = needs[spec.need] ?? 0;
      const base = { serviceCode: spec.serviceCode, quotaCode: spec.quotaCode, name: spec.name, needed };
      const [limit, used] = await Promise.allSettled([limitOf(clients, spec), spec.count(clients)]);
      if (limit.status === 'rejected' || used.status === 'rejected') {
        const err = (limit.status === 'rejected' ? limit.reason : (used as PromiseRejectedResult).reason) as Error;
        return {
          ...base,
          limit: limit.status === 'fulfilled' ? limit.value : null,
          used: used.status === 'fulfilled' ? used.value : null,
          status: 'could-not-verify',
          note: `${err.name}: ${err.message}`,
        };
      }
      return { ...base, limit: limit.value, used: used.value, status: used.value + needed > limit.value ? 'blocks' : 'ok' };
    }),
  );
}
