import * as sdk from '@aws-sdk/client-service-quotas';
import { AwsFault, required } from '../errors.js';
import type { Out, ServiceDef } from '../service-def.js';
import type { CallContext, World } from '../world.js';

interface QuotaSeed {
  serviceCode: string;
  serviceName: string;
  code: string;
  name: string;
  value: number;
  /** Whether GetServiceQuota has an applied value without any request (else only the default). */
  applied: boolean;
}

/** Default quotas (AWS defaults for a new account). */
const SEEDS: QuotaSeed[] = [
  { serviceCode: 'elasticbeanstalk', serviceName: 'AWS Elastic Beanstalk', code: 'L-8EFC1C51', name: 'Environments', value: 200, applied: false },
  { serviceCode: 'elasticbeanstalk', serviceName: 'AWS Elastic Beanstalk', code: 'L-1CEABD17', name: 'Applications', value: 75, applied: false },
  { serviceCode: 'rds', serviceName: 'Amazon Relational Database Service (Amazon RDS)', code: 'L-7B6409FD', name: 'DB instances', value: 40, applied: true },
  { serviceCode: 'elasticloadbalancing', serviceName: 'Elastic Load Balancing (ELB)', code: 'L-53DA6B97', name: 'Application Load Balancers per Region', value: 50, applied: true },
  { serviceCode: 'elasticloadbalancing', serviceName: 'Elastic Load Balancing (ELB)', code: 'L-E9E9831D', name: 'Classic Load Balancers per Region', value: 20, applied: true },
  { serviceCode: 'vpc', serviceName: 'Amazon Virtual Private Cloud (Amazon VPC)', code: 'L-F678F1CE', name: 'VPCs per Region', value: 5, applied: true },
];

/** Values a test set (`double.setQuota`), by `serviceCode/quotaCode`. */
export class QuotaState {
  applied = new Map<string, number>();
}

export const quotaState = (world: World, account: string, region: string) => world.scoped('servicequotas', account, region, () => new QuotaState());

/** The value in force: an applied value if any, else the AWS default. */
export function quotaValue(world: World, account: string, region: string, serviceCode: string, quotaCode: string): number | undefined {
  return quotaState(world, account, region).applied.get(`${serviceCode}/${quotaCode}`) ?? SEEDS.find((s) => s.code === quotaCode)?.value;
}

function describe(ctx: CallContext, seed: QuotaSeed, value: number): sdk.ServiceQuota {
  return {
    ServiceCode: seed.serviceCode,
    ServiceName: seed.serviceName,
    QuotaArn: `arn:aws:servicequotas:${ctx.region}:${ctx.account}:${seed.serviceCode}/${seed.code}`,
    QuotaCode: seed.code,
    QuotaName: seed.name,
    Value: value,
    Unit: 'None',
    Adjustable: true,
    GlobalQuota: false,
  };
}

function seed(serviceCode: string | undefined, quotaCode: string | undefined): QuotaSeed {
  const found = SEEDS.find((s) => s.serviceCode === required(serviceCode, 'ServiceCode') && s.code === required(quotaCode, 'QuotaCode'));
  if (!found) throw new AwsFault('NoSuchResourceException', `The request failed because the specified service or quota does not exist.`, 400);
  return found;
}

export const serviceQuotas: ServiceDef = {
  id: 'servicequotas',
  signingName: 'servicequotas',
  protocol: 'json1.1',
  targetPrefix: 'ServiceQuotasV20190624',
  sdk,
  handlers: {
    GetServiceQuota: (ctx: CallContext, input: sdk.GetServiceQuotaRequest): Out<sdk.GetServiceQuotaResponse> => {
      const s = seed(input.ServiceCode, input.QuotaCode);
      const applied = quotaState(ctx.world, ctx.account, ctx.region).applied.get(`${s.serviceCode}/${s.code}`) ?? (s.applied ? s.value : undefined);
      if (applied === undefined) {
        throw new AwsFault('NoSuchResourceException', 'The request failed because the specified service or quota does not exist.', 400);
      }
      return { Quota: describe(ctx, s, applied) };
    },
    GetAWSDefaultServiceQuota: (ctx: CallContext, input: sdk.GetAWSDefaultServiceQuotaRequest): Out<sdk.GetAWSDefaultServiceQuotaResponse> => {
      const s = seed(input.ServiceCode, input.QuotaCode);
      return { Quota: describe(ctx, s, s.value) };
    },
  },
};
